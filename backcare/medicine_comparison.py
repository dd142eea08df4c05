"""Right after the answer on massage versus medication, a follow-up that weighs the treatment
just answered about against one medicine: "would it be better than the naproxen my doctor gave
me?", "what about compared to just poppin' Advil?" (knowledge/medicine_questions.yml,
`compares`). It names a medicine and no treatment, so alone it reads as a medicine question; after
that answer "it" is the massage, and the question is the same comparison."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict

from backcare.contract import PROJECT_ROOT
from backcare.scope_words import WordFinder, load_scope_words, word_pattern
from backcare.yamlfile import DataFileError, read_mapping, read_pattern

MEDICINE_QUESTIONS_PATH = PROJECT_ROOT / "knowledge" / "medicine_questions.yml"


def word_list(data: Dict[str, Any], path: Path, key: str) -> re.Pattern[str]:
    """The words listed under ``key`` of medicine_questions.yml, as one whole-word pattern."""
    words = data.get(key)
    if not isinstance(words, list) or not words:
        raise DataFileError(f"{path}: '{key}' must list words")
    return word_pattern(words)


@dataclass(frozen=True)
class MedicineComparison:
    compares: re.Pattern[str]  # a comparison phrase ("better than", "compared to", "instead of")
    asks: re.Pattern[str]  # what a question about taking a medicine asks (dose, mixing, effects ...)
    medicine: WordFinder

    def weighs_one_medicine(self, text: str) -> bool:
        """A comparison phrase, exactly one medicine named (once or more), and nothing asked
        about taking it once the comparison phrase is set aside."""
        if not self.compares.search(text):
            return False
        rest = self.medicine.without_other_senses(text)
        named = {" ".join(m.group(0).lower().split()) for m in self.medicine.words.finditer(rest)}
        return len(named) == 1 and not self.asks.search(self.compares.sub(" ", text))


def load_medicine_comparison(path: Path = MEDICINE_QUESTIONS_PATH) -> MedicineComparison:
    data = read_mapping(path)
    return MedicineComparison(
        compares=read_pattern(data, "compares", path),
        asks=word_list(data, path, "asks"),
        medicine=load_scope_words()["__medicine__"],
    )
