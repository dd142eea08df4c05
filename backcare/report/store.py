"""Reading the events of Rasa's SQL tracker store (table `events`), oldest first per sender."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

import sqlalchemy as sa

from backcare.tracker_db import StoreError

# Only these event types carry what the report needs; bot messages and the like are skipped.
WANTED_TYPES = ("session_started", "user", "slot", "action")
# The columns Rasa's SQLTrackerStore writes (rasa/core/tracker_store.py, SQLEvent).
EVENTS = sa.table(
    "events",
    sa.column("id"),
    sa.column("sender_id"),
    sa.column("type_name"),
    sa.column("timestamp"),
    sa.column("intent_name"),
    sa.column("action_name"),
    sa.column("data"),
)


@dataclass(frozen=True)
class StoredEvent:
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None = None
    action_name: str | None = None
    # The full event as Rasa serialised it; parsed for user and slot events only.
    data: dict[str, Any] = field(default_factory=dict)


def _parse(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def read_events(engine: sa.engine.Engine, since: float | None = None) -> Iterator[StoredEvent]:
    """The events of every sender, grouped by sender and in stored order (Rasa orders by id).

    An existing database without the `events` table (Rasa creates it on first start) simply
    has no events.
    """
    query = sa.select(EVENTS).where(EVENTS.c.type_name.in_(WANTED_TYPES)).order_by(EVENTS.c.sender_id, EVENTS.c.id)
    if since is not None:
        query = query.where(EVENTS.c.timestamp >= since)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                return
            for row in connection.execution_options(stream_results=True).execute(query):
                wants_data = row.type_name in ("user", "slot")
                yield StoredEvent(
                    sender_id=row.sender_id,
                    type_name=row.type_name,
                    timestamp=float(row.timestamp or 0.0),
                    intent_name=row.intent_name,
                    action_name=row.action_name,
                    data=_parse(row.data) if wants_data else {},
                )
    except sa.exc.SQLAlchemyError as exc:
        # The driver's message is enough to act on; the first line, without SQLAlchemy's link.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(f"cannot read the tracker store: {reason}") from None
