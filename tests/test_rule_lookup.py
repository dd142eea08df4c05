"""patches.py's rule lookup: the trained RulePolicy finds the same rules, predicts the same
action and names the same rule as with Rasa's own check of every rule, on the project's
rules and conversation tests, every held-out message in several conversations, and random
conversations; any difference fails."""

from __future__ import annotations

import asyncio
import logging
import random
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.utils.log_utils import configure_structlog

import patches
from scripts.heldout import BLIND_DIRS, load_blind, load_heldout

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "backcare.tar.gz"
NEW_SESSION: List[Event] = [
    ActionExecuted(ACTION_SESSION_START_NAME),
    SessionStarted(),
    ActionExecuted(ACTION_LISTEN_NAME),
]


class Compared:
    """Runs each prediction step with the patched lookup and with Rasa's own, and counts."""

    def __init__(self, policy: RulePolicy, domain: Domain) -> None:
        self.policy = policy
        self.domain = domain
        self.turns = 0
        self.ties = 0
        self.matched_rules: set = set()
        self.agent: Any = None  # the loaded model's agent

    def _with(self, method: Callable[..., Any], tracker: DialogueStateTracker) -> Any:
        RulePolicy._get_possible_keys = method
        try:
            policy, domain = self.policy, self.domain
            keys = []
            for use_text in (True, False):
                states = policy._prediction_states(
                    tracker, domain, use_text, rule_only_data=policy._get_rule_only_data()
                )
                for lookup in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
                    keys.append(policy._get_possible_keys(policy.lookup.get(lookup, {}), states))
            found = [policy._find_action_from_rules(tracker, domain, use_text) for use_text in (True, False)]
            prediction, source = policy._predict(tracker, domain)
            return keys, found, prediction, source
        finally:
            RulePolicy._get_possible_keys = patches._get_possible_keys

    def check(self, tracker: DialogueStateTracker) -> Any:
        """The prediction (Rasa's); fails if the patched lookup differs in anything."""
        fast = self._with(patches._get_possible_keys, tracker)
        rasa = self._with(patches._GET_POSSIBLE_KEYS[0], tracker)
        assert fast[0] == rasa[0], [tracker.sender_id, [e.as_dict() for e in tracker.events]]
        assert fast[1] == rasa[1], [tracker.sender_id, [e.as_dict() for e in tracker.events]]
        assert fast[2] == rasa[2] and fast[3] == rasa[3], [tracker.sender_id, fast[3], rasa[3]]
        self.turns += 1
        for found in rasa[0][::2]:
            if found:
                longest = max(len(key) for key in found)
                self.ties += sum(len(key) == longest for key in found) > 1
        for action, rule, _ in rasa[1]:
            if action:
                self.matched_rules.add(rule)
        return rasa[2]


@pytest.fixture(scope="module")
def compared() -> Compared:
    assert MODEL.exists(), "run `make train` (make test does it for you)"
    assert RulePolicy._get_possible_keys is patches._get_possible_keys
    configure_structlog(logging.WARNING)  # else Rasa prints every prediction's states
    agent = Agent.load(str(MODEL))
    runner: Any = agent.processor.graph_runner
    policies = [
        node._component for node in runner._instantiated_nodes.values() if isinstance(node._component, RulePolicy)
    ]
    assert len(policies) == 1
    compared = Compared(policies[0], agent.domain)
    compared.agent = agent
    return compared


