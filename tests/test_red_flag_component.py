"""The red-flag screen as a Rasa NLU component: referral, safety check or the classifier's
next-best intent, with the chosen intent first in the ranking (what the SDK reads)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from components.red_flag_screen import RedFlagScreen


@pytest.fixture(scope="module")
def component() -> RedFlagScreen:
    return RedFlagScreen.create(RedFlagScreen.get_default_config(), None, None, None)


def parsed(text: str, ranking: list[tuple[str, float]]) -> Message:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={"text": text, "intent": intents[0], "intent_ranking": intents, "entities": []})


def entities(message: Message) -> dict[str, Any]:
    return {e["entity"]: e["value"] for e in message.get("entities")}


def test_a_recognised_sign_is_referred_with_its_tier(component) -> None:
    message = parsed("since this morning I can't feel my bum when I wipe", [("self_care", 0.6)])
    component.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
    assert entities(message) == {"red_flag_sign": "saddle_numbness", "red_flag_tier": "emergency"}
    assert message.get("intent_ranking")[0]["name"] == "red_flag_emergency"


def test_a_red_flag_the_classifier_is_sure_of_but_the_screen_cannot_confirm_gets_a_check(component) -> None:
    message = parsed(
        "something feels very wrong with my legs since my back went",
        [("red_flag_emergency", 0.7), ("effectiveness", 0.2)],
    )
    component.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
    found = entities(message)
    assert found["red_flag_tier"] == "check" and "both legs" in found["red_flag_check"]


def test_a_weak_red_flag_guess_gives_way_to_the_next_best_intent(component) -> None:
    message = parsed("my lower back is killing me", [("red_flag_urgent", 0.3), ("effectiveness", 0.25)])
    component.process([message])
    assert message.get("intent")["name"] == "effectiveness"
    assert message.get("intent_ranking")[0]["name"] == "effectiveness"
    assert entities(message) == {}


def test_a_sure_guess_without_any_sign_word_is_an_ordinary_pain_story(component) -> None:
    message = parsed(
        "I'm 20 weeks pregnant and my lower back is killing me, am I allowed a massage?",
        [("red_flag_urgent", 0.9), ("condition_advice", 0.05)],
    )
    component.process([message])
    assert message.get("intent")["name"] == "condition_advice"


@pytest.mark.parametrize(
    "text",
    [
        "since my back operation in the spring something is not right, my lower back is sore again",
        "the shape of my back is different to last year and it aches",
        "every cough goes straight to my lower back now",
        "I used to inject and now my lower back is bad",
    ],
)
def test_every_sign_has_words_that_let_a_sure_guess_ask(component, text: str) -> None:
    # Surgery, a changed shape, coughing, injecting: signs the screen cannot confirm here, whose
    # words the classifier's sure guess needs before the bot asks.
    message = parsed(text, [("red_flag_urgent", 0.9), ("effectiveness", 0.05)])
    component.process([message])
    assert entities(message)["red_flag_tier"] == "check"


def test_a_resting_heart_rate_is_not_pain_at_rest(component) -> None:
    message = parsed(
        "my smartwatch says resting heart rate 58, back sore from running",
        [("red_flag_urgent", 0.9), ("effectiveness", 0.05)],
    )
    component.process([message])
    assert message.get("intent")["name"] == "effectiveness" and entities(message) == {}


def test_a_negated_sign_is_not_re_raised_by_the_classifier(component) -> None:
    message = parsed(
        "no numbness, no bladder problems, just a stiff back", [("red_flag_emergency", 0.8), ("effectiveness", 0.1)]
    )
    component.process([message])
    assert message.get("intent")["name"] == "effectiveness"


def test_readings_said_to_be_normal_name_no_sign_for_the_classifiers_guess(component) -> None:
    message = parsed(
        "checked before booking: temperature 36.7, weight the same as last month, lower back just stiff",
        [("red_flag_urgent", 0.9), ("book_appointment", 0.08)],
    )
    component.process([message])
    assert message.get("intent")["name"] == "book_appointment" and entities(message) == {}


def test_a_normal_reading_does_not_hide_other_sign_words_from_the_classifiers_guess(component) -> None:
    message = parsed(
        "temperature normal, but something is off with my legs since my back went",
        [("red_flag_emergency", 0.9), ("effectiveness", 0.05)],
    )
    component.process([message])
    assert entities(message)["red_flag_tier"] == "check"


def test_a_sign_the_writer_explains_is_not_re_raised_by_the_classifier(component) -> None:
    message = parsed(
        "lost a lot of weight on purpose this year, my lower back is just stiff from the garden",
        [("red_flag_urgent", 0.9), ("effectiveness", 0.05)],
    )
    component.process([message])
    assert message.get("intent")["name"] == "effectiveness" and entities(message) == {}


def test_weaker_evidence_of_the_screen_gets_a_check_naming_the_sign(component) -> None:
    message = parsed("my bladder has been acting a bit weird since my back went", [("causes", 0.4)])
    component.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
    found = entities(message)
    assert found["red_flag_tier"] == "check" and "bladder" in found["red_flag_check"]


@pytest.mark.parametrize(
    "text",
    [
        "Ho molto mal di schiena da ieri e non sento più le gambe",
        "Ich habe seit gestern starke Rückenschmerzen und Fieber",
        "腰很痛，两条腿都麻了",
    ],
)
def test_a_message_the_screen_cannot_read_gets_the_safety_check_of_both_tiers(component, text: str) -> None:
    message = parsed(text, [("effectiveness", 0.5), ("out_of_scope", 0.3)])
    component.process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
    assert entities(message) == {"red_flag_tier": "check", "unread_language": "true"}


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("desde ayer no puedo orinar y me duele mucho la espalda", "bladder_bowel"),
        ("J'ai très mal au dos depuis hier et je ne sens plus mes jambes", "leg_weakness"),
    ],
)
def test_a_sign_read_in_another_language_is_referred_not_checked(component, text: str, sign: str) -> None:
    message = parsed(text, [("effectiveness", 0.5)])
    component.process([message])
    assert entities(message) == {"red_flag_sign": sign, "red_flag_tier": "emergency"}


def with_earlier(message: Message, *earlier: str) -> Message:
    message.set("metadata", {"backcare_earlier_messages": list(earlier)})
    return message


def test_a_sign_told_over_two_messages_is_referred_on_the_second(component) -> None:
    message = with_earlier(
        parsed("now my lower back has started hurting, is massage ok?", [("effectiveness", 0.7)]),
        "I had breast cancer a few years ago",
    )
    component.process([message])
    assert message.get("intent")["name"] == "red_flag_urgent"
    assert entities(message) == {"red_flag_sign": "cancer_history", "red_flag_tier": "urgent"}


def test_the_same_messages_parsed_alone_or_with_unrelated_ones_are_not_referred(component) -> None:
    for earlier in [(), ("how much is a session?",), ("my mum had cancer last year",)]:
        message = with_earlier(parsed("now my lower back has started hurting", [("effectiveness", 0.7)]), *earlier)
        component.process([message])
        assert message.get("intent")["name"] == "effectiveness", earlier


def test_a_back_pain_named_before_the_two_messages_read_with_a_sign_counts_as_named(component) -> None:
    sign = "I forgot to say, I'm on steroids for my lungs and it came on sudden when I bent down"
    booking = ("can I book for Saturday morning?", "how much is an hour?")
    back = "my lower back is sore since the weekend"
    message = with_earlier(parsed(sign, [("book_appointment", 0.7)]), back, *booking)
    component.process([message])
    assert message.get("intent")["name"] == "red_flag_urgent"
    assert entities(message) == {"red_flag_sign": "fragility_fracture", "red_flag_tier": "urgent"}
    # With no back pain before, or only another person's history there, nothing is referred:
    # of the messages before the two, only a back pain named counts, not their other words.
    for first in ("is there parking near you?", "my mum collapsed with an aneurysm last year"):
        message = with_earlier(parsed("I feel a bit dizzy today", [("book_appointment", 0.7)]), first, *booking)
        component.process([message])
        assert message.get("intent")["name"] == "book_appointment", first
    message = with_earlier(parsed(sign, [("book_appointment", 0.7)]), "is there parking near you?", *booking)
    component.process([message])
    assert message.get("intent")["name"] != "red_flag_urgent"


def test_the_earlier_messages_are_this_sessions_last_ones_after_the_last_no() -> None:
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

    from components.red_flag_screen import earlier_messages

    said = [
        UserUttered("hello there"),
        SessionStarted(),
        UserUttered("my back has hurt since Monday"),
        UserUttered("I feel a bit feverish"),
        ActionExecuted("utter_red_flag_check_urgent"),
        UserUttered("no", intent={"name": "deny"}),
        UserUttered('/affirm{"x": 1}', intent={"name": "affirm"}),
        UserUttered("it's just from the gardening"),
    ]
    # after the "no" to the check: only what came since (the button's payload is not a message)
    assert earlier_messages(said) == ["it's just from the gardening"]
    # without it: this session's (at most EARLIER_MESSAGES_KEPT), oldest first
    assert earlier_messages(said[:5]) == ["my back has hurt since Monday", "I feel a bit feverish"]
    assert earlier_messages(said[:3]) == ["my back has hurt since Monday"]
    # up to EARLIER_MESSAGES_KEPT: the screen joins the last two, and reads a back pain named before them
    long = [UserUttered(f"message {n}") for n in range(12)]
    assert earlier_messages(long) == [f"message {n}" for n in range(4, 12)]
