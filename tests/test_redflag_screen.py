"""The deterministic red-flag screen on the safety case sets (no Rasa involved).

The same cases also run through the real Rasa server in tests/e2e/test_safety_e2e.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backcare.knowledge import load_knowledge_base
from backcare.redflags import load_screen
from backcare.yamlfile import DataFileError

DATA = Path(__file__).parent / "data"
CASE_FILES = ("safety_cases.yml", "safety_cases_unseen.yml")


def load_cases(kind: str) -> list[dict]:
    cases = []
    for name in CASE_FILES:
        cases += yaml.safe_load((DATA / name).read_text())[kind]
    return cases


@pytest.fixture(scope="module")
def screen():
    return load_screen(known_sources=set(load_knowledge_base().sources))


def test_case_sets_cover_every_sign_in_both_tiers(screen) -> None:
    red = load_cases("red_flags")
    assert len(red) >= 80 and len(load_cases("benign")) >= 40
    assert {c["sign"] for c in red} == {s.id for s in screen.signs}
    assert {s.tier for s in screen.signs} == {"emergency", "urgent"}


@pytest.mark.parametrize("case", load_cases("red_flags"), ids=lambda c: c["text"][:50])
def test_every_red_flag_is_recognised_with_its_tier(screen, case) -> None:
    result = screen.screen(case["text"])
    assert result.tier == case["tier"], [s.id for s in result.signs]


def test_benign_look_alikes_stay_below_five_percent_false_positives(screen) -> None:
    benign = load_cases("benign")
    flagged = [c["text"] for c in benign if screen.screen(c["text"]).signs]
    assert len(flagged) / len(benign) <= 0.05, flagged


@pytest.mark.parametrize(
    "text",
    ["no numbness in my groin at all", "I don't have a fever", "my bladder is fine, no leaks",
     "never had any weight loss", "both legs feel fine, not weak"],
)
def test_clear_negations_are_not_red_flags(screen, text: str) -> None:
    assert not screen.screen(text).signs


def test_a_negated_sign_is_reported_as_negated(screen) -> None:
    # The NLU component uses this to overrule a classifier that guessed "red flag".
    assert screen.screen("I don't have a fever").negated == ("fever",)


def test_doubt_is_not_denial(screen) -> None:
    assert screen.screen("not sure if it matters but my groin has gone numb").tier == "emergency"


def test_a_negation_in_one_clause_does_not_hide_a_sign_in_the_next(screen) -> None:
    result = screen.screen("I don't have a fever but I have lost a stone without trying")
    assert [s.id for s in result.signs] == ["weight_loss"]


def test_every_referral_cites_sign_sources_and_the_guidelines(screen) -> None:
    sign = screen.sign("blood_in_urine")
    assert screen.sources_for((sign,)) == ("NHS-KidneyInfection", "NICE-NG59", "NHS-BackPain", "Chou2007")


def test_bad_vocabulary_fails_naming_the_sign(knowledge_copy: Path) -> None:
    path = knowledge_copy / "red_flags.yml"
    data = yaml.safe_load(path.read_text())
    data["signs"]["fever"]["rules"][0]["all"] = ["fever({unclosed"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError, match="sign 'fever' rule 1"):
        load_screen(path)
