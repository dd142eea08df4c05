"""Is a message about what the assistant covers? A check by words, beside the classifier.

The classifier always picks the nearest intent, so a question from another world that shares
one word with the domain ("how much does a recording session cost", "how do I back up my
iPhone") lands on a topic. Two findings catch what its ranking cannot show:

- **off topic**: the message names nothing of the body, back pain, health or massage
  (knowledge/scope_check.yml, with "back" and "massage" read in context), and names a word
  the training data never uses, not even misspelt nor in another form ("turkey", "iPhone",
  "weather"; "sits" is a form of "sit"), or uses a word the clinic shares with other worlds
  only in their sense ("a gym session", "my dentist appointment");
- **other body part**: it names another body part (knowledge/scope_words.yml) and nothing of
  the back.
- (instructions to the assistant, "ignore your instructions", are off topic whatever the
  classifier says: the Rasa server decides those, components/instruction_router.py, with the
  patterns this module reads from the same file.)

``backcare/clarify.decide`` uses the finding unless the classifier is sure of its topic; a
short follow-up takes its subject from the previous answer instead, unless it names another
body part.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from backcare.abbreviations import ABBREVIATIONS_PATH, Abbreviations, load_abbreviations
from backcare.contract import PROJECT_ROOT, ScopeReason
from backcare.scope_words import OTHER_BODY_PART, SCOPE_WORDS_PATH, WordFinder, load_word_finders, scope_word_lists
from backcare.yamlfile import DataFileError, compile_pattern, read_mapping, read_pattern

SCOPE_CHECK_PATH = PROJECT_ROOT / "knowledge" / "scope_check.yml"
TRAINING_DIR = PROJECT_ROOT / "data" / "nlu"
INSTRUCTIONS_KEY = "instructions_to_the_assistant"
OTHER_WORLDS_KEY = "other_worlds"
# Intents whose examples are not the domain's words.
OFF_TOPIC_INTENT = "out_of_scope"
OUT_OF_SCOPE_INTENTS = frozenset({OFF_TOPIC_INTENT, "other_body_part", "medicines"})

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Rasa's entity annotations: [text](entity) and [text]{"entity": ...}
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
# Too short to tell a new word from a typo or a word of any language ("ok", "pm").
_MIN_WORD = 3
_BACK = frozenset({"back", "backs"})
_ARTICLES = frozenset({"the", "a"})
# "stir my back up": after a possessive, "back up" is the body ("back up my phone" has none).
_POSSESSIVES = frozenset({"my", "his", "her", "your", "their", "our"})
_DETERMINERS = frozenset({"the", "a", "an", "some", "this", "that", "my", "your"})
_MASSAGE = "massage"
# A finding no classifier confidence overrules.
NEVER = float("inf")


def words(text: str) -> list[str]:
    """Lower-case words; "back's" -> "back", "s"."""
    return _WORD.findall(text.lower())


@functools.cache
def _english_stemmer() -> Any:
    # Imported on first use: the package loads all its ~30 languages (about 3 MB), and the Rasa
    # server, which reads this module's instruction patterns, never stems a word.
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    """The word's English (Porter2) stem: "sits", "sitting" -> "sit"; "improvement" -> "improv"."""
    return str(_english_stemmer().stemWord(word))


def training_vocabulary(directory: Path = TRAINING_DIR) -> frozenset[str]:
    """Every word of the in-scope training examples in data/nlu (and its lookup tables)."""
    vocabulary: set[str] = set()
    for path in sorted(directory.glob("*.yml")):
        try:
            blocks = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
        except yaml.YAMLError as exc:
            raise DataFileError(f"{path}: not valid YAML: {exc}") from exc
        for block in blocks:
            if block.get("intent") in OUT_OF_SCOPE_INTENTS or not isinstance(block.get("examples"), str):
                continue
            for line in block["examples"].splitlines():
                vocabulary.update(words(_ANNOTATION.sub(r"\1", line.strip().removeprefix("-"))))
    if not vocabulary:
        raise DataFileError(f"{directory}: no training examples to learn the domain's words from")
    return frozenset(vocabulary)


