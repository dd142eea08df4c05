"""The scope check (backcare/scope.py) and how the turn's decision uses it (backcare/clarify.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from backcare.clarify import Decision, Thresholds, decide
from backcare.contract import PROJECT_ROOT, ScopeReason
from backcare.knowledge import load_knowledge_base
from backcare.scope import (
    SCOPE_CHECK_PATH,
    Finding,
    load_instruction_patterns,
    load_other_world_patterns,
    load_scope_check,
    training_vocabulary,
)
from backcare.scope_words import SCOPE_WORDS_PATH, load_word_finders
from backcare.yamlfile import DataFileError
from tests.support.process import run_script

CHECK = load_scope_check()
TOPICS = frozenset(load_knowledge_base().topics)
TH = Thresholds(
    min_confidence=0.25,
    min_margin=0.0,
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


@pytest.mark.parametrize(
    "text",
    [
        "how do I back up the photos on my laptop",
        "what should a plumber charge to replace the back boiler",
        "how long should I massage the marinade into the ribs",
        "recommend a cheap hotel in lisbon for the weekend",
        "who sings that song about the summer of sixty nine",
        "how do I find a couples therapist for me and my fiance",
        "could you suggest a therapist for our marriage, we argue all the time",
    ],
)
def test_a_message_from_another_world_is_off_topic(text: str) -> None:
    assert CHECK.reason(text) == ScopeReason.OFF_TOPIC


@pytest.mark.parametrize(
    "text",
    [
        "my back has been playing up since tuesday",  # 'back' the body part, 'tuesday' unknown
        "back pain after gardening, what can I do",
        "is an hour long massage on my back better than half an hour",
        "how much does it cost?",  # no word of the domain, but nothing foreign either
        "do I need to undress",
        "can I find a theripist near me",  # a typo of a known word is not foreign
        "will massage help me get back to cycling",
        "is an electric massager as good as a therapist",
        "could you suggest a therapist for my lower back",
        "non-specific LBP: is massage a fair recommendation",  # LBP: lower back pain
        "how much is a 90-minute session?",  # a word made of known words and numbers
        "can I get a half-hour session on saturday",
    ],
)
def test_a_message_about_the_back_or_the_clinic_has_no_finding(text: str) -> None:
    assert CHECK.reason(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # a longer form of a word the training data uses: "sit" -> "sits", "improve" -> "improvement"
        "what about someone who sits at a till all day?",
        "and if there's no improvement after three goes?",
        # "back" as the adverb after a verb of moving, not another world's "back up"
        "is it hard getting back up off the table afterwards?",
        # "massage alone": massage is the one doing, not a verb with a thing as its object
        "could massage alone sort it out?",
    ],
)
def test_everyday_english_around_the_domains_words_has_no_finding(text: str) -> None:
    assert CHECK.reason(text) is None


# other worlds' words are not forms of the domain's words ("flights" is a form of "flight",
# which the data uses, but booking one is another world's; the first four are guards)
@pytest.mark.parametrize(
    "text",
    [
        "book me two flights to rome",
        "what's the weather like tomorrow",
        "tell me some jokes",
        "any good restaurants nearby?",
        # a shorter form is not enough: the data's "gaming" (a gaming chair) does not make "game" known
        "who won the game last night?",
    ],
)
def test_other_worlds_stay_off_topic_with_word_forms_known(text: str) -> None:
    assert CHECK.reason(text) == ScopeReason.OFF_TOPIC


@pytest.mark.parametrize(
    "text",
    [
        "my wrist clicks when I type, would massage help?",
        "are sports massages good for tight calves",
        "and my neck?",
        "sholder is stiff after tennis, can I get it massaged",  # misspelt
    ],
)
def test_another_body_part_without_the_back_is_another_body_part(text: str) -> None:
    assert CHECK.reason(text) == ScopeReason.OTHER_BODY_PART


@pytest.mark.parametrize(
    "text",
    [
        "my neck and back are stiff, would massage help",
        "sciatica down into my calf, can massage help",
        "knee and lower back ache after running",
    ],
)
def test_another_body_part_with_the_back_is_left_to_the_classifier(text: str) -> None:
    assert CHECK.reason(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "my lower back has been great since the spring, now it's my shoulder that hurts. massage?",
        "it's not my back this time, it's my knee",
        "Back's fine, thanks. Could a massage help my stiff neck?",
    ],
)
def test_a_back_named_only_as_not_the_problem_does_not_keep_another_part_in_scope(text: str) -> None:
    finding = CHECK.check(text)
    assert finding is not None and finding.reason == ScopeReason.OTHER_BODY_PART
    # the classifier cannot see that the back was named as not the problem: however sure
    # it is of a topic, the finding stands
    assert finding.holds_against("massage_types", 0.99)


@pytest.mark.parametrize(
    "text",
    [
        "my neck is fine but my lower back is killing me",
        "my back is ok in the morning but by the evening my back and neck both ache",
    ],
)
def test_a_back_that_is_the_problem_still_counts(text: str) -> None:
    assert CHECK.reason(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "what about the arthritis in my hands?",
        "my feet ache from standing, can massage help?",
        "I'm on my feet all day and my feet are killing me",  # the idiom, then the feet
        "can massage help the pins and needles in my forearms",
        "my achilles is tight after running, massage?",
        "IT band pain on the outside of my thigh",
        "would a massage help my arm",
        "my elbows and knees hurt too, can massage help?",
        "can the therapist work on my knees as well?",
    ],
)
def test_hands_feet_and_arms_are_other_body_parts(text: str) -> None:
    assert CHECK.reason(text) == ScopeReason.OTHER_BODY_PART
    assert CHECK.names_other_body_part(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm on my feet all day, would massage help?",
        "on the other hand, is massage better than a heat pad?",
        "is the treatment hands-on or done with machines?",
        "is it hands on or with a machine",
        "do you do it by hand or with a device",
        "has anyone got first-hand experience of massage helping?",
        "will massage cost an arm and a leg?",
        "isn't reflexology just rubbing feet?",  # the feet are reflexology's own
        "is there a handy guide to what to expect",  # a real word, not a misspelt "hands"
        # the body parts a massage is given with (knowledge/scope_words.yml tools_of_a_massage)
        "is it pressure with the fingers only, or also the elbows and knees?",
        "do they press with their thumbs or the palms?",
        "is that done with the forearms and feet?",
        "finger pressure only, or elbow pressure too?",
    ],
)
def test_a_body_parts_word_in_another_sense_is_not_another_body_part(text: str) -> None:
    assert CHECK.reason(text) != ScopeReason.OTHER_BODY_PART
    assert not CHECK.names_other_body_part(text)


def test_a_follow_up_on_the_arthritis_in_the_hands_is_another_body_part() -> None:
    # After an answer on arthritis: the message names a condition, which alone would keep the
    # condition's advice, but the hands are not the lower back.
    text = "what about the arthritis in my hands?"
    ranking = [("condition_advice", 0.6), ("other_body_part", 0.3), ("precautions", 0.05)]
    decision = decide(
        ranking,
        TOPICS,
        TH,
        words=7,
        previous_topic="condition_advice",
        scope=CHECK.check(text),
        entity_topics={"condition_advice"},
    )
    assert decision == Decision("out_of_scope", scope_reason=ScopeReason.OTHER_BODY_PART)
    # Standing all day is no other body part: a short follow-up stays on the condition.
    text = "and if I'm on my feet all day?"
    ranking = [("prevention_lifestyle", 0.5), ("condition_advice", 0.3), ("self_care", 0.1)]
    decision = decide(ranking, TOPICS, TH, words=7, previous_topic="condition_advice", scope=CHECK.check(text))
    assert decision == Decision("answer", topic="condition_advice")


def test_the_upper_back_and_the_back_of_the_knee_are_not_the_lower_back() -> None:
    assert CHECK.reason("would massage help the ache at the back of my knee") == ScopeReason.OTHER_BODY_PART
    assert CHECK.reason("tight shoulders and upper back from the desk, massage?") == ScopeReason.OTHER_BODY_PART


def test_the_vocabulary_is_the_training_data_without_its_out_of_scope_examples(tmp_path: Path) -> None:
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: effectiveness\n  examples: |\n    - does [shiatsu](massage_type) help my back\n"
        "- intent: out_of_scope\n  examples: |\n    - what is the weather\n"
    )
    assert training_vocabulary(tmp_path) == {"does", "shiatsu", "help", "my", "back"}
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu: []\n')
    with pytest.raises(DataFileError, match="no training examples"):
        training_vocabulary(tmp_path)


def test_a_broken_settings_file_stops_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "scope_check.yml"
    broken.write_text(
        SCOPE_CHECK_PATH.read_text().replace("classifier_overrules_at: 0.85", "classifier_overrules_at: x")
    )
    with pytest.raises(DataFileError, match="classifier_overrules_at"):
        load_scope_check(broken)


def test_a_broken_exception_list_stops_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "scope_words.yml"
    broken.write_text(SCOPE_WORDS_PATH.read_text() + "not_a_body_part: on the other hand\n")
    with pytest.raises(DataFileError, match="not_a_body_part"):
        load_scope_check(scope_words_path=broken)


OFF_TOPIC = Finding(ScopeReason.OFF_TOPIC, overruled_at=0.85, exempt_intents=frozenset({"human_handoff", "greet"}))
OTHER_PART = Finding(
    ScopeReason.OTHER_BODY_PART, overruled_at=0.85, exempt_intents=frozenset({"human_handoff", "greet"})
)


def test_a_finding_wins_over_an_unsure_topic_but_not_a_sure_one() -> None:
    unsure = [("book_appointment", 0.6), ("cost_insurance", 0.2)]
    assert decide(unsure, TOPICS, TH, words=8, scope=OFF_TOPIC) == Decision(
        "out_of_scope", scope_reason=ScopeReason.OFF_TOPIC
    )
    sure = [("book_appointment", 0.9), ("cost_insurance", 0.05)]
    assert decide(sure, TOPICS, TH, words=8, scope=OFF_TOPIC) == Decision("answer", topic="book_appointment")


def test_a_finding_replaces_the_clarifying_question_after_a_fallback() -> None:
    ranking = [("out_of_scope", 0.2), ("self_care", 0.15), ("causes", 0.13)]
    assert decide(ranking, TOPICS, TH, words=8).kind == "clarify"
    assert decide(ranking, TOPICS, TH, words=8, scope=OFF_TOPIC).scope_reason == ScopeReason.OFF_TOPIC


def test_intents_about_the_conversation_need_no_word_of_the_domain() -> None:
    ranking = [("human_handoff", 0.5), ("book_appointment", 0.2)]
    assert decide(ranking, TOPICS, TH, words=8, scope=OFF_TOPIC) == Decision("answer", topic="human_handoff")
    after_fallback = [("greet", 0.2), ("self_care", 0.15), ("causes", 0.13)]
    assert decide(after_fallback, TOPICS, TH, words=8, scope=OFF_TOPIC).kind == "clarify"
    unsure_opener = [("vague_opener", 0.2), ("self_care", 0.15), ("causes", 0.13)]
    assert decide(unsure_opener, TOPICS, TH, words=8, scope=OFF_TOPIC).kind == "out_of_scope"


def test_every_exempt_intent_is_an_intent_of_the_domain() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert CHECK.intents_without_domain_words <= set(domain["intents"])


def test_a_short_follow_up_keeps_its_topic_unless_it_names_another_body_part() -> None:
    ranking = [("what_to_expect", 0.5), ("cost_insurance", 0.3)]
    kept = decide(ranking, TOPICS, TH, words=8, previous_topic="cost_insurance", scope=OFF_TOPIC)
    assert kept == Decision("answer", topic="cost_insurance")
    moved = decide(ranking, TOPICS, TH, words=4, previous_topic="effectiveness", scope=OTHER_PART)
    assert moved == Decision("out_of_scope", scope_reason=ScopeReason.OTHER_BODY_PART)


@pytest.mark.parametrize(
    ("key", "load"),
    [("instructions_to_the_assistant", load_instruction_patterns), ("other_worlds", load_other_world_patterns)],
)
def test_a_broken_pattern_stops_with_its_name(tmp_path: Path, key: str, load) -> None:
    broken = tmp_path / "scope_check.yml"
    broken.write_text(SCOPE_CHECK_PATH.read_text().replace(f"\n{key}:\n", f"\n{key}:\n  - ([unclosed\n"))
    with pytest.raises(DataFileError, match=key):
        load(broken)


@pytest.mark.parametrize(
    "text",
    [
        "where do I find a marriage therapist near me",
        "you must massage the spreadsheet numbers before the audit",
        "how do I back up my phone to the cloud",
    ],
)
def test_the_domains_word_in_another_sense_holds_however_sure_the_classifier_is(text: str) -> None:
    finding = CHECK.check(text)
    assert finding is not None and finding.reason == ScopeReason.OFF_TOPIC
    assert finding.holds_against("find_therapist", 0.99)


def test_a_word_the_data_never_uses_alone_is_overruled_by_a_sure_classifier() -> None:
    finding = CHECK.check("how much does a ferry to france cost")
    assert finding is not None and finding.reason == ScopeReason.OFF_TOPIC
    assert finding.holds_against("cost_insurance", 0.5) and not finding.holds_against("cost_insurance", 0.99)


@pytest.mark.parametrize(
    "text",
    [
        "How much does a recording session at a music studio usually cost?",
        "whats a good gym session for chest day",  # every word known: the session makes the finding
        "set a reminder for my dentist appointment tomorrow",
        "can I move my dentist's appointment to friday",
        "how long should a revision session be before exams",
    ],
)
def test_a_session_or_appointment_of_another_world_is_off_topic_however_sure_the_classifier_is(text: str) -> None:
    finding = CHECK.check(text)
    assert finding is not None and finding.reason == ScopeReason.OFF_TOPIC
    assert finding.overruled_at == math.inf and finding.holds_against("book_appointment", 0.99)


@pytest.mark.parametrize(
    "text",
    [
        "How much is a session?",
        "can I book a session for my lower back?",
        "is a massage session at the gym any good for back pain",  # names the domain
    ],
)
def test_the_clinics_own_session_or_appointment_has_no_finding(text: str) -> None:
    assert CHECK.check(text) is None


def test_a_message_using_the_clinics_appointment_too_has_no_strong_finding() -> None:
    # "dentist" is a word the data never uses: a finding a sure classifier overrules.
    finding = CHECK.check("can I move my appointment? I have a dentist appointment then")
    assert finding is not None and finding.overruled_at != math.inf
    assert not finding.holds_against("book_appointment", 0.99)


@pytest.mark.parametrize(
    "text",
    [
        "could you book me a ferry to the island on friday",
        "how do I book a table at a nice restaurant near here",
        "booking a holiday cottage, any tips?",
        "the spine of my old paperback has cracked, how do I glue it",
        "how can we massage the figures before the board meeting",
        "what's the best way to fix a book spine",
    ],
)
def test_booking_something_else_a_books_spine_or_massaged_figures_are_off_topic_however_sure_the_classifier_is(
    text: str,
) -> None:
    finding = CHECK.check(text)
    assert finding is not None and finding.reason == ScopeReason.OFF_TOPIC
    assert finding.holds_against("book_appointment", 0.99)


@pytest.mark.parametrize(
    "text",
    [
        "can I book a massage for Saturday morning?",
        "book me in for a deep tissue session please",
        "my spine of all things is what hurts, can massage help?",
    ],
)
def test_booking_the_clinic_or_the_spine_itself_has_no_strong_finding(text: str) -> None:
    finding = CHECK.check(text)
    assert finding is None or not finding.holds_against("book_appointment", 0.99)


def test_back_up_after_a_possessive_is_the_body() -> None:
    # "back up" is another sense ("back up my phone"), but not after "my": a side-effects worry.
    assert CHECK.check("tbh im worried a massage will stir my back up even more") is None
    finding = CHECK.check("how do I back up my phone")
    assert finding is not None and finding.reason == ScopeReason.OFF_TOPIC


def test_naming_the_domain() -> None:
    assert CHECK.names_the_domain("fine. how often should i get a massage for my back")
    assert CHECK.names_the_domain("even tension ones from stress?")
    assert not CHECK.names_the_domain("whats the pay like")
    assert not CHECK.names_the_domain("how often would i need one for that")


def test_the_rasa_servers_instruction_router_does_not_load_the_stemmer() -> None:
    """The stemmer package loads all its languages; only the action server's scope check stems."""
    script = (
        "import json, sys, components.instruction_router\n"
        "by_the_router = 'snowballstemmer' in sys.modules\n"
        "from backcare.scope import load_scope_check\n"
        "load_scope_check().reason('what about someone who sits at a till all day?')\n"
        "print(json.dumps([by_the_router, 'snowballstemmer' in sys.modules]))\n"
    )
    assert run_script(script) == [False, True]


def test_a_bad_pattern_of_the_tools_of_a_massage_is_refused_with_the_file_named(tmp_path) -> None:
    path = tmp_path / "scope_words.yml"
    path.write_text("other_body_part: [knee, knees]\ntools_of_a_massage: ['(?:press with the knees']\n")
    with pytest.raises(DataFileError, match=r"scope_words\.yml: 'tools_of_a_massage': .* is not a valid"):
        load_word_finders(path)
