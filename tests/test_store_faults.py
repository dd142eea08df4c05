"""A tracker store that fails: no answer from an empty conversation, no turn lost.

The faults are real: the SQLite file (and its write-ahead log) made read-only with
`chattr +i` (root ignores file modes), a crash between the database's commit and the
outbox's, and Rasa's own store wrappers for comparison."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

from stores.tracker_store import FastSQLTrackerStore
from stores.turn_storage import CURRENT_TURN, TurnStorage
from tests.support.stores import DOMAIN, read_only, turn


async def _say(store: FastSQLTrackerStore, sender: str, text: str, topic: str) -> TurnStorage:
    """One turn as Rasa runs it: read, add the turn's events, save."""
    storage = TurnStorage()
    token = CURRENT_TURN.set(storage)
    try:
        tracker = await store.get_or_create_tracker(sender)
        for event in turn(text, topic):
            tracker.update(event)
        await store.save(tracker)
    finally:
        CURRENT_TURN.reset(token)
    return storage


def _stored(db: Path, sender: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "select type_name, action_name from events where sender_id = ? order by id", (sender,)
        ).fetchall()


def _said(db: Path, sender: str) -> list[str]:
    import json

    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "select data from events where sender_id = ? and type_name = 'user' order by id", (sender,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_a_read_only_database_keeps_turns_in_the_outbox_and_writes_them_once_in_order(tmp_path: Path) -> None:
    db = tmp_path / "rasa.db"
    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    assert asyncio.run(_say(store, "a", "does it help", "effectiveness")).stored == "yes"
    stored_before = _stored(db, "a")

    with read_only(db, Path(f"{db}-wal")):
        second = asyncio.run(_say(store, "a", "how often", "frequency"))
        third = asyncio.run(_say(store, "a", "what does it cost", "cost_insurance"))
        assert second.stored == third.stored == "outbox"
        assert _stored(db, "a") == stored_before  # the database really refused
        # The conversation read meanwhile (this server, and another one sharing the outbox) has all turns.
        for reader in (store, FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))):
            tracker = asyncio.run(reader.retrieve("a"))
            assert tracker is not None
            assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
                "does it help",
                "how often",
                "what does it cost",
            ]
            assert tracker.get_slot("topic") == "cost_insurance"
        assert store.outbox.count() == 2

    fourth = asyncio.run(_say(store, "a", "is it safe", "safety"))
    assert fourth.stored == "yes"
    assert store.outbox.count() == 0
    assert _said(db, "a") == ["does it help", "how often", "what does it cost", "is it safe"]
    # every turn with its reply, once
    assert [r for r in _stored(db, "a") if r[0] == "bot"] == [("bot", None)] * 4


def test_a_new_conversation_started_while_read_only_is_kept_too(tmp_path: Path) -> None:
    db = tmp_path / "rasa.db"
    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    asyncio.run(_say(store, "someone else", "hello", "greet"))  # the file and its log exist
    with read_only(db, Path(f"{db}-wal")):
        assert asyncio.run(_say(store, "new", "does it help", "effectiveness")).stored == "outbox"
        tracker = asyncio.run(store.retrieve("new"))
        assert tracker is not None
        assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["does it help"]
    asyncio.run(_say(store, "new", "how often", "frequency"))
    assert _said(db, "new") == ["does it help", "how often"]
    assert store.outbox.count() == 0


def test_the_background_flush_writes_waiting_turns_when_the_database_is_back(tmp_path: Path) -> None:
    import stores.tracker_store as module

    db = tmp_path / "rasa.db"
    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    asyncio.run(_say(store, "a", "does it help", "effectiveness"))

    async def outage_then_idle() -> None:
        with read_only(db, Path(f"{db}-wal")):
            assert (await _say(store, "a", "how often", "frequency")).stored == "outbox"
            await asyncio.sleep(module.OUTBOX_RETRY_SECONDS + 0.5)  # a retry while still read-only
            assert store.outbox.count() == 1
        await asyncio.sleep(module.OUTBOX_RETRY_SECONDS + 0.5)  # nobody talks: the flusher writes it

    asyncio.run(outage_then_idle())
    assert store.outbox.count() == 0
    assert _said(db, "a") == ["does it help", "how often"]


