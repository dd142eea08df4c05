"""The red-flag screen's two shortcuts change nothing it reads.

1. Real words near a sign word come from a short list (knowledge/spelling_real_words.yml)
   instead of pyspellchecker's whole 160,000-word dictionary in the Rasa server.
2. A pattern is searched only when the message holds one of the literals every match of
   it contains (backcare/literals.py).

Both are checked against the plain way on every message the project has: the warning-sign
and look-alike sets, both held-out sets and the training data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from backcare.literals import Probe, required_literals
from backcare.redflags import Speller, load_screen, normalise
from scripts import spelling_words
from scripts.heldout import load_blind, load_heldout
from scripts.safety_sets import load_look_alikes, load_sign_cases

TRAINING = Path(__file__).resolve().parent.parent / "data" / "nlu"


def _training_examples() -> list[str]:
    examples = []
    for path in sorted(TRAINING.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples.append(re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line.strip()[2:]))
    return examples


def _all_messages() -> list[str]:
    blind, follow_ups = load_blind()
    messages = [c.text for c in load_sign_cases()] + [c.text for c in load_look_alikes()]
    messages += [e.text for e in load_heldout()] + [e.text for e in blind]
    messages += [f.text for f in follow_ups] + _training_examples()
    return messages


MESSAGES = _all_messages()


@pytest.fixture(scope="module")
def screen():
    return load_screen()


def test_there_are_enough_messages_to_compare() -> None:
    assert len(MESSAGES) > 5000


def test_the_real_word_list_is_up_to_date_with_the_dictionary_and_lexicon() -> None:
    assert spelling_words.main(["--check"]) == 0, "run: .venv/bin/python -m scripts.spelling_words"


def test_the_short_list_spells_every_message_as_the_whole_dictionary_does(screen) -> None:
    from spellchecker import SpellChecker

    short = screen.speller
    whole = Speller(short.lexicon, short.fixed, frozenset(SpellChecker(language="en").word_frequency.keys()))
    texts = [normalise(m) for m in MESSAGES] + ["my leggs are weeker this week", "a wee bit numbb"]
    assert [short.correct(t) for t in texts] == [whole.correct(t) for t in texts]
    assert short.correct("my leggs are weeker this week") == "my legs are weaker this week"


def test_the_probe_changes_no_screening(screen) -> None:
    unprobed = load_screen()
    unprobed._probe = Probe(())  # knows no pattern: every pattern is searched
    assert [screen.screen(m) for m in MESSAGES] == [unprobed.screen(m) for m in MESSAGES]


def test_every_match_of_every_sign_pattern_holds_one_of_its_literals(screen) -> None:
    patterns = [p for sign in screen.signs for rule in sign.rules for p in rule.all_of]
    texts = [screen.speller.correct(normalise(m)) for m in MESSAGES]
    checked = 0
    for pattern in patterns:
        literals = required_literals(pattern)
        assert literals, f"no literals found for {pattern.pattern[:60]!r}: it is searched in every message"
        for text in texts:
            for match in pattern.finditer(text):
                assert any(lit in match.group(0) for lit in literals), (pattern.pattern[:60], match.group(0))
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    "pattern, literals",
    [
        (r"numb\w*|tingl\w*", {"numb", "tingl"}),
        (r"an(?:a)?esthetic", {"anesthetic", "anaesthetic"}),
        (r"\bred\b|redness", {"red", "redness"}),
        (r"(?:\w+ ){0,3}wound", {"wound"}),
        (r"(?:can'?t|cannot) (?:\w+ ){0,4}pee", {"can't ", "cant ", "cannot "}),
        (r"age[ds]? [6-9]\d", {f"{a}{n}" for a in ("age ", "aged ", "ages ") for n in "6789"}),
        (r"lost (?!no)\w+", {"lost "}),
        (r"(?:x|\d+) pain", {" pain"}),
        (r"\w+ing", {"ing"}),
    ],
)
def test_required_literals_of_small_patterns(pattern: str, literals: set[str]) -> None:
    assert required_literals(re.compile(pattern, re.IGNORECASE)) == frozenset(literals)


@pytest.mark.parametrize("pattern", [r"\w+i", r"a|bc", r"[^a] ?b", r"(?=numb)\w+", r"(?:numb|\w+)s?"])
def test_no_literals_when_a_match_need_hold_only_a_letter_or_none(pattern: str) -> None:
    # None means "search every message": always safe.
    assert required_literals(re.compile(pattern, re.IGNORECASE)) is None


def test_text_outside_ascii_is_always_searched() -> None:
    pattern = re.compile(r"muscle", re.IGNORECASE)
    probe = Probe([pattern])
    long_s = "mu\u017fcle"  # "ſ" matches "s" when case is ignored
    assert pattern.search(long_s)
    assert probe.may_match(pattern, long_s, probe.grams_of(long_s))
    assert not probe.may_match(pattern, "muscat", probe.grams_of("muscat"))


def test_the_common_english_words_are_up_to_date() -> None:
    from scripts import english_words

    assert english_words.main(["--check"]) == 0, "run: .venv/bin/python -m scripts.english_words"
