"""The warning-sign case sets through the real Rasa server: every sign referred (right
tier or more severe) or met by a safety check that says where to go now; look-alikes
rarely referred; checks rarely asked without a sign. Figures printed for the record
(`make eval` prints them per sign with the misses)."""

from __future__ import annotations

import uuid

from scripts.heldout import load_heldout
from scripts.safety_sets import load_look_alikes, load_sign_cases, outcome
from tests.support.chat import slots_with, texts

# What the safety check says it asked about, for the bladder sign (knowledge/red_flags.yml).
BLADDER_SIGNS = (
    "new problems controlling your bladder or bowels, trouble starting to pee, or not feeling when your bladder is full"
)

SEVERITY = {"none": 0, "check": 1, "urgent": 2, "emergency": 3}


def outcome_of(bot, text: str) -> str:
    sender = uuid.uuid4().hex
    return outcome(texts(bot.say(text, sender)), bot.slots(sender))


def test_every_warning_sign_is_referred_or_checked(bot) -> None:
    cases = load_sign_cases()
    missed, under_triaged = [], []
    for case in cases:
        got = outcome_of(bot, case.text)
        if got == "none":
            missed.append(f"{case.sign}: {case.text}")
        elif got != "check" and SEVERITY[got] < SEVERITY[case.tier]:
            under_triaged.append(f"{case.sign} -> {got}: {case.text}")
    print(f"\nwarning-sign recall {len(cases) - len(missed)}/{len(cases)}, under-triaged {len(under_triaged)}")
    assert not missed and not under_triaged, (missed, under_triaged)


def test_look_alikes_are_rarely_referred_and_checks_rarely_asked(bot) -> None:
    look_alikes = [c.text for c in load_look_alikes()]
    questions = [e.text for e in load_heldout()]
    got = {text: outcome_of(bot, text) for text in look_alikes + questions}
    referred = [t for t in look_alikes if got[t] in ("emergency", "urgent")]
    checked = [t for t, o in got.items() if o == "check"]
    print(f"\nlook-alikes referred {len(referred)}/{len(look_alikes)}; checks without a sign {len(checked)}/{len(got)}")
    assert len(referred) / len(look_alikes) <= 0.03, referred
    assert not [t for t in questions if got[t] in ("emergency", "urgent")]
    assert len(checked) / len(got) <= 0.10, checked


def test_a_suspected_sign_gets_a_check_that_already_says_where_to_go(bot) -> None:
    sender = uuid.uuid4().hex
    replies = bot.say("my bladder has been acting a bit weird since my back went, is deep tissue ok?", sender)
    reply = texts(replies).lower()
    assert "one safety question" in reply and "bladder" in reply
    assert "call your local emergency number now" in reply
    assert [b["title"] for b in replies[-1]["buttons"]] == ["Yes, I have this", "No"]
    assert bot.slots(sender) == slots_with(topic="red_flags", red_flag_tier="check", red_flag_check=BLADDER_SIGNS)
    # The SDK reads the intent the bot acted on from the ranking's first entry.
    latest = bot.tracker(sender)["latest_message"]
    assert latest["intent_ranking"][0]["name"] == latest["intent"]["name"] == "red_flag_emergency"


def test_yes_to_the_check_gets_the_referral(bot) -> None:
    sender = uuid.uuid4().hex
    bot.say("my bladder has been acting a bit weird since my back went", sender)
    reply = texts(bot.say("yes", sender)).lower()
    assert "call your local emergency number" in reply and "do not book a massage" in reply
    assert "you mentioned new problems controlling your bladder" in reply
    # The typed yes carries no sign of its own: the general red-flag guidance is cited.
    assert bot.slots(sender) == slots_with(
        topic="red_flags",
        red_flag_tier="emergency",
        red_flag_check=BLADDER_SIGNS,
        cited_sources=["NICE-NG59", "NHS-BackPain", "Chou2007"],
    )


def test_no_to_the_check_answers_the_question_that_was_asked(bot) -> None:
    sender = uuid.uuid4().hex
    bot.say("my bladder has been acting a bit weird since my back went, how often should I have a massage?", sender)
    reply = texts(bot.say("no", sender))
    assert "do not book a massage" not in reply.lower()
    slots = bot.slots(sender)
    # The answer, or (when the classifier was unsure of the topic) the choice, offering it.
    assert slots["topic"] == "frequency" or (
        slots["topic"] == "clarify" and "frequency" in slots["suggested_topics"]
    ), slots


