"""Custom actions with rasa_sdk trackers and a CollectingDispatcher: the reply (one message, its
buttons whole) and every event each action returns."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.clarify import THRESHOLDS, decide_turn
from actions.faq import ActionAnswer, ActionShowSources
from actions.resources import CLINIC, KB
from actions.safety import ActionAnswerAfterCheck, ActionRedFlagReferral
from backcare.clarify import Decision, word_count
from backcare.contract import WITH_MESSAGE_BEFORE
from tests.support.actions import (
    CONDITION_CHOICES,
    MASSAGE_TYPE_CHOICES,
    entity,
    feedback_buttons,
    only_reply,
    run,
    slot,
    tracker,
)

PICK_LISTS = {"condition_advice": CONDITION_CHOICES, "massage_type_detail": MASSAGE_TYPE_CHOICES}


@pytest.mark.parametrize("topic", sorted(KB.topics))
def test_every_topic_is_answered_with_evidence_and_sources(topic: str) -> None:
    messages, events = run(ActionAnswer(), tracker(topic))
    entry = KB.topics[topic]
    text, buttons = only_reply(messages)
    assert entry.answer.split(".")[0].format(**CLINIC.placeholders()) in text
    assert "Evidence: " in text and "Sources: " in text
    for key in entry.sources:
        assert KB.sources[key].short() in text
    assert buttons == PICK_LISTS.get(topic, feedback_buttons(topic))
    assert events == [slot("topic", topic), slot("cited_sources", list(entry.sources))]


def test_named_massage_type_is_answered_from_its_own_entry() -> None:
    t = tracker("effectiveness", "does deep tissue work", [entity("massage_type", "deep_tissue")])
    messages, events = run(ActionAnswer(), t)
    text, buttons = only_reply(messages)
    assert KB.massage_types["deep_tissue"].answer[:60] in text
    assert buttons == feedback_buttons("massage_type_detail")
    assert events == [
        slot("topic", "massage_type_detail"),
        slot("cited_sources", ["Cherkin2011", "Majchrzycki2014", "NCCIH-Massage"]),
        slot("massage_type", "deep_tissue"),
    ]


def test_two_named_types_get_the_comparison_answer() -> None:
    t = tracker(
        "massage_type_detail",
        "swedish or deep tissue, which is better?",
        [entity("massage_type", "swedish"), entity("massage_type", "deep_tissue")],
    )
    messages, events = run(ActionAnswer(), t)
    text, buttons = only_reply(messages)
    assert KB.topics["massage_types"].answer[:60] in text
    assert buttons == feedback_buttons("massage_types")
    assert events == [
        slot("topic", "massage_types"),
        slot("cited_sources", ["Yin2014", "Cherkin2011", "Chatchawan2005"]),
    ]


def test_named_condition_wins_over_a_named_type() -> None:
    t = tracker(
        "massage_type_detail",
        "is deep tissue ok when pregnant",
        [entity("massage_type", "deep_tissue"), entity("health_condition", "pregnancy")],
    )
    messages, events = run(ActionAnswer(), t)
    text, buttons = only_reply(messages)
    assert KB.conditions["pregnancy"].answer[:60] in text
    assert buttons == feedback_buttons("condition_advice")
    assert events == [
        slot("topic", "condition_advice"),
        slot("cited_sources", ["MuellerGrunwald2021", "Mayo-Massage", "UHB-Midwife", "NHS-DVT", "NorthernTrust-LBP"]),
        slot("health_condition", "pregnancy"),
    ]


def test_condition_question_without_a_name_offers_the_conditions() -> None:
    messages, events = run(ActionAnswer(), tracker("condition_advice", "I have a health condition"))
    _, buttons = only_reply(messages)
    assert buttons == CONDITION_CHOICES
    assert events == [slot("topic", "condition_advice"), slot("cited_sources", ["Mayo-Massage", "NCCIH-Massage"])]


def test_follow_up_uses_the_remembered_type() -> None:
    t = tracker("massage_type_detail", "tell me more about it", slots={"massage_type": "shiatsu"})
    messages, events = run(ActionAnswer(), t)
    text, buttons = only_reply(messages)
    assert KB.massage_types["shiatsu"].answer[:60] in text
    assert buttons == feedback_buttons("massage_type_detail")
    assert events == [
        slot("topic", "massage_type_detail"),
        slot("cited_sources", ["Robinson2011"]),
        slot("massage_type", "shiatsu"),
    ]


def answered_entry(t: Tracker) -> tuple[str, list[dict[str, object]]]:
    """The opening of the answer ActionAnswer gives, and the events it returns."""
    messages, events = run(ActionAnswer(), t)
    text, _ = only_reply(messages)
    return text, events


def test_a_short_follow_up_to_a_condition_answer_is_answered_for_that_condition() -> None:
    arthritis = KB.conditions["arthritis"]
    for intent, text in (("precautions", "so is it safe for me then?"), ("side_effects", "does it have side effects?")):
        t = tracker(intent, text, slots={"health_condition": "arthritis"}, previous_topic="condition_advice")
        answer, events = answered_entry(t)
        assert arthritis.answer[:60] in answer
        assert events == [
            slot("topic", "condition_advice"),
            slot("cited_sources", list(arthritis.sources)),
            slot("health_condition", "arthritis"),
        ]


def test_a_short_follow_up_to_a_massage_type_answer_is_answered_for_that_type() -> None:
    t = tracker(
        "effectiveness",
        "does it actually help back pain?",
        slots={"massage_type": "reflexology"},
        previous_topic="massage_type_detail",
    )
    answer, events = answered_entry(t)
    assert KB.massage_types["reflexology"].answer[:60] in answer
    assert events[0] == slot("topic", "massage_type_detail") and events[-1] == slot("massage_type", "reflexology")


def test_a_follow_up_carries_no_condition_into_a_topic_it_does_not_refine_or_a_new_question() -> None:
    remembered = {"health_condition": "arthritis"}
    # The cost is the cost, whatever the condition.
    t = tracker("cost_insurance", "how much is it?", slots=remembered, previous_topic="condition_advice")
    assert answered_entry(t)[1][0] == slot("topic", "cost_insurance")
    # After an answer on another topic, or in a long new question, the slot is not carried.
    t = tracker("side_effects", "does it have side effects?", slots=remembered, previous_topic="frequency")
    assert answered_entry(t)[1][0] == slot("topic", "side_effects")
    long = "I have been reading a lot about this online and I keep wondering whether there are any side effects at all"
    t = tracker("side_effects", long, slots=remembered, previous_topic="condition_advice")
    assert answered_entry(t)[1][0] == slot("topic", "side_effects")
    # A newly named condition wins over the remembered one.
    t = tracker(
        "precautions",
        "and if I'm pregnant?",
        [entity("health_condition", "pregnancy")],
        slots=remembered,
        previous_topic="condition_advice",
    )
    assert answered_entry(t)[1][2] == slot("health_condition", "pregnancy")


def test_a_question_which_topic_is_meant_carries_the_condition_in_its_buttons() -> None:
    # After the advice on arthritis the classifier is unsure: the precautions button answers for
    # arthritis, now and when pressed (the turn after a question carries nothing by itself).
    t = tracker(
        "precautions", "is it ok then?", slots={"health_condition": "arthritis"}, previous_topic="condition_advice"
    )
    t.latest_message["intent_ranking"] = [
        {"name": "precautions", "confidence": 0.2},
        {"name": "cost_insurance", "confidence": 0.18},
        {"name": "frequency", "confidence": 0.05},
    ]
    messages, events = run(ActionAnswer(), t)
    _, buttons = only_reply(messages)
    assert [b["title"] for b in buttons[:2]] == [KB.conditions["arthritis"].title, KB.topics["cost_insurance"].title]
    assert buttons[0]["payload"] == '/precautions{"health_condition": "arthritis"}'
    assert events == [slot("topic", "clarify"), slot("suggested_topics", ["precautions", "cost_insurance"])]


def test_web_channel_gets_clickable_sources() -> None:
    messages, events = run(ActionAnswer(), tracker("evidence", channel="socketio"))
    text, _ = only_reply(messages)
    for key in KB.topics["evidence"].sources:
        assert f"]({KB.sources[key].link})" in text
    assert events == [
        slot("topic", "evidence"),
        slot("cited_sources", ["Furlan2015", "Kumar2013", "Cherkin2011", "Walach2003"]),
    ]


def test_sources_follow_up_cites_the_previous_answer_in_full() -> None:
    t = tracker("sources", "what's your source?", slots={"cited_sources": ["Cherkin2011"], "topic": "effectiveness"})
    messages, events = run(ActionShowSources(), t)
    text, buttons = only_reply(messages)
    assert "Cherkin DC" in text and "PMID 21727288" in text
    assert buttons == []
    assert events == []  # topic unchanged


def test_sources_without_a_previous_answer_says_so() -> None:
    messages, events = run(ActionShowSources(), tracker("sources", "source?"))
    text, buttons = only_reply(messages)
    assert "haven't answered" in text
    assert buttons == [] and events == []


def test_emergency_referral_names_the_sign_number_and_sources() -> None:
    t = tracker("red_flag_emergency", "can't feel anything when I wipe", [entity("red_flag_sign", "saddle_numbness")])
    messages, events = run(ActionRedFlagReferral(), t)
    text, buttons = only_reply(messages)
    assert "numbness or tingling around your groin" in text
    assert f"Call {CLINIC.emergency_number} now" in text and "local emergency number" in text
    # The sign's own sources; the general guidance is cited by the fixed referral before it.
    assert "More on this sign:" in text and "Royal Free" in text
    assert "NICE" not in text and "Chou et al." not in text
    assert buttons == []
    # Cited: the sign's own sources, then the general guidance (knowledge/red_flags.yml).
    assert events == [
        slot("topic", "red_flags"),
        slot("red_flag_tier", "emergency"),
        slot("cited_sources", ["NHS-BackPain", "RoyalFree-CES", "Chou2007", "NICE-NG59"]),
    ]


def test_a_sign_with_its_own_advice_says_where_to_go() -> None:
    t = tracker(
        "red_flag_urgent",
        "33 weeks pregnant, back pain coming in waves",
        [entity("red_flag_sign", "pregnancy_warning")],
    )
    messages, events = run(ActionRedFlagReferral(), t)
    text, buttons = only_reply(messages)
    assert "maternity unit" in text
    assert buttons == []
    assert events == [
        slot("topic", "red_flags"),
        slot("red_flag_tier", "urgent"),
        slot("cited_sources", ["UHB-Midwife", "NorthernTrust-LBP", "NICE-NG59", "NHS-BackPain", "Chou2007"]),
    ]


def test_a_typed_yes_to_the_safety_check_names_the_signs_it_asked_about() -> None:
    t = tracker("affirm", "yes")
    t.slots["red_flag_check"] = "numbness around your groin or bottom"
    t.events[:0] = [
        {"event": "user", "text": "feels odd down there"},
        {"event": "action", "name": "utter_red_flag_check_emergency"},
        {"event": "action", "name": "action_listen"},
    ]
    messages, events = run(ActionRedFlagReferral(), t)
    text, buttons = only_reply(messages)
    assert "You mentioned numbness around your groin or bottom" in text
    assert buttons == []
    assert events == [
        slot("topic", "red_flags"),
        slot("red_flag_tier", "emergency"),
        slot("cited_sources", ["NICE-NG59", "NHS-BackPain", "Chou2007"]),
    ]


def test_urgent_referral_gives_the_clinic_phone_and_24_hours() -> None:
    t = tracker("red_flag_urgent", "temperature of 39", [entity("red_flag_sign", "fever")])
    messages, events = run(ActionRedFlagReferral(), t)
    text, buttons = only_reply(messages)
    assert "within 24 hours" in text and CLINIC.phone in text and "a fever" in text
    assert "book" not in text.lower() or "don't" in text.lower()
    assert buttons == []
    assert events == [
        slot("topic", "red_flags"),
        slot("red_flag_tier", "urgent"),
        slot("cited_sources", ["NHS-BackPain", "Chou2007", "Glos-RedFlags", "NICE-NG59"]),
    ]


def test_referral_without_a_recognised_sign_still_refers() -> None:
    messages, events = run(ActionRedFlagReferral(), tracker("red_flag_emergency", "something odd"))
    text, buttons = only_reply(messages)
    assert "the symptoms you describe" in text
    assert buttons == []
    assert events == [
        slot("topic", "red_flags"),
        slot("red_flag_tier", "emergency"),
        slot("cited_sources", ["NICE-NG59", "NHS-BackPain", "Chou2007"]),
    ]


def test_first_answer_of_a_conversation_carries_the_notice() -> None:
    messages, _ = run(ActionAnswer(), tracker("frequency"))
    text, _ = only_reply(messages)
    first_line = text.split("\n")[0]
    assert first_line.startswith("I'm an automated assistant, not a person")
    assert "not a diagnosis" in first_line
    assert CLINIC.emergency_number in first_line and CLINIC.phone in first_line


def test_later_answers_do_not_repeat_the_notice() -> None:
    t = tracker("frequency")
    t.events.insert(0, {"event": "bot", "text": "earlier answer"})
    messages, _ = run(ActionAnswer(), t)
    text, _ = only_reply(messages)
    assert "not a diagnosis" not in text


def test_a_no_to_the_safety_check_answers_the_question_asked_before_it() -> None:
    asked = {
        "intent": {"name": "red_flag_emergency", "confidence": 1.0},
        "intent_ranking": [
            {"name": "red_flag_emergency", "confidence": 1.0},
            {"name": "red_flag_urgent", "confidence": 0.2},
            {"name": "frequency", "confidence": 0.1},
        ],
        "entities": [entity("red_flag_check", "numbness"), entity("red_flag_tier", "check")],
        "text": "my bum feels odd, how often should I get a massage?",
    }
    t = tracker("deny", "no")
    t.events[:0] = [
        {"event": "user", "text": asked["text"], "parse_data": asked},
        {"event": "action", "name": "utter_red_flag_check_emergency"},
        {"event": "bot", "text": "Before I answer, one safety question"},
        {"event": "action", "name": "action_listen"},
    ]
    messages, events = run(ActionAnswerAfterCheck(), t)
    text, buttons = only_reply(messages)
    assert KB.topics["frequency"].answer[:50] in text
    assert buttons == feedback_buttons("frequency")
    assert events == [
        slot("topic", "frequency"),
        slot("cited_sources", ["NICE-NG59", "Furlan2015", "Cherkin2011", "Preyde2000"]),
    ]


def test_a_no_to_a_check_on_a_message_with_no_question_asks_what_to_answer() -> None:
    asked = {
        "intent": {"name": "red_flag_emergency"},
        "entities": [],
        "text": "legs feel odd",
        "intent_ranking": [{"name": "red_flag_emergency"}, {"name": "greet"}],
    }
    t = tracker("deny", "no")
    t.events[:0] = [{"event": "user", "text": "legs feel odd", "parse_data": asked}]
    messages, events = run(ActionAnswerAfterCheck(), t)
    text, buttons = only_reply(messages)
    assert text.startswith("Thanks. What would you like to know")
    assert buttons == [] and events == []


def test_a_long_follow_up_a_follow_up_rule_would_read_is_still_read_with_the_message_before() -> None:
    # The follow-up rules read short follow-ups only; this one has their words ("avoid",
    # "lying") but 30 words: read with the message before, it is the advice on the condition.
    text = (
        "My physio told me to avoid lifting for a while, and that's all. My back is stiff from lying "
        "around so much. So when exactly could I come in for one?"
    )
    t = tracker("how_it_works", text, previous_topic="condition_advice")
    t.latest_message["intent_ranking"] = [
        {"name": "how_it_works", "confidence": 0.5},
        {"name": "when_to_see_doctor", "confidence": 0.2},
        {"name": "condition_advice", "confidence": 0.1},
    ]
    t.latest_message[WITH_MESSAGE_BEFORE] = {"intent_ranking": [{"name": "condition_advice", "confidence": 0.9}]}
    assert word_count(text) > THRESHOLDS.follow_up_max_words
    assert decide_turn(t) == Decision("answer", topic="condition_advice")