def _tracker(domain: Domain, sender: str, events: List[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, events, domain.slots)


def _predicted_action(compared: Compared, prediction: Any) -> str:
    return compared.domain.action_names_or_texts[prediction.max_confidence_index]


def _answer_turn(compared: Compared, sender: str, events: List[Event], limit: int = 4) -> List[Event]:
    """Predicts and runs actions (as ActionExecuted) until the policy predicts listening,
    checking every step; returns the events with the bot's turn added."""
    for _ in range(limit):
        prediction = compared.check(_tracker(compared.domain, sender, events))
        action = _predicted_action(compared, prediction)
        events = events + [ActionExecuted(action)]
        if action == ACTION_LISTEN_NAME:
            break
    return events


def test_the_rule_lookup_finds_the_rules_rasa_finds(compared: Compared) -> None:
    domain = compared.domain
    # Every rule of data/rules.yml and every conversation test, at every step.
    importer = TrainingDataImporter.load_from_config(
        config_path=str(ROOT / "config.yml"),
        domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(ROOT / "data"), str(ROOT / "tests" / "conversations.yml")],
    )
    trackers = TrainingDataGenerator(importer.get_stories(), domain, augmentation_factor=0).generate()
    assert len(trackers) > 50
    for tracker in trackers:
        for prior, _ in tracker.generate_all_prior_trackers():
            compared.check(prior)
    rules_and_stories = compared.turns

    # Every held-out message, parsed by the trained model, in a new conversation and after
    # an earlier turn of another kind (an answer, a safety check, a clarification ...).
    agent = compared.agent
    start = list(NEW_SESSION)
    texts = [example.text for example in load_heldout()]
    for directory in BLIND_DIRS:
        examples, follow_ups = load_blind(directory)
        texts += [example.text for example in examples]
        texts += [text for follow_up in follow_ups for text in (follow_up.first, follow_up.text)]
    parses: List[Dict[str, Any]] = [asyncio.run(agent.parse_message(text)) for text in sorted(set(texts))]
    earlier = [start]
    for n, parse in enumerate(parses[:60]):
        earlier.append(
            _answer_turn(
                compared, f"earlier-{n}", start + [UserUttered(parse["text"], parse["intent"], parse["entities"])]
            )
        )
    for n, parse in enumerate(parses):
        user = UserUttered(parse["text"], parse["intent"], parse["entities"], parse_data=parse)
        for context in (start, earlier[1 + n % (len(earlier) - 1)]):
            _answer_turn(compared, f"heldout-{n}", context + [user])

    # Random conversations: any intent and entity, slots set as actions would set them.
    rng = random.Random(13)
    entities = [
        (slot.name, str(value))
        for slot in domain.slots
        if slot.name in ("massage_type", "health_condition")
        for value in (getattr(slot, "values", None) or ["x"])
    ]
    categorical = [slot for slot in domain.slots if getattr(slot, "values", None)]
    for walk in range(300):
        events = list(start)
        for _ in range(rng.randint(1, 5)):
            found = [{"entity": e, "value": v} for e, v in rng.sample(entities, rng.choice([0, 0, 1, 2]))]
            intent = rng.choice(domain.intents)
            events.append(UserUttered("", {"name": intent, "confidence": rng.random()}, found))
            events = _answer_turn(compared, f"walk-{walk}", events)
            if rng.random() < 0.5:
                slot = rng.choice(categorical)
                events.insert(len(events) - 1, SlotSet(slot.name, rng.choice(slot.values)))
    print(
        f"{compared.turns} prediction steps compared ({rules_and_stories} from rules and conversation tests), "
        f"{len(compared.matched_rules)} different rules matched, {compared.ties} with a tie"
    )
    assert compared.turns > 5000
    assert len(compared.matched_rules) >= len(compared.policy.lookup[RULES]) * 0.9


def test_a_turn_checks_only_the_rules_filed_under_its_previous_action(compared: Compared) -> None:
    """The point of the patch: after the user speaks, a few rules are checked, not all."""
    policy = compared.policy
    checked: List[str] = []
    rasa_check = RulePolicy._is_rule_applicable

    def counting(self: RulePolicy, key: str, turn: int, state: Any) -> bool:
        checked.append(key)
        return rasa_check(self, key, turn, state)

    start = list(NEW_SESSION)
    tracker = _tracker(compared.domain, "count", start + [UserUttered("hi", {"name": "greet", "confidence": 1.0})])
    states = policy._prediction_states(tracker, compared.domain, False, rule_only_data=policy._get_rule_only_data())
    RulePolicy._is_rule_applicable = counting
    try:
        found = policy._get_possible_keys(policy.lookup[RULES], states)
    finally:
        RulePolicy._is_rule_applicable = rasa_check
    assert found and len(checked) < len(policy.lookup[RULES]) / 2
