"""Rasa NLU components: the question sentence of a long message read on its own as well.

A follow-up that tells a story before its question ("I'm a hairdresser, on my feet from 9 till
6 in flat pumps. Could my shoes be part of the reason?" after an answer on what causes back
pain) can read as off topic as a whole: the story's words are none of a topic's. Its question
alone reads as the topic it goes on with. The action server decides which reading holds
(backcare/clarify.py, ``with_question_sentence``); these two components give it the
second reading, from the same pipeline as the first:

- ``QuestionSentenceCopier``, right after the language reader: for a message longer than
  ``follow_up_max_words`` (knowledge/clarify.yml) with a question sentence
  (``question_focus.focus_span``), adds a message with that sentence's text to the list, so
  every component between them (tokenizer, featurizers, classifier, routers) reads it too.
- ``QuestionSentenceReading``, right before the red-flag screen: takes those messages out of the
  list again and puts the sentence's intent in the parse data of the message it came from
  (``QUESTION_SENTENCE``). The screen reads the whole message only; a short message gets no copy.

Only the first message of the list goes on to the dialogue (rasa/core/processor.py), and the
copies are out of the list before it leaves the pipeline.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.clarify import load_thresholds, word_count
from backcare.contract import QUESTION_SENTENCE
from components.question_focus import focus_span

# Marks a copy: the message it was taken from (the same object, so never stored or output).
_COPY_OF = "question_sentence_copy_of"


def question_sentence(text: Text, longer_than: int) -> Text | None:
    """The last question sentence of a message longer than ``longer_than`` words, if it has one
    (``focus_span``: never for a message of one sentence)."""
    if word_count(text) <= longer_than:
        return None
    span = focus_span(text)
    return None if span is None else text[span[0] : span[1]].strip()


class _NotTrained(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # the training examples are read as they are


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class QuestionSentenceCopier(_NotTrained):
    """Adds a message with the question sentence of each long message (see the module)."""

    def __init__(self) -> None:
        self._longer_than = load_thresholds().follow_up_max_words

    def process(self, messages: List[Message]) -> List[Message]:
        copies = []
        for message in messages:
            text = message.get(TEXT) or ""
            sentence = None if text.startswith("/") else question_sentence(text, self._longer_than)
            if sentence is not None:
                copies.append(Message(data={TEXT: sentence, _COPY_OF: message}))
        return messages + copies


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionSentenceReading(_NotTrained):
    """Puts each copy's intent in its message's parse data and drops the copies (see the module)."""

    def process(self, messages: List[Message]) -> List[Message]:
        kept = []
        for message in messages:
            original = message.get(_COPY_OF)
            if original is None:
                kept.append(message)
                continue
            intent = message.get(INTENT) or {}
            original.set(
                QUESTION_SENTENCE,
                {
                    TEXT: message.get(TEXT),
                    INTENT_NAME_KEY: intent.get(INTENT_NAME_KEY),
                    PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY),
                },
                add_to_output=True,
            )
        return kept
