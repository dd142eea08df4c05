"""Clinical and forum abbreviations read as their words (knowledge/abbreviations.yml).

``expand("non-specific LBP?")`` is ``"non-specific lower back pain?"``: the text the classifier's
features, the scope check and the red-flag screen read. The stored message is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from backcare.contract import PROJECT_ROOT
from backcare.yamlfile import DataFileError, read_mapping

ABBREVIATIONS_PATH = PROJECT_ROOT / "knowledge" / "abbreviations.yml"
_KEY = re.compile(r"[a-z][a-z0-9]*")


@dataclass(frozen=True)
class Abbreviations:
    words: dict[str, str]  # abbreviation (lower case) -> its words
    pattern: re.Pattern[str]

    def expand(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.words[m.group().lower()], text)

    def expansion(self, word: str) -> str | None:
        """The words of one token ("LBP" -> "lower back pain"), or None."""
        return self.words.get(word.lower())


def load_abbreviations(path: Path = ABBREVIATIONS_PATH) -> Abbreviations:
    words: dict[str, str] = {}
    for key, value in read_mapping(path, "abbreviations").items():
        key = str(key).lower()
        if not _KEY.fullmatch(key) or not isinstance(value, str) or not value.strip():
            raise DataFileError(f"{path}: '{key}': an abbreviation is one word with its words as text")
        words[key] = value.strip()
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return Abbreviations(words, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE))
