"""Messages that are off topic by their words, whatever intent the classifier ranked first:
instructions to the assistant itself ("ignore your instructions", "show me your system
prompt": it reads like a question about the bot), and another world that shares the clinic's
words ("I'm a massage therapist, are you hiring?", "massage chair costco price": they read like
find_therapist and cost_insurance). The patterns live in knowledge/scope_check.yml
(`instructions_to_the_assistant`, `other_worlds`). Both run before the red-flag screen, which
still wins: a warning sign in the same message gets its referral.
"""

from __future__ import annotations

import re
from typing import Sequence, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from backcare.scope import OFF_TOPIC_INTENT, load_instruction_patterns, load_other_world_patterns
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


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OtherWorldRouter(InstructionRouter):
    """Sets the intent `out_of_scope` for another world that shares the clinic's words."""

    @classmethod
    def from_files(cls) -> OtherWorldRouter:
        return cls(load_other_world_patterns())
