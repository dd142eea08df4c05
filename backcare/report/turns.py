"""From stored events to conversations and turns, with what each turn was about.

A turn is a user message plus the events after it, up to the sender's next user message
(or the start of a new session: a turn never spans two sessions). A conversation is one
session of one sender; sender ids stop here, conversations are numbered 1..N instead.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Iterable

from backcare.contract import RED_FLAG_INTENT, Feedback, Slot, Topic
from backcare.report.store import StoredEvent

# Topics that are not knowledge-base answers.
NOT_KNOWLEDGE = frozenset({Topic.RED_FLAGS, Topic.OUT_OF_SCOPE, Topic.CLARIFY})
# What the visitor did after a clarifying question, besides picking an offered topic.
SOMETHING_ELSE = "something else"
ANOTHER_QUESTION = "another question"
NO_REPLY = "no reply"
SOMETHING_ELSE_INTENT = "something_else"
# The topic of a turn without a `topic` slot event. The Rasa server sets these from the
# intent and does not re-emit a value that did not change, so the intent has to stand in.
TOPIC_OF_INTENT = {
    **dict.fromkeys(RED_FLAG_INTENT.values(), Topic.RED_FLAGS),
    "out_of_scope": Topic.OUT_OF_SCOPE,
    "nlu_fallback": Topic.OUT_OF_SCOPE,
    "medicines": Topic.OUT_OF_SCOPE,
    "other_body_part": Topic.OUT_OF_SCOPE,
    "vague_opener": Topic.CLARIFY,
}
# The fixed referral responses (data/rules.yml), by tier.
REFERRAL_TIER = {f"utter_{intent}": tier for tier, intent in RED_FLAG_INTENT.items()}
FEEDBACK_OF_INTENT = {"feedback_helpful": Feedback.HELPFUL, "feedback_not_helpful": Feedback.NOT_HELPFUL}
FEEDBACK_VALUES = frozenset(FEEDBACK_OF_INTENT.values())


@dataclass
class Turn:
    timestamp: float
    text: str
    intent: str | None
    confidence: float | None
    conversation: int = 0  # 1..N, set once every conversation is known
    topic: str | None = None
    feedback: str | None = None  # "helpful" or "not_helpful"
    feedback_topic: str | None = None
    referrals: list[str] = field(default_factory=list)  # tiers, one per referral sent
    suggested_topics: tuple[str, ...] = ()  # the topics offered, when the bot asked (topic clarify)
    clarify_choice: str | None = None  # after a clarifying question: the topic picked, or what happened

    @property
    def clarified(self) -> bool:
        return self.topic == Topic.CLARIFY

    @property
    def unanswered(self) -> bool:
        return self.topic == Topic.OUT_OF_SCOPE

    @property
    def knowledge_topic(self) -> str | None:
        """The knowledge-base topic this turn was answered from, if any."""
        return self.topic if self.topic and self.topic not in NOT_KNOWLEDGE else None

    @property
    def red_flag_tier(self) -> str | None:
        """The most urgent referral of the turn."""
        for tier in RED_FLAG_INTENT:  # emergency first
            if tier in self.referrals:
                return tier
        return None


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    @property
    def started(self) -> float:
        return self.turns[0].timestamp


class _TurnBuilder:
    """Collects the slot and action events of one turn, then settles its topic and feedback."""

    def __init__(self, event: StoredEvent) -> None:
        intent = event.data.get("parse_data", {}).get("intent") or {}
        confidence = intent.get("confidence")
        self.turn = Turn(
            timestamp=event.timestamp,
            text=str(event.data.get("text") or ""),
            intent=event.intent_name or intent.get("name"),
            confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        )
        self.slots: dict[str, Any] = {}  # the last value of each slot set in this turn

    def add(self, event: StoredEvent) -> None:
        if event.type_name == "slot":
            self.slots[str(event.data.get("name"))] = event.data.get("value")
        elif event.type_name == "action" and event.action_name in REFERRAL_TIER:
            self.turn.referrals.append(REFERRAL_TIER[event.action_name])

    def finish(self, session_slots: dict[str, Any]) -> Turn:
        turn = self.turn
        topic = self.slots.get(Slot.TOPIC)
        turn.topic = str(topic) if topic else TOPIC_OF_INTENT.get(turn.intent or "")
        # Feedback: the slots set in this turn; an unchanged value may not be re-emitted, so
        # the intent and the session's earlier rated topic stand in for missing events.
        feedback = self.slots.get(Slot.FEEDBACK) or FEEDBACK_OF_INTENT.get(turn.intent or "")
        rated = self.slots.get(Slot.FEEDBACK_TOPIC) or session_slots.get(Slot.FEEDBACK_TOPIC)
        if feedback in FEEDBACK_VALUES and rated:
            turn.feedback, turn.feedback_topic = str(feedback), str(rated)
        if turn.topic == Topic.CLARIFY:
            suggested = self.slots.get(Slot.SUGGESTED_TOPICS) or session_slots.get(Slot.SUGGESTED_TOPICS) or ()
            turn.suggested_topics = tuple(str(t) for t in suggested)
        session_slots.update(self.slots)
        return turn


def _settle_clarify_choices(conversation: Conversation) -> None:
    """For each clarifying question: the offered topic taken next (clicked or typed),
    "something else", another question, or no reply."""
    # Not strict: a conversation without turns pairs nothing with the closing None.
    for turn, following in zip(conversation.turns, conversation.turns[1:] + [None], strict=False):
        if not turn.clarified:
            continue
        if following is None:
            turn.clarify_choice = NO_REPLY
        elif following.intent == SOMETHING_ELSE_INTENT:
            turn.clarify_choice = SOMETHING_ELSE
        elif following.topic in turn.suggested_topics or following.intent in turn.suggested_topics:
            turn.clarify_choice = following.topic if following.topic in turn.suggested_topics else following.intent
        else:
            turn.clarify_choice = ANOTHER_QUESTION


def _sender_conversations(events: Iterable[StoredEvent]) -> list[Conversation]:
    """One sender's events (in stored order) split into sessions with at least one turn."""
    conversations = [Conversation()]  # user messages before any session_started count too
    session_slots: dict[str, Any] = {}
    current: _TurnBuilder | None = None
    for event in events:
        if event.type_name in ("user", "session_started") and current is not None:
            conversations[-1].turns.append(current.finish(session_slots))
            current = None
        if event.type_name == "session_started":
            conversations.append(Conversation())
            session_slots = {}
        elif event.type_name == "user":
            current = _TurnBuilder(event)
        elif current is not None:
            current.add(event)
        elif event.type_name == "slot":
            session_slots[str(event.data.get("name"))] = event.data.get("value")
    if current is not None:
        conversations[-1].turns.append(current.finish(session_slots))
    for conversation in conversations:
        _settle_clarify_choices(conversation)
    return [c for c in conversations if c.turns]


def build_conversations(events: Iterable[StoredEvent]) -> list[Conversation]:
    """Every conversation in the store, oldest first, numbered 1..N on its turns."""
    conversations: list[Conversation] = []
    for _, sender_events in itertools.groupby(events, key=lambda e: e.sender_id):
        conversations.extend(_sender_conversations(sender_events))
    conversations.sort(key=lambda c: c.started)
    for number, conversation in enumerate(conversations, start=1):
        for turn in conversation.turns:
            turn.conversation = number
    return conversations
