"""Required literals of a regular expression: a quick test that rules a pattern out.

`required_literals(pattern)` returns strings of which every match of the pattern contains
at least one ("numb", "tingl", "pins and needles" ...), or None when it cannot find such a
set worth testing. A message that contains none of them cannot match, so the red-flag
screen skips that pattern's search: substring tests are many times cheaper than Python's
backtracking search over a long alternation (the idea of RE2's and codesearch's
prefilters, here over the parse tree of Python's own `sre_parse`).

Safe by construction: unknown constructs give None ("search anyway"), and the literals are
lower case and ASCII, so the test applies only to lower-case ASCII text (see `may_match`).
tests/test_redflag_screen.py checks the screen with and without the test agree on every
case set and on the training data.
"""

from __future__ import annotations

import itertools
import re
import sre_constants as c
import sre_parse  # Python 3.10's regex parser (re._parser from 3.11)
from typing import Any, Iterable, Optional

Literals = frozenset[str]
_MAX_SET = 64  # larger sets of alternatives are treated as unknown
_MAX_REPEAT = 3  # a repeat of an exact part with at most this many copies stays exact
_MIN_USEFUL = 2  # a set with a shorter string (one letter) rules out too little
_ZERO_WIDTH = frozenset([""])
_GRAM = 4  # length of the piece of each literal a message is tested for


def required_literals(pattern: re.Pattern[str]) -> Optional[Literals]:
    """Lower-case strings one of which every match of ``pattern`` contains, or None."""
    found = _factors_seq(sre_parse.parse(pattern.pattern, pattern.flags).data)
    if found is None or min(map(len, found)) < _MIN_USEFUL:
        return None
    return found


class Probe:
    """Tests a message against many patterns' required literals at once. Each literal is
    filed under one short piece of it (a "gram"); a message's grams are collected once, and
    only the literals whose gram the message has are looked for in full."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        # Keyed by id(): hashing a compiled pattern hashes its whole code, on every lookup.
        # The patterns are the caller's and live as long as it does.
        self._needed: dict[int, Optional[dict[str, tuple[str, ...]]]] = {}
        for pattern in patterns:
            literals = required_literals(pattern)
            if literals is None:
                self._needed[id(pattern)] = None
                continue
            by_gram: dict[str, list[str]] = {}
            for literal in sorted(literals):
                by_gram.setdefault(_rarest_gram(literal), []).append(literal)
            self._needed[id(pattern)] = {gram: tuple(found) for gram, found in by_gram.items()}
        self._sizes = sorted({len(g) for needed in self._needed.values() if needed for g in needed})

    def grams_of(self, text: str) -> Optional[frozenset[str]]:
        """The pieces of ``text`` (lower case) to test against, or None to search every pattern:
        case folding outside ASCII ("ſ" matches "s") is left to the search."""
        if not text.isascii():
            return None
        return frozenset(text[i : i + n] for n in self._sizes for i in range(len(text) - n + 1))

    def may_match(self, pattern: re.Pattern[str], text: str, grams: Optional[frozenset[str]]) -> bool:
        """False only when ``text`` (whose grams are ``grams``) cannot match ``pattern``."""
        needed = self._needed.get(id(pattern))
        if needed is None or grams is None:
            return True
        return any(literal in text for gram in grams.intersection(needed) for literal in needed[gram])


# Rough English letter frequencies (per cent): the rarest piece of a literal rules out most.
_LETTER_FREQUENCY = dict(
    zip(
        "etaoinshrdlcumwfgypbvkjxqz",
        (13, 9, 8, 8, 7, 7, 6, 6, 6, 4, 4, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1),
        strict=True,
    )
)


def _rarest_gram(literal: str) -> str:
    if len(literal) <= _GRAM:
        return literal
    grams = (literal[i : i + _GRAM] for i in range(len(literal) - _GRAM + 1))
    return min(grams, key=lambda g: (sum(_LETTER_FREQUENCY.get(ch, 15) for ch in g), g))


def _exact_seq(items: Iterable[tuple[Any, Any]]) -> Optional[Literals]:
    """Every string the sequence can match, when there are few; else None."""
    result: Optional[Literals] = _ZERO_WIDTH
    for op, av in items:
        part = _exact_item(op, av)
        if part is None or result is None:
            return None
        result = _product(result, part)
    return result


def _exact_item(op: Any, av: Any) -> Optional[Literals]:
    if op is c.LITERAL:
        char = chr(av).lower()
        return frozenset([char]) if char.isascii() else None
    if op is c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is c.LITERAL and chr(value).isascii():
                chars.add(chr(value).lower())
            elif kind is c.RANGE and value[1] - value[0] < 10 and chr(value[1]).isascii():
                chars.update(chr(v).lower() for v in range(value[0], value[1] + 1))
            elif kind is c.CATEGORY and value is c.CATEGORY_DIGIT:
                chars.update("0123456789")  # ASCII text only: see Probe.grams_of
            else:
                return None  # negation, wide ranges, other categories: too many characters
        return frozenset(chars) if len(chars) <= _MAX_SET else None
    if op in (c.AT, c.ASSERT_NOT):
        return _ZERO_WIDTH  # anchors and negative look-arounds consume nothing
    if op is c.SUBPATTERN:
        return _exact_seq(av[-1])
    if op is c.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            part = _exact_seq(alternative)
            if part is None:
                return None
            union |= part
        return frozenset(union) if len(union) <= _MAX_SET else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, body = av
        if high > _MAX_REPEAT:
            return None
        once = _exact_seq(body)
        if once is None:
            return None
        union = set()
        copies: Optional[Literals] = _ZERO_WIDTH
        for count in range(high + 1):
            if copies is None:
                return None
            if count >= low:
                union |= copies
            copies = _product(copies, once)
        return frozenset(union) if len(union) <= _MAX_SET else None
    return None  # any character, categories, back-references, positive look-arounds


def _factors_seq(items: Iterable[tuple[Any, Any]]) -> Optional[Literals]:
    """A set of strings one of which every match of the sequence contains, the most
    selective found: runs of exact parts joined together, or one inexact part's own set."""
    candidates: list[Literals] = []
    run: Literals = _ZERO_WIDTH
    for op, av in items:
        exact = _exact_item(op, av)
        if exact is not None:
            joined = _product(run, exact)
            if joined is None:  # too many combinations: start a new run here
                candidates.append(run)
                joined = exact
            run = joined
            continue
        candidates.append(run)
        run = _ZERO_WIDTH
        inner = _factors_item(op, av)
        if inner is not None:
            candidates.append(inner)
    candidates.append(run)
    return max(candidates, key=_selectivity, default=None)


def _factors_item(op: Any, av: Any) -> Optional[Literals]:
    if op is c.SUBPATTERN:
        return _factors_seq(av[-1])
    if op is c.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            part = _factors_seq(alternative)
            if part is None or "" in part:
                return None  # an alternative with nothing required: no filter
            union |= part
        return frozenset(union)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
        return _factors_seq(av[2])  # at least one copy is there
    return None


def _product(left: Literals, right: Literals) -> Optional[Literals]:
    if len(left) * len(right) > _MAX_SET:
        return None
    return frozenset(a + b for a, b in itertools.product(left, right))


def _selectivity(literals: Literals) -> tuple[int, int]:
    """Longer shortest string first, then fewer strings."""
    return (min(map(len, literals)), -len(literals))
