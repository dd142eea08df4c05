"""The warning-sign case sets (tests/data/, never used for training) as plain cases.

Sets: the project's own (`safety_cases.yml`), an earlier independent one
(`safety_cases_unseen.yml`), and two written blind, each by a helper who saw neither the
training data nor the other sets (`blind/`, `blind2/`, `blind3/`; blind2 and blind3 were
each written after the screen was tuned on the sets before them, and measured once before
any change), and `blind4/` and `blind5/` (2026-12-05, in clinicians', forum and regional voices too), which
`make eval` measures but the tests do not assert.
Used by the tests (tests/test_redflag_screen.py, tests/e2e/test_safety_e2e.py) and by
`make eval` (scripts/eval_safety.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from scripts.heldout import numbered_folders

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
# set name -> (file, key of the warning-sign cases, key of the look-alikes)
SIGN_SETS = {
    "own": ("safety_cases.yml", "red_flags"),
    "unseen": ("safety_cases_unseen.yml", "red_flags"),
    "blind": ("blind/red_flag_signs.yml", "cases"),
    "blind2": ("blind2/red_flag_signs.yml", "cases"),
    "blind3": ("blind3/red_flag_signs.yml", "cases"),
}
LOOK_ALIKE_SETS = {
    "own": ("safety_cases.yml", "benign"),
    "unseen": ("safety_cases_unseen.yml", "benign"),
    "blind": ("blind/red_flag_lookalikes.yml", "cases"),
    "blind2": ("blind2/red_flag_lookalikes.yml", "cases"),
    "blind3": ("blind3/red_flag_lookalikes.yml", "cases"),
}
# Measured by `make eval` (scripts/eval_safety.py) but not asserted by the tests: the other
# blind sets (blind4, blind5 ...), whose remaining misses are listed in docs/ rather than tuned
# away one by one.
EVAL_ONLY_SETS = {p.name: p.name for p in numbered_folders(DATA, "blind") if p.name not in SIGN_SETS}
# Conversations in which one person tells a sign over two or three messages, or tells none
# (`red_flag_conversations.yml`, written blind): measured by `make eval` only.
CONVERSATION_FILE = "red_flag_conversations.yml"


@dataclass(frozen=True)
class SignCase:
    text: str
    sign: str
    tier: str  # the most severe tier among the message's signs
    set_name: str
    voice: str = ""


@dataclass(frozen=True)
class LookAlike:
    text: str
    kind: str
    set_name: str


@dataclass(frozen=True)
class ConversationCase:
    turns: tuple[str, ...]  # the user's messages, in order
    set_name: str
    sign: str = ""  # "" for a conversation that tells no sign
    tier: str = ""
    kind: str = ""  # the trap of a conversation without a sign


def _cases(path: Path, key: str) -> list[dict]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))[key]
    if not isinstance(cases, list) or not cases:
        raise ValueError(f"{path}: '{key}' must be a non-empty list")
    return cases


def _sets(
    sets: dict[str, tuple[str, str]], data: Path, blind: Path | None, file: str, eval_only: bool
) -> list[tuple[str, Path, str]]:
    found = [(name, data / file_, key) for name, (file_, key) in sets.items()]
    if eval_only:
        found += [(name, data / folder / file, "cases") for name, folder in EVAL_ONLY_SETS.items()]
    if blind is not None and (blind / file).is_file():  # a new set, measured before it joins tests/data
        found.append((blind.name, blind / file, "cases"))
    return found


def load_sign_cases(data: Path = DATA, blind: Path | None = None, eval_only: bool = False) -> list[SignCase]:
    return [
        SignCase(c["text"], c["sign"], c["tier"], name, c.get("voice", ""))
        for name, path, key in _sets(SIGN_SETS, data, blind, "red_flag_signs.yml", eval_only)
        for c in _cases(path, key)
    ]


def load_look_alikes(data: Path = DATA, blind: Path | None = None, eval_only: bool = False) -> list[LookAlike]:
    return [
        LookAlike(c["text"], c.get("kind", "benign"), name)
        for name, path, key in _sets(LOOK_ALIKE_SETS, data, blind, "red_flag_lookalikes.yml", eval_only)
        for c in _cases(path, key)
    ]


def load_conversation_cases(data: Path = DATA, folders: tuple[Path, ...] | None = None) -> list[ConversationCase]:
    """Every conversation set under ``data`` (folders with a red_flag_conversations.yml), or
    those of ``folders`` (a new set measured before it joins tests/data)."""
    found = []
    paths = sorted(data.glob(f"*/{CONVERSATION_FILE}")) if folders is None else [f / CONVERSATION_FILE for f in folders]
    for path in paths:
        for c in _cases(path, "cases"):
            turns = tuple(str(t) for t in c["turns"])
            if len(turns) < 2:
                raise ValueError(f"{path}: a conversation needs two messages or more: {turns}")
            found.append(
                ConversationCase(turns, path.parent.name, c.get("sign", ""), c.get("tier", ""), c.get("trap", ""))
            )
    return found


# What the bot did with a message, read from its reply and the conversation's slots.
REFERRAL_WORDS = {"emergency": "call your local emergency number", "urgent": "see a doctor today"}
WHERE_TO_GO = ("emergency number now", "see a doctor today")


def outcome(reply: str, slots: dict) -> str:
    """'emergency' or 'urgent' (a referral of that tier), 'check' (a safety check whose
    message already says where to go now), or 'none'."""
    tier = slots.get("red_flag_tier")
    text = reply.lower()
    if slots.get("topic") != "red_flags":
        return "none"
    if tier in REFERRAL_WORDS and REFERRAL_WORDS[tier] in text and "do not book a massage" in text:
        return tier
    if tier == "check" and any(words in text for words in WHERE_TO_GO):
        return "check"
    return "none"
