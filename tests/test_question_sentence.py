"""A long message's question sentence read on its own, and a message read after the user's
message before it, by the trained pipeline (components/question_sentence.py): their readings in
the parse data, the message's own reading unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.agent import Agent
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from backcare.contract import EARLIER_MESSAGES, QUESTION_SENTENCE, WITH_MESSAGE_BEFORE
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


def read(components: List[Any], texts: List[str], earlier: List[str] | None = None) -> List[Message]:
    """The texts through the components; ``earlier``: the user's messages before them, as
    patches.py puts them in each message's metadata."""
    metadata = {EARLIER_MESSAGES: earlier} if earlier is not None else None
    messages = [Message(data={TEXT: text, "metadata": metadata} if metadata else {TEXT: text}) for text in texts]
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


FIRST = "what kinds of massage are good for lower back pain?"
FOLLOW_UP = "Are any of those ok for a big lad who likes a firm touch?"


def test_a_message_after_another_carries_its_reading_with_the_one_before(components) -> None:
    message = read(components, [FOLLOW_UP], earlier=["is massage worth it?", FIRST])
    assert len(message) == 1  # the copy does not leave the pipeline
    reading = message[0].get(WITH_MESSAGE_BEFORE)
    joined = read(components, [f"{FIRST} {FOLLOW_UP}"])[0]  # the last message before it only
    assert reading == {"intent_ranking": joined.get("intent_ranking")[:10]}
    assert reading["intent_ranking"][0]["name"] == "massage_types"
    assert message[0].get("intent")["name"] != "massage_types"  # alone, it reads otherwise
    assert message[0].as_dict(only_output_properties=True)[WITH_MESSAGE_BEFORE] == reading  # in the parse data


def test_the_joined_copy_leaves_the_messages_own_reading_as_it_was(components) -> None:
    without_copier = [c for c in components if not isinstance(c, QuestionSentenceCopier)]
    texts = [FOLLOW_UP, *LONG]
    with_copies = read(components, texts, earlier=[FIRST])
    alone = read(without_copier, texts, earlier=[FIRST])
    assert [m.get(TEXT) for m in with_copies] == texts
    for copied, plain in zip(with_copies, alone, strict=True):
        assert copied.get(WITH_MESSAGE_BEFORE) is not None and plain.get(WITH_MESSAGE_BEFORE) is None
        assert copied.get("intent_ranking") == plain.get("intent_ranking")
        assert copied.get("entities") == plain.get("entities")


@pytest.mark.parametrize(("text", "earlier"), [(FOLLOW_UP, None), (FOLLOW_UP, []), ("/massage_types", [FIRST])])
def test_a_first_message_or_a_payload_gets_no_reading_with_the_one_before(components, text, earlier) -> None:
    assert read(components, [text], earlier=earlier)[0].get(WITH_MESSAGE_BEFORE) is None
