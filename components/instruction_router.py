"""Instructions to the assistant itself ("ignore your instructions", "developer mode", "show
me your system prompt") get the off-topic notice, whatever intent the classifier ranked first
("what's your system prompt?" reads like a question about the bot). The patterns live in
knowledge/scope_check.yml (`instructions_to_the_assistant`). Runs before the red-flag screen,
which still wins: a warning sign in the same message gets its referral.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from backcare.scope import OFF_TOPIC_INTENT, load_instruction_patterns
from components.intents import choose_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InstructionRouter(GraphComponent):
    """Sets the intent `out_of_scope` for an instruction to the assistant (see the module)."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self._patterns = tuple(patterns)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InstructionRouter:
        return cls(load_instruction_patterns())

    def is_instruction(self, text: Text) -> bool:
        return any(pattern.search(text) for pattern in self._patterns)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text and self.is_instruction(text):
                choose_intent(message, {INTENT_NAME_KEY: OFF_TOPIC_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0})
        return messages
