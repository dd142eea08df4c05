"""FastSQLTrackerStore writes the rows Rasa's SQLTrackerStore writes and reads them back the
same, turn after turn, including a new session and a save without a read first."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

from stores.tracker_store import FastSQLTrackerStore
from tests.support.stores import DOMAIN, conversation, rows, turn


def test_rows_and_trackers_match_rasas_store(tmp_path: Path) -> None:
    fast = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "fast.db"))
    rasa = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    asyncio.run(conversation(fast, "someone"))
    asyncio.run(conversation(rasa, "someone"))
    assert rows(tmp_path / "fast.db") == rows(tmp_path / "rasa.db")
    assert len(rows(tmp_path / "fast.db")) > 15
    ours, theirs = (asyncio.run(s.retrieve("someone")) for s in (fast, rasa))
    assert [e.type_name for e in ours.events] == [e.type_name for e in theirs.events]
    assert ours.get_slot("topic") == "cost_insurance"
    # Rasa's store reads what ours wrote.
    reread = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "fast.db"))
    full = asyncio.run(reread.retrieve_full_tracker("someone"))
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == [
        "does it help",
        "how often",
        "what does it cost",
    ]


def test_a_save_without_a_read_first_still_stores_only_new_events(tmp_path: Path) -> None:
    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = asyncio.run(store.get_or_create_tracker("x"))
    for event in turn("does it help", "effectiveness"):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # no retrieve in between: counts, stores nothing twice
    assert len(rows(tmp_path / "t.db")) == len(tracker.events)


def test_a_sqlite_file_keeps_its_connection_and_a_write_ahead_log(tmp_path: Path) -> None:
    import sqlite3

    store = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    asyncio.run(conversation(store, "someone"))
    assert type(store.engine.pool).__name__ == "QueuePool"
    with sqlite3.connect(tmp_path / "rasa.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (tmp_path / "rasa.db-wal").exists()  # the store's connection is still open


def test_reads_return_the_events_rasas_store_returns(tmp_path: Path) -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    db = str(tmp_path / "rasa.db")
    rasa = SQLTrackerStore(DOMAIN, dialect="sqlite", db=db)
    asyncio.run(conversation(rasa, "two-sessions"))
    never_started = DialogueStateTracker("never-started", DOMAIN.slots)
    for event in turn("does it help", "effectiveness"):
        never_started.update(event)
    asyncio.run(rasa.save(never_started))
    fast = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=db)

    def events(store, read: str, sender: str) -> list | None:
        tracker = asyncio.run(getattr(store, read)(sender))
        return None if tracker is None else [event.as_dict() for event in tracker.events]

    for sender in ("two-sessions", "never-started", "nobody"):
        for read in ("retrieve", "retrieve_full_tracker"):
            assert events(fast, read, sender) == events(rasa, read, sender), (sender, read)
    latest, full = (events(fast, read, "two-sessions") for read in ("retrieve", "retrieve_full_tracker"))
    assert latest is not None and full is not None
    assert 0 < len(latest) < len(full)
    assert events(fast, "retrieve", "nobody") is None


def test_a_new_conversations_first_turn_is_stored_once_without_counting(tmp_path: Path, monkeypatch) -> None:
    """Rasa saves a new tracker when it creates it, then again at the end of the turn."""

    async def first_turn(store) -> None:
        tracker = await store.get_or_create_tracker("new")
        for event in [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            *turn("does it help", "effectiveness"),
        ]:
            tracker.update(event)
        await store.save(tracker)

    def no_count(*_):
        raise AssertionError("the store counted stored events it had just written")

    fast = FastSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "fast.db"))
    with monkeypatch.context() as patch:
        patch.setattr(SQLTrackerStore, "_additional_events", no_count)
        asyncio.run(first_turn(fast))
    asyncio.run(first_turn(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))))
    assert rows(tmp_path / "fast.db") == rows(tmp_path / "rasa.db")
    assert len(rows(tmp_path / "fast.db")) == 9
