"""Plain English: every answer a user can get reads at US grade 8 or below (Flesch-Kincaid)."""

from __future__ import annotations

import statistics

from backcare.knowledge import load_knowledge_base
from scripts.readability import MAX_GRADE, MAX_MEDIAN_GRADE, answer_grades, hardest, textstat


def test_every_answer_reads_at_grade_8_or_below() -> None:
    grades = answer_grades(load_knowledge_base())
    too_hard = {name: grade for name, grade in grades.items() if grade > MAX_GRADE}
    assert not too_hard, f"answers above grade {MAX_GRADE:g}, hardest first:\n{hardest(too_hard)}"


def test_median_answer_reads_at_grade_7_or_below() -> None:
    grades = answer_grades(load_knowledge_base())
    assert statistics.median(grades.values()) <= MAX_MEDIAN_GRADE, f"hardest answers:\n{hardest(grades, 10)}"


def test_every_answer_is_measured() -> None:
    kb = load_knowledge_base()
    assert len(answer_grades(kb)) == len(list(kb.entries()))


def test_the_measure_tells_hard_text_from_plain_text() -> None:
    """textstat scores offline, and scores the old wording of an answer as too hard."""
    old = (
        "Neuromuscular therapy is a trigger-point style approach that uses focused pressure on "
        "particular points in the muscles. Because the pressure can be firm, the same cautions as "
        "deep tissue massage apply: avoid strong pressure if you take blood thinners or have "
        "osteoporosis, and tell your therapist about any health conditions."
    )
    plain = "Keep moving as much as you can. Long bed rest doesn't help. Stop if the pain gets worse."
    assert textstat.flesch_kincaid_grade(old) > MAX_GRADE
    assert textstat.flesch_kincaid_grade(plain) <= MAX_MEDIAN_GRADE