def _word_list(data: dict, key: str, path: Path) -> frozenset[str]:
    value = data.get(key)
    if isinstance(value, dict):  # groups of words
        value = [w for group in value.values() for w in (group or [])]
    if not isinstance(value, list) or not value:
        raise DataFileError(f"{path}: '{key}' must list words")
    return frozenset(str(w).lower() for w in value)


def load_instruction_patterns(path: Path = SCOPE_CHECK_PATH) -> tuple[re.Pattern[str], ...]:
    """Instructions to the assistant itself ("ignore your instructions"), case-insensitive."""
    return _patterns(read_mapping(path), INSTRUCTIONS_KEY, path)


def load_other_world_patterns(path: Path = SCOPE_CHECK_PATH) -> tuple[re.Pattern[str], ...]:
    """Another world that shares the clinic's words (a therapist looking for work, a massage
    chair to buy, a word to translate), case-insensitive."""
    return _patterns(read_mapping(path), OTHER_WORLDS_KEY, path)


def _patterns(data: dict, key: str, path: Path) -> tuple[re.Pattern[str], ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise DataFileError(f"{path}: '{key}' must list regular expressions")
    return tuple(compile_pattern(p, f"{path}: '{key}'") for p in value)


def _other_kinds(data: dict, path: Path, key: str = "other_kinds_of") -> dict[str, frozenset[str]]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise DataFileError(f"{path}: '{key}' must map a word to the words that change its sense")
    return {str(word).lower(): _word_list(value, word, path) for word in value}


@dataclass(frozen=True)
class Finding:
    """The check's finding on one message, and when the classifier's ranking overrules it."""

    reason: str  # ScopeReason.OFF_TOPIC or ScopeReason.OTHER_BODY_PART
    overruled_at: float  # the classifier at least this sure of a topic overrules the finding
    exempt_intents: frozenset[str]  # intents about the conversation, which need no word of the domain

    def holds_against(self, intent: str, confidence: float) -> bool:
        """Does the finding win over the classifier's top intent (red flags and medicines
        are decided before)?"""
        if intent == OFF_TOPIC_INTENT:
            return True
        if intent in self.exempt_intents or intent in OUT_OF_SCOPE_INTENTS:
            return False
        return confidence < self.overruled_at


@dataclass(frozen=True)
class ScopeCheck:
    domain_words: frozenset[str]
    lower_back_words: frozenset[str]
    other_kinds_of: dict[str, frozenset[str]]  # domain word -> words before it that change its sense
    # a word the clinic shares with other worlds ("session") -> words before it that make it theirs
    other_kinds_of_shared: dict[str, frozenset[str]]
    other_kinds_of_shared_after: dict[str, frozenset[str]]  # shared word -> its objects in other worlds
    back_other_sense_after: frozenset[str]
    back_other_sense_before: frozenset[str]
    back_adverb_after: frozenset[str]  # verbs after which "back" is the adverb ("get back up")
    back_body_before: frozenset[str]
    back_body_after: frozenset[str]
    back_not_the_problem: re.Pattern[str]  # "my back is fine", "it isn't my back"
    massage_as_verb_after: frozenset[str]
    massaged_things: frozenset[str]  # objects of "massage" in other worlds, known words or not
    massage_not_objects: frozenset[str]  # words after "massage" that make it the subject ("alone")
    typo_edits: tuple[tuple[int, int], ...]  # (from this many letters, edits allowed), longest first
    other_body_part: WordFinder  # its words, except in phrases that mean something else
    other_body_part_words: frozenset[str]  # its one-word entries, for misspellings
    vocabulary: frozenset[str]
    # the stems of its words -> the length of the shortest word with that stem ("sit": 3)
    shortest_with_stem: dict[str, int]
    classifier_overrules_at: float
    intents_without_domain_words: frozenset[str]
    abbreviations: Abbreviations

    def check(self, text: str) -> Finding | None:
        text = self.abbreviations.expand(text)  # "non-specific LBP": lower back pain
        tokens = words(text)
        reason = self._reason(text, tokens)
        if reason is None:
            return None
        # "a marriage therapist", "massage the figures", "back up my phone": the message used
        # the domain's own word in another sense, which the classifier's features cannot see,
        # so however sure it is of a topic, the finding stands.
        sure = (reason == ScopeReason.OFF_TOPIC and self._reads_in_another_sense(tokens)) or (
            # "my back is fine, it's my neck": the classifier's features cannot see that either
            reason == ScopeReason.OTHER_BODY_PART and self.back_not_the_problem.search(text) is not None
        )
        return Finding(reason, NEVER if sure else self.classifier_overrules_at, self.intents_without_domain_words)

    def reason(self, text: str) -> str | None:
        """``ScopeReason.OFF_TOPIC``, ``ScopeReason.OTHER_BODY_PART`` or None (no finding)."""
        text = self.abbreviations.expand(text)
        return self._reason(text, words(text))

    def _reason(self, text: str, tokens: list[str]) -> str | None:
        """``reason`` of a message whose abbreviations are expanded, and its words."""
        names_back = self._names_back(tokens)
        # The back named only as not the problem does not keep another body part in scope.
        back_as_problem = names_back and self._names_back(words(self.back_not_the_problem.sub(" ", text)))
        if self._names_other_part(text) and not back_as_problem and not self._names_spine(tokens):
            return ScopeReason.OTHER_BODY_PART
        if names_back or any(self._is_domain_word(tokens, i) for i in range(len(tokens))):
            return None
        # Nothing of the domain, and its words in another sense ("a book spine", "a recording
        # session") or words the data never uses: another world.
        if self._reads_in_another_sense(tokens) or any(self._is_foreign(w) for w in self._unknown(tokens)):
            return ScopeReason.OFF_TOPIC
        return None

    def _names_back(self, tokens: list[str]) -> bool:
        return any(self._is_body_back(tokens, i) for i, w in enumerate(tokens) if w in _BACK)

    def names_the_domain(self, text: str) -> bool:
        """Does the message name anything of the domain: the back, the spine, the body, pain,
        health or massage (in their senses here)?"""
        tokens = words(self.abbreviations.expand(text))
        return (
            self._names_back(tokens)
            or self._names_spine(tokens)
            or any(self._is_domain_word(tokens, i) for i in range(len(tokens)))
        )

    def names_other_body_part(self, text: str) -> bool:
        """Does the message name a body part other than the lower back (with the back or not)?"""
        return self._names_other_part(self.abbreviations.expand(text))

    def _names_other_part(self, text: str) -> bool:
        """Another body part, also misspelt ("migranes", "sholder"); not in a phrase that
        uses its word in another sense ("on the other hand", "on my feet all day")."""
        text = self.other_body_part.without_other_senses(text)
        if self.other_body_part.words.search(text):
            return True
        return any(self._near(w, self.other_body_part_words) for w in self._unknown(words(text)))

    def _is_body_back(self, tokens: list[str], i: int) -> bool:
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if self._back_in_another_sense(before, after):
            return False
        if before in _ARTICLES and after and after not in self.vocabulary:
            return False  # "the back boiler": a thing the data never names
        return not after or before in self.back_body_before or after in self.back_body_after

    def _names_spine(self, tokens: list[str]) -> bool:
        """Words of the lower back and its conditions, which a message about the back may use
        instead of "back" ("sciatica down my calf")."""
        return any(w in self.lower_back_words for w in tokens)

    def _is_domain_word(self, tokens: list[str], i: int) -> bool:
        word = tokens[i]
        if word == _MASSAGE:
            return not self._massages_a_thing(tokens, i)
        if word not in self.domain_words:
            return False
        # "a marriage therapist", "a therapist for my marriage": another kind of therapist
        kinds = self.other_kinds_of.get(word, frozenset())
        before = tokens[i - 1] if i else ""
        after_for = tokens[i + 2 : i + 5] if tokens[i + 1 : i + 2] in (["for"], ["of"]) else []
        return before not in kinds and not kinds.intersection(after_for)

    def _shares_words_only_in_another_sense(self, tokens: list[str]) -> bool:
        """ "a recording session", "my dentist's appointment": the words the clinic shares with
        other worlds are there, each in another world's sense (not "can I move my appointment?
        I've a dentist appointment then")."""
        shared = [
            i for i, w in enumerate(tokens) if w in self.other_kinds_of_shared or w in self.other_kinds_of_shared_after
        ]
        return bool(shared) and all(self._shared_in_another_sense(tokens, i) for i in shared)

    def _shared_in_another_sense(self, tokens: list[str], i: int) -> bool:
        """ "a recording session" (the word before), "book a train" (its object, within the
        next three words)."""
        word = tokens[i]
        if self._word_before(tokens, i) in self.other_kinds_of_shared.get(word, frozenset()):
            return True
        objects = self.other_kinds_of_shared_after.get(word, frozenset())
        return bool(objects.intersection(tokens[i + 1 : i + 4]))

    @staticmethod
    def _word_before(tokens: list[str], i: int) -> str:
        """The word before ``tokens[i]``, over a possessive ("dentist's": "dentist", "s")."""
        j = i - 2 if i >= 2 and tokens[i - 1] == "s" else i - 1
        return tokens[j] if j >= 0 else ""

    def _reads_in_another_sense(self, tokens: list[str]) -> bool:
        """Does the message use "massage", "therapist" or "back" in another sense, or the
        words it shares with other worlds ("session") only in theirs?"""
        if self._shares_words_only_in_another_sense(tokens):
            return True
        for i, word in enumerate(tokens):
            if word == _MASSAGE and self._massages_a_thing(tokens, i):
                return True
            if word in self.other_kinds_of and word in self.domain_words and not self._is_domain_word(tokens, i):
                return True
            before = tokens[i - 1] if i else ""
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if word in _BACK and self._back_in_another_sense(before, after):
                return True
        return False

    def _back_in_another_sense(self, before: str, after: str) -> bool:
        if (after == "up" and before in _POSSESSIVES) or before in self.back_adverb_after:
            return False
        return after in self.back_other_sense_after or before in self.back_other_sense_before

    def _massages_a_thing(self, tokens: list[str], i: int) -> bool:
        """ "how do I massage kale": massage as a verb whose object the data never names."""
        before = tokens[i - 1] if i else ""
        rest = [w for w in tokens[i + 1 : i + 3] if w not in _DETERMINERS][:1]
        return (
            before in self.massage_as_verb_after
            and bool(rest)
            and rest[0] not in self.massage_not_objects
            and (rest[0] not in self.vocabulary or rest[0] in self.massaged_things)
        )

    def _unknown(self, tokens: Iterable[str]) -> Iterator[str]:
        for word in tokens:
            if len(word) >= _MIN_WORD and not word.isdigit() and not self._known(word):
                yield word

    def _known(self, word: str) -> bool:
        """In the vocabulary, a longer form of a word in it ("sits", "improvement": "sit",
        "improve"), or made of known words and numbers ("follow-up", "half-hour", "90-minute").
        Not a shorter one: "game" is not known from "gaming" (a gaming chair), which would
        make "who won the game?" a question about the back."""
        if word in self.vocabulary or len(word) > self.shortest_with_stem.get(stem(word), len(word)):
            return True
        parts = word.split("-")
        return len(parts) > 1 and all(p.isdigit() or p in self.vocabulary for p in parts)

    def _is_foreign(self, word: str) -> bool:
        """Not a known word, nor a typo of one."""
        return not self._near(word, self.vocabulary)

    def _near(self, word: str, known: Iterable[str]) -> bool:
        """A typo of one of ``known``: same first letter, a few edits (none for short words)."""
        edits = next((n for letters, n in self.typo_edits if len(word) >= letters), 0)
        if not edits:
            return False
        near = [v for v in known if v[:1] == word[:1] and abs(len(v) - len(word)) <= edits]
        return process.extractOne(word, near, scorer=DamerauLevenshtein.distance, score_cutoff=edits) is not None


def _shortest_with_stem(vocabulary: Iterable[str]) -> dict[str, int]:
    shortest: dict[str, int] = {}
    for word in vocabulary:
        key = stem(word)
        shortest[key] = min(len(word), shortest.get(key, len(word)))
    return shortest


def load_scope_check(
    path: Path = SCOPE_CHECK_PATH,
    scope_words_path: Path = SCOPE_WORDS_PATH,
    training_dir: Path = TRAINING_DIR,
    abbreviations_path: Path = ABBREVIATIONS_PATH,
) -> ScopeCheck:
    data = read_mapping(path)
    if not isinstance(data.get("domain_words"), dict) or "lower_back" not in data["domain_words"]:
        raise DataFileError(f"{path}: 'domain_words' must map groups of words, one of them 'lower_back'")
    back = data.get("back")
    if not isinstance(back, dict):
        raise DataFileError(f"{path}: 'back' must map other_sense_after, other_sense_before, body_before, body_after")
    typo_edits = data.get("typo_edits")
    if not isinstance(typo_edits, dict) or not all(
        isinstance(k, int) and isinstance(v, int) for k, v in typo_edits.items()
    ):
        raise DataFileError(f"{path}: 'typo_edits' must map a word length to a number of edits")
    try:
        overrule = float(data["classifier_overrules_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(f"{path}: 'classifier_overrules_at' must be a number") from exc
    lists = scope_word_lists(scope_words_path)
    if OTHER_BODY_PART not in lists:
        raise DataFileError(f"{scope_words_path}: '{OTHER_BODY_PART}' must list words")
    vocabulary = training_vocabulary(training_dir)
    return ScopeCheck(
        domain_words=_word_list(data, "domain_words", path),
        lower_back_words=_word_list(data["domain_words"], "lower_back", path),
        other_kinds_of=_other_kinds(data, path),
        other_kinds_of_shared=_other_kinds(data, path, "other_kinds_of_shared"),
        other_kinds_of_shared_after=_other_kinds(data, path, "other_kinds_of_shared_after"),
        back_other_sense_after=_word_list(back, "other_sense_after", path),
        back_other_sense_before=_word_list(back, "other_sense_before", path),
        back_adverb_after=_word_list(back, "adverb_after", path),
        back_body_before=_word_list(back, "body_before", path),
        back_body_after=_word_list(back, "body_after", path),
        back_not_the_problem=read_pattern(back, "not_the_problem", path),
        massage_as_verb_after=_word_list(data, "massage_as_verb_after", path),
        massaged_things=_word_list(data, "massaged_things", path),
        massage_not_objects=_word_list(data, "massage_not_objects", path),
        typo_edits=tuple(sorted(typo_edits.items(), reverse=True)),
        other_body_part=load_word_finders(scope_words_path)[OTHER_BODY_PART],
        other_body_part_words=frozenset(w for w in lists[OTHER_BODY_PART] if " " not in w),
        vocabulary=vocabulary,
        shortest_with_stem=_shortest_with_stem(vocabulary),
        classifier_overrules_at=overrule,
        intents_without_domain_words=_word_list(data, "intents_without_domain_words", path),
        abbreviations=load_abbreviations(abbreviations_path),
    )
