"""No held-out or safety case (tests/data/**) is also a training example (data/nlu/):
a message the model was trained on measures memory, not understanding."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = ROOT / "data" / "nlu"
TEST_DATA_DIR = ROOT / "tests" / "data"
_MARKUP = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")
# Keys whose string values are user messages in the test sets, and the key of a list of them
# (a conversation's messages, in order).
MESSAGE_KEYS = ("text", "first")
MESSAGE_LIST_KEY = "turns"


def normalised(text: str) -> str:
    """Lower case, entity markup removed, only letters (of any script) and digits:
    "What's it cost?" = "whats it cost"."""
    return re.sub(r"[\W_]", "", _MARKUP.sub(r"\1", text).lower())


# The example blocks whose lines are messages or words the model learns: an intent's examples,
# and the synonyms and lookup tables the entity extractor matches ("osteoporosis" alone is one).
EXAMPLE_BLOCKS = ("intent", "synonym", "lookup")


def nlu_examples(document: Any) -> Iterator[str]:
    for block in (document or {}).get("nlu") or []:
        if any(key in block for key in EXAMPLE_BLOCKS):
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield line.strip()[2:]


def case_messages(node: Any) -> Iterator[str]:
    """Every message of a test set, whatever its layout (Rasa NLU blocks or lists of cases)."""
    if isinstance(node, dict):
        if "nlu" in node:
            yield from nlu_examples(node)
            return
        for key, value in node.items():
            if key in MESSAGE_KEYS and isinstance(value, str):
                yield value
            elif key == MESSAGE_LIST_KEY and isinstance(value, list):
                yield from (turn for turn in value if isinstance(turn, str))
            else:
                yield from case_messages(value)
    elif isinstance(node, list):
        for item in node:
            yield from case_messages(item)


def training_messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(TRAINING_DIR.glob("*.yml")):
        for example in nlu_examples(yaml.safe_load(path.read_text())):
            found.setdefault(normalised(example), f"{path.name}: {example}")
    return found


def test_case_files_are_found_and_read() -> None:
    files = sorted(TEST_DATA_DIR.rglob("*.yml"))
    assert len(files) >= 4  # both held-out sets and both safety sets
    messages = [m for path in files for m in case_messages(yaml.safe_load(path.read_text()))]
    assert len(messages) > 600


def test_no_test_case_is_a_training_example() -> None:
    training = training_messages()
    shared = [
        f"{path.relative_to(ROOT)}: {message!r} = {training[normalised(message)]}"
        for path in sorted(TEST_DATA_DIR.rglob("*.yml"))
        for message in case_messages(yaml.safe_load(path.read_text()))
        if normalised(message) in training
    ]
    assert not shared, "\n".join(shared)


def test_normalising_catches_case_and_punctuation_copies() -> None:
    assert normalised("What's a [Swedish](massage_type) massage?") == normalised("whats a swedish massage")


def test_normalising_keeps_the_letters_of_other_scripts() -> None:
    # Chinese or Russian text once normalised to nothing, "equal" to a training example "??".
    assert normalised("腰疼能按摩吗？") == "腰疼能按摩吗" != normalised("??")
    assert normalised("Болит поясница") == "болитпоясница"
