"""Feedback through the real servers: the buttons under an answer, a click, a typed rating,
and what the stored conversation holds afterwards."""

from __future__ import annotations

import uuid

from tests.support.chat import slots_with, texts


def feedback_events(bot, sender: str) -> list[tuple[str, str]]:
    events = bot.tracker(sender)["events"]
    return [(e["name"], e["value"]) for e in events if e["event"] == "slot" and e["name"].startswith("feedback")]


def test_clicking_yes_under_an_answer_stores_the_rating_of_that_topic(bot) -> None:
    sender = uuid.uuid4().hex
    answer = bot.say("how often should i get a massage for my back?", sender)
    buttons = answer[-1]["buttons"]
    yes = buttons[0]
    assert "helped" in yes["title"]
    # Another question in between: the button still rates the answer it was under.
    bot.say("how much does a session cost?", sender)
    reply = bot.say(yes["payload"], sender)
    assert "Thanks" in texts(reply)
    assert feedback_events(bot, sender) == [("feedback_topic", "frequency"), ("feedback", "helpful")]


def test_a_typed_no_offers_a_rephrase_or_the_clinic_and_is_stored(bot) -> None:
    sender = uuid.uuid4().hex
    bot.say("what are the side effects of massage?", sender)
    reply = bot.say("that didn't help at all", sender)
    assert "other words" in texts(reply)
    assert any(b["payload"] == "/human_handoff" for b in reply[-1].get("buttons", []))
    assert bot.slots(sender) == slots_with(
        topic="side_effects",
        cited_sources=["Cambron2007", "Yin2014", "Mayo-Massage", "NHS-DVT"],
        feedback_topic="side_effects",
        feedback="not_helpful",
    )


def test_a_no_before_any_answer_records_nothing(bot) -> None:
    sender = uuid.uuid4().hex
    reply = bot.say("nope", sender)
    assert "What would you like to know" in texts(reply)
    assert feedback_events(bot, sender) == []
