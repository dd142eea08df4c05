"""What the clarify action reads from the conversation before the latest message
(actions/clarify.py): the slots and the question before it, this session only."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker

from actions.clarify import notice_before, previous_slot, previous_topic, question_before


def _user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text}


def _slot(name: str, value: Any) -> Dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def _tracker(events: List[Dict[str, Any]]) -> Tracker:
    return Tracker("someone", {}, events[-1] if events[-1]["event"] == "user" else {}, events, False, None, {}, "")


def test_the_slots_and_question_before_the_latest_message() -> None:
    tracker = _tracker(
        [
            {"event": "session_started"},
            _user("does massage help my neck?"),
            _slot("topic", "out_of_scope"),
            _slot("scope_reason", "other_body_part"),
            _user("and what about my lower back then?"),
            _slot("topic", "effectiveness"),  # set by this turn's answer: not "before"
        ]
    )
    assert previous_slot(tracker, "topic") == "out_of_scope"
    assert notice_before(tracker) == "other_body_part"
    assert question_before(tracker) == "does massage help my neck?"


def test_a_new_session_has_nothing_before() -> None:
    tracker = _tracker(
        [
            _user("how much ibuprofen can I take?"),
            _slot("topic", "out_of_scope"),
            _slot("scope_reason", "medicines"),
            {"event": "session_started"},
            _user("hello again"),
        ]
    )
    assert previous_slot(tracker, "topic") is None and notice_before(tracker) is None
    assert question_before(tracker) is None


def test_after_the_medicines_notice_the_topic_before_is_massage_versus_medication() -> None:
    tracker = _tracker(
        [_user("how much ibuprofen can I take?"), _slot("topic", "out_of_scope"), _slot("scope_reason", "medicines")]
        + [_user("could massage replace it?")]
    )
    assert previous_topic(tracker) == "medication_comparison"
    assert notice_before(tracker) == "medicines"


def test_the_question_before_is_read_as_the_bot_read_it() -> None:
    spanish = {
        "event": "user",
        "text": "¿El masaje ayuda con el dolor de cuello?",
        "parse_data": {"text": "¿the massage helps with the neck pain?", "read_from_language": "spanish"},
    }
    tracker = _tracker([spanish, _slot("topic", "out_of_scope"), _user("¿y la espalda baja?")])
    assert question_before(tracker) == "¿the massage helps with the neck pain?"
