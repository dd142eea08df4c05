"""The held-out sets (never used for training) as plain messages with expectations.

- tests/data/heldout/*.yml: Rasa NLU blocks, the intent label is the expected topic id.
- tests/data/heldout_blind*/*.yml (five sets): each written blind by someone who
  had not seen the training data or the other sets: `cases` ({topic, massage_type?,
  health_condition?, scope_reason?, voice, text}) and two-turn `conversations`
  ({first, first_topic, text, topic}).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

TESTS_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
HELDOUT_DIR = TESTS_DATA / "heldout"
BLIND_DIR = TESTS_DATA / "heldout_blind"


def numbered_folders(data: Path, stem: str) -> tuple[Path, ...]:
    """The folders `stem`, `stem2`, `stem3` ... under ``data``, in number order ("blind10"
    after "blind9")."""
    found = [p for p in data.iterdir() if p.is_dir() and re.fullmatch(re.escape(stem) + r"\d*", p.name)]
    return tuple(sorted(found, key=lambda p: int(p.name[len(stem) :] or 1)))


# The first blind set and those written later (same layout), each first measured before it
# joined tests/data.
BLIND_DIRS = numbered_folders(TESTS_DATA, BLIND_DIR.name)
_ANNOTATION = re.compile(r"\[([^\]]+)\]\{([^}]*)\}")
ENTITY_SLOTS = ("massage_type", "health_condition")


@dataclass(frozen=True)
class Example:
    text: str
    topic: str  # the expected topic id
    # slot name -> the canonical values named (a message may name several: any one is right)
    entities: dict[str, frozenset[str]]
    scope_reason: str | None = None  # for topic out_of_scope, when the set says why
    voice: str | None = None


@dataclass(frozen=True)
class FollowUp:
    """Two turns: the second message is read in the context of the first answer."""

    first: str
    first_topic: str
    text: str
    topic: str


def load_heldout(directory: Path = HELDOUT_DIR) -> list[Example]:
    examples = []
    blocks = [b for path in sorted(directory.glob("*.yml")) for b in yaml.safe_load(path.read_text())["nlu"]]
    for block in blocks:
        for line in block["examples"].splitlines():
            raw = line.strip()[2:].strip()
            if not raw:
                continue
            entities: dict[str, set[str]] = {}
            for _, spec in _ANNOTATION.findall(raw):
                data = yaml.safe_load("{" + spec + "}")
                entities.setdefault(data["entity"], set()).add(data["value"])
            frozen = {slot: frozenset(values) for slot, values in entities.items()}
            examples.append(Example(_ANNOTATION.sub(r"\1", raw), block["intent"], frozen))
    return examples


def load_blind(directory: Path = BLIND_DIR) -> tuple[list[Example], list[FollowUp]]:
    cases: list[Example] = []
    follow_ups: list[FollowUp] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for case in data.get("cases") or []:
            entities = {
                slot: frozenset([str(case[slot])] if isinstance(case[slot], str) else map(str, case[slot]))
                for slot in ENTITY_SLOTS
                if case.get(slot)
            }
            cases.append(
                Example(str(case["text"]), str(case["topic"]), entities, case.get("scope_reason"), case.get("voice"))
            )
        for conversation in data.get("conversations") or []:
            follow_ups.append(
                FollowUp(
                    str(conversation["first"]),
                    str(conversation["first_topic"]),
                    str(conversation["text"]),
                    str(conversation["topic"]),
                )
            )
    return cases, follow_ups
