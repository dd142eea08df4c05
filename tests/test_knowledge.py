"""The knowledge base loader: the shipped files load; broken ones fail naming file and entry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from backcare.contract import load_contract
from backcare.knowledge import MAX_ANSWER_WORDS, MAX_SOURCES, load_knowledge_base
from backcare.yamlfile import DataFileError


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_shipped_knowledge_base_covers_every_topic_type_and_condition() -> None:
    contract = load_contract()
    kb = load_knowledge_base(contract=contract)
    assert set(kb.topics) == set(contract.knowledge_topics)
    assert set(kb.massage_types) == set(contract.massage_types)
    assert set(kb.conditions) == set(contract.health_conditions)
    assert len(list(kb.entries())) >= 43


def test_every_answer_is_short_and_cites_known_sources() -> None:
    kb = load_knowledge_base()
    for entry in kb.entries():
        assert 0 < len(entry.answer.split()) <= MAX_ANSWER_WORDS, entry.key
        assert 1 <= len(entry.sources) <= MAX_SOURCES, entry.key
        assert all(key in kb.sources for key in entry.sources), entry.key


def test_safety_answers_point_to_a_clinician_and_the_therapist() -> None:
    kb = load_knowledge_base()
    safety = [kb.topics[t] for t in ("precautions", "side_effects", "when_to_see_doctor", "condition_advice")]
    for entry in safety + list(kb.conditions.values()):
        text = entry.answer.lower()
        assert any(w in text for w in ("doctor", "gp", "clinician", "midwife")), entry.key
        assert "tell your therapist" in text or "tell the therapist" in text, entry.key


def test_answers_do_not_repeat_the_seed_articles_overclaims() -> None:
    kb = load_knowledge_base()
    for entry in kb.entries():
        text = entry.answer.lower()
        assert "more effective than medication" not in text, entry.key
        assert "breaks up scar tissue" not in text, entry.key
    comparison = kb.topics["medication_comparison"].answer.lower()
    assert "usual care" in comparison


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "topics.yml",
            lambda d: d["topics"]["effectiveness"].update(sources=["NoSuchStudy2099"]),
            "entry 'effectiveness': unknown source keys ['NoSuchStudy2099']",
        ),
        ("topics.yml", lambda d: d["topics"].pop("frequency"), "missing entries ['frequency']"),
        (
            "topics.yml",
            lambda d: d["topics"]["causes"].update(answer="word " * (MAX_ANSWER_WORDS + 1)),
            f"entry 'causes': answer has {MAX_ANSWER_WORDS + 1} words",
        ),
        (
            "topics.yml",
            lambda d: d["topics"]["causes"].update(answer="  "),
            "entry 'causes': 'answer' is missing or empty",
        ),
        (
            "topics.yml",
            lambda d: d["topics"].update(yoga_retreats=d["topics"]["causes"]),
            "unknown entries ['yoga_retreats']",
        ),
        (
            "conditions.yml",
            lambda d: d["conditions"]["pregnancy"].update(answer="Massage is fine in pregnancy."),
            "entry 'pregnancy': a condition_advice answer must tell the user to check with a clinician",
        ),
        (
            "massage_types.yml",
            lambda d: d["massage_types"]["thai"].update(answer="Call {clinic_fax}."),
            "entry 'thai': unknown placeholders ['clinic_fax']",
        ),
        (
            "sources.yml",
            lambda d: d["Furlan2015"].pop("pmid") and d["Furlan2015"].pop("doi"),
            "entry 'Furlan2015': needs a pmid, doi or url",
        ),
        (
            "topics.yml",
            lambda d: d["topics"]["benefits"].update(evidence="Strong evidence: it works."),
            "entry 'benefits': 'evidence' must start with one of Low to very low-quality evidence",
        ),
        (
            "topics.yml",
            lambda d: d["topics"]["benefits"].update(evidence="Low-quality evidence"),
            "entry 'benefits': 'evidence' must start with one of",
        ),
        (
            "massage_types.yml",
            lambda d: d["massage_types"]["sports"].pop("reviewed"),
            "entry 'sports': 'reviewed' must be a month written YYYY-MM",
        ),
        (
            "massage_types.yml",
            lambda d: d["massage_types"]["sports"].update(next_review="Dec 2027"),
            "entry 'sports': 'next_review' must be a month written YYYY-MM",
        ),
        (
            "conditions.yml",
            lambda d: d["conditions"]["arthritis"].update(reviewed="2026-13"),
            "entry 'arthritis': 'reviewed' must be a month written YYYY-MM",
        ),
        (
            "conditions.yml",
            lambda d: d["conditions"]["arthritis"].update(next_review="2026-11"),
            "entry 'arthritis': 'next_review' must come after 'reviewed'",
        ),
    ],
)
def test_broken_knowledge_base_fails_naming_file_and_entry(knowledge_copy: Path, file, change, message) -> None:
    _edit(knowledge_copy / file, change)
    with pytest.raises(DataFileError) as error:
        load_knowledge_base(knowledge_copy)
    assert str(error.value).startswith(str(knowledge_copy / file))
    assert message in str(error.value)


def test_malformed_yaml_is_reported_with_its_file(knowledge_copy: Path) -> None:
    (knowledge_copy / "sources.yml").write_text("Furlan2015: [unclosed\n")
    with pytest.raises(DataFileError, match=r"sources\.yml: not valid YAML"):
        load_knowledge_base(knowledge_copy)


def test_every_entry_says_when_it_was_reviewed_and_when_it_is_due() -> None:
    for entry in load_knowledge_base().entries():
        assert entry.reviewed <= "2026-12" < entry.next_review, entry.key


def test_entries_past_their_review_month_are_listed_oldest_first() -> None:
    kb = load_knowledge_base()
    assert kb.review_due(date(2026, 12, 4)) == []
    due_mid_2027 = kb.review_due(date(2027, 6, 1))
    assert {e.key for e in due_mid_2027} == {e.key for e in kb.entries() if e.next_review == "2027-06"}
    assert "pregnancy" in {e.key for e in due_mid_2027} and "effectiveness" not in {e.key for e in due_mid_2027}
    everything = kb.review_due(date(2028, 1, 1))
    assert len(everything) == len(list(kb.entries()))
    assert [e.next_review for e in everything] == sorted(e.next_review for e in everything)
