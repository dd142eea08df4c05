"""Feedback on answers: the buttons under an answer and what a rating stores and replies (the
whole reply message and every event)."""

from __future__ import annotations

import json

import pytest

from actions.faq import ActionAnswer
from actions.feedback import ActionRecordFeedback
from actions.resources import CLINIC, MESSAGES
from tests.support.actions import MASSAGE_TYPE_CHOICES, entity, feedback_buttons, only_reply, run, slot, tracker


def test_a_plain_answer_offers_yes_and_no_naming_its_topic() -> None:
    messages, _ = run(ActionAnswer(), tracker("side_effects"))
    _, buttons = only_reply(messages)
    assert buttons == feedback_buttons("side_effects")
    assert [b["title"] for b in buttons] == [MESSAGES["feedback_yes_button"], MESSAGES["feedback_no_button"]]
    intent, _, entities = buttons[0]["payload"][1:].partition("{")
    assert intent == "feedback_helpful"
    assert json.loads("{" + entities) == {"rated_topic": "side_effects"}
    assert buttons[1]["payload"].startswith("/feedback_not_helpful{")


def test_an_answer_with_a_list_to_pick_from_keeps_its_list() -> None:
    messages, _ = run(ActionAnswer(), tracker("massage_type_detail", "tell me about a type of massage"))
    _, buttons = only_reply(messages)
    assert buttons == MASSAGE_TYPE_CHOICES


@pytest.mark.parametrize(
    ("intent", "rating"), [("feedback_helpful", "helpful"), ("feedback_not_helpful", "not_helpful")]
)
def test_a_typed_rating_rates_the_last_answer(intent: str, rating: str) -> None:
    messages, events = run(ActionRecordFeedback(), tracker(intent, "yes", slots={"topic": "frequency"}))
    assert events == [slot("feedback_topic", "frequency"), slot("feedback", rating)]
    text, buttons = only_reply(messages)
    assert text
    assert buttons == ([] if rating == "helpful" else [{"title": "Talk to a person", "payload": "/human_handoff"}])


def test_a_button_rates_the_topic_it_was_under_not_the_latest() -> None:
    t = tracker(
        "feedback_helpful",
        "/feedback_helpful",
        [entity("rated_topic", "effectiveness")],
        slots={"topic": "cost_insurance"},
    )
    _, events = run(ActionRecordFeedback(), t)
    assert events == [slot("feedback_topic", "effectiveness"), slot("feedback", "helpful")]


def test_not_helpful_offers_a_rephrase_and_the_clinic() -> None:
    messages, _ = run(ActionRecordFeedback(), tracker("feedback_not_helpful", "no", slots={"topic": "frequency"}))
    text, buttons = only_reply(messages)
    assert CLINIC.phone in text and CLINIC.name in text
    assert "other words" in text
    assert buttons == [{"title": "Talk to a person", "payload": "/human_handoff"}]


@pytest.mark.parametrize("topic", [None, "out_of_scope", "red_flags"])
def test_nothing_is_recorded_without_a_knowledge_base_answer(topic) -> None:
    messages, events = run(ActionRecordFeedback(), tracker("feedback_not_helpful", "no", slots={"topic": topic}))
    assert events == []
    text, buttons = only_reply(messages)
    assert CLINIC.phone in text
    assert buttons == []


def test_an_unknown_topic_in_a_forged_payload_is_ignored() -> None:
    t = tracker("feedback_helpful", "/feedback_helpful", [entity("rated_topic", "<script>")], slots={"topic": "causes"})
    _, events = run(ActionRecordFeedback(), t)
    assert events == [slot("feedback_topic", "causes"), slot("feedback", "helpful")]
