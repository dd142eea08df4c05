"""The word lists of knowledge/scope_words.yml (medicines, other body parts) as patterns.

Used on both sides: the tokenizer's marker tokens and the medicine router in the Rasa server
(components/), the scope check in the action server (backcare/scope.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable

import yaml

from backcare.contract import PROJECT_ROOT

SCOPE_WORDS_PATH = PROJECT_ROOT / "knowledge" / "scope_words.yml"


def scope_word_lists(path: Path = SCOPE_WORDS_PATH) -> Dict[str, list[str]]:
    """Kind ("medicine", "other_body_part") -> its words and phrases, lower-case."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(kind): [str(w).lower() for w in words] for kind, words in data.items() if words}


def load_scope_words(path: Path = SCOPE_WORDS_PATH) -> Dict[str, "re.Pattern[str]"]:
    """Marker name ("__medicine__", "__other_body_part__") -> a pattern of its words."""
    return {f"__{kind}__": word_pattern(words) for kind, words in scope_word_lists(path).items()}


def word_pattern(words: Iterable[object]) -> "re.Pattern[str]":
    """Any of the words or phrases, whole and case-insensitive, the longest tried first."""
    alternatives = sorted((r"\s+".join(map(re.escape, str(w).split())) for w in words), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)
