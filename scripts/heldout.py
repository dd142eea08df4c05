"""The held-out NLU sets (tests/data/heldout/*.yml, never used for training) as plain
messages with expectations."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

HELDOUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "heldout"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\{([^}]*)\}")


@dataclass(frozen=True)
class Example:
    text: str
    topic: str  # the intent label is the expected topic id
    # slot name -> the canonical values named (a message may name several: any one is right)
    entities: dict[str, frozenset[str]]


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
