"""The held-out NLU set (tests/data/nlu_heldout.yml) as plain messages with expectations."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

HELDOUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "nlu_heldout.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\{([^}]*)\}")


@dataclass(frozen=True)
class Example:
    text: str
    topic: str  # the intent label is the expected topic id
    entities: dict[str, str]  # slot name -> canonical value


def load_heldout(path: Path = HELDOUT) -> list[Example]:
    examples = []
    for block in yaml.safe_load(path.read_text())["nlu"]:
        for line in block["examples"].splitlines():
            raw = line.strip()[2:].strip()
            if not raw:
                continue
            entities = {}
            for _, spec in _ANNOTATION.findall(raw):
                data = yaml.safe_load("{" + spec + "}")
                entities[data["entity"]] = data["value"]
            examples.append(Example(_ANNOTATION.sub(r"\1", raw), block["intent"], entities))
    return examples