def test_a_turn_already_written_before_a_crash_is_not_written_twice(tmp_path: Path) -> None:
    """A crash after the database committed a turn from the outbox, before the outbox forgot it."""
    db = tmp_path / "rasa.db"
    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    asyncio.run(_say(store, "a", "does it help", "effectiveness"))
    with read_only(db, Path(f"{db}-wal")):
        asyncio.run(_say(store, "a", "how often", "frequency"))
    waiting = store.outbox.rows_for("a")
    store._write_turn("a", waiting)  # the database has it; the outbox still does too
    asyncio.run(_say(store, "a", "what does it cost", "cost_insurance"))
    assert _said(db, "a") == ["does it help", "how often", "what does it cost"]


def test_a_turn_that_cannot_be_kept_anywhere_is_reported_not_stored(tmp_path: Path) -> None:
    from stores.turn_storage import StoreUnavailable

    db = tmp_path / "rasa.db"
    outbox = tmp_path / "outbox.db"
    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), outbox=str(outbox))
    asyncio.run(_say(store, "a", "does it help", "effectiveness"))
    with read_only(db, Path(f"{db}-wal"), outbox, Path(f"{outbox}-wal")), pytest.raises(StoreUnavailable):
        asyncio.run(_say(store, "a", "how often", "frequency"))
    assert _said(db, "a") == ["does it help"]


def test_the_agent_uses_the_store_as_it_is_and_wraps_others_as_rasa_does(tmp_path: Path) -> None:
    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    assert Agent(domain=DOMAIN, tracker_store=store).tracker_store is store
    wrapped = Agent(domain=DOMAIN, tracker_store=InMemoryTrackerStore(DOMAIN)).tracker_store
    assert isinstance(wrapped, FailSafeTrackerStore)
    assert isinstance(Agent(domain=DOMAIN).tracker_store, FailSafeTrackerStore)


def test_with_a_working_database_the_store_alone_gives_what_rasas_wrapper_gives(tmp_path: Path) -> None:
    async def conversation(store) -> None:
        for text, topic in [("does it help", "effectiveness"), ("how often", "frequency")]:
            tracker = await store.get_or_create_tracker("s")
            for event in turn(text, topic):
                tracker.update(event)
            await store.save(tracker)
        tracker = await store.retrieve("s")
        for event in [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            *turn("what does it cost", "cost_insurance"),
        ]:
            tracker.update(event)
        await store.save(tracker)

    alone = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "alone.db"))
    wrapped = FailSafeTrackerStore(FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "wrapped.db")))
    asyncio.run(conversation(alone))
    asyncio.run(conversation(wrapped))
    assert _stored(tmp_path / "alone.db", "s") == _stored(tmp_path / "wrapped.db", "s")
    for read in ("retrieve", "retrieve_full_tracker"):
        ours, theirs = (asyncio.run(getattr(s, read)("s")) for s in (alone, wrapped))
        assert [_untimed(e) for e in ours.events] == [_untimed(e) for e in theirs.events]


def _untimed(event) -> dict:
    return {key: value for key, value in event.as_dict().items() if key != "timestamp"}


def test_what_the_channel_is_told_about_a_turns_storage() -> None:
    # Rasa's own stores do not report: a turn that ran to its end counts as stored, as Rasa assumes.
    assert TurnStorage(completed=True).stored == "yes"
    assert TurnStorage().stored == "no"  # it failed before its end (lock, timeout)
    # The project's store reports: a turn it read but never saved was not stored.
    assert TurnStorage(reported=True, completed=False).stored == "no"
    assert TurnStorage(reported=True, saved="store").stored == "yes"  # a lock error after the save
    assert TurnStorage(reported=True, saved="outbox", completed=True).stored == "outbox"
    assert TurnStorage(reported=True, saved="store", failed=True).stored == "no"
