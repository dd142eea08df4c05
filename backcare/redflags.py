"""Deterministic red-flag screen: finds warning signs in a message, honouring negation.

The vocabulary lives in knowledge/red_flags.yml; this module only interprets it. It is
used by the Rasa NLU component (to route the turn to a referral) and by the referral
action (to name the sign and cite its sources), so both agree on what was recognised.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from backcare.contract import PROJECT_ROOT
from backcare.yamlfile import DataFileError, read_mapping, require_text

RED_FLAGS_PATH = PROJECT_ROOT / "knowledge" / "red_flags.yml"
TIERS = ("emergency", "urgent")  # most severe first
_FRAGMENT_REF = re.compile(r"\{([a-z_]+)\}")
_SENTENCE_BREAK = re.compile(r"[.!?;\n]+")


@dataclass(frozen=True)
class Rule:
    all_of: tuple[re.Pattern[str], ...]
    none_of: tuple[re.Pattern[str], ...]
    whole_message: bool


@dataclass(frozen=True)
class Sign:
    id: str
    tier: str
    says: str  # plain words for the referral: "You mentioned {says}."
    sources: tuple[str, ...]
    past_cancels: bool
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Screening:
    signs: tuple[Sign, ...] = ()
    # Signs whose words were present but negated ("no numbness"): not a red flag.
    negated: tuple[str, ...] = ()

    @property
    def tier(self) -> str | None:
        for tier in TIERS:
            if any(s.tier == tier for s in self.signs):
                return tier
        return None


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, single spaces: what the patterns expect."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return re.sub(r"[ \t]+", " ", text)


@dataclass
class RedFlagScreen:
    signs: tuple[Sign, ...]
    negation_cues: re.Pattern[str]
    uncertain: re.Pattern[str]
    clause_breaks: re.Pattern[str]
    window_words: int
    past_markers: re.Pattern[str]
    general_markers: re.Pattern[str]
    referral_sources: tuple[str, ...]
    _by_id: dict[str, Sign] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {s.id: s for s in self.signs}

    def knows(self, sign_id: str) -> bool:
        return sign_id in self._by_id

    def sign(self, sign_id: str) -> Sign:
        return self._by_id[sign_id]

    def sources_for(self, signs: tuple[Sign, ...]) -> tuple[str, ...]:
        """Sources a referral cites: the signs' own, then the general red-flag guidance."""
        keys = [key for sign in signs for key in sign.sources] + list(self.referral_sources)
        return tuple(dict.fromkeys(keys))

    def screen(self, text: str) -> Screening:
        message = normalise(text)
        sentences = [s for s in _SENTENCE_BREAK.split(message) if s.strip()]
        found: list[Sign] = []
        negated: list[str] = []
        for sign in self.signs:
            outcome = self._match_sign(sign, message, sentences)
            if outcome == "hit":
                found.append(sign)
            elif outcome == "negated":
                negated.append(sign.id)
        return Screening(signs=tuple(found), negated=tuple(negated))

    def _match_sign(self, sign: Sign, message: str, sentences: list[str]) -> str | None:
        outcome: str | None = None
        for rule in sign.rules:
            for unit in [message] if rule.whole_message else sentences:
                # The sign's own words first: most messages name none, and then nothing else matters.
                states = []
                for pattern in rule.all_of:
                    states.append(self._pattern_state(pattern, unit))
                    if states[-1] is None:
                        break
                if states and states[-1] is None:
                    continue
                # An exclusion counts only when affirmed: "not dieting" does not explain weight loss.
                if any(self._pattern_state(p, unit) == "hit" for p in rule.none_of):
                    continue
                if self.general_markers.search(unit):
                    continue
                if sign.past_cancels and self.past_markers.search(unit):
                    continue
                if all(s == "hit" for s in states):
                    return "hit"
                if all(s in ("hit", "negated") for s in states):
                    outcome = "negated"
        return outcome

    def _pattern_state(self, pattern: re.Pattern[str], unit: str) -> str | None:
        """'hit' if some match is affirmed, 'negated' if every match is negated, else None."""
        state: str | None = None
        for match in pattern.finditer(unit):
            if self._is_negated(unit, match.start()):
                state = "negated"
            else:
                return "hit"
        return state

    def _is_negated(self, unit: str, start: int) -> bool:
        clause = self.clause_breaks.split(unit[:start])[-1]
        window = " ".join(clause.split()[-self.window_words :])
        return bool(self.negation_cues.search(window)) and not self.uncertain.search(window)


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


def load_screen(path: Path = RED_FLAGS_PATH, known_sources: set[str] | None = None) -> RedFlagScreen:
    """Load and compile the vocabulary; raise DataFileError naming the file and entry."""
    fragments = {str(k): str(v) for k, v in read_mapping(path, "fragments").items()}
    negation = read_mapping(path, "negation")
    data = read_mapping(path)

    def pattern(where: str, source: object) -> re.Pattern[str]:
        if not isinstance(source, str) or not source:
            raise DataFileError(f"{path}: {where}: pattern must be a non-empty string")
        return _compile(path, where, source, fragments)

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
        rules = []
        for n, rule in enumerate(spec.get("rules") or [], start=1):
            where = f"sign '{sign_id}' rule {n}"
            if not isinstance(rule, dict) or not rule.get("all"):
                raise DataFileError(f"{path}: {where}: needs an 'all' list of patterns")
            rules.append(
                Rule(
                    all_of=tuple(pattern(where, p) for p in rule["all"]),
                    none_of=tuple(pattern(where, p) for p in rule.get("none", [])),
                    whole_message=rule.get("scope", "sentence") == "message",
                )
            )
        if not rules:
            raise DataFileError(f"{path}: sign '{sign_id}': needs at least one rule")
        signs.append(
            Sign(
                id=str(sign_id),
                tier=tier,
                says=require_text(path, f"sign '{sign_id}'", spec, "says"),
                sources=tuple(sources),
                past_cancels=bool(spec.get("past_cancels", True)),
                rules=tuple(rules),
            )
        )
    return RedFlagScreen(
        signs=tuple(signs),
        negation_cues=pattern("negation.cues", negation.get("cues")),
        uncertain=pattern("negation.uncertain", negation.get("uncertain")),
        clause_breaks=pattern("negation.clause_breaks", negation.get("clause_breaks")),
        window_words=int(negation.get("window_words", 6)),
        past_markers=pattern("past_markers", data.get("past_markers")),
        general_markers=pattern("general_markers", data.get("general_markers")),
        referral_sources=tuple(referral_sources),
    )
