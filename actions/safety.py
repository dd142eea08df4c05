"""Details of a red-flag referral: the sign recognised, the clinic's numbers, sources.

The Rasa server has already sent the fixed referral (a domain response) before this
action runs, so the user is referred even when this action server is down.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.resources import CLINIC, KB, MESSAGES, SCREEN
from actions.slots import CITED_SOURCES, RED_FLAG_TIER, TOPIC
from backcare.contract import RED_FLAG_INTENT, RED_FLAG_SIGN_ENTITY
from backcare.render import shows_links, sources_line

TIER_OF_INTENT = {intent: tier for tier, intent in RED_FLAG_INTENT.items()}


def _join(phrases: List[Text]) -> Text:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


class ActionRedFlagReferral(Action):
    """Name the warning sign in plain words and say where to get help."""

    def name(self) -> Text:
        return "action_red_flag_referral"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        tier = TIER_OF_INTENT.get(intent, "emergency")
        # The signs the Rasa server's screen recognised (entities), in message order.
        sign_ids = dict.fromkeys(tracker.get_latest_entity_values(RED_FLAG_SIGN_ENTITY))
        signs = tuple(SCREEN.sign(s) for s in sign_ids if SCREEN.knows(s))
        sources = SCREEN.sources_for(signs)
        text = MESSAGES[f"red_flag_{tier}_details"].format(
            sign=_join([s.says for s in signs]) if signs else "the symptoms you describe",
            sources=sources_line(sources, KB, shows_links(tracker.get_latest_input_channel())),
            **CLINIC.placeholders(),
        )
        dispatcher.utter_message(text=text)
        return [
            SlotSet(TOPIC, "red_flags"),
            SlotSet(RED_FLAG_TIER, tier),
            SlotSet(CITED_SOURCES, list(sources)),
        ]
