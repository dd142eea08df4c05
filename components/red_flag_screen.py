"""Rasa NLU component: the deterministic red-flag screen, run inside the Rasa server.

It runs last in the pipeline, so its decision wins over the intent classifier and the
FallbackClassifier. A recognised sign turns the message into `red_flag_emergency` or
`red_flag_urgent` and adds one `red_flag_sign` entity per sign; FAQ entities are dropped,
because a red flag must not go on to recommend a massage. When the classifier alone
says "red flag", the screen keeps it (when in doubt, refer) unless the message only
mentions signs it negates ("no numbness"), or the classifier is less sure than
`classifier_threshold` (its red-flag guesses on ordinary pain stories are the main source
of false alarms), in which case the next-best intent is used.
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

from backcare.redflags import RedFlagScreen as Screen
from backcare.redflags import load_screen

INTENT_FOR_TIER = {"emergency": "red_flag_emergency", "urgent": "red_flag_urgent"}
RED_FLAG_INTENTS = frozenset(INTENT_FOR_TIER.values())
SIGN_ENTITY = "red_flag_sign"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RedFlagScreen(GraphComponent):
    """Routes any message that describes a warning sign to the referral."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"classifier_threshold": 0.8}

    def __init__(self, screen: Screen, classifier_threshold: float) -> None:
        self._screen = screen
        self._classifier_threshold = classifier_threshold

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagScreen":
        # Loaded when the server starts: a broken vocabulary stops it with a clear message.
        return cls(load_screen(), float(config["classifier_threshold"]))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text: Optional[Text] = message.get(TEXT)
        if not text:
            return
        screening = self._screen.screen(text)
        predicted = message.get(INTENT) or {}
        intent = predicted.get(INTENT_NAME_KEY)
        confidence = float(predicted.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        if screening.tier:
            self._set_intent(message, INTENT_FOR_TIER[screening.tier])
            message.set(ENTITIES, [_sign_entity(text, sign.id) for sign in screening.signs])
        elif intent in RED_FLAG_INTENTS and (
            screening.negated or confidence < self._classifier_threshold
        ):
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
        ENTITY_ATTRIBUTE_TYPE: SIGN_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: sign_id,
        ENTITY_ATTRIBUTE_START: 0,
        ENTITY_ATTRIBUTE_END: len(text),
        ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
        EXTRACTOR: RedFlagScreen.__name__,
    }
