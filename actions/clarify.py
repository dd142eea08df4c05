"""A turn's decision (answer, ask which topic, or out of scope) from the tracker, and the
clarifying question with one button per likely topic plus "something else"."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.resources import KB, MESSAGES, SCOPE
from backcare.clarify import (
    Decision,
    carried_entity,
    decide,
    follow_up_reading,
    load_back_again,
    load_continuation,
    load_entity_topics,
    load_thresholds,
    load_topic_after_notice,
    load_topic_follow_ups,
    load_vague_opener_topics,
    ranking_of,
    reads_the_domain,
    with_message_before,
    with_question_sentence,
    word_count,
)
from backcare.contract import QUESTION_SENTENCE, WITH_MESSAGE_BEFORE, ScopeReason, Slot, Topic
from backcare.medicine_comparison import load_medicine_comparison
from backcare.yamlfile import DataFileError

try:
    THRESHOLDS = load_thresholds()
    VAGUE_OPENER_TOPICS = load_vague_opener_topics()
    ENTITY_TOPICS = load_entity_topics()
    CONTINUATION = load_continuation()
    TOPIC_FOLLOW_UPS = load_topic_follow_ups()
    TOPIC_AFTER_NOTICE = load_topic_after_notice()
    BACK_AGAIN = load_back_again()
    MEDICINE_COMPARISON = load_medicine_comparison()
except DataFileError as exc:
    raise SystemExit(f"Cannot start the action server: {exc}") from exc

SCOPE_RESPONSE = {
    ScopeReason.MEDICINES: "utter_medicines",
    ScopeReason.OTHER_BODY_PART: "utter_other_body_part",
    ScopeReason.OFF_TOPIC: "utter_out_of_scope",
}
SOMETHING_ELSE_PAYLOAD = "/something_else"


def events_before_latest_message(tracker: Tracker) -> Iterator[Dict[Text, Any]]:
    """The events before the latest user message, newest first, back to the session's start."""
    seen_latest_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "session_started":
            return
        if seen_latest_user:
            yield event
        elif kind == "user":
            seen_latest_user = True


def previous_slot(tracker: Tracker, name: Text) -> Any:
    """A slot's value as it was before the latest user message (this session only)."""
    for event in events_before_latest_message(tracker):
        if event.get("event") == "slot" and event.get("name") == name:
            return event.get("value")
    return None


def changes_the_subject(tracker: Tracker) -> bool:
    """The latest message says it is not about the answer before ("unrelated, but ...")."""
    return CONTINUATION.changes_the_subject(tracker.latest_message.get("text") or "")


def previous_topic(tracker: Tracker) -> Optional[Text]:
    """The `topic` slot as it was before the latest user message. After a scope notice that has
    a topic to follow (the medicines notice: massage versus medication), that topic: "can
    massage replace it?" right after it asks about massage instead of that medicine. None when
    the latest message says it changes the subject ("unrelated, but ..."): no follow-up reading
    of the answer before applies to it."""
    if changes_the_subject(tracker):
        return None
    topic = previous_slot(tracker, Slot.TOPIC)
    if topic == Topic.OUT_OF_SCOPE:
        return TOPIC_AFTER_NOTICE.get(previous_slot(tracker, Slot.SCOPE_REASON), topic)
    return topic


def ranking(tracker: Tracker) -> List[tuple[Text, float]]:
    """The classifier's ranking without its red-flag guesses, rescaled: the red-flag screen
    (which runs last) found no sign in this message, or the turn would not be here."""
    message = tracker.latest_message
    # A message without a ranking (a button's payload, "/precautions") has its intent only.
    return ranking_of(message.get("intent_ranking") or [message.get("intent") or {}])


def with_message_before_reading(tracker: Tracker) -> Optional[Dict[Text, float]]:
    """The confidences of the message read after the user's message before it, as one text
    (patches.py), red-flag guesses left out as in ``ranking``; None for a first message, a
    button's payload or a message the classifier was sure of."""
    reading = tracker.latest_message.get(WITH_MESSAGE_BEFORE)
    if not isinstance(reading, dict) or not reading.get("intent_ranking"):
        return None
    return dict(ranking_of(reading["intent_ranking"]))


def question_before(tracker: Tracker) -> Optional[Text]:
    """The user's message before the latest one (this session only), as the bot read it: a
    question in Spanish or French in its English reading (components/language_reader.py)."""
    for event in events_before_latest_message(tracker):
        if event.get("event") == "user":
            return (event.get("parse_data") or {}).get("text") or event.get("text")
    return None


def notice_before(tracker: Tracker) -> Optional[Text]:
    """The scope reason of the notice given right before the latest user message, if it was one
    (None for a message that says it changes the subject, as in ``previous_topic``)."""
    if previous_slot(tracker, Slot.TOPIC) != Topic.OUT_OF_SCOPE or changes_the_subject(tracker):
        return None
    return previous_slot(tracker, Slot.SCOPE_REASON)


