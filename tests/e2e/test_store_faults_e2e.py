"""The running assistant when its SQLite file turns read-only mid-conversation (a real
file made immutable with chattr, as a full or failing disk would refuse writes), then
writable again: every answered turn is kept, in order, once, and the REST status says
where it went."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import requests

from tests.support.chat import TOKEN, texts
from tests.support.stores import read_only

NOTICE = "not a person: general information only"  # the greeting says it differently


def _say(servers, sender: str, text: str) -> requests.Response:
    return requests.post(f"{servers.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30)


def _stored_user_texts(db: Path, sender: str) -> list[str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_a_read_only_database_mid_conversation_loses_no_answered_turn(servers) -> None:
    db = servers.log_dir / "trackers.db"
    sender = uuid.uuid4().hex
    first = _say(servers, sender, "does massage help lower back pain?")
    assert first.status_code == 200 and first.headers["X-Turn-Stored"] == "yes"
    assert NOTICE in texts(first.json())

    with read_only(db, Path(f"{db}-wal")):
        second = _say(servers, sender, "how often should I go?")
        warning = _say(servers, sender, "I can't control my bladder since my back went")
        # Answered, kept in the outbox, and the conversation goes on (no first-answer notice again).
        assert second.status_code == warning.status_code == 202
        assert second.headers["X-Turn-Stored"] == "outbox"
        assert "Sources:" in texts(second.json()) and NOTICE not in texts(second.json())
        assert "emergency" in texts(warning.json()).lower()
        assert _stored_user_texts(db, sender) == ["does massage help lower back pain?"]  # really refused
        tracker = requests.get(
            f"{servers.url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30
        ).json()
        assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [
            "does massage help lower back pain?",
            "how often should I go?",
            "I can't control my bladder since my back went",
        ]

    third = _say(servers, sender, "what does a session cost?")
    assert third.status_code == 200 and third.headers["X-Turn-Stored"] == "yes"
    assert _stored_user_texts(db, sender) == [
        "does massage help lower back pain?",
        "how often should I go?",
        "I can't control my bladder since my back went",
        "what does a session cost?",
    ]


def test_readiness_names_each_store_without_message_text(servers) -> None:
    reply = requests.get(f"{servers.url}/webhooks/rest/ready", timeout=30)
    assert reply.status_code == 200
    assert reply.json() == {"tracker_store": "reachable", "lock_store": "in memory", "action_server": "reachable"}


def test_a_deletion_that_fails_is_never_reported_as_done(servers, socket_user) -> None:
    """ "Delete my conversation", confirmed, while the database refuses writes: the reply says
    it is still stored, not "Done" (REST and the widget's socket), and it is."""
    db = servers.log_dir / "trackers.db"
    sender = uuid.uuid4().hex
    _say(servers, sender, "does massage help lower back pain?")
    socket_user.say("does massage help lower back pain?")
    assert "delete this conversation?" in texts(_say(servers, sender, "delete my conversation").json())
    assert "delete this conversation?" in texts(socket_user.say("delete my conversation"))
    with read_only(db, Path(f"{db}-wal")):
        done = _say(servers, sender, "/confirm_delete_conversation")
        by_socket = texts(socket_user.say("/confirm_delete_conversation"))
    assert done.status_code == 503 and done.headers["X-Turn-Stored"] == "no"
    for reply in (texts(done.json()), by_socket):
        assert "could not delete this conversation" in reply and "still stored" in reply, reply
        assert "I deleted" not in reply, reply
    assert _stored_user_texts(db, sender)[0] == "does massage help lower back pain?"
    assert _stored_user_texts(db, socket_user.session_id)[0] == "does massage help lower back pain?"
