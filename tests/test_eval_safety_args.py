"""`scripts/eval_safety.py --blind DIR --only`: a first look at a new set, conversations included."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from scripts.eval_safety import cases_to_measure, trap_breakdown
from scripts.safety_sets import CONVERSATION_FILE, DATA, load_conversation_cases

ROOT = Path(__file__).resolve().parent.parent


def test_a_new_conversation_set_loads_under_its_folder_name(tmp_path: Path) -> None:
    new = tmp_path / "blind_conversations9"
    new.mkdir()
    (new / CONVERSATION_FILE).write_text(
        "cases:\n"
        "- sign: fever\n  tier: urgent\n  turns:\n  - 'my lower back hurts'\n  - 'and I have chills'\n"
        "- kind: benign\n  trap: past_sign_resolved\n  turns:\n  - 'had a fever last year'\n  - 'fine now'\n"
    )
    cases = load_conversation_cases(folders=(new,))
    assert [(c.set_name, c.sign, c.tier, c.kind) for c in cases] == [
        ("blind_conversations9", "fever", "urgent", ""),
        ("blind_conversations9", "", "", "past_sign_resolved"),
    ]
    assert cases[0].turns == ("my lower back hurts", "and I have chills")


def test_the_false_alarms_of_conversations_without_a_sign_are_told_by_trap() -> None:
    # a sign told and taken back later is referred when told: the report shows those apart
    line = trap_breakdown(
        {
            "someone_else": Counter({"urgent": 1}),
            "denied_later": Counter({"emergency": 4, "urgent": 2, "check": 1}),
        }
    )
    assert line == "denied_later 7 (referred 6, checked 1), someone_else 1 (referred 1)"


def test_a_conversation_of_one_message_is_refused(tmp_path: Path) -> None:
    (tmp_path / CONVERSATION_FILE).write_text("cases:\n- sign: fever\n  tier: urgent\n  turns:\n  - 'chills'\n")
    with pytest.raises(ValueError, match="two messages or more"):
        load_conversation_cases(folders=(tmp_path,))


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--only"], "--only needs --blind DIR"),
        (["--blind", "{empty}"], "neither red_flag_signs.yml nor red_flag_conversations.yml there"),
    ],
)
def test_bad_arguments_stop_before_any_server_starts(tmp_path: Path, args: list[str], error: str) -> None:
    args = [a.format(empty=tmp_path) for a in args]
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "eval_safety.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert error in done.stderr


def _conversation_set(folder: Path) -> Path:
    folder.mkdir()
    (folder / CONVERSATION_FILE).write_text(
        "cases:\n- sign: fever\n  tier: urgent\n  turns:\n  - 'my lower back hurts'\n  - 'and I have chills'\n"
    )
    return folder


def test_only_measures_the_new_set_alone(tmp_path: Path) -> None:
    new = _conversation_set(tmp_path / "blind_conversations9")
    cases = cases_to_measure(new, only=True)
    assert [c.set_name for c in cases.conversations] == ["blind_conversations9"]
    assert cases.signs == [] and cases.look_alikes == [] and cases.questions == []


def test_a_set_already_in_the_data_folder_is_measured_once() -> None:
    installed = DATA / "blind_conversations4"
    once = len(load_conversation_cases(folders=(installed,)))
    for only in (False, True):
        cases = cases_to_measure(installed, only=only)
        assert sum(c.set_name == installed.name for c in cases.conversations) == once
