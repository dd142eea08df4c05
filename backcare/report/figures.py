"""The numbers of the report, computed from the conversations (dates in UTC)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from backcare.contract import RED_FLAG_INTENT
from backcare.report.turns import Conversation, Turn

TIERS = tuple(RED_FLAG_INTENT)  # ("emergency", "urgent")


def utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


@dataclass(frozen=True)
class Day:
    day: date
    conversations: int
    user_messages: int
    unanswered: int


@dataclass(frozen=True)
class Feedback:
    topic: str
    helpful: int
    not_helpful: int

    @property
    def share_helpful(self) -> float:
        return self.helpful / (self.helpful + self.not_helpful)


@dataclass(frozen=True)
class Figures:
    conversations: int
    user_messages: int
    answered: int  # turns answered from the knowledge base
    unanswered: int
    days: tuple[Day, ...]  # every day from the first to the last conversation
    topics: tuple[tuple[str, int], ...]  # knowledge-base topics, most asked first
    feedback: tuple[Feedback, ...]  # most rated first
    referrals: dict[str, int]  # tier -> referrals sent, every tier present
    clarifications: int  # times the bot asked which topic was meant
    clarify_choices: tuple[tuple[str, int], ...]  # what was taken next, most first
    first: datetime | None  # first and last user message
    last: datetime | None

    @property
    def referrals_total(self) -> int:
        return sum(self.referrals.values())

    @property
    def helpful(self) -> int:
        return sum(f.helpful for f in self.feedback)

    @property
    def not_helpful(self) -> int:
        return sum(f.not_helpful for f in self.feedback)


def _most_first(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _days(conversations: list[Conversation], turns: list[Turn]) -> tuple[Day, ...]:
    """Conversations counted on the day of their first user message; gaps filled with zeros."""
    started = Counter(utc(c.started).date() for c in conversations)
    messages = Counter(utc(t.timestamp).date() for t in turns)
    unanswered = Counter(utc(t.timestamp).date() for t in turns if t.unanswered)
    if not messages:
        return ()
    day, last = min(messages), max(messages)
    days = []
    while day <= last:
        days.append(Day(day, started[day], messages[day], unanswered[day]))
        day += timedelta(days=1)
    return tuple(days)


def compute(conversations: list[Conversation]) -> Figures:
    turns = [turn for conversation in conversations for turn in conversation.turns]
    topics = Counter(t.knowledge_topic for t in turns if t.knowledge_topic)
    rated: dict[str, Counter[str]] = {}
    for turn in turns:
        if turn.feedback and turn.feedback_topic:
            rated.setdefault(turn.feedback_topic, Counter())[turn.feedback] += 1
    feedback = sorted(
        (Feedback(topic, c["helpful"], c["not_helpful"]) for topic, c in rated.items()),
        key=lambda f: (-(f.helpful + f.not_helpful), f.topic),
    )
    referrals = Counter(tier for turn in turns for tier in turn.referrals)
    times = [t.timestamp for t in turns]
    return Figures(
        conversations=len(conversations),
        user_messages=len(turns),
        answered=sum(1 for t in turns if t.knowledge_topic),
        unanswered=sum(1 for t in turns if t.unanswered),
        days=_days(conversations, turns),
        topics=_most_first(topics),
        feedback=tuple(feedback),
        referrals={tier: referrals[tier] for tier in TIERS},
        clarifications=sum(1 for t in turns if t.clarified),
        clarify_choices=_most_first(Counter(t.clarify_choice for t in turns if t.clarified and t.clarify_choice)),
        first=utc(min(times)) if times else None,
        last=utc(max(times)) if times else None,
    )
