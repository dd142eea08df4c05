"""A patient deletes their own conversation from the chat: asked to confirm, then gone
from the SQL tracker store at once; the next message starts a new conversation."""

from __future__ import annotations

import sqlite3
import uuid

import yaml

from tests.support.chat import texts


def stored(servers, sender: str) -> list[tuple[str, str | None]]:
    """(event type, text) of every row the Rasa server stored for ``sender``."""
    db = yaml.safe_load(servers.endpoints.read_text())["tracker_store"]["db"]
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "select type_name, json_extract(data, '$.text') from events where sender_id = ? order by id", (sender,)
        ).fetchall()
    return rows


def user_texts(servers, sender: str) -> list[str | None]:
    return [text for kind, text in stored(servers, sender) if kind == "user"]


def test_delete_asks_first_then_removes_every_stored_event(bot, servers) -> None:
    sender = uuid.uuid4().hex
    bot.say("does massage help lower back pain?", sender)
    asked = bot.say("delete my conversation", sender)
    assert "delete this conversation?" in texts(asked)
    assert [b["title"] for b in asked[-1]["buttons"]] == ["Yes, delete it", "No, keep it"]
    # Nothing is deleted before the patient confirms.
    assert user_texts(servers, sender) == ["does massage help lower back pain?", "delete my conversation"]

    done = bot.say("/confirm_delete_conversation", sender)
    assert "I deleted this conversation" in texts(done)
    assert stored(servers, sender) == []  # at once: the REST reply comes after the store

    # The next message starts a new conversation: the first answer carries the notice again
    # and nothing from before is stored.
    again = bot.say("how often should I get a massage?", sender)
    assert "automated assistant, not a person" in texts(again)
    assert user_texts(servers, sender) == ["how often should I get a massage?"]


def test_typed_confirmation_deletes_and_keeping_keeps(bot, servers) -> None:
    kept, deleted = uuid.uuid4().hex, uuid.uuid4().hex
    for sender in (kept, deleted):
        bot.say("is deep tissue massage safe when pregnant?", sender)
        bot.say("please delete my chat history", sender)
    assert "kept it" in texts(bot.say("no, keep it", kept))
    assert "I deleted this conversation" in texts(bot.say("yes, delete it", deleted))
    assert len(user_texts(servers, kept)) == 3
    assert stored(servers, deleted) == []


def test_a_yes_that_was_not_asked_for_deletes_nothing(bot, servers) -> None:
    sender = uuid.uuid4().hex
    bot.say("what types of massage are there?", sender)
    reply = bot.say("/confirm_delete_conversation", sender)
    assert "delete this conversation?" in texts(reply)
    assert len(user_texts(servers, sender)) == 2
