"""The word lists of knowledge/scope_words.yml (medicines, other body parts) as patterns.

Used on both sides: the tokenizer's marker tokens and the medicine router in the Rasa server
(components/), the scope check in the action server (backcare/scope.py). Both look for a kind's
words through ``WordFinder``, so what does not count as another body part ("on the other hand",
"on my feet all day", the feet in a message about reflexology) is the same on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable

import yaml

from backcare.contract import PROJECT_ROOT
from backcare.yamlfile import DataFileError, compile_pattern

SCOPE_WORDS_PATH = PROJECT_ROOT / "knowledge" / "scope_words.yml"
OTHER_BODY_PART = "other_body_part"
# Keys of scope_words.yml that say what does not count as another body part (not kinds of word):
NOT_A_BODY_PART = "not_a_body_part"  # phrases using a body part's word in another sense
BODY_PARTS_OF_A_TREATMENT = "body_parts_of_a_treatment"  # treatment -> the parts it works through
TOOLS_OF_A_MASSAGE = "tools_of_a_massage"  # patterns: the body parts a massage is given with
_NOT_KINDS = frozenset({NOT_A_BODY_PART, BODY_PARTS_OF_A_TREATMENT, TOOLS_OF_A_MASSAGE})


def _read(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: must map a kind of word to its words")
    return data


def scope_word_lists(path: Path = SCOPE_WORDS_PATH) -> Dict[str, list[str]]:
    """Kind ("medicine", "other_body_part") -> its words and phrases, lower-case."""
    return _word_lists(_read(path))


def _word_lists(data: dict) -> Dict[str, list[str]]:
    return {
        str(kind): [str(w).lower() for w in words] for kind, words in data.items() if words and kind not in _NOT_KINDS
    }


def word_pattern(words: Iterable[object]) -> "re.Pattern[str]":
    """Any of the words or phrases, whole and case-insensitive, the longest tried first."""
    alternatives = sorted((r"\s+".join(map(re.escape, str(w).split())) for w in words), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


def _blank(pattern: "re.Pattern[str]", text: str) -> str:
    """``text`` with each match of ``pattern`` replaced by as many spaces: offsets stay."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


@dataclass(frozen=True)
class WordFinder:
    """The words of one kind in a message, except where they mean something else."""

    words: "re.Pattern[str]"
    other_senses: "re.Pattern[str] | None" = None  # phrases in which a word is not of the kind
    # (treatment named, the words it makes no longer count): "isn't reflexology just rubbing feet?"
    by_treatment: tuple[tuple["re.Pattern[str]", "re.Pattern[str]"], ...] = ()

    def without_other_senses(self, text: str) -> str:
        """``text`` with the phrases that do not count blanked out (same length, same offsets)."""
        if self.other_senses is not None:
            text = _blank(self.other_senses, text)
        for treatment, parts in self.by_treatment:
            if treatment.search(text):
                text = _blank(parts, text)
        return text

    def search(self, text: str) -> "re.Match[str] | None":
        """The first word of the kind that counts, with its offsets in ``text``."""
        return self.words.search(self.without_other_senses(text))


def _phrases(path: Path, data: dict, key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise DataFileError(f"{path}: '{key}' must list phrases")
    return [str(p) for p in value]


def _body_parts_of_a_treatment(path: Path, data: dict) -> tuple[tuple["re.Pattern[str]", "re.Pattern[str]"], ...]:
    value = data.get(BODY_PARTS_OF_A_TREATMENT) or {}
    if not isinstance(value, dict) or not all(isinstance(parts, list) and parts for parts in value.values()):
        raise DataFileError(f"{path}: '{BODY_PARTS_OF_A_TREATMENT}' must map a treatment to body parts")
    return tuple((word_pattern([treatment]), word_pattern(parts)) for treatment, parts in value.items())


def _other_senses(idioms: list[str], tools: list[str], path: Path) -> "re.Pattern[str] | None":
    """The phrases (``not_a_body_part``, literal) and patterns (``tools_of_a_massage``, regular
    expressions) in which a body part's word is not another body part, as one pattern."""
    parts = [word_pattern(idioms).pattern] if idioms else []
    for tool in tools:
        compile_pattern(tool, f"{path}: '{TOOLS_OF_A_MASSAGE}'")  # a bad one fails naming the file
        parts.append(r"(?<![\w-])(?:" + tool + r")(?![\w-])")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def load_word_finders(path: Path = SCOPE_WORDS_PATH) -> Dict[str, WordFinder]:
    """Kind ("medicine", "other_body_part") -> its finder; another body part's with what does
    not count as one."""
    data = _read(path)
    finders = {kind: WordFinder(word_pattern(words)) for kind, words in _word_lists(data).items()}
    if OTHER_BODY_PART in finders:
        idioms = _phrases(path, data, NOT_A_BODY_PART)
        tools = _phrases(path, data, TOOLS_OF_A_MASSAGE)
        finders[OTHER_BODY_PART] = WordFinder(
            finders[OTHER_BODY_PART].words,
            _other_senses(idioms, tools, path),
            _body_parts_of_a_treatment(path, data),
        )
    return finders


def load_scope_words(path: Path = SCOPE_WORDS_PATH) -> Dict[str, WordFinder]:
    """Marker name ("__medicine__", "__other_body_part__") -> the finder of its words."""
    return {f"__{kind}__": finder for kind, finder in load_word_finders(path).items()}