def decide_turn(tracker: Tracker) -> Decision:
    text = tracker.latest_message.get("text") or ""
    previous = previous_topic(tracker)
    notice = notice_before(tracker)
    adds_case = CONTINUATION.opens_with_a_case(text)
    words = word_count(text)
    own = ranking(tracker)
    entities = named_entities(tracker)
    # the follow-up rules read short follow-ups only (decide applies them up to
    # follow_up_max_words): a longer message is read as any other, with the message before too
    by_topic = follow_up_reading(TOPIC_FOLLOW_UPS, text, previous) if words <= THRESHOLDS.follow_up_max_words else None
    decision = decide(
        own,
        topics=KB.topics,
        thresholds=THRESHOLDS,
        words=words,
        previous_topic=previous,
        scope=SCOPE.check(text),
        entity_topics={ENTITY_TOPICS[e] for e in entities if e in ENTITY_TOPICS},
        continues=CONTINUATION.continues(text),
        requests=CONTINUATION.requests,
        by_topic=by_topic,
        notice_before=notice,
        names_domain=not reads_the_domain(words, THRESHOLDS, adds_case, notice) or SCOPE.names_the_domain(text),
        adds_case=adds_case,
        back_again=BACK_AGAIN.topic(text, question_before(tracker)) if notice == ScopeReason.OTHER_BODY_PART else None,
        weighs_a_medicine=MEDICINE_COMPARISON.weighs_one_medicine(text),
    )
    sentence = tracker.latest_message.get(QUESTION_SENTENCE) or {}
    decision = with_question_sentence(decision, sentence.get("name"), previous, KB.topics, words, THRESHOLDS)
    return with_message_before(
        decision,
        with_message_before_reading(tracker),
        own,
        previous,
        KB.topics,
        THRESHOLDS,
        requests=CONTINUATION.requests,
        notice_before=notice,
        names_entity=any(e in ENTITY_TOPICS for e in entities),
        by_topic=by_topic,
    )


def answered_entities(tracker: Tracker, topic: Optional[Text] = None) -> tuple[Optional[Text], List[Text]]:
    """The condition and the massage types to answer for: those this message names or, in a
    short follow-up that names none, the one the previous answer was about."""
    condition = next(tracker.get_latest_entity_values(Slot.HEALTH_CONDITION), None)
    massage_types = list(tracker.get_latest_entity_values(Slot.MASSAGE_TYPE))
    text = tracker.latest_message.get("text") or ""
    previous = previous_topic(tracker)
    # "through the feet though??" after reflexology: a follow-up rule that holds over another
    # body part reads the feet as part of that answer, so its massage type carries on.
    reading = follow_up_reading(TOPIC_FOLLOW_UPS, text, previous)
    about_that_answer = reading is not None and reading.topic == topic and ScopeReason.OTHER_BODY_PART in reading.over
    carried = carried_entity(
        previous,
        word_count(text),
        THRESHOLDS,
        names_entity=bool(condition or massage_types),
        names_other_body_part=SCOPE.names_other_body_part(text) and not about_that_answer,
        remembered={entity: tracker.get_slot(entity) for entity in ENTITY_TOPICS},
        entity_topics=ENTITY_TOPICS,
        topic=topic,
        confidence=dict(ranking(tracker)).get(topic, 0.0) if topic else 0.0,
    )
    if carried is not None:
        entity, value = carried
        if entity == Slot.HEALTH_CONDITION:
            condition = value
        elif entity == Slot.MASSAGE_TYPE:
            massage_types = [value]
    return condition, massage_types


def named_entities(tracker: Tracker) -> Dict[Text, Text]:
    """The massage type and condition named in this message (not carried from an earlier one)."""
    found = {}
    for entity in (Slot.MASSAGE_TYPE, Slot.HEALTH_CONDITION):
        value = next(tracker.get_latest_entity_values(entity), None)
        if value:
            found[entity] = value
    return found


def clarify_buttons(choices: List[Text], titles: Dict[Text, Text], entities: Dict[Text, Any]) -> List[Dict[Text, Text]]:
    """One button per topic (its knowledge-base title), then "something else"."""
    suffix = json.dumps(entities) if entities else ""
    buttons = [{"title": titles[topic], "payload": f"/{topic}{suffix}"} for topic in choices]
    buttons.append({"title": MESSAGES["something_else_button"], "payload": SOMETHING_ELSE_PAYLOAD})
    return buttons


class ActionOfferTopics(Action):
    """After the fixed vague-opener reply (sent by the Rasa server, so the warning signs
    arrive even with the action server down): record the topics its buttons offer."""

    def name(self) -> Text:
        return "action_offer_topics"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return offer_topics(tracker)


def offer_topics(tracker: Tracker) -> List[EventType]:
    """The slots of the vague-opener reply: the topics its buttons offer, no scope reason."""
    events: List[EventType] = [SlotSet(Slot.SUGGESTED_TOPICS, list(VAGUE_OPENER_TOPICS))]
    if tracker.get_slot(Slot.SCOPE_REASON) is not None:
        events.append(SlotSet(Slot.SCOPE_REASON, None))
    return events
