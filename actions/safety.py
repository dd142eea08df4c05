"""Details of a red-flag referral, and the answer after a "no" to the safety check.

The Rasa server has already sent the fixed referral or the safety check (domain responses)
before these actions run, so the user is referred even when this action server is down.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswer
from actions.resources import CLINIC, KB, MESSAGES, SCREEN
from backcare.clarify import without_red_flags
from backcare.contract import RED_FLAG_INTENT, RED_FLAG_SIGN_ENTITY, Slot, Tier, Topic
from backcare.render import shows_links, sources_line

TIER_OF_INTENT = {intent: tier for tier, intent in RED_FLAG_INTENT.items()}
# What a yes to the safety check confirmed, per check response.
TIER_OF_CHECK = {f"utter_red_flag_check_{tier}": tier for tier in RED_FLAG_INTENT}
# Entities of the question asked before the check that an answer may use.
ANSWER_ENTITIES = (Slot.MASSAGE_TYPE, Slot.HEALTH_CONDITION)  # each entity fills the slot of its name


def _join(phrases: List[Text]) -> Text:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _last_bot_action(tracker: Tracker) -> Optional[Text]:
    """The response or action the bot ran before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


class ActionRedFlagReferral(Action):
    """Name the warning sign in plain words, its own advice, and its own sources."""

    def name(self) -> Text:
        return "action_red_flag_referral"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        # A typed yes to the safety check carries no red-flag intent: the check's tier.
        tier = TIER_OF_INTENT.get(intent or "") or TIER_OF_CHECK.get(_last_bot_action(tracker) or "", Tier.EMERGENCY)
        # The signs the Rasa server's screen recognised (entities), in message order.
        sign_ids = dict.fromkeys(tracker.get_latest_entity_values(RED_FLAG_SIGN_ENTITY))
        signs = tuple(SCREEN.sign(s) for s in sign_ids if SCREEN.knows(s))
        if signs:
            said = _join([s.says for s in signs])
        else:
            # A yes to the safety check: the signs it asked about.
            said = tracker.get_slot(Slot.RED_FLAG_CHECK) or "the symptoms you describe"
        text = MESSAGES[f"red_flag_{tier}_details"].format(sign=said, **CLINIC.placeholders())
        advice = " ".join(dict.fromkeys(s.advice for s in signs if s.advice))
        if advice:
            text += " " + advice
        # The fixed referral already cited the general guidance: add only the signs' own.
        own = [key for key in SCREEN.sources_for(signs) if key not in SCREEN.referral_sources]
        if own:
            links = shows_links(tracker.get_latest_input_channel())
            text += "\n" + MESSAGES["red_flag_sign_sources"].format(sources=sources_line(own, KB, links))
        dispatcher.utter_message(text=text)
        return [
            SlotSet(Slot.TOPIC, Topic.RED_FLAGS),
            SlotSet(Slot.RED_FLAG_TIER, tier),
            SlotSet(Slot.CITED_SOURCES, list(SCREEN.sources_for(signs))),
        ]


class ActionAnswerAfterCheck(Action):
    """A "no" to the safety check: answer what the user asked before it."""

    def name(self) -> Text:
        return "action_answer_after_check"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        asked = _message_before_check(tracker)
        ranking = [
            {"name": name, "confidence": confidence}
            for name, confidence in without_red_flags(
                [
                    (str(r["name"]), float(r.get("confidence") or 0.0))
                    for r in (asked or {}).get("intent_ranking") or []
                    if r.get("name")
                ]
            )
        ]
        if not ranking or ranking[0].get("name") not in KB.topics:
            dispatcher.utter_message(text=MESSAGES["check_cleared"])
            return []
        # Answer as if the earlier message had been classified without its red-flag guess:
        # its next-best topic, or the question which topic is meant when that is unsure.
        earlier = copy.copy(tracker)
        earlier.latest_message = {
            **(asked or {}),
            "intent": dict(ranking[0]),
            "intent_ranking": ranking,
            "entities": [e for e in (asked or {}).get("entities") or [] if e.get("entity") in ANSWER_ENTITIES],
        }
        return ActionAnswer().run(dispatcher, earlier, domain)


def _message_before_check(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The parse data of the user message the safety check was asked about."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    return users[-2].get("parse_data") if len(users) >= 2 else None
