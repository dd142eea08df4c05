"""Answer, ask which topic is meant, or out of scope (backcare/clarify.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from backcare.clarify import (
    Decision,
    FollowUpReading,
    Outcome,
    Thresholds,
    carried_entity,
    decide,
    follow_up_reading,
    load_back_again,
    load_continuation,
    load_entity_topics,
    load_thresholds,
    load_topic_follow_ups,
    load_vague_opener_topics,
    resolve,
    with_message_before,
    with_previous_answer,
    with_question_sentence,
    without_red_flags,
    word_count,
)
from backcare.contract import ScopeReason
from backcare.knowledge import load_knowledge_base
from backcare.medicine_comparison import load_medicine_comparison
from backcare.scope import Finding

KB = load_knowledge_base()
MEDICINE_COMPARISON = load_medicine_comparison()
TOPICS = frozenset(KB.topics)
TH = Thresholds(
    min_confidence=0.3,
    min_margin=0.1,
    min_choice_confidence=0.12,
    max_choices=3,
    follow_up_max_words=12,
    follow_up_min_share=0.3,
    elliptical_max_words=8,
    general_answer_min_confidence=0.5,
    with_before_min_confidence=0.5,
    with_before_own_min_confidence=0.05,
    with_before_own_max_confidence=0.8,
)


def entry_key(outcome: Outcome) -> str:
    """The key of the knowledge-base entry an answer outcome gives."""
    assert outcome.kind == "answer" and outcome.choice is not None, outcome
    return outcome.choice.entry.key


def test_a_clear_top_topic_is_answered() -> None:
    assert decide([("frequency", 0.8), ("cost_insurance", 0.1)], TOPICS, TH, words=6) == Decision(
        "answer", topic="frequency"
    )


def test_close_topics_are_offered_with_a_third_only_when_likely() -> None:
    ranking = [("benefits", 0.40), ("self_care", 0.35), ("effectiveness", 0.15), ("causes", 0.05)]
    assert decide(ranking, TOPICS, TH, words=8) == Decision(
        "clarify", choices=("benefits", "self_care", "effectiveness")
    )
    ranking = [("benefits", 0.40), ("self_care", 0.35), ("effectiveness", 0.05)]
    assert decide(ranking, TOPICS, TH, words=8).choices == ("benefits", "self_care")


def test_a_red_flag_guess_the_screen_did_not_confirm_does_not_make_the_topic_unsure() -> None:
    # A long pain story the classifier half-read as a warning sign: once the screen finds no
    # sign, the topic is as sure as it would be without that guess, and is answered.
    ranking = [("red_flag_urgent", 0.70), ("effectiveness", 0.25), ("benefits", 0.05)]
    rescaled = without_red_flags(ranking)
    assert [name for name, _ in rescaled] == ["effectiveness", "benefits"]
    assert abs(sum(confidence for _, confidence in rescaled) - 1.0) < 1e-9
    assert decide(rescaled, TOPICS, TH, words=60) == Decision("answer", topic="effectiveness")
    # Without the rescaling the same story would have been asked about.
    assert decide([r for r in ranking if not r[0].startswith("red_flag")], TOPICS, TH, words=60).kind == "clarify"


def test_an_unsure_top_topic_is_asked_about() -> None:
    assert (
        decide([("find_therapist", 0.25), ("out_of_scope", 0.05), ("self_care", 0.04)], TOPICS, TH, words=5).kind
        == "clarify"
    )


def test_a_short_follow_up_stays_on_the_previous_topic() -> None:
    ranking = [("what_to_expect", 0.5), ("find_therapist", 0.3), ("frequency", 0.1)]
    assert decide(ranking, TOPICS, TH, words=6, previous_topic="find_therapist") == Decision(
        "answer", topic="find_therapist"
    )
    # ... but not a long message, nor a previous topic far down the ranking.
    assert decide(ranking, TOPICS, TH, words=20, previous_topic="find_therapist").topic == "what_to_expect"
    assert decide(ranking, TOPICS, TH, words=6, previous_topic="frequency").topic == "what_to_expect"


def test_a_question_about_the_previous_answer_is_answered_on_its_topic() -> None:
    # "how often does that happen?" after the side-effects answer: the classifier is surer it
    # is about the previous answer than about any topic, and its "how often" points at frequency.
    ranking = [("about_previous_answer", 0.55), ("frequency", 0.35), ("side_effects", 0.05), ("causes", 0.05)]
    assert decide(ranking, TOPICS, TH, words=5, previous_topic="side_effects") == Decision(
        "answer", topic="side_effects"
    )
    # ... counted for that topic only: with another previous answer it is that one.
    assert decide(ranking, TOPICS, TH, words=5, previous_topic="self_care") == Decision("answer", topic="self_care")
    # Long messages too: the follow-up's share belongs to the previous topic ...
    merged = with_previous_answer(ranking, "side_effects", TOPICS)
    assert [name for name, _ in merged] == ["side_effects", "frequency", "causes"]
    assert [conf for _, conf in merged] == pytest.approx([0.6, 0.35, 0.05])
    # ... but only when it is the best reading: "how much does that cost?" is the price
    # whatever was answered before.
    cost = [("cost_insurance", 0.5), ("about_previous_answer", 0.4), ("side_effects", 0.1)]
    assert decide(cost, TOPICS, TH, words=5, previous_topic="side_effects") == Decision(
        "answer", topic="cost_insurance"
    )


def test_a_question_about_the_previous_answer_with_none_before_it_is_not_guessed() -> None:
    # "how long does that last?" as a first message (or after a notice, not a topic): the
    # follow-up intent is dropped and the topics keep their own low confidences, so the bot
    # asks which is meant (or says what it covers) instead of answering a guess.
    ranking = [("about_previous_answer", 0.9), ("frequency", 0.06), ("side_effects", 0.04)]
    for previous in (None, "out_of_scope", "clarify"):
        assert with_previous_answer(ranking, previous, TOPICS) == [("frequency", 0.06), ("side_effects", 0.04)]
        assert decide(ranking, TOPICS, TH, words=5, previous_topic=previous) == Decision(
            "clarify", choices=("frequency", "side_effects")
        )
    # A ranking without it is returned as it is.
    assert with_previous_answer([("causes", 0.7), ("frequency", 0.3)], "causes", TOPICS) == [
        ("causes", 0.7),
        ("frequency", 0.3),
    ]


def test_a_follow_up_naming_a_new_condition_or_type_asks_the_same_question_of_it() -> None:
    # "and if it's osteoporosis?" after an answer on sciatica: ranked acute vs chronic first,
    # condition advice far below.
    ranking = [("acute_vs_chronic", 0.6), ("precautions", 0.2), ("condition_advice", 0.1)]
    assert decide(ranking, TOPICS, TH, words=5, previous_topic="condition_advice").topic == "acute_vs_chronic"
    named = {"condition_advice"}
    assert decide(ranking, TOPICS, TH, words=5, previous_topic="condition_advice", entity_topics=named) == Decision(
        "answer", topic="condition_advice"
    )
    # ... not after another topic, nor in a long new question.
    assert decide(ranking, TOPICS, TH, words=5, previous_topic="frequency", entity_topics=named).topic != ("frequency")
    assert decide(ranking, TOPICS, TH, words=20, previous_topic="condition_advice", entity_topics=named).topic == (
        "acute_vs_chronic"
    )


def test_a_follow_up_naming_the_condition_asks_a_price_or_a_booking_as_such() -> None:
    # "how much does a pregnancy massage cost?" after the pregnancy advice: the price, which the
    # condition does not refine (backcare/routing.py); "and if it's osteoporosis?" still not.
    named = {"condition_advice"}
    for top in ("cost_insurance", "book_appointment"):
        ranking = [(top, 0.9), ("condition_advice", 0.05)]
        assert decide(ranking, TOPICS, TH, words=7, previous_topic="condition_advice", entity_topics=named) == (
            Decision("answer", topic=top)
        )
    ranking = [("precautions", 0.6), ("condition_advice", 0.1)]
    assert decide(ranking, TOPICS, TH, words=5, previous_topic="condition_advice", entity_topics=named).topic == (
        "condition_advice"
    )


def test_the_follow_up_entities_name_entities_and_topics_of_the_domain() -> None:
    domain = yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text())
    entity_topics = load_entity_topics()
    assert set(entity_topics) <= set(domain["entities"]) and set(entity_topics.values()) <= TOPICS


ENTITY_TOPICS = load_entity_topics()
REMEMBERED = {"health_condition": "arthritis", "massage_type": "reflexology"}


def carried(
    previous_topic: str | None,
    words: int = 6,
    topic: str | None = None,
    confidence: float = 0.0,
    **named: bool,
) -> tuple[str, str] | None:
    return carried_entity(
        previous_topic,
        words,
        TH,
        names_entity=named.get("entity", False),
        names_other_body_part=named.get("other_body_part", False),
        remembered=REMEMBERED,
        entity_topics=ENTITY_TOPICS,
        topic=topic,
        confidence=confidence,
    )


def test_a_short_follow_up_carries_the_condition_or_type_of_the_previous_answer() -> None:
    assert carried("condition_advice") == ("health_condition", "arthritis")
    assert carried("massage_type_detail") == ("massage_type", "reflexology")
    # ... not when it names a condition or a type of its own, or another body part ...
    assert carried("condition_advice", entity=True) is None
    assert carried("condition_advice", other_body_part=True) is None
    # ... nor in a long message, after another topic, or when no condition was answered.
    assert carried("condition_advice", words=TH.follow_up_max_words) is not None
    assert carried("condition_advice", words=TH.follow_up_max_words + 1) is None
    assert carried("precautions") is None and carried("cost_insurance") is None and carried(None) is None
    no_condition = carried_entity(
        "condition_advice",
        6,
        TH,
        names_entity=False,
        names_other_body_part=False,
        remembered={"health_condition": None, "massage_type": "reflexology"},
        entity_topics=ENTITY_TOPICS,
    )
    assert no_condition is None
    # An overview is never narrowed to the previous answer's one: "which other types are there?"
    assert carried("massage_type_detail", topic="massage_types") is None
    # "any proof?" after reflexology asks for the studies, "should I check with my doctor first?"
    # after the arthritis advice when to see a doctor: the general answers, not the same one again.
    for previous, topic in (("massage_type_detail", "evidence"), ("condition_advice", "when_to_see_doctor")):
        assert carried(previous, topic=topic, confidence=0.9) is None
    # ... unless the classifier is unsure of that reading ("it's fully healed now, scan was clear"
    # after the fracture advice, read as when to see a doctor at 0.27): the same one again.
    assert carried("condition_advice", topic="when_to_see_doctor", confidence=0.3) == ("health_condition", "arthritis")
    # ... while "does it actually help?" after reflexology is still answered for reflexology.
    assert carried("massage_type_detail", topic="effectiveness") == ("massage_type", "reflexology")


def test_the_carried_condition_or_type_chooses_the_entry_of_the_topics_it_refines() -> None:
    # "so is it safe for me then?" (precautions), "does it have side effects?" after arthritis;
    # "does it actually help back pain?" (effectiveness) after reflexology.
    for topic in ("precautions", "side_effects", "acute_vs_chronic"):
        assert entry_key(resolve(Decision("answer", topic=topic), KB, [], condition="arthritis")) == "arthritis"
    effectiveness = Decision("answer", topic="effectiveness")
    assert entry_key(resolve(effectiveness, KB, ["reflexology"], condition=None)) == "reflexology"
    # Topics a named condition or type does not refine stay themselves.
    for topic in ("cost_insurance", "book_appointment"):
        assert entry_key(resolve(Decision("answer", topic=topic), KB, [], condition="arthritis")) == topic
    assert entry_key(resolve(Decision("answer", topic="side_effects"), KB, ["reflexology"], None)) == "side_effects"


def test_a_medicine_question_never_gets_a_knowledge_answer() -> None:
    ranking = [("medicines", 0.3), ("medication_comparison", 0.28), ("frequency", 0.2)]
    assert decide(ranking, TOPICS, TH, words=6) == Decision("out_of_scope", scope_reason="medicines")
    assert decide(ranking, TOPICS, TH, words=6, previous_topic="medication_comparison").kind == "out_of_scope"


def test_weighing_it_against_one_medicine_after_the_comparison_is_the_same_comparison() -> None:
    # "would it be better than the naproxen my doctor gave me?": the medicine's name alone reads
    # as a medicine question
    ranking = [("medicines", 1.0), ("medication_comparison", 0.63), ("effectiveness", 0.01)]
    after_answer = decide(ranking, TOPICS, TH, words=11, previous_topic="medication_comparison", weighs_a_medicine=True)
    assert after_answer == Decision("answer", topic="medication_comparison")
    # after the medicines notice "it" is the medicine asked about; after another answer there is
    # no comparison to go on with; without the comparison it is a medicine question
    for previous, notice, weighs in [
        ("medication_comparison", ScopeReason.MEDICINES, True),
        ("effectiveness", None, True),
        ("medication_comparison", None, False),
    ]:
        decision = decide(
            ranking, TOPICS, TH, words=11, previous_topic=previous, notice_before=notice, weighs_a_medicine=weighs
        )
        assert decision == Decision("out_of_scope", scope_reason="medicines"), (previous, notice, weighs)


@pytest.mark.parametrize(
    ("text", "weighs"),
    [
        ("OK so would it be better than the naproxen my doctor gave me", True),
        ("what about compared to just poppin' Advil?", True),
        ("and versus muscle relaxants?", True),
        ("is it safe to take with naproxen?", False),  # asks about taking it
        ("which is better, naproxen or ibuprofen?", False),  # two medicines
        ("is ibuprofen better than naproxen?", False),
        ("would it be better than ibuprofen, and how many can I take a day?", False),
        ("is it over the counter?", False),  # no comparison
    ],
)
def test_a_message_weighs_one_medicine_only_with_a_comparison_and_nothing_else_asked(text: str, weighs: bool) -> None:
    assert MEDICINE_COMPARISON.weighs_one_medicine(text) is weighs


def test_after_a_fallback_an_implausible_topic_is_out_of_scope_with_its_reason() -> None:
    assert decide([("other_body_part", 0.2), ("causes", 0.05)], TOPICS, TH, words=4) == Decision(
        "out_of_scope", scope_reason="other_body_part"
    )
    assert decide([("greet", 0.2), ("causes", 0.05)], TOPICS, TH, words=4).scope_reason == "off_topic"
    assert decide([], TOPICS, TH, words=4).kind == "out_of_scope"


def test_options_leading_to_the_same_answer_are_one() -> None:
    decision = Decision("clarify", choices=("precautions", "condition_advice"))
    outcome = resolve(decision, KB, massage_types=[], condition="pregnancy")
    assert outcome.kind == "answer" and outcome.topic == "condition_advice"
    outcome = resolve(decision, KB, massage_types=[], condition=None)
    assert outcome.topic == "clarify"
    assert [topic for topic, _ in outcome.options] == ["precautions", "condition_advice"]
    assert all(title for _, title in outcome.options)


def test_a_timing_question_naming_a_condition_gets_that_conditions_advice() -> None:
    # "had my op six weeks ago, is it too soon?": ranked acute vs chronic, about recent surgery.
    timing = Decision("answer", topic="acute_vs_chronic")
    assert resolve(timing, KB, massage_types=[], condition="recent_surgery").topic == "condition_advice"
    assert entry_key(resolve(timing, KB, massage_types=[], condition="recent_surgery")) == "recent_surgery"
    # Without a condition it is the general answer, and a massage type does not refine it.
    assert entry_key(resolve(timing, KB, massage_types=[], condition=None)) == "acute_vs_chronic"
    assert entry_key(resolve(timing, KB, massage_types=["shiatsu"], condition=None)) == "acute_vs_chronic"


def test_thresholds_file_is_read_and_words_are_counted() -> None:
    chosen = load_thresholds()
    assert 0 <= chosen.min_confidence < 1 and 2 <= chosen.max_choices <= 3
    assert word_count("and if it's still hurting in 3 months?") == 8


def test_the_vague_opener_buttons_are_the_topics_recorded() -> None:
    domain = yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text())
    buttons = domain["responses"]["utter_vague_opener"][0]["buttons"]
    assert tuple(b["payload"].lstrip("/") for b in buttons) == load_vague_opener_topics()
    assert 4 <= len(buttons) <= 6 and set(load_vague_opener_topics()) <= TOPICS


def test_a_message_ranked_off_topic_after_an_answer_is_a_follow_up_or_the_notice_never_a_question() -> None:
    # "and how long is each one?" after an answer on frequency: ranked off topic, yet the
    # previous topic scores enough of it to be a follow-up.
    follow_up = [("out_of_scope", 0.5), ("frequency", 0.2), ("what_to_expect", 0.15)]
    assert decide(follow_up, TOPICS, TH, words=6, previous_topic="frequency") == Decision("answer", topic="frequency")
    # The same ranking after an answer on another topic: the off-topic notice, not a
    # question about topics the classifier itself ranked below "off topic".
    assert decide(follow_up, TOPICS, TH, words=6, previous_topic="cost_insurance") == Decision(
        "out_of_scope", scope_reason="off_topic"
    )
    # Only when the classifier was unsure (a fallback) is a plausible topic offered.
    unsure = [("out_of_scope", 0.2), ("frequency", 0.18), ("what_to_expect", 0.15)]
    assert decide(unsure, TOPICS, TH, words=6, previous_topic="cost_insurance").kind == "clarify"


CONTINUATION = load_continuation()


def test_a_follow_up_that_only_adds_a_case_stays_on_the_previous_question() -> None:
    # "and if it's been two months already?" after the answer on when to see a doctor: the
    # classifier reads "two months" as acute vs chronic, the doctor topic far below.
    ranking = [("acute_vs_chronic", 0.92), ("frequency", 0.03), ("when_to_see_doctor", 0.01)]
    text = "and if it's been two months already?"
    assert CONTINUATION.continues(text)
    stays = decide(
        ranking,
        TOPICS,
        TH,
        words=word_count(text),
        previous_topic="when_to_see_doctor",
        continues=True,
        requests=CONTINUATION.requests,
    )
    assert stays == Decision("answer", topic="when_to_see_doctor")
    # Without the rule the classifier's topic would be answered.
    assert decide(ranking, TOPICS, TH, words=word_count(text), previous_topic="when_to_see_doctor").topic == (
        "acute_vs_chronic"
    )


def test_a_follow_up_with_a_question_of_its_own_or_a_request_moves_on() -> None:
    for text in (
        "ok, if they say it's fine can I book with you?",
        "and if the damage is already done, will massage actually help?",
        "and when would I need a doctor?",
        "what about a foam roller at home?",
        "and if it's fine, how much does an hour cost?",
        "how long does a session last?",
    ):
        assert not CONTINUATION.continues(text), text
    for text in (
        "for how long",
        "even if I run every day?",
        "Ok so what about when I lift things?",
        "how long does that usually last?",  # "that": what the answer was about
        "even for someone my age?",
        "but even with a desk job?",
    ):
        assert CONTINUATION.continues(text), text
    # "what if I book for Friday?" continues in form, but booking is a request.
    booking = [("book_appointment", 0.9), ("cost_insurance", 0.05)]
    assert CONTINUATION.continues("what if I book for Friday?")
    assert decide(
        booking, TOPICS, TH, words=6, previous_topic="cost_insurance", continues=True, requests=CONTINUATION.requests
    ) == Decision("answer", topic="book_appointment")
    # ... and one the classifier puts outside the topics is not kept on the previous one.
    off = [("out_of_scope", 0.95), ("effectiveness", 0.02)]
    assert decide(off, TOPICS, TH, words=5, previous_topic="effectiveness", continues=True).topic != "effectiveness"


TOPIC_FOLLOW_UPS = load_topic_follow_ups()


def test_how_often_after_something_people_do_themselves_asks_about_doing_it() -> None:
    # Alone, "how often" is how often to have massage; after the foam-roller advice it asks how
    # often to roll.
    ranking = [("frequency", 0.94), ("about_previous_answer", 0.05), ("self_care", 0.01)]
    for text in ("how often?", "and how long for each time", "so how many minutes", "every day?", "twice a day?"):
        by_topic = follow_up_reading(TOPIC_FOLLOW_UPS, text, "self_care")
        assert by_topic is not None and by_topic.topic == "self_care", text
        decision = decide(ranking, TOPICS, TH, words=word_count(text), previous_topic="self_care", by_topic=by_topic)
        assert decision == Decision("answer", topic="self_care"), text
    assert follow_up_reading(TOPIC_FOLLOW_UPS, "how often should I get up?", "prevention_lifestyle") == (
        FollowUpReading("prevention_lifestyle")
    )
    # Massage, a session or coming in is the frequency question; after another topic the rule is silent.
    for text, previous in (
        ("how often should I come in for a massage?", "self_care"),
        ("how long is a session?", "self_care"),
        ("how often?", "condition_advice"),
        ("a massage every day?", "self_care"),
    ):
        assert follow_up_reading(TOPIC_FOLLOW_UPS, text, previous) is None, text
    assert decide(ranking, TOPICS, TH, words=2, previous_topic="self_care").topic == "frequency"


def test_how_though_after_whether_massage_helps_asks_how_it_works() -> None:
    for text, previous in (("how though?", "effectiveness"), ("how come", "benefits"), ("why so?", "effectiveness")):
        assert follow_up_reading(TOPIC_FOLLOW_UPS, text, previous) == FollowUpReading("how_it_works"), text
    ranking = [("about_previous_answer", 0.8), ("how_it_works", 0.1), ("effectiveness", 0.05)]
    decision = decide(
        ranking,
        TOPICS,
        TH,
        words=2,
        previous_topic="effectiveness",
        by_topic=follow_up_reading(TOPIC_FOLLOW_UPS, "how though?", "effectiveness"),
    )
    assert decision == Decision("answer", topic="how_it_works")
    # "why?" after the soreness answer asks about the soreness; a question of its own is not caught.
    assert follow_up_reading(TOPIC_FOLLOW_UPS, "why?", "side_effects") is None
    for text in ("how do I book?", "how much is it?", "how often would I need to go?"):
        assert follow_up_reading(TOPIC_FOLLOW_UPS, text, "effectiveness") is None, text
    # A request or a medicine question is never redirected.
    booking = [("book_appointment", 0.9), ("effectiveness", 0.05)]
    assert decide(
        booking,
        TOPICS,
        TH,
        words=2,
        previous_topic="effectiveness",
        requests=CONTINUATION.requests,
        by_topic=FollowUpReading("how_it_works"),
    ) == Decision("answer", topic="book_appointment")


def test_short_follow_ups_whose_words_mislead_the_classifier_are_read_with_the_answer_before() -> None:
    for text, previous, topic in (
        # which type of massage, whatever the words around it ("relaxing" reads as stress)
        ("which kind is the most relaxing?", "stress_sleep", "massage_types"),
        ("and if my doctor says yes, what type should I go for?", "when_to_see_doctor", "massage_types"),
        # how often to have massage for what was just answered
        ("how often for that?", "stress_sleep", "frequency"),
        # the price of a length of session, after the prices
        ("and 45 minutes?", "cost_insurance", "cost_insurance"),
        ("what about an hour?", "cost_insurance", "cost_insurance"),
        # the exercises of the advice on preventing back pain
        ("what exercises exactly?", "prevention_lifestyle", "prevention_lifestyle"),
        # whether one more thing causes back pain, after the causes
        ("what about gardening?", "causes", "causes"),
        ("could a saggy sofa do it?", "causes", "causes"),
        # how to combine two therapies, after whether to combine them
        ("same week or not?", "complementary_therapies", "complementary_therapies"),
        # when it is time for a doctor, after when to see one
        ("so after how long?", "when_to_see_doctor", "when_to_see_doctor"),
        # which of the two, after massage compared with painkillers
        ("ok so which one works quicker?", "medication_comparison", "medication_comparison"),
        ("which would you go for?", "medication_comparison", "medication_comparison"),
    ):
        assert follow_up_reading(TOPIC_FOLLOW_UPS, text, previous) == FollowUpReading(topic), text
    for text, previous in (
        ("which type of insurance do you take?", "cost_insurance"),
        ("what type of pain is it?", "causes"),
        ("and 45 minutes?", "frequency"),
        ("what exercises exactly?", "complementary_therapies"),
        ("what about massage for it?", "causes"),
        ("can worry do it?", "causes"),
        ("how many sessions after that?", "when_to_see_doctor"),
        # a question that names a medicine is a medicine question
        ("which painkiller works quicker?", "medication_comparison"),
        ("which tablets would you go for?", "medication_comparison"),
        ("which one would you go for?", "massage_types"),
        # "which" then a word that only starts like "do" or "is": not which of the two
        ("which doctor should I ask about that?", "medication_comparison"),
        ("which issues can massage help with?", "medication_comparison"),
    ):
        assert follow_up_reading(TOPIC_FOLLOW_UPS, text, previous) is None, text
    ranking = [("stress_sleep", 0.7), ("massage_types", 0.2), ("about_previous_answer", 0.05)]
    by_topic = follow_up_reading(TOPIC_FOLLOW_UPS, "which kind is the most relaxing?", "stress_sleep")
    decision = decide(ranking, TOPICS, TH, words=6, previous_topic="stress_sleep", by_topic=by_topic)
    assert decision == Decision("answer", topic="massage_types")


def test_a_follow_up_opening_with_even_asks_the_previous_question_again() -> None:
    # "even ..." cannot stand alone: after the advice on lifting, "even small stuff like
    # shopping bags?" asks it again for one more case, though the classifier reads its new words
    # as off topic and the scope check finds words the data never uses.
    ranking = [("out_of_scope", 0.6), ("self_care", 0.2), ("prevention_lifestyle", 0.02)]
    text = "Even small stuff like shopping bags?"
    reading = follow_up_reading(TOPIC_FOLLOW_UPS, text, "prevention_lifestyle")
    assert reading == FollowUpReading("prevention_lifestyle", over=frozenset({"off_topic"}))
    off_topic = Finding(ScopeReason.OFF_TOPIC, 0.9, frozenset())
    decision = decide(
        ranking,
        TOPICS,
        TH,
        words=word_count(text),
        previous_topic="prevention_lifestyle",
        scope=off_topic,
        by_topic=reading,
    )
    assert decision == Decision("answer", topic="prevention_lifestyle")
    assert decide(
        ranking, TOPICS, TH, words=word_count(text), previous_topic="prevention_lifestyle", scope=off_topic
    ).kind == ("out_of_scope")
    # Another body part is still not covered; nothing to follow without an answer before.
    other_part = Finding(ScopeReason.OTHER_BODY_PART, 0.9, frozenset())
    assert decide(
        ranking, TOPICS, TH, words=4, previous_topic="prevention_lifestyle", scope=other_part, by_topic=reading
    ) == Decision("out_of_scope", scope_reason=ScopeReason.OTHER_BODY_PART)
    assert follow_up_reading(TOPIC_FOLLOW_UPS, text, None) is None
    assert follow_up_reading(TOPIC_FOLLOW_UPS, "even so, how much is it?", "effectiveness") is None


def test_after_an_off_topic_notice_a_message_naming_nothing_of_the_domain_gets_it_again() -> None:
    # "whats the pay like" after "are you hiring massage therapists?": the classifier reads cost.
    ranking = [("cost_insurance", 0.7), ("out_of_scope", 0.2)]
    again = decide(
        ranking,
        TOPICS,
        TH,
        words=4,
        previous_topic="out_of_scope",
        notice_before=ScopeReason.OFF_TOPIC,
        names_domain=False,
    )
    assert again == Decision("out_of_scope", scope_reason=ScopeReason.OFF_TOPIC)
    # "how often would I need one for that" after migraines: the other-body-part notice again.
    often = [("frequency", 0.9), ("about_previous_answer", 0.05)]
    assert decide(
        often,
        TOPICS,
        TH,
        words=8,
        previous_topic="out_of_scope",
        notice_before=ScopeReason.OTHER_BODY_PART,
        names_domain=False,
    ) == Decision("out_of_scope", scope_reason=ScopeReason.OTHER_BODY_PART)
    # Naming the back or massage comes back to the topics; without a notice before, as usual.
    assert decide(
        often,
        TOPICS,
        TH,
        words=9,
        previous_topic="out_of_scope",
        notice_before=ScopeReason.OFF_TOPIC,
        names_domain=True,
    ) == Decision("answer", topic="frequency")
    assert (
        decide(ranking, TOPICS, TH, words=4, previous_topic="effectiveness", names_domain=False).topic
        == "cost_insurance"
    )


def test_after_the_medicines_notice_a_message_naming_nothing_of_the_domain_gets_it_again() -> None:
    # "and if I drink?" after "what's the most naproxen I can take?": still a medicine question,
    # although the follow-up intent leads and the topic before is read as massage versus medication.
    ranking = [("about_previous_answer", 0.5), ("out_of_scope", 0.3), ("medication_comparison", 0.1)]
    assert decide(
        ranking,
        TOPICS,
        TH,
        words=4,
        previous_topic="medication_comparison",
        notice_before=ScopeReason.MEDICINES,
        names_domain=False,
    ) == Decision("out_of_scope", scope_reason=ScopeReason.MEDICINES)
    # "could a massage do instead?" names massage: the comparison.
    assert decide(
        ranking,
        TOPICS,
        TH,
        words=5,
        previous_topic="medication_comparison",
        notice_before=ScopeReason.MEDICINES,
        names_domain=True,
    ) == Decision("answer", topic="medication_comparison")


def test_a_follow_up_that_adds_a_case_the_classifier_cannot_place_asks_the_question_before() -> None:
    # "and for night nurses?" after the causes answer: read off topic, names nothing of the domain.
    for text in ("and for night nurses?", "also in bus drivers", "what about carrying shopping?", "ok, same for kids?"):
        assert CONTINUATION.opens_with_a_case(text), text
    for text in ("can my wife come too?", "is it safe?", "android or iphone?"):
        assert not CONTINUATION.opens_with_a_case(text), text
    ranking = [("out_of_scope", 0.6), ("about_previous_answer", 0.1), ("causes", 0.02)]
    kept = decide(ranking, TOPICS, TH, words=4, previous_topic="causes", adds_case=True, names_domain=False)
    assert kept == Decision("answer", topic="causes")
    # Not when it names the back or massage ("and for my cat's back?"), the scope check finds another
    # world in it, a topic leads, or there is no answer before.
    assert decide(ranking, TOPICS, TH, words=5, previous_topic="causes", adds_case=True, names_domain=True).kind == (
        "out_of_scope"
    )
    off = Finding(ScopeReason.OFF_TOPIC, 0.9, frozenset())
    assert (
        decide(ranking, TOPICS, TH, words=4, previous_topic="causes", scope=off, adds_case=True, names_domain=False)
    ).kind == "out_of_scope"
    assert decide(ranking, TOPICS, TH, words=4, adds_case=True, names_domain=False).kind == "out_of_scope"
    other = [("cost_insurance", 0.8), ("out_of_scope", 0.1)]
    assert decide(other, TOPICS, TH, words=4, previous_topic="causes", adds_case=True, names_domain=False) == (
        Decision("answer", topic="cost_insurance")
    )


def test_an_elliptical_follow_up_the_classifier_cannot_place_goes_on_with_the_answer_before() -> None:
    # "what speed setting?" after the massage-gun advice: read off topic, names nothing of the
    # domain, and the scope check finds no other world in it.
    ranking = [("out_of_scope", 0.95), ("about_previous_answer", 0.01), ("frequency", 0.005)]
    assert decide(ranking, TOPICS, TH, words=3, previous_topic="self_care", names_domain=False) == (
        Decision("answer", topic="self_care")
    )
    # Longer than elliptical_max_words: a question of its own ("could you write my uni essay on
    # this? it's due monday").
    assert decide(ranking, TOPICS, TH, words=9, previous_topic="self_care", names_domain=False).kind == "out_of_scope"
    # Another world found by the scope check ("who won the game last night"), the domain named
    # ("and for my dog's back?"), or no answer before: the off-topic notice.
    off = Finding(ScopeReason.OFF_TOPIC, 0.9, frozenset())
    assert (
        decide(ranking, TOPICS, TH, words=5, previous_topic="self_care", scope=off, names_domain=False).kind
        == "out_of_scope"
    )
    assert decide(ranking, TOPICS, TH, words=5, previous_topic="self_care", names_domain=True).kind == "out_of_scope"
    assert decide(ranking, TOPICS, TH, words=3, names_domain=False).kind == "out_of_scope"


def test_a_follow_up_naming_a_condition_the_classifier_cannot_place_asks_about_that_condition() -> None:
    # "I'm 20 weeks pregnant, is that ok?" after whether one lies face down: read off topic, names
    # pregnancy (condition_advice).
    ranking = [("out_of_scope", 0.5), ("condition_advice", 0.2), ("what_to_expect", 0.1)]
    entity = {"condition_advice"}
    assert decide(ranking, TOPICS, TH, words=6, previous_topic="what_to_expect", entity_topics=entity) == (
        Decision("answer", topic="condition_advice")
    )
    # Not with no answer before, not for another body part, not when a topic leads.
    assert decide(ranking, TOPICS, TH, words=6, entity_topics=entity).kind != "answer"
    body = Finding(ScopeReason.OTHER_BODY_PART, 0.9, frozenset())
    assert (
        decide(ranking, TOPICS, TH, words=6, previous_topic="what_to_expect", scope=body, entity_topics=entity).kind
        == "out_of_scope"
    )
    booking = [("book_appointment", 0.8), ("out_of_scope", 0.1)]
    assert decide(booking, TOPICS, TH, words=6, previous_topic="what_to_expect", entity_topics=entity) == (
        Decision("answer", topic="book_appointment")
    )


def test_can_massage_fix_that_after_the_causes_asks_whether_massage_helps() -> None:
    # Alone, the classifier reads "fix" as side effects or how it works.
    ranking = [("side_effects", 0.34), ("effectiveness", 0.15), ("how_it_works", 0.11)]
    for text in ("can massage fix that?", "so could a massage sort that out?", "would regular massage help with it"):
        by_topic = follow_up_reading(TOPIC_FOLLOW_UPS, text, "causes")
        assert by_topic == FollowUpReading("effectiveness"), text
        decision = decide(ranking, TOPICS, TH, words=word_count(text), previous_topic="causes", by_topic=by_topic)
        assert decision == Decision("answer", topic="effectiveness"), text
    # Not after other topics, nor with a thing of its own ("fix my posture").
    assert follow_up_reading(TOPIC_FOLLOW_UPS, "can massage fix that?", "side_effects") is None
    assert follow_up_reading(TOPIC_FOLLOW_UPS, "can massage fix my posture?", "causes") is None


BACK_AGAIN = load_back_again()


def test_after_the_other_body_part_notice_the_lower_back_asks_the_question_before_again() -> None:
    before = "would massage help my stiff shoulder?"
    for text in ("and what about my lower back then?", "ok, same for the back?", "how about for my low back"):
        assert BACK_AGAIN.topic(text, before) == "effectiveness", text
    # Read as causes by the classifier, as "what about" questions often are.
    ranking = [("causes", 0.45), ("vague_opener", 0.2), ("benefits", 0.1)]
    decision = decide(
        ranking,
        TOPICS,
        TH,
        words=6,
        previous_topic="out_of_scope",
        notice_before=ScopeReason.OTHER_BODY_PART,
        back_again=BACK_AGAIN.topic("and what about my lower back then?", before),
    )
    assert decision == Decision("answer", topic="effectiveness")
    # A question before that no rule reads, another message, or no notice: the classifier decides.
    assert BACK_AGAIN.topic("and what about my lower back then?", "what causes shin splints?") is None
    assert BACK_AGAIN.topic("my back is fine, it's the neck", before) is None
    assert BACK_AGAIN.topic("and what about my lower back then?", None) is None
    # A question of its own after the back is read by its own words: "does it work" helps; "how
    # often" is left to the classifier (frequency).
    assert BACK_AGAIN.topic("what about my lower back, does it work there?", "what causes shin splints?") == (
        "effectiveness"
    )
    assert BACK_AGAIN.topic("and for the lower back, how often?", before) is None
    assert decide(ranking, TOPICS, TH, words=6, previous_topic="effectiveness", back_again="effectiveness") == (
        Decision("answer", topic="causes")
    )


def test_what_it_would_all_come_to_is_the_price_of_what_was_answered() -> None:
    # The follow-up intent leads ("that" is the weekly massage just answered), but the question is its price.
    ranking = [("about_previous_answer", 0.64), ("cost_insurance", 0.36)]
    for text in ("and how much would that add up to?", "what would all that come to?", "so what will it set me back"):
        by_topic = follow_up_reading(TOPIC_FOLLOW_UPS, text, "frequency")
        assert by_topic == FollowUpReading("cost_insurance"), text
        decision = decide(ranking, TOPICS, TH, words=word_count(text), previous_topic="frequency", by_topic=by_topic)
        assert decision == Decision("answer", topic="cost_insurance"), text
    assert decide(ranking, TOPICS, TH, words=7, previous_topic="frequency") == Decision("answer", topic="frequency")
    for text in ("how many sessions in total?", "what does it do in total?"):
        assert follow_up_reading(TOPIC_FOLLOW_UPS, text, "frequency") is None, text


def test_a_follow_up_about_the_answers_own_body_part_or_effect_holds_over_the_body_part_finding() -> None:
    body_part = Finding(ScopeReason.OTHER_BODY_PART, 0.9, frozenset())
    for text, previous in (
        ("so is it just my feet they press?", "massage_type_detail"),  # reflexology presses the feet
        ("what about a headache the day after?", "side_effects"),  # brought on by the massage
    ):
        by_topic = follow_up_reading(TOPIC_FOLLOW_UPS, text, previous)
        assert by_topic == FollowUpReading(previous, over=frozenset({ScopeReason.OTHER_BODY_PART})), text
        ranking = [("other_body_part", 0.1), ("out_of_scope", 0.6), (previous, 0.3)]
        decision = decide(
            ranking, TOPICS, TH, words=word_count(text), previous_topic=previous, scope=body_part, by_topic=by_topic
        )
        assert decision == Decision("answer", topic=previous), text
    # A complaint of its own is still another body part.
    for text, previous in (
        ("and for sore feet?", "massage_type_detail"),
        ("can it help my headaches?", "side_effects"),
    ):
        assert follow_up_reading(TOPIC_FOLLOW_UPS, text, previous) is None, text


def test_a_follow_up_rule_may_hold_over_only_the_scope_findings_it_names(tmp_path) -> None:
    import yaml

    from backcare.clarify import CLARIFY_PATH
    from backcare.yamlfile import DataFileError

    data = yaml.safe_load(CLARIFY_PATH.read_text(encoding="utf-8"))
    data["follow_ups_by_topic"][0]["over"] = ["medicines"]
    path = tmp_path / "clarify.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DataFileError, match="rule 1: 'over' must list"):
        load_topic_follow_ups(path)


OFF_TOPIC = Decision("out_of_scope", scope_reason=ScopeReason.OFF_TOPIC)


def test_a_long_follow_up_read_off_topic_goes_on_when_its_question_alone_reads_the_previous_topic() -> None:
    # "We moved flat last month and I've carried boxes up four floors all week. Would two
    # sessions a month be enough then?" after an answer on how often to go
    long = TH.follow_up_max_words + 5
    assert with_question_sentence(OFF_TOPIC, "frequency", "frequency", TOPICS, long, TH) == Decision(
        "answer", topic="frequency"
    )
    # ... or as about the previous answer ("... can you say that in plainer words?")
    assert with_question_sentence(OFF_TOPIC, "about_previous_answer", "how_it_works", TOPICS, long, TH) == Decision(
        "answer", topic="how_it_works"
    )


def test_the_question_sentence_changes_nothing_else() -> None:
    long = TH.follow_up_max_words + 5
    cases = [
        # it reads as another topic: a story about a fence, then "what should I use to fix it?"
        (OFF_TOPIC, "self_care", "causes", long),
        # a short message is already read as a follow-up
        (OFF_TOPIC, "frequency", "frequency", TH.follow_up_max_words),
        # no answer before
        (OFF_TOPIC, "frequency", None, long),
        # another body part or a medicine keeps its notice
        (Decision("out_of_scope", scope_reason=ScopeReason.OTHER_BODY_PART), "frequency", "frequency", long),
        (Decision("out_of_scope", scope_reason=ScopeReason.MEDICINES), "frequency", "frequency", long),
        # an answer or a clarifying question stays as it is
        (Decision("answer", topic="cost_insurance"), "frequency", "frequency", long),
        (Decision("clarify", choices=("causes", "self_care")), "frequency", "frequency", long),
        # a message without a question sentence
        (OFF_TOPIC, None, "frequency", long),
    ]
    for decision, sentence_intent, previous, words in cases:
        assert with_question_sentence(decision, sentence_intent, previous, TOPICS, words, TH) == decision


# "Are any of those ok for a big lad who likes a firm touch?" after the massage types: alone it
# reads as off topic with a little of the types; read after the question before, as the types.
BIG_LAD_ALONE = [("out_of_scope", 0.38), ("self_care", 0.2), ("massage_types", 0.12)]
BIG_LAD_JOINED = {"massage_types": 0.99, "out_of_scope": 0.005}


def test_a_follow_up_read_after_the_message_before_as_the_answer_before_stays_on_it() -> None:
    decision = with_message_before(OFF_TOPIC, BIG_LAD_JOINED, BIG_LAD_ALONE, "massage_types", TOPICS, TH)
    assert decision == Decision("answer", topic="massage_types")
    # from another topic's answer or a clarifying question too
    for other in (Decision("answer", topic="self_care"), Decision("clarify", choices=("self_care", "causes"))):
        assert with_message_before(other, BIG_LAD_JOINED, BIG_LAD_ALONE, "massage_types", TOPICS, TH) == decision


# "I have a pacemaker fitted last year, does that change anything for me" after who should not
# have massage: alone it names nothing of massage and reads as off topic, the answer before
# hardly in its ranking.
PACEMAKER_ALONE = [("out_of_scope", 0.7), ("about_previous_answer", 0.05), ("precautions", 0.015)]
PACEMAKER_JOINED = {"precautions": 0.9, "out_of_scope": 0.02}


def test_an_off_topic_reading_read_after_the_message_before_as_the_answer_before_stays_on_it() -> None:
    decision = with_message_before(OFF_TOPIC, PACEMAKER_JOINED, PACEMAKER_ALONE, "precautions", TOPICS, TH)
    assert decision == Decision("answer", topic="precautions")
    # Another topic's answer still needs the message alone to give the answer before a share.
    other = Decision("answer", topic="what_to_expect")
    alone = [("what_to_expect", 0.7), ("out_of_scope", 0.2), ("precautions", 0.015)]
    assert with_message_before(other, PACEMAKER_JOINED, alone, "precautions", TOPICS, TH) == other


def test_a_message_that_says_it_changes_the_subject_is_not_a_follow_up() -> None:
    continuation = load_continuation()
    for text in (
        "Thanks. Unrelated, but do you know a good dentist round here?",
        "random q but how do i get candle wax off a carpet",
        "Completely different question, is there a good gym near you?",
        "On a lighter note, could you recommend a book?",
        "while I've got you, know any good pizza places nearby?",
    ):
        assert continuation.changes_the_subject(text), text
    for text in (
        "so my pain is unrelated to my job?",
        "btw is that ok when pregnant?",
        "what about the other thing you mentioned?",
        "on a related note, how long does it last?",
        "and for someone who hates firm pressure?",
    ):
        assert not continuation.changes_the_subject(text), text


def test_the_reading_with_the_message_before_changes_nothing_else() -> None:
    requests = load_continuation().requests
    sure = [("self_care", 0.85), ("massage_types", 0.1)]  # alone, sure of its own topic
    unlike = [("out_of_scope", 0.9), ("massage_types", 0.01)]  # alone, hardly the answer before
    cases: list[tuple[Decision, dict[str, float] | None, list[tuple[str, float]], str | None, dict[str, Any]]] = [
        # no reading with the message before (a first message), or no answer before
        (OFF_TOPIC, None, BIG_LAD_ALONE, "massage_types", {}),
        (OFF_TOPIC, BIG_LAD_JOINED, BIG_LAD_ALONE, None, {}),
        # the reading with the message before is not that topic
        (OFF_TOPIC, {"massage_types": 0.4, "out_of_scope": 0.6}, BIG_LAD_ALONE, "massage_types", {}),
        (Decision("answer", topic="self_care"), BIG_LAD_JOINED, sure, "massage_types", {}),
        (OFF_TOPIC, BIG_LAD_JOINED, unlike, "massage_types", {}),
        # another body part or a medicine keeps its notice; a medicine question or a request its reading
        (
            Decision("out_of_scope", scope_reason=ScopeReason.OTHER_BODY_PART),
            BIG_LAD_JOINED,
            BIG_LAD_ALONE,
            "massage_types",
            {},
        ),
        (
            Decision("out_of_scope", scope_reason=ScopeReason.MEDICINES),
            BIG_LAD_JOINED,
            [("medicines", 0.7), ("massage_types", 0.2)],
            "massage_types",
            {},
        ),
        (
            Decision("answer", topic="book_appointment"),
            BIG_LAD_JOINED,
            [("book_appointment", 0.6), ("massage_types", 0.2)],
            "massage_types",
            {"requests": requests},
        ),
        # right after a scope notice, a named condition or type, or a follow-up rule's reading
        (OFF_TOPIC, BIG_LAD_JOINED, BIG_LAD_ALONE, "massage_types", {"notice_before": ScopeReason.OFF_TOPIC}),
        (OFF_TOPIC, BIG_LAD_JOINED, BIG_LAD_ALONE, "massage_types", {"names_entity": True}),
        (
            Decision("answer", topic="massage_type_detail"),
            BIG_LAD_JOINED,
            BIG_LAD_ALONE,
            "massage_types",
            {"by_topic": FollowUpReading("massage_type_detail")},
        ),
    ]
    for decision, joined, alone, previous, options in cases:
        assert with_message_before(decision, joined, alone, previous, TOPICS, TH, **options) == decision


def test_how_hard_they_press_or_how_one_lies_after_a_conditions_advice_asks_about_that_condition() -> None:
    # The classifier reads pressure and lying as a session in general (what to expect); after
    # the advice on a condition they ask what changes for it.
    ranking = [("what_to_expect", 0.93), ("about_previous_answer", 0.04), ("condition_advice", 0.01)]
    for text in (
        "so only light pressure then?",
        "would they have to be gentler with my mum?",
        "can I still lie face down with it?",
        "is there a position that's better for me?",
    ):
        by_topic = follow_up_reading(TOPIC_FOLLOW_UPS, text, "condition_advice")
        assert by_topic == FollowUpReading("condition_advice"), text
        words = word_count(text)
        decision = decide(ranking, TOPICS, TH, words=words, previous_topic="condition_advice", by_topic=by_topic)
        assert decision == Decision("answer", topic="condition_advice"), text
    # what to wear, or how a session goes, is what to expect; after another topic the rule is silent
    for text, previous in (
        ("what should I wear, loose clothes?", "condition_advice"),
        ("how long does the first session take, and do I lie on a table?", "condition_advice"),
        ("what about a deep-tissue massage, what is it like?", "condition_advice"),
        ("so only light pressure then?", "massage_types"),
    ):
        assert follow_up_reading(TOPIC_FOLLOW_UPS, text, previous) is None, text


def test_is_that_the_one_where_after_the_massage_types_asks_about_that_type() -> None:
    ranking = [("what_to_expect", 0.9), ("out_of_scope", 0.05), ("massage_type_detail", 0.02)]
    for text, previous in (
        ("is that the one where they use hot stones?", "massage_types"),
        ("and is it the kind where you keep your clothes on?", "massage_type_detail"),
        ("oh the one with the stretching on a mat?", "massage_types"),
    ):
        by_topic = follow_up_reading(TOPIC_FOLLOW_UPS, text, previous)
        assert by_topic == FollowUpReading("massage_type_detail"), text
        decision = decide(ranking, TOPICS, TH, words=word_count(text), previous_topic=previous, by_topic=by_topic)
        assert decision == Decision("answer", topic="massage_type_detail"), text
    assert follow_up_reading(TOPIC_FOLLOW_UPS, "is that the one where they use hot stones?", "cost_insurance") is None
