"""Rasa NLU component, first in the pipeline: a question written wholly in Spanish or French is
read in English words (knowledge/red_flag_languages.yml: the language's sign words, then its
`question_words`), so the classifier, the entity lookup, the routers and the red-flag screen all
read "¿y cuánto cuesta?" as "¿and how much does it cost?".

Only a message the glossary reads almost whole changes (`LanguageGlossary.english_reading`):
English never does, and a message with words the glossary does not know stays as written, so
the screen still gives it the safety check for a language it cannot read. So does a message
read in English that names a sign's site or symptom the screen neither finds as a sign nor rules
out (components/red_flag_screen.py): a translation by words may have lost how it was said. The
conversation keeps the patient's own words (the tracker's event text); the parse data, which the
action server reads, carries the English reading.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.contract import READ_FROM_LANGUAGE
from backcare.languages import LanguageGlossary, without_accents
from backcare.redflags import normalise, shared_screen


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class LanguageReader(GraphComponent):
    """Replaces the text of a message in a language the glossary reads whole by its English reading."""

    def __init__(self, glossary: LanguageGlossary) -> None:
        self._glossary = glossary

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageReader":
        return cls(shared_screen().glossary)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # the training examples are English

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text and not text.startswith("/"):
                reading = self._glossary.english_reading(without_accents(normalise(text)))
                if reading is not None:
                    language, english = reading
                    message.set(TEXT, english)
                    message.set(READ_FROM_LANGUAGE, language, add_to_output=True)
        return messages
