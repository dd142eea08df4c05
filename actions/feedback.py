"""Feedback on knowledge-base answers: the buttons under an answer, and recording a rating.

A rating is stored in the conversation as two slots, `feedback_topic` (the topic rated)
and `feedback` (helpful / not_helpful), so `make report` can count them per topic.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.resources import CLINIC, KB, MESSAGES
from backcare.contract import AFFIRM_INTENT, DENY_INTENT, Feedback, Slot

RATED_TOPIC_ENTITY = "rated_topic"
# A bare "yes"/"no" after an answer rates it too (after a safety check, rules route it
# to the referral or the answer instead).
RATING_OF_INTENT = {
    "feedback_helpful": Feedback.HELPFUL,
    AFFIRM_INTENT: Feedback.HELPFUL,
    "feedback_not_helpful": Feedback.NOT_HELPFUL,
    DENY_INTENT: Feedback.NOT_HELPFUL,
}


def feedback_buttons(topic: Text) -> List[Dict[Text, Text]]:
    """Yes/No quick replies that name the topic they rate, so a late click rates the
    answer it sits under, not whatever was asked since."""
    entity = json.dumps({RATED_TOPIC_ENTITY: topic})
    return [
        {"title": MESSAGES["feedback_yes_button"], "payload": f"/feedback_helpful{entity}"},
        {"title": MESSAGES["feedback_no_button"], "payload": f"/feedback_not_helpful{entity}"},
    ]


def rated_topic(tracker: Tracker) -> Optional[Text]:
    """The topic from the button, else the last answer's topic; only knowledge-base topics."""
    candidates = (next(tracker.get_latest_entity_values(RATED_TOPIC_ENTITY), None), tracker.get_slot(Slot.TOPIC))
    return next((topic for topic in candidates if topic in KB.topics), None)


class ActionRecordFeedback(Action):
    """Thank for a "yes"; offer a rephrase or the clinic for a "no"."""

    def name(self) -> Text:
        return "action_record_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        rating = RATING_OF_INTENT.get(intent or "")
        topic = rated_topic(tracker)
        if rating is None or topic is None:
            # Nothing answered yet (or only a referral / out-of-scope reply): nothing to rate.
            dispatcher.utter_message(text=MESSAGES["feedback_nothing_to_rate"].format(**CLINIC.placeholders()))
            return []
        if rating == "helpful":
            dispatcher.utter_message(text=MESSAGES["feedback_thanks"])
        else:
            dispatcher.utter_message(
                text=MESSAGES["feedback_sorry"].format(**CLINIC.placeholders()),
                buttons=[{"title": MESSAGES["feedback_contact_button"], "payload": "/human_handoff"}],
            )
        return [SlotSet(Slot.FEEDBACK_TOPIC, topic), SlotSet(Slot.FEEDBACK, rating)]
