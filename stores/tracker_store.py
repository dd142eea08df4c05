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

Nothing lost when the database blips (issue 17):
- a failed read or save raises StoreUnavailable: the channel then screens the message for
  warning signs and otherwise tells the user it can't look that up (channels/turn_guard.py).
  The Agent uses this store as it is, not inside Rasa's FailSafeTrackerStore, which would
  answer from a new, empty conversation or save to memory nothing reads again
  (patches.py);
- a turn that was answered but could not be saved goes to a durable local outbox
  (stores/outbox.py, key `outbox`, default: next to the SQLite file, or tracker-outbox.db),
  which is written to the database oldest first and once as soon as it answers again (on
  the conversation's next read or save, and every OUTBOX_RETRY_SECONDS in the background);
  reads in the meantime include what the outbox holds;
- pooled connections are checked before use (pool_pre_ping), and PostgreSQL connects and
  runs each statement within a few seconds (DB_TIMEOUT_SECONDS), well inside a turn's budget.
  The queries run on the server's event loop (psycopg2 blocks), so every wait for
  PostgreSQL ends after DB_TIMEOUT_SECONDS without an answer, whatever the connection does
  (psycopg2's wait callback, `_wait_within_limit`): a database, proxy or pooler that takes
  the bytes and never answers holds a server for a few seconds per turn, not for good
  (statement_timeout needs the database to answer; keepalives and tcp_user_timeout need the
  path to stop acknowledging).

A conversation the patient deletes in the chat is deleted instead of saved, from the
database and the outbox (stores/forgetting.py).

Configure it as `type: stores.tracker_store.FastSQLTrackerStore` with the same keys as
`type: SQL` (SQLite by default, PostgreSQL by `dialect`). Written against Rasa 3.6.21.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import select
import sqlite3
from typing import Any, Dict, Iterator, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.pool import QueuePool

import patches  # the Agent uses this store without FailSafeTrackerStore once they are applied
from stores.forgetting import ForgetsOnRequest
from stores.outbox import Outbox, Row
from stores.turn_storage import StoreUnavailable, mark

logger = logging.getLogger(__name__)

# Connecting and each statement: a database that drops packets fails the turn within this.
DB_TIMEOUT_SECONDS = 3
OUTBOX_RETRY_SECONDS = 2.0


class _DurableSQLTrackerStore(SQLTrackerStore):
    # Read by patches.py: this store reports its own failures.
    handles_its_own_failures = True
    engine: Any  # set by SQLTrackerStore.__init__, replaced by this one's

    def __init__(self, *args: Any, outbox: Optional[Text] = None, **kwargs: Any) -> None:
        if not patches.applied():
            raise RuntimeError(
                f"{type(self).__name__} reports its own failures only once patches.py is applied (otherwise Rasa "
                "wraps it in FailSafeTrackerStore, which answers from an empty conversation when a read fails): "
                "start Rasa with `backcare-rasa` (same arguments as `rasa`)."
            )
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        sqlite_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        if sqlite_file:
            # The pool hands a connection to one caller at a time; Rasa calls from its event loop.
            self.engine = sa.create_engine(
                url,
                poolclass=QueuePool,
                pool_pre_ping=True,
                connect_args={"check_same_thread": False, "timeout": DB_TIMEOUT_SECONDS},
            )
            sa.event.listen(self.engine, "connect", _write_ahead_log)
        else:
            self.engine = sa.create_engine(url, **_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        default_outbox = f"{url.database}-outbox.db" if sqlite_file else "tracker-outbox.db"
        self.outbox = Outbox(outbox or default_outbox)
        self._flusher: Optional[asyncio.Task] = None
        self._start_flusher()  # turns left by an earlier run go to the database now
        # sender id -> events of the latest session as read at the start of the turn
        self._stored_in_session: Dict[Text, int] = {}
        self._read_latest_session = _events_query(self.SQLEvent.__table__, latest_session=True)
        self._read_all_sessions = _events_query(self.SQLEvent.__table__, latest_session=False)
        self._insert_events = sa.insert(self.SQLEvent.__table__)

    def _start_flusher(self) -> None:
        if self._flusher is not None and not self._flusher.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop yet: the next read or save starts it
        if self.outbox.holds():
            self._flusher = loop.create_task(self._flush_until_empty())

    async def _flush_until_empty(self) -> None:
        while self.outbox.holds():
            await asyncio.sleep(OUTBOX_RETRY_SECONDS)
            try:
                written = self.outbox.drain(self._write_turn)
            except Exception as exc:  # noqa: BLE001 - still down: try again later
                logger.warning(
                    "Tracker store still unavailable (%s); %d turn(s) wait in the outbox",
                    type(exc).__name__,
                    self.outbox.count(),
                )
                continue
            if written:
                logger.info("Wrote %d turn(s) from the outbox to the tracker store", written)

    def _write_turn(self, sender_id: Text, rows: List[Row]) -> None:
        """One turn from the outbox, unless an earlier attempt already wrote it (a crash
        between the database's commit and the outbox's)."""
        if not rows:
            return
        events = self.SQLEvent.__table__
        first = rows[0]
        with self.session_scope() as session:
            already = session.execute(
                sa.select(events.c.id)
                .where(
                    events.c.sender_id == sender_id,
                    events.c.timestamp == first["timestamp"],
                    events.c.type_name == first["type_name"],
                )
                .limit(1)
            ).first()
            if already is None:
                session.execute(self._insert_events, rows)
            session.commit()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        tracker = await super().retrieve(sender_id)
        self._stored_in_session[sender_id] = len(tracker.events) if tracker else 0
        return tracker

    async def create_tracker(self, sender_id: Text, append_action_listen: bool = True) -> DialogueStateTracker:
        tracker = await super().create_tracker(sender_id, append_action_listen)  # saves it whole
        mark(saved="")  # kept, but the turn itself is not saved yet
        self._stored_in_session[sender_id] = len(tracker.events)
        return tracker

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        query = self._read_all_sessions if fetch_events_from_all_sessions else self._read_latest_session

        def read() -> List[Text]:
            with self.session_scope() as session:
                return session.execute(query, {"sender_id": sender_id}).scalars().all()

        waiting: List[Row] = []
        try:
            if self.outbox.holds(sender_id):
                with contextlib.suppress(Exception):  # the read below decides
                    self.outbox.drain(self._write_turn, sender_id)
            if self.outbox.holds(sender_id):
                rows, waiting = self.outbox.read_with(read, sender_id)
            else:
                rows = read()
        except Exception as exc:
            mark(failed=True)
            logger.error("Could not read a conversation from the tracker store: %s", type(exc).__name__)
            raise StoreUnavailable("tracker store read failed") from exc
        mark()  # this turn's storage is reported on
        events = [json.loads(data) for data in rows] + [json.loads(row["data"]) for row in waiting]
        if waiting and not fetch_events_from_all_sessions:
            events = _latest_session(events, waiting)
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = self._stored_in_session.pop(tracker.sender_id, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        rows: Optional[List[Row]] = None
        try:
            if self.outbox.holds(sender_id):  # earlier turns first
                self.outbox.drain(self._write_turn, sender_id)
            with self.session_scope() as session:
                rows = [_row(sender_id, event) for event in self._additional_events(session, tracker)]
                if rows:
                    session.execute(self._insert_events, rows)
                session.commit()
            mark(saved="store")
            return
        except Exception as exc:  # noqa: BLE001 - kept in the outbox, or reported below
            error = exc
        if rows is None:
            stored = self._stored_in_session.pop(sender_id, None)
            if stored is None:  # the stored events could not even be counted
                mark(failed=True)
                logger.error("Could not save a turn to the tracker store: %s", type(error).__name__)
                raise StoreUnavailable("tracker store unavailable") from error
            rows = [_row(sender_id, event) for event in itertools.islice(tracker.events, stored, None)]
        if not rows:
            mark(saved="outbox")  # nothing new; earlier turns may still wait in the outbox
            return
        try:
            self.outbox.add(sender_id, rows)
        except sqlite3.Error as exc:
            mark(failed=True)
            logger.error(
                "Could not save a turn to the tracker store (%s) nor to the outbox (%s)",
                type(error).__name__,
                type(exc).__name__,
            )
            raise StoreUnavailable("turn not stored") from exc
        mark(saved="outbox")
        logger.warning(
            "Could not save a turn to the tracker store (%s): kept in the outbox (%d waiting)",
            type(error).__name__,
            self.outbox.count(),
        )
        self._start_flusher()


class FastSQLTrackerStore(ForgetsOnRequest, _DurableSQLTrackerStore):
    """The store to configure: fewer queries per turn, failures reported to the channel with
    a local outbox for answered turns, and a conversation deleted when the patient asks."""


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


def _engine_kwargs(url: Any) -> Dict[Text, Any]:
    """Rasa's engine settings, plus a connection check before use and time limits."""
    kwargs: Dict[Text, Any] = {**create_engine_kwargs(url), "pool_pre_ping": True}
    if url.get_backend_name() == "postgresql":
        import psycopg2.extensions  # Rasa's dependency; only PostgreSQL needs it

        psycopg2.extensions.set_wait_callback(_wait_within_limit)
        connect_args = dict(kwargs.get("connect_args", {}))
        limit_ms = DB_TIMEOUT_SECONDS * 1000
        options = f"-c statement_timeout={limit_ms} -c lock_timeout={limit_ms}"
        connect_args["options"] = f"{connect_args.get('options', '')} {options}".strip()
        connect_args.update(
            connect_timeout=DB_TIMEOUT_SECONDS,
            # a peer that stops answering mid-query: the kernel gives up within the limit
            keepalives=1,
            keepalives_idle=1,
            keepalives_interval=1,
            keepalives_count=2,
            tcp_user_timeout=limit_ms,
        )
        kwargs["connect_args"] = connect_args
        kwargs["pool_timeout"] = DB_TIMEOUT_SECONDS
    return kwargs


def _wait_within_limit(connection: Any) -> None:
    """psycopg2's wait callback (process-wide, as psycopg2 allows one): libpq runs
    non-blocking and each wait for the socket ends after DB_TIMEOUT_SECONDS. The error
    reads as a lost connection, so SQLAlchemy discards the connection from its pool."""
    import psycopg2.extensions

    while True:
        state = connection.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        if state == psycopg2.extensions.POLL_READ:
            event = select.POLLIN
        elif state == psycopg2.extensions.POLL_WRITE:
            event = select.POLLOUT
        else:
            raise psycopg2.OperationalError(f"unexpected state from poll: {state}")
        waiting = select.poll()
        waiting.register(connection.fileno(), event)
        if not waiting.poll(DB_TIMEOUT_SECONDS * 1000):
            raise psycopg2.OperationalError(
                f"server closed the connection unexpectedly: no answer within {DB_TIMEOUT_SECONDS} s"
            )


def _latest_session(events: List[Dict[Text, Any]], waiting: List[Row]) -> List[Dict[Text, Any]]:
    """As the latest-session query: from the newest session start on, if the outbox holds one."""
    starts = [row["timestamp"] for row in waiting if row["type_name"] == SessionStarted.type_name]
    if not starts:
        return events
    return [event for event in events if (event.get("timestamp") or 0) >= max(starts)]


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
