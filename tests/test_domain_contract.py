"""Names that must agree across files: actions, intents, rules, topic ids, entity values, and
the contract names of backcare/contract.py against domain.yml, both ways."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk import Action

# Imported for what importing does: each module registers its actions with rasa_sdk.
import actions.faq
import actions.feedback
import actions.safety  # noqa: F401 - bound only to register the actions (see above)
from backcare.contract import (
    FOLLOW_UP_INTENT,
    RED_FLAG_CHECK_ENTITY,
    RED_FLAG_INTENT,
    RED_FLAG_SIGN_ENTITY,
    RED_FLAG_TIER_ENTITY,
    SCOPE_REASON_OF_INTENT,
    Feedback,
    ScopeReason,
    Slot,
    Tier,
    Topic,
    load_contract,
    names,
)

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


def _custom_action_names() -> set[str]:
    def subclasses(cls: type) -> set[type]:
        found: set[type] = set(cls.__subclasses__())
        return found.union(*(subclasses(c) for c in found)) if found else set()

    return {cls().name() for cls in subclasses(Action) if cls.__module__.startswith("actions.")}


def test_domain_lists_exactly_the_registered_custom_actions() -> None:
    assert set(DOMAIN["actions"]) == _custom_action_names()


def test_every_knowledge_topic_is_an_intent_answered_by_action_answer() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text())["rules"]
    answering = [r for r in rules if r["steps"][-1] == {"action": "action_answer"}]
    assert len(answering) == 1  # one rule, its first step an `or:` of the topics' intents
    answered = [step["intent"] for step in answering[0]["steps"][0]["or"]]
    assert len(answering[0]["steps"]) == 2 and len(answered) == len(set(answered))
    topics = set(load_contract().knowledge_topics)
    assert topics <= set(DOMAIN["intents"])
    # ... and the follow-up about the previous answer, which the same action reads as its topic.
    assert set(answered) == topics | {FOLLOW_UP_INTENT} and FOLLOW_UP_INTENT in DOMAIN["intents"]


def test_every_entity_value_in_training_data_is_a_canonical_slot_value() -> None:
    contract = load_contract()
    canonical = {"massage_type": set(contract.massage_types), "health_condition": set(contract.health_conditions)}
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            if "synonym" in block:
                value = block["synonym"]
                assert value in canonical["massage_type"] | canonical["health_condition"], (path, value)


def _slot_values(slot: str) -> set[str]:
    return set(DOMAIN["slots"][slot]["values"])


def test_the_contracts_slots_are_the_domains_slots() -> None:
    assert set(names(Slot)) == set(DOMAIN["slots"])


def test_the_contracts_topics_scope_reasons_tiers_and_feedback_are_the_domains_slot_values() -> None:
    contract = load_contract()
    assert set(names(Topic)) == _slot_values(Slot.TOPIC) - set(contract.knowledge_topics)
    assert set(names(ScopeReason)) == _slot_values(Slot.SCOPE_REASON) == set(SCOPE_REASON_OF_INTENT.values())
    assert set(names(Tier)) == _slot_values(Slot.RED_FLAG_TIER)
    assert set(names(Feedback)) == _slot_values(Slot.FEEDBACK)


def test_the_red_flag_intents_responses_and_entities_are_in_the_domain() -> None:
    assert list(RED_FLAG_INTENT) == [Tier.EMERGENCY, Tier.URGENT]  # most urgent first
    for tier, intent in RED_FLAG_INTENT.items():
        assert intent in DOMAIN["intents"]
        assert {f"utter_{intent}", f"utter_red_flag_check_{tier}"} <= set(DOMAIN["responses"])
    assert set(SCOPE_REASON_OF_INTENT) <= set(DOMAIN["intents"])
    assert {RED_FLAG_SIGN_ENTITY, RED_FLAG_TIER_ENTITY, RED_FLAG_CHECK_ENTITY} <= set(DOMAIN["entities"])
    tier_mappings = DOMAIN["slots"][Slot.RED_FLAG_TIER]["mappings"]
    assert tier_mappings == [{"type": "from_entity", "entity": RED_FLAG_TIER_ENTITY}] + [
        {"type": "from_intent", "intent": intent, "value": tier} for tier, intent in RED_FLAG_INTENT.items()
    ]
    assert DOMAIN["slots"][Slot.RED_FLAG_CHECK]["mappings"] == [
        {"type": "from_entity", "entity": RED_FLAG_CHECK_ENTITY}
    ]
