"""Warning-sign words of other languages read as English by the red-flag screen
(knowledge/red_flag_languages.yml).

``LanguageGlossary.read("me duele la espalda y tengo fiebre")`` is ``"hurts back y tengo fever"``:
enough English for the screen's vocabulary to find the fever. A language's words are read only
in a message with enough of its everyday words (`markers`), so an English message never
changes. Only the screen reads the result; the message itself is stored and answered as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from backcare.contract import PROJECT_ROOT
from backcare.yamlfile import DataFileError, read_mapping

LANGUAGES_PATH = PROJECT_ROOT / "knowledge" / "red_flag_languages.yml"
ENGLISH_WORDS_PATH = PROJECT_ROOT / "knowledge" / "english_words.yml"
_WORD = re.compile(r"[a-zñ]+")
_ANY_WORD = re.compile(r"[^\W\d_]+")
_WORD_OR_CODE = re.compile(r"[^\W_]+")
_LATIN = re.compile(r"[a-z]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# French elisions: "j'ai" -> "je ai", "qu'est-ce" -> "que est-ce", so one pattern reads both.
_ELISION = re.compile(r"(?<![\w'])(qu|[cdjlmnst])'(?=\w)")
_ELIDED = {"qu": "que", "c": "ce", "d": "de", "j": "je", "l": "le", "m": "me", "n": "ne", "s": "se", "t": "te"}
Patterns = tuple[tuple[re.Pattern[str], str], ...]  # (pattern, English), applied in order


@dataclass(frozen=True)
class Language:
    name: str
    markers: frozenset[str]
    min_markers: int
    words: Patterns  # sign words: read by the screen in any message with the markers
    question_words: Patterns = ()  # the rest of a question: read only for a whole message (`english_reading`)
    elisions: bool = False  # French: "j'ai" is read as "je ai"

    def is_in(self, words: frozenset[str]) -> bool:
        """Whether a message of these words is written (in part) in this language."""
        return len(words & self.markers) >= self.min_markers

    def read(self, text: str) -> str:
        return _apply(self.words, self._split(text))

    def read_all(self, text: str) -> str:
        """The whole message in English words: its sign words, then every other word."""
        return _apply(self.question_words, self.read(text))

    def _split(self, text: str) -> str:
        return _ELISION.sub(lambda m: _ELIDED[m.group(1)] + " ", text) if self.elisions else text


def _apply(patterns: Patterns, text: str) -> str:
    for pattern, english in patterns:
        text = pattern.sub(english, text)
    return text


def without_accents(text: str) -> str:
    """ "dolió" -> "dolio", "débiles" -> "debiles"; "ñ" stays ("años" is not "anos")."""
    if text.isascii():
        return text
    text = text.replace("œ", "oe").replace("æ", "ae")
    return "".join(
        ch if ch in "ñÑ" else "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        for ch in text
    )


@dataclass(frozen=True)
class EnglishCheck:
    """Whether the screen can read a message: enough of its words are everyday English."""

    words: frozenset[str]
    min_words: int  # fewer words than this are always read (a name, "hola", "sciatica?")
    min_share: float
    max_other_script: float  # share of words in another script (two at least) it cannot read
    common_words: frozenset[str] = frozenset()  # English's common words (knowledge/english_words.yml)
    max_unread_run: int = 0  # this many words in a row, none of them English: a clause it cannot read (0: off)
    # A message with under ``reading_before`` of its words English in which a language's glossary
    # leaves at most ``reading_unknown`` words that are not English is read in English
    # (`LanguageGlossary.english_reading`).
    reading_before: float = 0.0
    reading_unknown: int = 0
    # A message with at least ``min_foreign`` words that are not English nor near an English
    # word, and under ``foreign_share_below`` of its words English, has a part it cannot read
    # (0: off).
    min_foreign: int = 0
    foreign_share_below: float = 0.0

    def _words(self, text: str) -> list[str]:
        return [w for w in _ANY_WORD.findall(text.replace("'", " ")) if len(w) > 1]

    def english_share(self, text: str) -> float:
        """The share of the words of ``text`` (of two letters or more) that are English; 1 with none."""
        words = self._words(text)
        return 1.0 - len(self._unknown(words)) / len(words) if words else 1.0

    def unknown_words(self, text: str) -> list[str]:
        """The words of ``text`` (of two letters or more) that are not English."""
        return self._unknown(self._words(text))

    def _unknown(self, words: list[str]) -> list[str]:
        return [w for w in words if w not in self.words and w not in self.common_words]

    def foreign_words(self, text: str) -> list[str]:
        """The words of ``text`` of three letters or more that are not English and not one edit
        from an English word (two from six letters): "schiena", "dhabarka", "spuchnieta", but
        not a typo ("masage", "realy") or dialect ("nae", "wi") that the screen's speller and
        patterns may still read."""
        return [w for w in self.unknown_words(text) if len(w) > 2 and not self._near_english(w)]

    @functools.cached_property
    def _near_english(self) -> Callable[[str], bool]:
        """Whether a word is one edit from an English word (two from six letters). Words repeat
        from message to message: each is worked out once (bounded, as the speller's are)."""
        lexicon = tuple(sorted(self.words | self.common_words))

        def near(word: str) -> bool:
            cutoff = 1 if len(word) < 6 else 2
            return process.extractOne(word, lexicon, scorer=Levenshtein.distance, score_cutoff=cutoff) is not None

        return functools.lru_cache(maxsize=20_000)(near)

    def can_read(self, text: str) -> bool:
        """``text`` lower-case, accents removed. Mostly another script (Chinese, Cyrillic,
        Arabic ...), a fifth of the words in another script, ``min_words`` or more words (other
        single letters not counted) with under ``min_share`` of them English, or a clause of
        ``max_unread_run`` words in a row none of which is English ("... kinakaladkad na niya yung
        kanang paa ... can we book?"), or ``min_foreign`` words neither English nor near it in a
        message under ``foreign_share_below`` English ("Merhaba, son iki ayda 7 kilo verdim ...
        Also my back is hurting"): no.
        A button's payload ("/deny") is read."""
        if text.startswith("/"):
            return True
        letters = [c for c in text if c.isalpha()]
        if letters and sum("a" <= c <= "z" for c in letters) / len(letters) < 0.5:
            return False
        # Chinese and Japanese write words without spaces: each character counts as one.
        words = _ANY_WORD.findall(_CJK.sub(r" \g<0> ", text.replace("'", "")))
        other_script = sum(not _LATIN.search(w) for w in words)
        if other_script >= 2 and other_script >= self.max_other_script * len(words):
            return False  # English with a part in another script ("My mom عندها هشاشة عظام, ...")
        if self.max_unread_run and self._longest_unread_run(text) >= self.max_unread_run:
            return False
        # (the word search last: most messages are mostly English)
        foreign = self.min_foreign and self.english_share(text) < self.foreign_share_below
        if foreign and len(self.foreign_words(text)) >= self.min_foreign:
            return False  # "Dzień dobry, łydka spuchnięta i czerwona, boli. Also back. Massage?"
        # Other single letters ("solve x^2 ...", "plan b") are no language, as in the clause check.
        words = [w for w in words if len(w) > 1 or w in self.words or not _LATIN.fullmatch(w)]
        return len(words) < self.min_words or sum(w in self.words for w in words) / len(words) >= self.min_share

    def _longest_unread_run(self, text: str) -> int:
        """The most words in a row none of which is English. Other single letters and words with
        digits ("w", "L4", "S1") are passed over: abbreviations, not a language."""
        longest = run = 0
        for word in _WORD_OR_CODE.findall(text.replace("'", "")):
            if word in self.words or word in self.common_words:
                run = 0
            elif len(word) > 1 and word.isalpha():
                run += 1
                longest = max(longest, run)
        return longest


@dataclass(frozen=True)
class LanguageGlossary:
    languages: tuple[Language, ...]
    english: EnglishCheck

    def can_read(self, text: str) -> bool:
        """Whether ``text`` (lower-case, accents removed) is English enough for the screen to read it."""
        return self.english.can_read(text)

    def english_reading(self, text: str) -> tuple[str, str] | None:
        """``text`` (lower-case, accents removed) in English words when it is written in one of
        the glossary's languages that reads all of it ("¿y cuanto cuesta?" -> "¿and how much does
        it cost?"), as (language, reading): under ``reading_before`` of its words are English, the
        language's sign and question words leave at most ``reading_unknown`` words that are not
        English (`written` words count as English), and they read at least two it did not know.
        None otherwise: English is never changed, and a message the glossary reads only in part
        (a word it does not know may be the sign) is left to the English check."""
        english = self.english
        if english.english_share(text) >= english.reading_before:
            return None
        unknown = len(self._not_english(text))
        for language in self.languages:
            if language.question_words:
                reading = language.read_all(text)
                left = len(self._not_english(reading))
                # (at least two words read: "for 90 mins?" and "tramadol dosage" are English)
                if left <= english.reading_unknown and unknown - left >= 2:
                    return language.name, reading
        return None

    def _not_english(self, text: str) -> list[str]:
        """Words that are neither English's nor written by the glossary ("tuesday", "afternoon")."""
        return [w for w in self.english.unknown_words(text) if w not in self.written]

    @functools.cached_property
    def written(self) -> frozenset[str]:
        """Every word the glossary writes in English (not a language's marker: "il y a" is
        written for French patterns to read next)."""
        markers = frozenset().union(*(language.markers for language in self.languages))
        return frozenset(
            word
            for language in self.languages
            for _, english in (*language.words, *language.question_words)
            for word in _ANY_WORD.findall(english.lower())
            if word not in markers
        )

    def read(self, text: str) -> str:
        """``text`` (lower-case, accents removed: `without_accents`) with the sign words of each
        language it is written in, in English."""
        words = frozenset(_WORD.findall(text))
        for language in self.languages:
            if language.is_in(words):
                text = language.read(text)
        return text


def load_glossary(path: Path = LANGUAGES_PATH) -> LanguageGlossary:
    """Load and compile the glossary; raise DataFileError naming the file and entry."""
    languages = []
    for name, spec in read_mapping(path, "languages").items():
        where = f"{path}: language '{name}'"
        if not isinstance(spec, dict):
            raise DataFileError(f"{where}: must be a mapping")
        markers, words, min_markers = spec.get("markers"), spec.get("words"), spec.get("min_markers", 2)
        if not isinstance(markers, list) or not all(isinstance(m, str) and _WORD.fullmatch(m) for m in markers):
            raise DataFileError(f"{where}: 'markers' must list lower-case words")
        if not isinstance(words, dict) or not words:
            raise DataFileError(f"{where}: 'words' must map patterns to English")
        if not isinstance(min_markers, int) or min_markers < 1:
            raise DataFileError(f"{where}: 'min_markers' must be a whole number of at least 1")
        question_words = spec.get("question_words") or {}
        if not isinstance(question_words, dict):
            raise DataFileError(f"{where}: 'question_words' must map patterns to English")
        elisions = spec.get("elisions", False)
        if not isinstance(elisions, bool):
            raise DataFileError(f"{where}: 'elisions' must be true or false")
        languages.append(
            Language(
                str(name),
                frozenset(markers),
                min_markers,
                _compiled(words, where),
                _compiled(question_words, where),
                elisions,
            )
        )
    english = read_mapping(path, "english")
    words, min_words, min_share = english.get("words"), english.get("min_words"), english.get("min_share")
    if not isinstance(words, list) or not all(isinstance(w, str) and _WORD.fullmatch(w) for w in words):
        raise DataFileError(f"{path}: english: 'words' must list lower-case words")
    if not isinstance(min_words, int) or min_words < 1:
        raise DataFileError(f"{path}: english: 'min_words' must be a whole number of at least 1")
    if not isinstance(min_share, (int, float)) or not 0 < min_share < 1:
        raise DataFileError(f"{path}: english: 'min_share' must be a number between 0 and 1")
    max_other_script = english.get("max_other_script")
    if not isinstance(max_other_script, (int, float)) or not 0 < max_other_script <= 1:
        raise DataFileError(f"{path}: english: 'max_other_script' must be a number above 0 and at most 1")
    max_unread_run = english.get("max_unread_run")
    if not isinstance(max_unread_run, int) or max_unread_run < 2:
        raise DataFileError(f"{path}: english: 'max_unread_run' must be a whole number of at least 2")
    foreign = english.get("foreign_words")
    if (
        not isinstance(foreign, dict)
        or not isinstance(foreign.get("min"), int)
        or foreign["min"] < 1
        or not isinstance(foreign.get("below"), (int, float))
        or not 0 < foreign["below"] <= 1
    ):
        raise DataFileError(
            f"{path}: english: 'foreign_words' must give 'min' (a count, at least 1) "
            "and 'below' (a share above 0, at most 1)"
        )
    reading = english.get("reading")
    if (
        not isinstance(reading, dict)
        or not isinstance(reading.get("before"), (int, float))
        or not 0 < reading["before"] <= 1
        or not isinstance(reading.get("unknown"), int)
        or reading["unknown"] < 0
    ):
        raise DataFileError(
            f"{path}: english: 'reading' must give 'before' (a share above 0, at most 1) and 'unknown' (a count)"
        )
    return LanguageGlossary(
        tuple(languages),
        EnglishCheck(
            frozenset(words),
            min_words,
            float(min_share),
            float(max_other_script),
            load_common_english_words(),
            max_unread_run,
            float(reading["before"]),
            int(reading["unknown"]),
            int(foreign["min"]),
            float(foreign["below"]),
        ),
    )


def _compiled(words: dict, where: str) -> Patterns:
    """Each pattern on whole words, with its English; a DataFileError names a bad entry."""
    compiled = []
    for source, english in words.items():
        if not isinstance(english, str) or not english.strip():
            raise DataFileError(f"{where}: '{source}': needs its English as text")
        try:
            pattern = re.compile(rf"(?<![\w'-])(?:{source})(?![\w'])")
        except re.error as error:
            raise DataFileError(f"{where}: '{source}': {error}") from error
        compiled.append((pattern, english.strip()))
    return tuple(compiled)


def load_common_english_words(path: Path = ENGLISH_WORDS_PATH) -> frozenset[str]:
    """English's common words (knowledge/english_words.yml, made by scripts/english_words.py)."""
    words = read_mapping(path).get("words")
    if not isinstance(words, str) or not words.strip():
        raise DataFileError(f"{path}: 'words' must be a block of words (run python -m scripts.english_words)")
    return frozenset(words.split())
