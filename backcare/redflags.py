"""Deterministic red-flag screen: finds warning signs in a message, ConText-style.

The vocabulary lives in knowledge/red_flags.yml; this module only interprets it. It is
used by the Rasa NLU component (to route the turn to a referral or a safety check), by the
channels' guard and by the referral action (to name the sign and cite its sources), so all
agree on what was recognised. `shared_screen()` loads it once per process.

How a message is read:
1. Normalised (lower case, straight apostrophes) and spelled: a word that is not in the
   English dictionary but is one or two edits from a sign word ("leggs", "weeker") is read
   as that word (rapidfuzz against the vocabulary's lexicon; the real words near a sign
   word, taken from pyspellchecker's dictionary, stay as they are: "week" never becomes "weak").
2. Split into sentences; every sentence is screened, however long the message.
3. A sign's rule matches when each of its `all` patterns has a match in the sentence (or
   the message) and its `where` patterns (body sites, conditions) are present.
4. Each match is judged in its own clause (ConText): a negation, a past or resolved marker,
   a hypothetical, a general question or another person's history qualifies only the match
   it is said about, never another sign in the message.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from backcare.abbreviations import ABBREVIATIONS_PATH, Abbreviations, load_abbreviations
from backcare.contract import PROJECT_ROOT, Tier
from backcare.languages import LANGUAGES_PATH, LanguageGlossary, load_glossary, without_accents
from backcare.literals import Probe
from backcare.yamlfile import DataFileError, read_mapping, require_text

RED_FLAGS_PATH = PROJECT_ROOT / "knowledge" / "red_flags.yml"
TIERS = (Tier.EMERGENCY, Tier.URGENT)  # most severe first
# "in_care": someone else's sign that is already being seen to ("he is in hospital"); unlike
# "other_person", a carer's report of it ("his back went") does not make it the writer's sign now.
CATEGORIES = ("negated", "historical", "hypothetical", "general", "other_person", "in_care")
DIRECTIONS = ("forward", "backward", "both")
_FRAGMENT_REF = re.compile(r"\{([a-z_]+)\}")
# A clinician's "?" before a word is "query" ("?CES with saddle anaesthesia"), not a sentence's end.
_QUERY = re.compile(r"(?:(?<=\s)|^)\?(?=[a-z])")
# Sentence ends; a dot between digits ("38.5") is not one.
_SENTENCE_BREAK = re.compile(r"(?<!\d)[.!?]+|[.!?]+(?!\d)|[;\n]+")
_FOUND = ("hit", "check")  # what _match_sign returns for a sign found or suspected
_WORD = re.compile(r"[a-z][a-z']*")
# A letter typed three times or more inside a word: no English word has one ("bloood", "peee",
# "sooo"). Not at a word's start, where "AAA" (an aortic aneurysm) is written so.
_STRETCHED = re.compile(r"(?<=[a-z])([a-z])\1{2,}")
MIN_SPELLED_LENGTH = 4  # shorter words are never respelled
REAL_WORDS_PATH = PROJECT_ROOT / "knowledge" / "spelling_real_words.yml"


@dataclass(frozen=True)
class Rule:
    all_of: tuple[re.Pattern[str], ...]  # the sign's own words: each needs an affirmed match
    where: tuple[re.Pattern[str], ...]  # sites or conditions that must be present
    none_of: tuple[re.Pattern[str], ...]  # exclusions anywhere in the unit
    whole_message: bool
    check_only: bool  # weaker evidence: ask the safety check instead of referring


@dataclass(frozen=True)
class Sign:
    id: str
    tier: str
    says: str  # plain words for the referral: "You mentioned {says}."
    advice: str  # where to go for this sign, when it differs from its tier's referral
    sources: tuple[str, ...]
    ignores: frozenset[str]  # ConText categories that do not cancel this sign
    rules: tuple[Rule, ...]
    none_of: tuple[re.Pattern[str], ...] = ()  # exclusions anywhere in the message


@dataclass(frozen=True)
class Modifier:
    category: str
    direction: str
    cues: re.Pattern[str]
    window_words: int | None  # None: the screen's default
    whole_sentence: bool  # "that was 20 years ago" looks back past the clause


@dataclass(frozen=True)
class Screening:
    signs: tuple[Sign, ...] = ()
    # Signs suspected but not confirmed (a general question about one's own symptom,
    # weaker evidence): the bot asks a safety check naming them.
    suspected: tuple[Sign, ...] = ()
    # Signs whose words were present but negated ("no numbness"): not a red flag.
    negated: tuple[str, ...] = ()
    # Signs whose words were present but qualified otherwise (past, hypothetical, a general
    # question, another person's history): not the writer's sign now.
    qualified: tuple[str, ...] = ()
    text: str = ""  # the message as the screen read it (spelling corrected)
    # Written mostly in a language the screen cannot read (knowledge/red_flag_languages.yml,
    # `english`): no sign found is no evidence, so the bot asks a safety check.
    unread: bool = False

    @property
    def tier(self) -> str | None:
        return _most_severe(self.signs)

    @property
    def check_tier(self) -> str | None:
        """Tier of the safety check to ask, when nothing was confirmed."""
        return None if self.signs else _most_severe(self.suspected)


# Judges exclusion patterns: only negation applies to them.
_NO_SIGN = Sign("", "", "", "", (), frozenset(CATEGORIES) - {"negated"}, ())


def _most_severe(signs: Iterable[Sign]) -> str | None:
    tiers = {s.tier for s in signs}
    return next((t for t in TIERS if t in tiers), None)


# A hesitation set off by commas: "things don't, er, work like they did".
_FILLER = re.compile(r",\s*(?:er+m*|um+|uh+|ahem)\s*,")
# A line of at most two words: a message typed a word or two at a time ("lump\non\nspine").
_SHORT_LINE = re.compile(r"^\s*(?:\S+\s+)?\S*\s*$")
# Punctuation spoken to voice-to-text ("both legs feel numb comma like they're asleep question
# mark"): read as the mark in a message that speaks a comma or a question mark ("period" alone
# may be a woman's period).
_DICTATED = re.compile(r"\b(?:comma|question mark)\b")
_SPOKEN_MARKS = {
    "comma": ",",
    "period": ".",
    "full stop": ".",
    "question mark": "?",
    "exclamation mark": "!",
    "exclamation point": "!",
}
_SPOKEN_MARK = re.compile(r"\s*\b(" + "|".join(_SPOKEN_MARKS) + r")\b")


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, single spaces: what the patterns expect. A message
    typed a word or two to a line is read as one line, and a filler set off by commas is
    dropped, so the sign's words stand together."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    # Quotation marks are not apostrophes: things 'don't work' -> things don't work.
    text = re.sub(r"(?<![a-z])'|'(?![a-z])|[\"\u201c\u201d]", " ", text)
    text = _FILLER.sub(" ", text)
    text = _QUERY.sub("query ", text)
    # a clinician's arrows: "↓ sensation buttocks" is reduced sensation
    text = text.replace("\u2193", " reduced ").replace("\u2191", " increased ")
    if _DICTATED.search(text):
        text = _SPOKEN_MARK.sub(lambda m: _SPOKEN_MARKS[m.group(1)] + " ", text)
    lines = text.split("\n")
    if len(lines) >= 3 and all(_SHORT_LINE.match(line) for line in lines):
        text = " ".join(line.strip() for line in lines if line.strip())
    return re.sub(r"[ \t]+", " ", text)


@dataclass
class Speller:
    """Reads misspelt sign words as the sign word (rapidfuzz), leaving real words alone."""

    lexicon: tuple[str, ...]
    fixed: dict[str, str]  # whole-word replacements: "cant" -> "can't"
    # The real English words that are close enough to a sign word to be misread as one
    # ("week" is near "weak"): knowledge/spelling_real_words.yml, made by
    # scripts/spelling_words.py from pyspellchecker's dictionary. No other real word ever
    # changes, because only words near a sign word do.
    real_words: frozenset[str]
    min_length: int = MIN_SPELLED_LENGTH
    # Messages repeat their words: each word's reading is worked out once (bounded).
    _nearest: Callable[[str], str | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._nearest = functools.lru_cache(maxsize=20_000)(
            functools.partial(nearest_sign_word, lexicon=self.lexicon, min_length=self.min_length)
        )

    def correct(self, text: str) -> str:
        return _WORD.sub(self._word, text)

    def _word(self, match: re.Match[str]) -> str:
        # a stretched letter is read twice: "bloood" -> "blood", "peee" -> "pee"
        word = _STRETCHED.sub(r"\1\1", match.group(0))
        if word in self.fixed:
            return self.fixed[word]
        if word in self.real_words:
            return word
        return self._nearest(word) or word


def nearest_sign_word(word: str, lexicon: tuple[str, ...], min_length: int = MIN_SPELLED_LENGTH) -> str | None:
    """The sign word ``word`` would be read as if it were not a real word, else None:
    one edit away (two for 7+ letters), same first letter, at least ``min_length`` letters."""
    if len(word) < min_length or "'" in word:
        return None
    max_edits = 1 if len(word) <= 6 else 2
    best = process.extractOne(word, lexicon, scorer=Levenshtein.distance, score_cutoff=max_edits)
    if best is None or best[0][0] != word[0]:
        return None
    return str(best[0])


@dataclass
class RedFlagScreen:
    signs: tuple[Sign, ...]
    modifiers: tuple[Modifier, ...]
    pseudo: re.Pattern[str]
    terminators: re.Pattern[str]
    first_person: re.Pattern[str]
    carer: re.Pattern[str]
    # "Mine is just a tight back": signs told of a third person are theirs, not the writer's.
    self_contrast: re.Pattern[str]
    third_person: re.Pattern[str]
    # A question about oneself answered "no" at once ("fever? no."): its group `question`
    # states no sign.
    answered_no: re.Pattern[str]
    window_words: int
    referral_sources: tuple[str, ...]
    check_signs: dict[str, str]  # tier -> its signs in plain words, for the safety check
    check_words: re.Pattern[str]  # sites and symptoms of the signs: a classifier guess needs one
    # readings said to be normal ("temp normal 36.8"): their sign words name no sign
    normal_readings: re.Pattern[str]
    # a back pain or the writer's back named ("my lower back is at me") in a message older than
    # those joined with this one, and the words read first in its place ("my lower back hurts.")
    back_named_earlier: re.Pattern[str]
    back_context: str
    speller: Speller
    abbreviations: Abbreviations  # "IVDU", "Hx" read as their words (knowledge/abbreviations.yml)
    # Sign words of other languages read as English (knowledge/red_flag_languages.yml).
    glossary: LanguageGlossary
    _by_id: dict[str, Sign] = field(init=False, repr=False)
    # Rules out, by the literals any match must contain, the sign patterns a message cannot
    # match (backcare/literals.py): most messages name no sign, and the test is far cheaper.
    _probe: Probe = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {s.id: s for s in self.signs}
        self._probe = Probe(p for s in self.signs for r in s.rules for p in r.all_of)

    def names_sign_words(self, text: str) -> bool:
        """Whether ``text`` (as the screen read it) names a sign's site or symptom, not counting
        readings said to be normal: "temp normal, weight same, back stiff" names none."""
        return self.check_words.search(self.normal_readings.sub(" ", text)) is not None

    def names_the_back(self, text: str) -> bool:
        """Whether ``text`` names a back pain or the writer's back ("my lower back is at me since
        the weekend"; not "back home"): ``back_named_earlier``."""
        return self.back_named_earlier.search(self._read(self._normalised(text))) is not None

    def _normalised(self, text: str) -> str:
        """Abbreviations written out, lower case, no accents (once, for the glossary and the
        English check: "dolió" -> "dolio")."""
        return without_accents(normalise(self.abbreviations.expand(text)))

    def _read(self, normalised: str) -> str:
        """The text as the patterns read it: other languages' sign words in English, misspelt
        sign words corrected."""
        return self.speller.correct(self.glossary.read(normalised))

    def knows(self, sign_id: str) -> bool:
        return sign_id in self._by_id

    def sign(self, sign_id: str) -> Sign:
        return self._by_id[sign_id]

    def sources_for(self, signs: tuple[Sign, ...]) -> tuple[str, ...]:
        """Sources a referral cites: the signs' own, then the general red-flag guidance."""
        keys = [key for sign in signs for key in sign.sources] + list(self.referral_sources)
        return tuple(dict.fromkeys(keys))

    def screen_together(self, earlier: Sequence[str], text: str, older: Sequence[str] = ()) -> Screening | None:
        """A sign told over the conversation's last messages ("I had breast cancer 5 years
        ago", then "now my lower back has started hurting"): the screening of ``earlier``
        (oldest first) and ``text`` read as one message, keeping only the signs, and the
        suspected signs, that the earlier messages did not show on their own (those were
        answered when they came). None when there are none. Joined by a space, so a sentence
        typed over several messages ("I can't really feel" / "my bum") reads whole; each
        message's own full stop still ends its sentence. ``older``: the messages before
        ``earlier``; where one names a back pain and these do not, ``back_context`` is read
        first, as that pain, and no other word of them."""
        # Each message's own questions answered "no" ("fever? no fever") are left out first: the
        # join may run them into the sentence before, where they would read as asked of oneself.
        parts = [self._without_answered_no(m) for m in [*earlier, text]]
        together = self.screen(" ".join(parts))
        if (
            older
            and self.names_sign_words(together.text)
            and not self.back_named_earlier.search(together.text)
            and any(self.names_the_back(m) for m in older)
        ):
            earlier = [self.back_context, *earlier]
            together = self.screen(" ".join([self.back_context, *parts]))
        if not together.signs and not together.suspected:
            return None  # most messages: one screening, not two
        before = self.screen(" ".join(earlier))
        confirmed = {s.id for s in before.signs}
        shown = confirmed | {s.id for s in before.suspected}
        signs = tuple(s for s in together.signs if s.id not in confirmed)
        suspected = tuple(s for s in together.suspected if s.id not in shown)
        if not signs and not suspected:
            return None
        return replace(together, signs=signs, suspected=suspected)

    def screen(self, text: str) -> Screening:
        normalised = self._normalised(text)
        message = self._read(normalised)
        asserted = self._without_answered_no(message)
        denied = asserted != message
        sentences = [s for s in _SENTENCE_BREAK.split(asserted) if s.strip()]
        whole = [s for s in _SENTENCE_BREAK.split(message) if s.strip()] if denied else sentences
        found: list[Sign] = []
        suspected: list[Sign] = []
        negated: list[str] = []
        qualified: list[str] = []
        contrast = bool(self.self_contrast.search(message))
        grams = self._probe.grams_of(asserted)
        for sign in self.signs:
            outcome = self._match_sign(sign, asserted, sentences, contrast, grams)
            if outcome is None and denied and self._match_sign(sign, message, whole, contrast, None) in _FOUND:
                outcome = "negated"  # found only with the questions answered "no"
            if outcome == "hit":
                found.append(sign)
            elif outcome == "check":
                suspected.append(sign)
            elif outcome == "negated":
                negated.append(sign.id)
            elif outcome == "excluded":
                qualified.append(sign.id)
        return Screening(
            signs=tuple(found),
            suspected=tuple(suspected),
            negated=tuple(negated),
            qualified=tuple(qualified),
            text=message,
            unread=not self.glossary.can_read(normalised),
        )

    def _without_answered_no(self, message: str) -> str:
        """The message without the questions about oneself answered "no" at once (a sign
        found only with them is negated, and reported so)."""
        kept, at = [], 0
        for match in self.answered_no.finditer(message):
            start, end = match.span("question")
            kept.append(message[at:start])
            at = end
        if not kept:
            return message
        kept.append(message[at:])
        return " ".join(kept)

    def _match_sign(
        self, sign: Sign, message: str, sentences: list[str], contrast: bool, grams: Optional[frozenset[str]]
    ) -> str | None:
        outcome: str | None = None
        for rule in sign.rules:
            # Most messages name none of the rule's words: ruled out by the probe, or by one
            # search of the whole message, before judging each sentence.
            if not all(self._probe.may_match(p, message, grams) for p in rule.all_of):
                continue
            if not all(p.search(message) for p in rule.all_of):
                continue
            for unit in [message] if rule.whole_message else sentences:
                state = self._match_rule(sign, rule, unit, contrast, message)
                if state == "hit" and rule.check_only:
                    state = "check"
                if state == "hit":
                    return "hit"
                rank = {"check": 3, "negated": 2, "excluded": 1}
                if state in rank and (outcome is None or rank[state] > rank[outcome]):
                    outcome = state
        return outcome

    def _match_rule(self, sign: Sign, rule: Rule, unit: str, contrast: bool = False, message: str = "") -> str | None:
        # The sign's own words first: most messages name none, and then nothing else matters.
        states = []
        for pattern in rule.all_of:
            state = self._pattern_state(sign, pattern, unit, contrast)
            if state is None:
                return None
            states.append(state)
        if not all(p.search(unit) for p in rule.where):
            return None
        # An exclusion counts only when affirmed: "not dieting" does not explain weight loss. A
        # sign explained away ("lost 8 kg on purpose") was read and judged, like a negated one.
        if any(self._pattern_state(_NO_SIGN, p, unit) == "hit" for p in rule.none_of):
            return "excluded"
        # A sign's own exclusions look at the whole message ("X-ray said nothing broken").
        if any(self._pattern_state(_NO_SIGN, p, message or unit) == "hit" for p in sign.none_of):
            return "excluded"
        if "other_person" in states and self.carer.search(unit):
            # "My father had cancer ... now his back hurts": a carer, his history counts.
            states = ["hit" if s == "other_person" else s for s in states]
        if all(s == "hit" for s in states):
            return "hit"
        if all(s in ("hit", "check") for s in states):
            return "check"
        if "negated" in states and all(s in ("hit", "check", "negated") for s in states):
            return "negated"
        return "excluded"  # other qualifiers: past, hypothetical, general, another person

    def _pattern_state(self, sign: Sign, pattern: re.Pattern[str], unit: str, contrast: bool = False) -> str | None:
        """The best judgement over the pattern's matches: hit > check > negated > excluded."""
        best: str | None = None
        rank = {"hit": 5, "check": 4, "other_person": 3, "negated": 2, "excluded": 1}
        for match in pattern.finditer(unit):
            state = self._judge(sign, unit, match.start(), match.end(), contrast)
            if best is None or rank[state] > rank[best]:
                best = state
            if best == "hit":
                break
        return best

    def _judge(self, sign: Sign, unit: str, start: int, end: int, contrast: bool = False) -> str:
        """ConText: which modifiers in the match's own clause apply to it."""
        clause_start, clause_end = self._clause(unit, start, end)
        pseudo_spans = [m.span() for m in self.pseudo.finditer(unit)]
        found: set[str] = set()
        for modifier in self.modifiers:
            if modifier.category in sign.ignores or modifier.category in found:
                continue
            lo, hi = (0, len(unit)) if modifier.whole_sentence else (clause_start, clause_end)
            n = self.window_words if modifier.window_words is None else modifier.window_words
            for cue in modifier.cues.finditer(unit, lo, hi):
                if any(_overlaps(cue.span(), p) for p in pseudo_spans):
                    continue
                # A cue before the match (it may run into it: "if I fell") qualifies it
                # forward, one after it backward, each within the window's words.
                forward = cue.start() < start and _words_between(unit, cue.end(), start) <= n
                backward = cue.end() > end and _words_between(unit, end, cue.start()) <= n
                if (forward and modifier.direction in ("forward", "both")) or (
                    backward and modifier.direction in ("backward", "both")
                ):
                    found.add(modifier.category)
                    break
        if contrast and "other_person" not in sign.ignores and self.third_person.search(unit[clause_start:clause_end]):
            found.add("other_person")
        if not found:
            return "hit"
        if found == {"general"} and self.first_person.search(unit):
            # "is the numbness in my groin a sign of something serious?", "transplant patient
            # with new back pain, can I ...": ask, don't assume.
            return "check"
        if found == {"negated"}:
            return "negated"
        if found == {"other_person"}:
            return "other_person"
        return "excluded"

    def _clause(self, unit: str, start: int, end: int) -> tuple[int, int]:
        clause_start = 0
        for brk in self.terminators.finditer(unit, 0, start):
            clause_start = brk.end()
        following = self.terminators.search(unit, end)
        return clause_start, following.start() if following else len(unit)


