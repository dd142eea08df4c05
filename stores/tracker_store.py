"""Rasa's SQL tracker store with fewer queries per turn: same tables, same rows.

Profiling the Rasa server under load (py-spy, 10 conversations at once) put a third of
each turn in this store, mostly in SQLAlchemy's ORM rather than in the database:
- before saving, Rasa counts the stored events of the session to know which are new. The
  store has just read exactly those events at the start of the turn, and the conversation
  lock keeps every other server out until the turn is saved, so the count read then is
  reused (once; any other save still counts). A new conversation's tracker is saved as
  soon as it is created, and the count of that save is kept for the save ending the turn;
- reading takes only the `data` column, with Rasa's query built once as a statement with
  a bound sender id (building it through the ORM each turn cost more than running it);
- new events are written with one multi-row INSERT instead of one ORM object each;
- a SQLite file gets write-ahead logging and a kept connection. SQLAlchemy 1.4 opens and
  closes SQLite per query, and closing the last connection makes SQLite fold the log back
  into the database every time. synchronous=NORMAL keeps every committed turn through a
  crash of the server (SIGKILL, tested); only a power cut can lose the last turns before
  the operating system wrote them.

A conversation the patient deletes in the chat is deleted instead of saved
(stores/forgetting.py).

Configure it as `type: stores.tracker_store.FastSQLTrackerStore` with the same keys as
`type: SQL` (SQLite by default, PostgreSQL by `dialect`). Written against Rasa 3.6.21.
"""
from __future__ import annotations

import itertools
import json
import sqlite3
from typing import Any, Dict, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.pool import QueuePool

from stores.forgetting import ForgetsOnRequest


class _FewerQueriesSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            self.engine.dispose()
            # The pool hands a connection to one caller at a time; Rasa calls from its event loop.
            self.engine = sa.create_engine(url, poolclass=QueuePool, connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _write_ahead_log)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # sender id -> events of the latest session as read at the start of the turn
        self._stored_in_session: Dict[Text, int] = {}
        self._read_latest_session = _events_query(self.SQLEvent.__table__, latest_session=True)
        self._read_all_sessions = _events_query(self.SQLEvent.__table__, latest_session=False)
        self._insert_events = sa.insert(self.SQLEvent.__table__)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        tracker = await super().retrieve(sender_id)
        self._stored_in_session[sender_id] = len(tracker.events) if tracker else 0
        return tracker

    async def create_tracker(self, sender_id: Text, append_action_listen: bool = True) -> DialogueStateTracker:
        tracker = await super().create_tracker(sender_id, append_action_listen)  # saves it whole
        self._stored_in_session[sender_id] = len(tracker.events)
        return tracker

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        query = self._read_all_sessions if fetch_events_from_all_sessions else self._read_latest_session
        with self.session_scope() as session:
            rows = session.execute(query, {"sender_id": sender_id}).scalars().all()
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(data) for data in rows], self.domain.slots)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = self._stored_in_session.pop(tracker.sender_id, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(self._insert_events, rows)
            session.commit()


class FastSQLTrackerStore(ForgetsOnRequest, _FewerQueriesSQLTrackerStore):
    """The store to configure: fewer queries per turn, and a conversation deleted when the
    patient asks for it in the chat."""


def _events_query(events: sa.Table, latest_session: bool) -> sa.sql.Select:
    """The `data` of Rasa's SQLTrackerStore._event_query: a sender's events in id order,
    from the latest session start on (or all of them if the sender has none)."""
    sender = events.c.sender_id == sa.bindparam("sender_id")
    query = sa.select(events.c.data).where(sender)
    if latest_session:
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(sender, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        query = query.where(sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))
    return query.order_by(events.c.id)


def _write_ahead_log(connection: sqlite3.Connection, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _row(sender_id: Text, event: Event) -> Dict[Text, Any]:
    """The columns Rasa's SQLTrackerStore.save writes for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }

