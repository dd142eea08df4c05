"""Shared by the NLU components that overrule the classifier (the red-flag screen, the
medicine router): the chosen intent goes first in the ranking, once."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


def choose_intent(message: Message, chosen: Dict[Text, Any]) -> None:
    """Make ``chosen`` the message's intent and the first of its ranking."""
    name = chosen[INTENT_NAME_KEY]
    ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, chosen)
    message.set(INTENT_RANKING_KEY, [chosen] + ranking)
