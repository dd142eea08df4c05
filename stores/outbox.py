"""A durable local outbox for turns that were answered but could not be saved.

When the tracker store fails to save a turn, its new event rows go here: a SQLite file on
the server's own disk, written with synchronous=FULL, so they survive a crash of the server.
The tracker store writes them to the database, oldest first and once, as soon as it can
(stores/tracker_store.py), and adds what is still waiting here to every conversation it
reads in the meantime.

Several Rasa servers on one machine may share the file: every change that moves rows out
of it runs inside one `BEGIN IMMEDIATE` transaction, so only one process moves them at a
time. No message text is logged.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

Row = Dict[Text, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender_id TEXT NOT NULL,
    rows TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_sender ON outbox (sender_id, id);
"""


class Outbox:
    def __init__(self, path: Path | Text, busy_timeout_seconds: float = 2.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are begun explicitly below.
        self._db = sqlite3.connect(
            str(self.path), timeout=busy_timeout_seconds, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._thread_lock = threading.RLock()

    def add(self, sender_id: Text, rows: List[Row]) -> None:
        """Keep one turn's rows; raises sqlite3.Error if even this disk cannot take them."""
        with self._thread_lock:
            self._db.execute("INSERT INTO outbox (sender_id, rows) VALUES (?, ?)", (sender_id, json.dumps(rows)))

    def holds(self, sender_id: Optional[Text] = None) -> bool:
        with self._thread_lock:
            if sender_id is None:
                found = self._db.execute("SELECT 1 FROM outbox LIMIT 1").fetchone()
            else:
                found = self._db.execute("SELECT 1 FROM outbox WHERE sender_id = ? LIMIT 1", (sender_id,)).fetchone()
        return found is not None

    def count(self) -> int:
        with self._thread_lock:
            return self._db.execute("SELECT count(*) FROM outbox").fetchone()[0]

    def forget(self, sender_id: Text) -> int:
        """Drop every turn waiting for ``sender_id`` (the patient deleted the conversation)."""
        with self._thread_lock:
            return self._db.execute("DELETE FROM outbox WHERE sender_id = ?", (sender_id,)).rowcount

    def rows_for(self, sender_id: Text) -> List[Row]:
        """Every row waiting for ``sender_id``, oldest turn first."""
        with self._thread_lock:
            found = self._db.execute("SELECT rows FROM outbox WHERE sender_id = ? ORDER BY id", (sender_id,)).fetchall()
        return [row for (rows,) in found for row in json.loads(rows)]

    def drain(self, write: Callable[[Text, List[Row]], None], sender_id: Optional[Text] = None) -> int:
        """Hand the waiting turns (of one sender, or all) to ``write`` oldest first, and
        remove each once ``write`` returned. Stops at the first failure of ``write`` (the
        rest stay, still in order) and raises it. Returns how many turns were written."""
        written = 0
        with self._thread_lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if sender_id is None:
                    turns = self._db.execute("SELECT id, sender_id, rows FROM outbox ORDER BY id").fetchall()
                else:
                    turns = self._db.execute(
                        "SELECT id, sender_id, rows FROM outbox WHERE sender_id = ? ORDER BY id", (sender_id,)
                    ).fetchall()
                failed: set[Text] = set()
                error: Optional[BaseException] = None
                for turn_id, sender, rows in turns:
                    if sender in failed:
                        continue  # a later turn never goes before an earlier one
                    try:
                        write(sender, json.loads(rows))
                    except Exception as exc:  # noqa: BLE001 - kept, and raised below
                        failed.add(sender)
                        error = error or exc
                        if sender_id is not None:
                            break
                        continue
                    self._db.execute("DELETE FROM outbox WHERE id = ?", (turn_id,))
                    written += 1
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if error is not None:
            raise error
        return written

    def read_with(self, read: Callable[[], Any], sender_id: Text) -> Tuple[Any, List[Row]]:
        """``read()`` and the rows waiting for ``sender_id``, while no other process can
        move that sender's rows from here to the database in between."""
        with self._thread_lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                return read(), self.rows_for(sender_id)
            finally:
                self._db.execute("COMMIT")

    def close(self) -> None:
        with self._thread_lock:
            self._db.close()
