"""Every topic over the REST channel of a real Rasa server, with the real action server."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import yaml

from tests.support.chat import slots_with, texts

CONVERSATIONS = Path(__file__).resolve().parent.parent / "conversations.yml"
SUFFIX = " is answered from the knowledge base"


def topic_questions() -> list[tuple[str, str]]:
    stories = yaml.safe_load(CONVERSATIONS.read_text())["stories"]
    return [
        (s["story"].removesuffix(SUFFIX), s["steps"][0]["user"].strip()) for s in stories if s["story"].endswith(SUFFIX)
    ]


def plain(text: str) -> str:
    """Training-data markup [text](entity) -> text."""
    return re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", text)


@pytest.mark.parametrize(("topic", "question"), topic_questions())
def test_each_topic_gets_a_sourced_answer_and_sets_the_topic(bot, topic: str, question: str) -> None:
    sender = uuid.uuid4().hex
    replies = bot.say(plain(question), sender)
    reply = texts(replies)
    assert "not a diagnosis" in reply.split("\n")[0]  # first reply of the conversation
    assert "\nSources: " in reply and "Evidence: " in reply
    assert bot.slots(sender)["topic"] == topic


def test_a_paraphrase_in_words_the_training_data_never_uses_gets_its_topic(bot) -> None:
    """Read with the sentence vector (components/sentence_featurizer.py): word and character
    counts alone answered this with the causes of back pain."""
    sender = uuid.uuid4().hex
    reply = texts(bot.say("who could I see locally that is properly qualified to rub my lower back?", sender))
    assert bot.slots(sender)["topic"] == "find_therapist"
    assert "\nSources: " in reply


def test_sources_follow_up_and_topic_unchanged(bot) -> None:
    sender = uuid.uuid4().hex
    bot.say("is massage worth it for a bad back", sender)
    reply = texts(bot.say("where does that come from?", sender))
    assert "Here are the sources" in reply and "Furlan AD" in reply
    assert bot.slots(sender)["topic"] == "effectiveness"


def test_source_request_before_any_answer(bot) -> None:
    assert "nothing to cite" in texts(bot.say("what's your source?"))


def test_off_topic_gets_an_honest_reply_with_topic_buttons(bot) -> None:
    sender = uuid.uuid4().hex
    replies = bot.say("who won the football last night?", sender)
    assert "only answer questions about massage for lower back pain" in texts(replies)
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert 3 <= len(buttons) <= 5
    assert bot.slots(sender)["topic"] == "out_of_scope"


def test_named_entities_fill_their_slots(bot) -> None:
    sender = uuid.uuid4().hex
    bot.say("is it ok to have a massage if I'm on warfarin?", sender)
    assert bot.slots(sender) == slots_with(
        topic="condition_advice", health_condition="blood_thinners", cited_sources=["NCCIH-Massage", "Mayo-Massage"]
    )
    bot.say("what about a deep-tissue massage, what is it like?", sender)
    # The condition named earlier stays remembered for a later follow-up.
    assert bot.slots(sender) == slots_with(
        topic="massage_type_detail",
        massage_type="deep_tissue",
        health_condition="blood_thinners",
        cited_sources=["Cherkin2011", "Majchrzycki2014", "NCCIH-Massage"],
    )


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        # an operation, a broken bone and a disc named in everyday words
        ("I had a hysterectomy in the spring, can I have a lower back massage now?", "recent_surgery"),
        ("is a back massage safe a year after a broken pelvis?", "fracture"),
        ("my doctor says I have a disc hernia at L4, would massage help?", "herniated_disc"),
    ],
)
def test_everyday_names_of_a_condition_fill_its_slot(bot, text: str, condition: str) -> None:
    sender = uuid.uuid4().hex
    bot.say(text, sender)
    slots = bot.slots(sender)
    assert (slots["topic"], slots["health_condition"]) == ("condition_advice", condition)


def test_conversation_is_stored_in_the_sql_tracker_store(bot, servers) -> None:
    import sqlite3

    sender = uuid.uuid4().hex
    bot.say("how often should I get a massage?", sender)
    db = Path(servers.endpoints).with_name("trackers.db")
    with sqlite3.connect(db) as connection:
        rows = connection.execute("select type_name from events where sender_id = ?", (sender,)).fetchall()
    kinds = {row[0] for row in rows}
    assert {"user", "bot", "slot"} <= kinds


def test_a_question_in_spanish_and_a_french_follow_up_get_their_answers(bot) -> None:
    sender = uuid.uuid4().hex
    reply = texts(bot.say("¿Con qué frecuencia debo ir a masajes para la espalda?", sender))
    assert "\nSources: " in reply and "I can only read English" not in reply
    assert reply.startswith("Solo puedo responder en inglés.")  # the answer is in English
    assert bot.slots(sender)["topic"] == "frequency"
    bot.say("¿Y cuánto cuesta?", sender)
    assert bot.slots(sender)["topic"] == "cost_insurance"
    # The conversation keeps the patient's own words; the parse data carries the reading.
    said = [e for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert [e["text"] for e in said] == ["¿Con qué frecuencia debo ir a masajes para la espalda?", "¿Y cuánto cuesta?"]
    assert said[-1]["parse_data"]["read_from_language"] == "spanish"
    assert said[-1]["parse_data"]["text"] == "¿and how much does it cost?"


def test_a_warning_sign_in_french_gets_the_referral(bot) -> None:
    sender = uuid.uuid4().hex
    reply = texts(bot.say("Depuis hier je n'arrive plus à uriner et j'ai très mal au dos", sender)).lower()
    assert "call your local emergency number" in reply and "do not book a massage" in reply
    assert bot.slots(sender)["red_flag_tier"] == "emergency"
