"""A long message's question sentence read on its own by the trained pipeline
(components/question_sentence.py): its reading in the parse data, the message's own reading
unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.agent import Agent
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from backcare.contract import QUESTION_SENTENCE
from components.question_sentence import QuestionSentenceCopier, question_sentence

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "backcare.tar.gz"

LONG = [
    "We moved flat last month and I carried boxes up four floors every evening after work. "
    "Would two sessions a month be enough?",
    "My nan is 90 and she still does her own shopping, bless her, and she asked me to find out. "
    "Is it ok to have a massage at her age?",
    "ok so I read all that twice. the bit about the nerves and the muscles went right over my head "
    "to be honest, can you put it more simply",
]


@pytest.fixture(scope="module")
def components() -> List[Any]:
    """The trained model's NLU components, in the pipeline's order."""
    assert MODEL.exists(), "run `make train` (make test does it for you)"
    nodes = Agent.load(str(MODEL)).processor.graph_runner._instantiated_nodes
    return [node._component for name, node in nodes.items() if name.startswith("run_") and "Policy" not in name]


def read(components: List[Any], texts: List[str]) -> List[Message]:
    messages = [Message(data={TEXT: text}) for text in texts]
    for component in components:
        messages = component.process(messages)
    return messages


def test_a_long_message_carries_its_question_sentence_read_alone(components) -> None:
    message = read(components, [LONG[0]])
    assert len(message) == 1  # the copy does not leave the pipeline
    sentence = message[0].get(QUESTION_SENTENCE)
    alone = read(components, ["Would two sessions a month be enough?"])[0].get("intent")
    assert sentence == {"text": "Would two sessions a month be enough?", **alone}
    assert sentence["name"] == "frequency"
    assert message[0].as_dict(only_output_properties=True)[QUESTION_SENTENCE] == sentence  # in the parse data


def test_the_copy_leaves_the_messages_own_reading_as_it_was(components) -> None:
    without_copier = [c for c in components if not isinstance(c, QuestionSentenceCopier)]
    with_copies = read(components, LONG)
    alone = read(without_copier, LONG)
    assert [m.get(TEXT) for m in with_copies] == LONG
    for copied, plain in zip(with_copies, alone, strict=True):
        assert copied.get(QUESTION_SENTENCE) is not None and plain.get(QUESTION_SENTENCE) is None
        assert copied.get("intent_ranking") == plain.get("intent_ranking")
        assert copied.get("entities") == plain.get("entities")


@pytest.mark.parametrize(
    "text",
    [
        "how often should I go for a back massage?",  # short
        "I have had a sore lower back for three weeks since I started a new job in a warehouse",  # no second sentence
        "/frequency",  # a button's payload
    ],
)
def test_a_short_message_or_one_sentence_gets_no_second_reading(components, text: str) -> None:
    assert read(components, [text])[0].get(QUESTION_SENTENCE) is None


def test_the_question_is_the_last_question_sentence_not_the_story() -> None:
    text = "I'm a chef and stand twelve hours a day. Could my shoes be to blame? My boss thinks so."
    assert question_sentence(text, longer_than=15) == "Could my shoes be to blame?"
    assert question_sentence("Could my shoes be to blame? I stand all day.", longer_than=15) is None  # short
