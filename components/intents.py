"""Shared by the NLU components that overrule the classifier (the red-flag screen, the
medicine and instruction routers): the chosen intent goes first in the ranking, once."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


def choose_intent(message: Message, chosen: Dict[Text, Any]) -> None:
    """Make ``chosen`` the message's intent and the first of its ranking."""
    name = chosen[INTENT_NAME_KEY]
    ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, chosen)
    message.set(INTENT_RANKING_KEY, [chosen] + ranking)


class IntentRouter(GraphComponent):
    """An NLU component that gives every message its rule `matches` the intent `intent`
    (confidence 1), whatever the classifier ranked. Subclasses say how they are built from
    the project's files (`from_files`) and what they match; each registers itself."""

    intent: ClassVar[str]

    @classmethod
    def from_files(cls) -> "IntentRouter":
        raise NotImplementedError

    def matches(self, text: Text) -> bool:
        raise NotImplementedError

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentRouter":
        return cls.from_files()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == self.intent:
                continue
            if self.matches(text):
                choose_intent(message, {INTENT_NAME_KEY: self.intent, PREDICTED_CONFIDENCE_KEY: 1.0})
        return messages
