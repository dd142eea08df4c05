"""What the scale test checks, read from where it happened: the events Rasa stored in
PostgreSQL, and nginx's log of which Rasa server served which request."""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa


@dataclass(frozen=True)
class Event:
    type: str  # user, bot, action, slot, session_started, ...
    timestamp: float
    name: str | None  # the action's name
    text: str | None  # what the user said


def stored_events(db_url: str, senders: list[str]) -> dict[str, list[Event]]:
    """Each conversation's events in the order Rasa stored them (by id, as Rasa reads them)."""
    engine = sa.create_engine(db_url)
    query = sa.text(
        "SELECT sender_id, type_name, timestamp, action_name, data FROM events "
        "WHERE sender_id = ANY(:senders) ORDER BY id"
    )
    events: dict[str, list[Event]] = defaultdict(list)
    try:
        with engine.connect() as connection:
            for sender, kind, timestamp, action, data in connection.execute(query, {"senders": senders}):
                text = json.loads(data).get("text") if kind == "user" else None
                events[sender].append(Event(kind, timestamp, action, text))
    finally:
        engine.dispose()
    return events


def turn_problems(events: list[Event], sent: list[str], may_repeat: AbstractSet[str] = frozenset()) -> list[str]:
    """Everything wrong with one stored conversation, given the messages sent to it; each
    problem starts with its kind: overlap, incomplete, lost or extra.

    Turns run one at a time if, in storage order, every turn is whole (the user message,
    then the actions and at least one bot reply, ending by listening again) and starts
    after the previous one ended (timestamps never go back: two turns running at once
    on two servers are stored one after the other with the later one starting earlier).
    Every message sent is stored once; ``may_repeat`` may be stored twice (retried after a
    crash that came between saving the turn and replying)."""
    problems = []
    for before, after in zip(events, events[1:], strict=False):
        if after.timestamp < before.timestamp:
            problems.append(
                f"overlap: a {after.type} event at {after.timestamp:.3f} stored "
                f"after a {before.type} event at {before.timestamp:.3f}"
            )
            break
    starts = [i for i, e in enumerate(events) if e.type == "user"]
    # Not strict: with no user message there is nothing to pair with the closing len(events).
    for number, (start, end) in enumerate(zip(starts, starts[1:] + [len(events)], strict=False), 1):
        turn = events[start:end]
        if not any(e.type == "bot" for e in turn):
            problems.append(f"incomplete: turn {number} ({turn[0].text!r}) has no bot reply")
        if (turn[-1].type, turn[-1].name) != ("action", "action_listen"):
            problems.append(f"incomplete: turn {number} ({turn[0].text!r}) does not end listening")
    stored = Counter(e.text for e in events if e.type == "user")
    expected: Counter[str | None] = Counter(sent)
    for text in expected - stored:
        problems.append(f"lost: {text!r} sent {expected[text]}x, stored {stored[text]}x")
    for text, count in (stored - expected).items():
        if text not in may_repeat or count > 1:
            problems.append(f"extra: {text!r} stored {stored[text]}x, sent {expected[text]}x")
    return problems


@dataclass(frozen=True)
class Served:
    """One line of nginx's test access log."""

    ended: float  # epoch seconds
    seconds: float
    upstreams: tuple[str, ...]  # more than one: nginx re-sent the request to another server
    request: str  # X-Test-Request: sender:turn:attempt
    status: int
    client: str  # the address nginx saw (and its limits count)

    @property
    def sender(self) -> str:
        return self.request.rsplit(":", 2)[0]

    @property
    def started(self) -> float:
        return self.ended - self.seconds


_LINE = re.compile(r'^(\S+) (\S+) (\d+) "([^"]*)" "([^"]*)" "([^"]*)" "POST /webhooks/rest/webhook" (\S+)$')


def _settled(log: Path, quiet_for: float = 1.5, timeout: float = 15.0) -> str:
    """The log once nginx has flushed it: its size unchanged for ``quiet_for`` seconds
    (refusals are written up to a second late: deploy/nginx/nginx.local.conf)."""
    deadline = time.monotonic() + timeout
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = log.stat().st_size
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_for:
            break
        time.sleep(0.1)
    return log.read_text()


def served(access_log: Path) -> list[Served]:
    entries = []
    for line in _settled(access_log).splitlines():
        match = _LINE.match(line)
        if match and match.group(6) not in ("", "-"):
            upstreams = tuple(a.strip() for a in match.group(4).split(","))
            entries.append(
                Served(
                    float(match.group(1)),
                    float(match.group(2)),
                    upstreams,
                    match.group(6),
                    int(match.group(3)),
                    match.group(7),
                )
            )
    return entries


def served_by_both_at_once(entries: list[Served]) -> set[str]:
    """Senders with two requests in flight at the same time on two different servers."""
    by_sender: dict[str, list[Served]] = defaultdict(list)
    for entry in entries:
        by_sender[entry.sender].append(entry)
    both = set()
    for sender, requests in by_sender.items():
        for i, a in enumerate(requests):
            if any(
                a.upstreams[-1] != b.upstreams[-1] and a.started < b.ended and b.started < a.ended
                for b in requests[i + 1 :]
            ):
                both.add(sender)
                break
    return both
