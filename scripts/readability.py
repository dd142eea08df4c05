"""Reading grade (Flesch-Kincaid, US school grade) of every knowledge-base answer.

    .venv/bin/python scripts/readability.py        # summary, then the hardest answers
    .venv/bin/python scripts/readability.py --all  # every answer, hardest first

Needs textstat (a test dependency: requirements-test.txt). The same figures are checked by
tests/test_readability.py: every answer at most grade 8, the median at most 7.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import warnings

# textstat 0.7.3 imports pkg_resources, which warns that it is deprecated; nothing to act on.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import textstat

from backcare.clinic import load_clinic
from backcare.knowledge import KnowledgeBase, load_knowledge_base

MAX_GRADE = 8.0
MAX_MEDIAN_GRADE = 7.0


def answer_grades(kb: KnowledgeBase) -> dict[str, float]:
    """Grade of each answer as a user reads it (clinic settings filled in), by 'file:key'."""
    placeholders = load_clinic().placeholders()
    grades: dict[str, float] = {}
    for kind, entries in (("topics", kb.topics), ("massage_types", kb.massage_types), ("conditions", kb.conditions)):
        for key, entry in entries.items():
            grades[f"{kind}:{key}"] = textstat.flesch_kincaid_grade(entry.answer.format(**placeholders))
    return grades


def summary(grades: dict[str, float]) -> str:
    values = list(grades.values())
    over = sum(g > MAX_GRADE for g in values)
    return (
        f"{len(values)} answers: median grade {statistics.median(values):.1f}, "
        f"max {max(values):.1f}, {over} above grade {MAX_GRADE:g}"
    )


def hardest(grades: dict[str, float], count: int | None = None) -> str:
    ranked = sorted(grades.items(), key=lambda item: -item[1])[:count]
    return "\n".join(f"  {grade:5.1f}  {name}" for name, grade in ranked)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="list every answer, not only the ten hardest")
    args = parser.parse_args(argv)
    grades = answer_grades(load_knowledge_base())
    print(summary(grades))
    print(hardest(grades, None if args.all else 10))
    return 0


if __name__ == "__main__":
    sys.exit(main())
