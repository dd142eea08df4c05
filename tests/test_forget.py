"""`make forget` deletes conversations idle for longer than the retention period, only those."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import yaml

from scripts.forget import forget


def _store(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "trackers.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(db)}}))
    with sqlite3.connect(db) as connection:
        connection.execute(
            "create table events (id integer primary key, sender_id text, type_name text, "
            "timestamp real, intent_name text, action_name text, data text)"
        )
        now = time.time()
        rows = [
            ("old", now - 40 * 86400),
            ("old", now - 35 * 86400),
            ("recent", now - 40 * 86400),
            ("recent", now - 3600),
        ]
        connection.executemany("insert into events (sender_id, type_name, timestamp) values (?, 'user', ?)", rows)
    return endpoints, db


def test_only_conversations_idle_past_the_limit_are_deleted(tmp_path: Path) -> None:
    endpoints, db = _store(tmp_path)
    assert forget(endpoints, days=30) == (1, 2)
    with sqlite3.connect(db) as connection:
        left = connection.execute("select sender_id, count(*) from events group by sender_id").fetchall()
    assert left == [("recent", 2)]


def test_nothing_to_delete_is_fine(tmp_path: Path) -> None:
    endpoints, _ = _store(tmp_path)
    assert forget(endpoints, days=365) == (0, 0)


def test_a_missing_database_is_a_clear_error_not_a_new_empty_file(tmp_path: Path, capsys) -> None:
    from scripts.forget import main

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "none.db")}})
    )
    assert main(["--endpoints", str(endpoints), "--days", "1"]) == 2
    assert "no tracker database" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
