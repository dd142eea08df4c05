"""Rasa NLU component: the deterministic red-flag screen, run inside the Rasa server.

It runs last in the pipeline, so its decision wins over the intent classifier and the
FallbackClassifier. A recognised sign turns the message into `red_flag_emergency` or
`red_flag_urgent` and adds one `red_flag_sign` entity per sign; FAQ entities are dropped,
because a red flag must not go on to recommend a massage.

When only the classifier says "red flag", the screen does not refer: measured on the
safety case sets, those guesses were mostly ordinary pain stories ("my lower back is
killing me"). The message gets its next-best intent instead, and the red-flag guess stays
first in `intent_ranking`, so the answer carries a warning-signs reminder (actions/faq.py).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from backcare.contract import RED_FLAG_INTENT, RED_FLAG_INTENTS, RED_FLAG_SIGN_ENTITY
from backcare.redflags import RedFlagScreen as Screen
from backcare.redflags import load_screen



@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RedFlagScreen(GraphComponent):
    """Routes any message that describes a warning sign to the referral."""

    def __init__(self, screen: Screen) -> None:
        self._screen = screen

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagScreen":
        # Loaded when the server starts: a broken vocabulary stops it with a clear message.
        return cls(load_screen())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text: Optional[Text] = message.get(TEXT)
        if not text:
            return
        screening = self._screen.screen(text)
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if screening.tier:
            self._set_intent(message, RED_FLAG_INTENT[screening.tier])
            message.set(ENTITIES, [_sign_entity(text, sign.id) for sign in screening.signs])
        elif intent in RED_FLAG_INTENTS:
            ranking = message.get(INTENT_RANKING_KEY) or []
            fallback = next((r for r in ranking if r.get(INTENT_NAME_KEY) not in RED_FLAG_INTENTS), None)
            if fallback:
                message.set(INTENT, dict(fallback))

    @staticmethod
    def _set_intent(message: Message, name: Text) -> None:
        chosen = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != name]
        message.set(INTENT, chosen)
        message.set(INTENT_RANKING_KEY, [chosen] + ranking)


def _sign_entity(text: Text, sign_id: Text) -> Dict[Text, Any]:
    # The screen works on the whole message, so the entity spans it.
    return {
        ENTITY_ATTRIBUTE_TYPE: RED_FLAG_SIGN_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: sign_id,
        ENTITY_ATTRIBUTE_START: 0,
        ENTITY_ATTRIBUTE_END: len(text),
        ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
        EXTRACTOR: RedFlagScreen.__name__,
    }
