"""What the answers say (issue 14): a "get help now" sentence wherever symptoms or safety come up,
honest evidence labels, claims tied to the source that makes them, and no bibliography entry
that nothing cites."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backcare.knowledge import (
    EVIDENCE_LEVELS,
    SAFETY_NET_TOPICS,
    has_get_help_now,
    load_knowledge_base,
)
from backcare.redflags import load_screen
from backcare.yamlfile import DataFileError

KB = load_knowledge_base()

# Answers about symptoms or safety: each must say, in one sentence, how urgently to get help and where.
SAFETY_TOPICS = ("precautions", "side_effects", "when_to_see_doctor", "book_appointment", "condition_advice")
SAFETY_ANSWERS = [KB.topics[key] for key in SAFETY_TOPICS] + list(KB.conditions.values())


@pytest.mark.parametrize("entry", SAFETY_ANSWERS, ids=lambda e: e.key)
def test_safety_answer_says_when_to_get_help_now(entry) -> None:
    assert has_get_help_now(entry.answer), entry.answer


def test_the_loader_enforces_the_same_list() -> None:
    assert {e.topic for e in SAFETY_ANSWERS} == set(SAFETY_NET_TOPICS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A swollen, painful calf needs a doctor the same day.", True),
        ("Chest pain is an emergency: call {emergency_number}.", True),
        ("Call your maternity unit the same day if you bleed.", True),
        ("See a doctor if it is not better in a few weeks.", False),  # no urgency
        ("Stop at once if it hurts. Your doctor can help later.", False),  # urgency and help apart
    ],
)
def test_get_help_now_needs_urgency_and_a_place_in_one_sentence(text: str, expected: bool) -> None:
    assert has_get_help_now(text) is expected


def test_an_answer_without_its_get_help_now_sentence_stops_the_loader(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics.yml"
    data = yaml.safe_load(path.read_text())
    answer = data["topics"]["side_effects"]["answer"]
    data["topics"]["side_effects"]["answer"] = answer[: answer.index("A swollen, painful calf")]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(
        DataFileError, match="entry 'side_effects': a side_effects answer must say in one sentence when to get help now"
    ):
        load_knowledge_base(knowledge_copy)


def test_warning_signs_are_listed_where_the_user_asks_when_to_see_a_doctor() -> None:
    text = KB.topics["when_to_see_doctor"].answer.lower()
    for sign in (
        "numbness around the groin",
        "bladder or bowel",
        "both legs",
        "chest pain",
        "breathless",
        "fever",
        "weight loss",
        "cancer",
        "pain at night or at rest",
    ):
        assert sign in text, sign


def test_every_bibliography_entry_is_cited_by_an_answer_or_a_red_flag_sign() -> None:
    screen = load_screen(known_sources=set(KB.sources))
    cited = {key for entry in KB.entries() for key in entry.sources}
    cited |= {key for sign in screen.signs for key in sign.sources} | set(screen.referral_sources)
    assert sorted(set(KB.sources) - cited) == []


@pytest.mark.parametrize(
    ("key", "level"),
    [
        ("topics:side_effects", "Low-quality evidence"),
        ("topics:benefits", "Low to very low-quality evidence"),
        ("topics:acute_vs_chronic", "Low to very low-quality evidence"),
        ("massage_types:hot_stone", "No direct evidence"),
        ("massage_types:neuromuscular", "No direct evidence"),
        ("massage_types:sports", "No direct evidence"),
        ("conditions:herniated_disc", "No direct evidence"),
        ("conditions:sciatica", "No direct evidence"),
        ("conditions:spinal_stenosis", "No direct evidence"),
    ],
)
def test_evidence_labels_match_what_the_research_is(key: str, level: str) -> None:
    kind, name = key.split(":")
    assert getattr(KB, kind)[name].evidence.startswith(level)


def test_every_evidence_line_starts_with_a_label_from_the_list() -> None:
    for entry in KB.entries():
        assert entry.evidence.startswith(EVIDENCE_LEVELS), entry.key


def test_claims_cite_the_study_that_made_them() -> None:
    assert "Cherkin2001" in KB.topics["medication_comparison"].sources  # the medication-use finding
    assert (
        "NHS-DVT" in KB.conditions["blood_clot"].sources and "NHS-BackPain" not in KB.conditions["blood_clot"].sources
    )
    assert {"Day1987", "Kaada1989", "Wiltshire2010", "Crane2012"} <= set(KB.topics["how_it_works"].sources)
    assert "Walach2003" in KB.topics["evidence"].sources  # the "six months" pragmatic trial, corrected
    assert "Ajimsha2014" in KB.massage_types["myofascial_release"].sources


def test_a_recent_fracture_means_no_massage_in_both_answers() -> None:
    assert "recent or unstable broken bone" in KB.topics["precautions"].answer
    assert "recent or unstable break is a reason not to have massage" in KB.conditions["fracture"].answer


@pytest.mark.parametrize(
    "key", ["swedish", "deep_tissue", "trigger_point", "myofascial_release", "neuromuscular", "shiatsu", "sports"]
)
def test_firm_styles_send_blood_thinner_and_osteoporosis_users_to_their_doctor_first(key: str) -> None:
    answer = KB.massage_types[key].answer
    assert "blood thinners" in answer and "osteoporosis" in answer
    assert "check with your doctor or prescriber first" in answer


def test_no_absolute_never_studied_claims_where_trials_are_only_lacking() -> None:
    assert "barely been studied" in KB.topics["self_care"].answer
    assert "Good-quality trials of massage for disc problems are lacking" in KB.conditions["herniated_disc"].answer
    for entry in KB.entries():
        assert "does not make back pain worse through inflammation" not in entry.answer
        assert "calms inflammation" not in entry.answer, entry.key
