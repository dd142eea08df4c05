"""Names that must agree across files: actions, intents, rules, topic ids, entity values."""
from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk import Action

import actions.faq  # noqa: F401  (registers the actions)
import actions.feedback  # noqa: F401
import actions.safety  # noqa: F401
import actions.slots
from backcare.contract import load_contract

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


def _custom_action_names() -> set[str]:
    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(c) for c in found)) if found else set()

    return {cls().name() for cls in subclasses(Action) if cls.__module__.startswith("actions.")}


def test_domain_lists_exactly_the_registered_custom_actions() -> None:
    assert set(DOMAIN["actions"]) == _custom_action_names()


def test_every_knowledge_topic_is_an_intent_answered_by_action_answer() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text())["rules"]
    answered = {r["steps"][0]["intent"] for r in rules if r["steps"][1].get("action") == "action_answer"}
    topics = set(load_contract().knowledge_topics)
    assert topics <= set(DOMAIN["intents"])
    assert answered == topics


def test_every_entity_value_in_training_data_is_a_canonical_slot_value() -> None:
    contract = load_contract()
    canonical = {"massage_type": set(contract.massage_types), "health_condition": set(contract.health_conditions)}
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            if "synonym" in block:
                value = block["synonym"]
                assert value in canonical["massage_type"] | canonical["health_condition"], (path, value)


def test_every_slot_the_actions_set_is_declared_in_the_domain() -> None:
    names = {v for k, v in vars(actions.slots).items() if k.isupper()}
    assert names and names <= set(DOMAIN["slots"])