def test_red_flag_wins_mid_conversation(bot) -> None:
    sender = uuid.uuid4().hex
    bot.say("which massage is best for lower back pain?", sender)
    reply = texts(bot.say("ok book me a deep tissue one. also I've wet myself twice today", sender))
    assert "do not book a massage" in reply.lower()
    assert "bladder" in reply  # the sign named in plain words
    # The sign's own sources first, then the general guidance (knowledge/red_flags.yml).
    assert bot.slots(sender) == slots_with(
        topic="red_flags",
        red_flag_tier="emergency",
        cited_sources=["NHS-BackPain", "RoyalFree-CES", "Chou2007", "NICE-NG59"],
    )


def test_a_sign_told_over_two_messages_is_referred_and_stored_as_typed(bot) -> None:
    sender = uuid.uuid4().hex
    referral = "This needs a doctor's check before any massage"
    # (alone, the history gets at most the safety check: cancer now or before?)
    assert referral not in texts(bot.say("I had breast cancer a few years ago", sender))
    reply = texts(bot.say("now my lower back has started hurting, is massage ok?", sender))
    assert referral in reply and "cancer" in reply.split(referral)[1]  # the sign named
    assert bot.slots(sender)["topic"] == "red_flags" and bot.slots(sender)["red_flag_tier"] == "urgent"
    users = [e for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert [e["text"] for e in users] == [
        "I had breast cancer a few years ago",
        "now my lower back has started hurting, is massage ok?",
    ]
    assert not any("backcare_earlier_messages" in (e.get("metadata") or {}) for e in users)
    # Told once: the next message is not referred again for the same two.
    assert referral not in texts(bot.say("ok thanks, I'll ring my GP", sender))


def test_a_sign_told_three_messages_after_the_back_pain_is_referred(bot) -> None:
    sender = uuid.uuid4().hex
    referral = "This needs a doctor's check before any massage"
    bot.say("my lower back has been sore since Friday", sender)
    bot.say("do you do Saturday appointments?", sender)
    bot.say("how much is an hour?", sender)
    sign = "I forgot to say, I'm on steroids for my lungs and it came on sudden when I bent down"
    reply = texts(bot.say(sign, sender))
    assert referral in reply
    assert bot.slots(sender)["topic"] == "red_flags" and bot.slots(sender)["red_flag_tier"] == "urgent"
    # The same message with no back pain before it in the conversation is not referred.
    other = uuid.uuid4().hex
    bot.say("is there parking near you?", other)
    bot.say("do you do Saturday appointments?", other)
    bot.say("how much is an hour?", other)
    bot.say(sign, other)
    assert bot.slots(other)["red_flag_tier"] != "urgent"


def test_what_a_no_to_the_check_ruled_out_is_not_joined_to_the_next_message(bot) -> None:
    sender = uuid.uuid4().hex
    assert "one safety question" in texts(bot.say("I feel a bit feverish today", sender))
    bot.say("no", sender)
    reply = texts(bot.say("my back aches from the gardening", sender))
    assert "This needs a doctor's check" not in reply and bot.slots(sender)["topic"] != "red_flags"


def test_messages_about_someone_else_then_ones_own_ache_are_not_referred(bot) -> None:
    sender = uuid.uuid4().hex
    bot.say("my mum had cancer last year", sender)
    reply = texts(bot.say("my back's sore from lifting her, can I book a massage?", sender))
    assert "This needs a doctor's check" not in reply and "This could be a sign of a serious problem" not in reply
    assert bot.slots(sender)["topic"] != "red_flags"


def test_a_message_in_another_language_gets_the_safety_check_of_both_tiers(bot) -> None:
    sender = uuid.uuid4().hex
    replies = bot.say("Guten Tag, ich habe seit drei Tagen Rückenschmerzen und fühle mich sehr müde", sender)
    reply = texts(replies)
    assert "I can only read English" in reply
    assert "call your local emergency number now" in reply and "see a doctor today" in reply
    assert [b["title"] for b in replies[-1]["buttons"]] == [
        "Yes: numbness, bladder, legs, chest or sudden pain",
        "Yes: fever, cancer, weight loss or night pain",
        "No",
    ]
    assert bot.slots(sender) == slots_with(topic="red_flags", red_flag_tier="check")
    # A no: the question is asked for in English, and no massage is recommended.
    reply = texts(bot.say("no", sender))
    assert "please ask yours in English" in reply and "Sources:" not in reply


def test_yes_to_the_language_check_gets_the_emergency_referral(bot) -> None:
    sender = uuid.uuid4().hex
    bot.say("Guten Tag, ich habe seit drei Tagen Rückenschmerzen und fühle mich sehr müde", sender)
    reply = texts(bot.say("yes", sender)).lower()
    assert "call your local emergency number" in reply and "do not book a massage" in reply
    assert bot.slots(sender)["red_flag_tier"] == "emergency"
