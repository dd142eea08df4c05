"""Tracker-store helpers: the project's domain, a turn's events, a two-session conversation,
the rows a store wrote, and a database file that refuses writes."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any, Iterator

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered

DOMAIN = Domain.load(str(Path(__file__).resolve().parent.parent.parent / "domain.yml"))


def turn(text: str, topic: str) -> list[Event]:
    """A knowledge-base answer's events, as the Rasa server adds them for one message."""
    return [
        UserUttered(text, {"name": topic, "confidence": 0.9}),
        ActionExecuted("action_answer"),
        BotUttered(f"about {topic}"),
        SlotSet("topic", topic),
        ActionExecuted("action_listen"),
    ]


async def conversation(store: Any, sender: str) -> None:
    """Two answered turns, then a new session with a third, saved after each turn."""
    tracker = await store.get_or_create_tracker(sender)
    for text, topic in [("does it help", "effectiveness"), ("how often", "frequency")]:
        tracker = await store.retrieve(sender)
        for event in turn(text, topic):
            tracker.update(event)
        await store.save(tracker)
    tracker = await store.retrieve(sender)  # a new session in the same tracker
    for event in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        *turn("what does it cost", "cost_insurance"),
    ]:
        tracker.update(event)
    await store.save(tracker)


def rows(db: Path) -> list[tuple[Any, ...]]:
    """Every stored event as (sender_id, type_name, intent_name, action_name), in id order."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "select sender_id, type_name, intent_name, action_name from events order by id"
        ).fetchall()


@contextlib.contextmanager
def read_only(*files: Path) -> Iterator[None]:
    """Writes to ``files`` fail (EPERM) until the block ends; reads still work."""
    present = [str(f) for f in files if f.exists()]
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", *present], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *present], check=True)
    else:
        for f in present:
            os.chmod(f, 0o444)
        try:
            yield
        finally:
            for f in present:
                os.chmod(f, 0o644)