def _words_between(text: str, start: int, end: int) -> int:
    """Words from ``start`` to ``end`` (0 when they touch or overlap)."""
    return len(text[start:end].split()) if end > start else 0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _compile(path: Path, where: str, source: str, fragments: dict[str, str]) -> re.Pattern[str]:
    def expand(text: str, depth: int = 0) -> str:
        if depth > 5:
            raise DataFileError(f"{path}: {where}: fragments nest too deeply")

        def replace(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in fragments:
                raise DataFileError(f"{path}: {where}: unknown fragment '{{{name}}}'")
            return f"(?:{expand(fragments[name], depth + 1)})"

        return _FRAGMENT_REF.sub(replace, text)

    try:
        return re.compile(expand(source), re.IGNORECASE)
    except re.error as exc:
        raise DataFileError(f"{path}: {where}: bad pattern {source!r}: {exc}") from exc


def _answered_no(path: Path, compiled: re.Pattern[str]) -> re.Pattern[str]:
    if "question" not in compiled.groupindex:
        raise DataFileError(f"{path}: context.answered_no needs a group named 'question'")
    # Also read on messages as typed (RedFlagScreen.screen_together).
    return re.compile(compiled.pattern, compiled.flags | re.IGNORECASE)


def spelling_lexicon(path: Path = RED_FLAGS_PATH) -> tuple[str, ...]:
    """The sign words misspellings are read as (red_flags.yml, spelling.lexicon)."""
    return _lexicon(read_mapping(path, "spelling"), path)


def _lexicon(spelling: dict[str, object], path: Path) -> tuple[str, ...]:
    lexicon = spelling.get("lexicon")
    if not isinstance(lexicon, list) or not lexicon:
        raise DataFileError(f"{path}: 'spelling' needs a 'lexicon' list")
    return tuple(sorted({str(w).lower() for w in lexicon}))


def read_real_words(path: Path = REAL_WORDS_PATH) -> frozenset[str]:
    words = read_mapping(path).get("words")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise DataFileError(f"{path}: 'words' must be a list of words")
    return frozenset(words)


def load_screen(
    path: Path = RED_FLAGS_PATH,
    known_sources: set[str] | None = None,
    real_words_path: Path = REAL_WORDS_PATH,
    abbreviations_path: Path = ABBREVIATIONS_PATH,
    languages_path: Path = LANGUAGES_PATH,
) -> RedFlagScreen:
    """Load and compile the vocabulary; raise DataFileError naming the file and entry."""
    fragments = {str(k): str(v) for k, v in read_mapping(path, "fragments").items()}
    context = read_mapping(path, "context")
    spelling = read_mapping(path, "spelling")
    data = read_mapping(path)

    def pattern(where: str, source: object) -> re.Pattern[str]:
        if not isinstance(source, str) or not source:
            raise DataFileError(f"{path}: {where}: pattern must be a non-empty string")
        return _compile(path, where, source, fragments)

    def patterns(where: str, sources: object) -> tuple[re.Pattern[str], ...]:
        if sources is None:
            return ()
        if not isinstance(sources, list):
            raise DataFileError(f"{path}: {where}: expected a list of patterns")
        return tuple(pattern(where, p) for p in sources)

    referral_sources = data.get("referral_sources")
    if not isinstance(referral_sources, list) or not referral_sources:
        raise DataFileError(f"{path}: 'referral_sources' must list source keys")
    signs = []
    for sign_id, spec in read_mapping(path, "signs").items():
        if not isinstance(spec, dict):
            raise DataFileError(f"{path}: sign '{sign_id}' must be a mapping")
        tier = spec.get("tier")
        if tier not in TIERS:
            raise DataFileError(f"{path}: sign '{sign_id}': tier must be one of {TIERS}")
        sources = spec.get("sources")
        if not isinstance(sources, list) or not sources:
            raise DataFileError(f"{path}: sign '{sign_id}': 'sources' must list source keys")
        if known_sources is not None and not set(sources + referral_sources) <= known_sources:
            unknown = sorted(set(sources + referral_sources) - known_sources)
            raise DataFileError(f"{path}: sign '{sign_id}': unknown source keys {unknown}")
        ignores = spec.get("ignores") or []
        if not isinstance(ignores, list) or not set(ignores) <= set(CATEGORIES):
            raise DataFileError(f"{path}: sign '{sign_id}': 'ignores' must list some of {CATEGORIES}")
        rules = []
        for n, rule in enumerate(spec.get("rules") or [], start=1):
            where = f"sign '{sign_id}' rule {n}"
            if not isinstance(rule, dict) or not rule.get("all"):
                raise DataFileError(f"{path}: {where}: needs an 'all' list of patterns")
            if rule.get("scope", "sentence") not in ("sentence", "message"):
                raise DataFileError(f"{path}: {where}: scope must be 'sentence' or 'message'")
            rules.append(
                Rule(
                    all_of=patterns(where, rule["all"]),
                    where=patterns(where, rule.get("where")),
                    none_of=patterns(where, rule.get("none")),
                    whole_message=rule.get("scope", "sentence") == "message",
                    check_only=bool(rule.get("check_only", False)),
                )
            )
        if not rules:
            raise DataFileError(f"{path}: sign '{sign_id}': needs at least one rule")
        signs.append(
            Sign(
                id=str(sign_id),
                tier=tier,
                says=require_text(path, f"sign '{sign_id}'", spec, "says"),
                advice=str(spec.get("advice") or "").strip(),
                sources=tuple(sources),
                ignores=frozenset(ignores),
                rules=tuple(rules),
                none_of=patterns(f"sign '{sign_id}'", spec.get("none")),
            )
        )
    modifiers = []
    for n, spec in enumerate(context.get("modifiers") or [], start=1):
        where = f"context modifier {n}"
        if not isinstance(spec, dict) or spec.get("category") not in CATEGORIES:
            raise DataFileError(f"{path}: {where}: category must be one of {CATEGORIES}")
        if spec.get("direction") not in DIRECTIONS:
            raise DataFileError(f"{path}: {where}: direction must be one of {DIRECTIONS}")
        window = spec.get("window_words")
        if spec.get("scope", "clause") not in ("clause", "sentence"):
            raise DataFileError(f"{path}: {where}: scope must be 'clause' or 'sentence'")
        modifiers.append(
            Modifier(
                category=spec["category"],
                direction=spec["direction"],
                cues=pattern(where, spec.get("cues")),
                window_words=int(window) if window is not None else None,
                whole_sentence=spec.get("scope", "clause") == "sentence",
            )
        )
    if not modifiers:
        raise DataFileError(f"{path}: 'context' needs a list of 'modifiers'")
    check_signs = read_mapping(path, "check_signs")
    if set(check_signs) != set(TIERS) or not all(isinstance(v, str) and v for v in check_signs.values()):
        raise DataFileError(f"{path}: 'check_signs' needs a text for each tier {TIERS}")
    fixed = spelling.get("fixed") or {}
    if not isinstance(fixed, dict):
        raise DataFileError(f"{path}: 'spelling' needs a 'fixed' mapping")
    return RedFlagScreen(
        signs=tuple(signs),
        modifiers=tuple(modifiers),
        pseudo=pattern("context.pseudo", context.get("pseudo")),
        terminators=pattern("context.terminators", context.get("terminators")),
        first_person=pattern("context.first_person", context.get("first_person")),
        carer=pattern("context.carer", context.get("carer")),
        self_contrast=pattern("context.self_contrast", context.get("self_contrast")),
        third_person=pattern("context.third_person", context.get("third_person")),
        answered_no=_answered_no(path, pattern("context.answered_no", context.get("answered_no"))),
        window_words=int(context.get("window_words", 6)),
        referral_sources=tuple(referral_sources),
        check_signs={str(k): str(v) for k, v in check_signs.items()},
        check_words=pattern("check_words", data.get("check_words")),
        normal_readings=pattern("normal_readings", data.get("normal_readings")),
        back_named_earlier=pattern("back_named_earlier", data.get("back_named_earlier")),
        back_context=require_text(path, "the vocabulary", data, "back_context"),
        speller=Speller(
            lexicon=_lexicon(spelling, path),
            fixed={str(k): str(v) for k, v in fixed.items()},
            real_words=read_real_words(real_words_path),
        ),
        abbreviations=load_abbreviations(abbreviations_path),
        glossary=load_glossary(languages_path),
    )


@functools.lru_cache(maxsize=1)
def shared_screen() -> RedFlagScreen:
    """The screen of knowledge/red_flags.yml, loaded once per process and shared."""
    return load_screen()
