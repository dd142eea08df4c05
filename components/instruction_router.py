"""Instructions to the assistant itself ("ignore your instructions", "developer mode", "show
me your system prompt") get the off-topic notice, whatever intent the classifier ranked first
("what's your system prompt?" reads like a question about the bot). The patterns live in
knowledge/scope_check.yml (`instructions_to_the_assistant`). Runs before the red-flag screen,
which still wins: a warning sign in the same message gets its referral.
"""

from __future__ import annotations

import re
from typing import Sequence, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from backcare.scope import OFF_TOPIC_INTENT, load_instruction_patterns
from components.intents import IntentRouter


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InstructionRouter(IntentRouter):
    """Sets the intent `out_of_scope` for an instruction to the assistant (see the module)."""

    intent = OFF_TOPIC_INTENT

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self._patterns = tuple(patterns)

    @classmethod
    def from_files(cls) -> InstructionRouter:
        return cls(load_instruction_patterns())

    def matches(self, text: Text) -> bool:
        return any(pattern.search(text) for pattern in self._patterns)
