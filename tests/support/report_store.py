"""A real SQLite tracker store with known conversations, written by Rasa's SQLTrackerStore.

Shared by tests/test_report.py and tests/e2e/test_report_browser.py. The expected numbers
below are worked out by hand from the conversations, not computed by the report's code.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import ListSlot, TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

DAY_1 = datetime(2024, 3, 4, tzinfo=timezone.utc)
DAY_2 = datetime(2024, 3, 5, tzinfo=timezone.utc)
SCRIPT_TEXT = "what's <script>alert(1)</script> the weather tomorrow"

# Each turn: (text, intent, slots set in the turn, actions after it). A sender's list of
# sessions: (start, turns, with a session_started event?).
Turn = tuple[str, str, dict[str, Any], list[str]]
ANSWER = ["action_answer"]
OUT = ["utter_out_of_scope"]
EMERGENCY = ["utter_red_flag_emergency", "action_red_flag_referral"]
URGENT = ["utter_red_flag_urgent", "action_red_flag_referral"]

CONVERSATIONS: dict[str, list[tuple[datetime, bool, list[Turn]]]] = {
    "alice-7f3a9c": [
        (
            DAY_1.replace(hour=9),
            True,
            [
                ("does massage help my back?", "effectiveness", {"topic": "effectiveness"}, ANSWER),
                (
                    "yes, that helped",
                    "feedback_helpful",
                    {"feedback_topic": "effectiveness", "feedback": "helpful"},
                    [],
                ),
                ("where can I park my car?", "out_of_scope", {"topic": "out_of_scope"}, OUT),
                # Unchanged topic: the Rasa server does not set the slot again.
                ("any car park nearby?", "out_of_scope", {}, OUT),
            ],
        ),
        (
            DAY_2.replace(hour=10),
            True,
            [
                ("how often should I get a massage?", "frequency", {"topic": "frequency"}, ANSWER),
                ("is there parking near the clinic?", "nlu_fallback", {"topic": "out_of_scope"}, OUT),
            ],
        ),
    ],
    # No session_started at all: still one conversation.
    "bob-91c2e4": [
        (
            DAY_1.replace(hour=14),
            False,
            [
                ("hello", "greet", {}, ["utter_greet"]),
                ("is massage safe if I'm pregnant?", "precautions", {"topic": "precautions"}, ANSWER),
                (
                    "not really helpful",
                    "feedback_not_helpful",
                    {"feedback_topic": "precautions", "feedback": "not_helpful"},
                    [],
                ),
                ("thanks", "thank", {}, ["utter_thank"]),
            ],
        ),
    ],
    "carol-55de01": [
        (
            DAY_2.replace(hour=11),
            True,
            [
                (
                    "I suddenly can't control my bladder",
                    "red_flag_emergency",
                    {"topic": "red_flags", "red_flag_tier": "emergency"},
                    EMERGENCY,
                ),
                ("can I buy a gift voucher", "out_of_scope", {"topic": "out_of_scope"}, OUT),
                ("do you sell gift vouchers for massage?", "nlu_fallback", {}, OUT),
                (SCRIPT_TEXT, "out_of_scope", {}, OUT),
            ],
        ),
    ],
    "dave-0b1e77": [
        (
            DAY_2.replace(hour=15),
            True,
            [
                (
                    "I have a fever with my back pain",
                    "red_flag_urgent",
                    {"topic": "red_flags", "red_flag_tier": "urgent"},
                    URGENT,
                ),
                ("how much does a massage cost?", "cost_insurance", {"topic": "cost_insurance"}, ANSWER),
                ("great, helpful", "feedback_helpful", {"feedback_topic": "cost_insurance", "feedback": "helpful"}, []),
                ("does massage really work for back pain", "effectiveness", {"topic": "effectiveness"}, ANSWER),
                # `feedback` stays "helpful": only the rated topic changes and is set again.
                ("helpful again", "feedback_helpful", {"feedback_topic": "effectiveness"}, []),
                ("swedish or deep tissue?", "massage_types", {"topic": "massage_types"}, ANSWER),
            ],
        ),
    ],
    "eve-3c4d5e": [
        (
            DAY_2.replace(hour=17),
            True,
            [
                (
                    "numbness around my groin",
                    "red_flag_emergency",
                    {"topic": "red_flags", "red_flag_tier": "emergency"},
                    EMERGENCY,
                ),
            ],
        ),
    ],
}
SENDER_IDS = tuple(CONVERSATIONS)
TEXTS = tuple(text for sessions in CONVERSATIONS.values() for _, _, turns in sessions for text, *_ in turns)

# Worked out by hand from the conversations above.
EXPECTED = {
    "conversations_per_day": {"2024-03-04": 2, "2024-03-05": 4},
    "user_messages": 21,
    "topics": {"effectiveness": 2, "frequency": 1, "precautions": 1, "cost_insurance": 1, "massage_types": 1},
    "feedback": {"effectiveness": (2, 0), "precautions": (0, 1), "cost_insurance": (1, 0)},
    "referrals": {"emergency": 2, "urgent": 1},
    "groups": [
        {"where can I park my car?", "any car park nearby?", "is there parking near the clinic?"},
        {"can I buy a gift voucher", "do you sell gift vouchers for massage?"},
        {SCRIPT_TEXT},
    ],
}


def _events(start: datetime, with_session_start: bool, turns: list[Turn]) -> list[Event]:
    clock = start.timestamp()

    def at() -> float:
        nonlocal clock
        clock += 1.0
        return clock

    events: list[Event] = []
    if with_session_start:
        events += [ActionExecuted("action_session_start", timestamp=at()), SessionStarted(timestamp=at())]
    events.append(ActionExecuted("action_listen", timestamp=at()))
    for text, intent, slots, actions in turns:
        clock += 30
        parse: dict[str, Any] = {"intent": {"name": intent, "confidence": 0.91}, "entities": [], "text": text}
        events.append(UserUttered(text, intent=parse["intent"], parse_data=parse, timestamp=at()))
        # The Rasa server's from_intent slots come before the actions, the action's after.
        for action in actions:
            events.append(ActionExecuted(action, timestamp=at()))
            events.append(BotUttered(f"reply by {action}", timestamp=at()))
        for name, value in slots.items():
            events.append(SlotSet(name, value, timestamp=at()))
        events.append(ActionExecuted("action_listen", timestamp=at()))
    return events


def save(db: Path, conversations: dict[str, list[tuple[datetime, bool, list[Turn]]]] | None = None) -> None:
    """Store the conversations with Rasa's own SQLTrackerStore (creating the schema)."""
    store = SQLTrackerStore(dialect="sqlite", db=str(db))
    slots = [TextSlot(name, mappings=[]) for name in ("topic", "feedback", "feedback_topic", "red_flag_tier")]
    slots.append(ListSlot("suggested_topics", mappings=[]))
    for sender, sessions in (CONVERSATIONS if conversations is None else conversations).items():
        events = [e for start, session_start, turns in sessions for e in _events(start, session_start, turns)]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, slots=slots)))
    store.engine.dispose()


def endpoints_for(tmp_path: Path, db: Path) -> Path:
    path = tmp_path / "endpoints.yml"
    path.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(db)}}))
    return path
