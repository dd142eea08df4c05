"""Both SQL stores delete a conversation, every session of it, in the turn that says so,
and only that one; a later turn or another conversation is saved as before."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from backcare.privacy import CONVERSATION_DELETED
from stores.forgetting import ForgettingSQLTrackerStore
from stores.tracker_store import FastSQLTrackerStore
from tests.support.stores import DOMAIN, conversation, rows


def _say(tracker, text: str, intent: str, action: str) -> None:
    for event in [
        UserUttered(text, {"name": intent, "confidence": 1.0}),
        ActionExecuted(action),
        BotUttered("..."),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)


@pytest.mark.parametrize("store_class", [FastSQLTrackerStore, ForgettingSQLTrackerStore])
def test_the_confirmed_turn_deletes_the_whole_conversation_and_only_it(store_class, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = store_class(DOMAIN, dialect="sqlite", db=str(db))
    for sender in ("patient", "someone else"):
        asyncio.run(conversation(store, sender))  # two sessions each

    async def delete_then_ask_again() -> None:
        tracker = await store.retrieve("patient")
        _say(tracker, "delete my conversation", "delete_conversation", "utter_ask_delete_conversation")
        await store.save(tracker)
        assert {row[0] for row in rows(db)} == {"patient", "someone else"}  # asked, not deleted
        tracker = await store.retrieve("patient")
        _say(tracker, "yes, delete it", "confirm_delete_conversation", CONVERSATION_DELETED)
        await store.save(tracker)
        assert {row[0] for row in rows(db)} == {"someone else"}
        # The next message starts a new conversation, saved as usual.
        tracker = await store.get_or_create_tracker("patient")
        _say(tracker, "does it help", "effectiveness", "action_answer")
        await store.save(tracker)

    asyncio.run(delete_then_ask_again())
    patient = [row for row in rows(db) if row[0] == "patient"]
    assert [row[2] for row in patient if row[1] == "user"] == ["effectiveness"]
    others = [row for row in rows(db) if row[0] == "someone else"]
    assert len([row for row in others if row[1] == "user"]) == 3
