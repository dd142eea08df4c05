"""Answers from the knowledge base, and the full citations of the last answer."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import SCOPE_RESPONSE, answered_entities, clarify_buttons, decide_turn, offer_topics
from actions.feedback import feedback_buttons
from actions.resources import CLINIC, KB, MESSAGES
from backcare.clarify import resolve
from backcare.contract import READ_FROM_LANGUAGE, VAGUE_OPENER_INTENT, ScopeReason, Slot, Topic
from backcare.messages import ANSWERED_IN_ENGLISH
from backcare.render import render_answer, render_full_citations, shows_links


def first_reply_of_session(tracker: Tracker) -> bool:
    """True if the bot has not spoken since the session started."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "session_started":
            return True
    return True


def _pick_buttons(offer: Text) -> List[Dict[Text, Text]]:
    """One quick reply per massage type or condition, labelled from the knowledge base."""
    entries, intent = (
        (KB.massage_types, "massage_type_detail") if offer == Slot.MASSAGE_TYPE else (KB.conditions, "condition_advice")
    )
    return [
        {"title": entry.name[:1].upper() + entry.name[1:], "payload": f"/{intent}{json.dumps({offer: key})}"}
        for key, entry in entries.items()
    ]


class ActionAnswer(Action):
    """Answer a knowledge-base topic with its evidence line and sources."""

    def name(self) -> Text:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        # Named in the message, or carried from the previous answer by a short follow-up.
        decision = decide_turn(tracker)
        # Read from Spanish or French (components/language_reader.py): say the reply is English.
        in_english = MESSAGES.get(ANSWERED_IN_ENGLISH.format(language=tracker.latest_message.get(READ_FROM_LANGUAGE)))
        if in_english:
            dispatcher.utter_message(text=in_english)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if decision.kind != "answer" and intent == VAGUE_OPENER_INTENT:
            # A vague opener right after the other-body-part notice that does not ask the question
            # before for the lower back (data/rules.yml): the reply any vague opener gets.
            dispatcher.utter_message(response="utter_vague_opener")
            return offer_topics(tracker)
        condition, massage_types = answered_entities(tracker, decision.topic)
        outcome = resolve(
            decision,
            KB,
            massage_types=massage_types,
            condition=condition,
            remembered_massage_type=tracker.get_slot(Slot.MASSAGE_TYPE),
            remembered_condition=tracker.get_slot(Slot.HEALTH_CONDITION),
        )
        if outcome.kind == "out_of_scope":
            dispatcher.utter_message(response=SCOPE_RESPONSE[outcome.scope_reason or ScopeReason.OFF_TOPIC])
            return [SlotSet(Slot.TOPIC, Topic.OUT_OF_SCOPE), SlotSet(Slot.SCOPE_REASON, outcome.scope_reason)]
        events: List[EventType] = []
        if tracker.get_slot(Slot.SCOPE_REASON) is not None:
            events.append(SlotSet(Slot.SCOPE_REASON, None))
        if outcome.kind == "clarify":
            # The buttons ask again about the condition or type named or carried.
            entities = {Slot.MASSAGE_TYPE: next(iter(massage_types), None), Slot.HEALTH_CONDITION: condition}
            found = {entity: value for entity, value in entities.items() if value}
            return events + self._clarify(dispatcher, tracker, list(outcome.options), found)
        choice = outcome.choice
        assert choice is not None
        links = shows_links(tracker.get_latest_input_channel())
        text = render_answer(choice.entry, KB, CLINIC, links)
        # The first reply of a conversation carries the not-a-diagnosis notice. (Not in a
        # custom action_session_start: if the action server were down, that would break
        # every turn, the red-flag referral included.)
        if first_reply_of_session(tracker):
            text = MESSAGES["notice"].format(**CLINIC.placeholders()) + "\n\n" + text
        # A list to pick from (types, conditions) comes first; otherwise ask if it helped.
        buttons = _pick_buttons(choice.offer) if choice.offer else feedback_buttons(choice.entry.topic)
        dispatcher.utter_message(text=text, buttons=buttons)
        events += [
            SlotSet(Slot.TOPIC, choice.entry.topic),
            SlotSet(Slot.CITED_SOURCES, list(choice.entry.sources)),
        ]
        # Remember which type/condition was answered, so "and is it safe?" can follow.
        if choice.entry.key in KB.massage_types:
            events.append(SlotSet(Slot.MASSAGE_TYPE, choice.entry.key))
        if choice.entry.key in KB.conditions:
            events.append(SlotSet(Slot.HEALTH_CONDITION, choice.entry.key))
        return events

    @staticmethod
    def _clarify(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        options: List[tuple[Text, Text]],
        entities: Dict[Text, Text],
    ) -> List[EventType]:
        """Ask which topic is meant: one button per (topic, title), then "something else";
        each button's payload carries ``entities`` (the massage type, the condition)."""
        text = MESSAGES["clarify_question"]
        if first_reply_of_session(tracker):
            text = MESSAGES["notice"].format(**CLINIC.placeholders()) + "\n\n" + text
        topics = [topic for topic, _ in options]
        buttons = clarify_buttons(topics, dict(options), entities)
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet(Slot.TOPIC, Topic.CLARIFY), SlotSet(Slot.SUGGESTED_TOPICS, topics)]


class ActionClarify(ActionAnswer):
    """A message the classifier was unsure of (nlu_fallback), or one it ranked off topic
    right after an answer: a follow-up of the previous answer, a question which topic is
    meant (only when unsure), or the out-of-scope notice."""

    def name(self) -> Text:
        return "action_clarify"


class ActionShowSources(Action):
    """Full citations of the previous answer; the topic stays as it was."""

    def name(self) -> Text:
        return "action_show_sources"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        keys = tracker.get_slot(Slot.CITED_SOURCES) or []
        known = [key for key in keys if key in KB.sources]
        if not known:
            dispatcher.utter_message(text=MESSAGES["no_previous_answer"])
            return []
        links = shows_links(tracker.get_latest_input_channel())
        citations = render_full_citations(known, KB, links)
        dispatcher.utter_message(text=MESSAGES["sources_intro"].format(citations=citations))
        return []
