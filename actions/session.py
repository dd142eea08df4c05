"""Session start: the first reply of every conversation carries the safety notice."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.resources import CLINIC, MESSAGES


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=MESSAGES["notice"].format(emergency_number=CLINIC.emergency_number))
        return [SessionStarted(), ActionExecuted("action_listen")]
