"""SQL tracker stores that delete a conversation when the patient asks for it in the chat.

When a turn ends with the bot saying the conversation was deleted (the response
backcare.privacy.CONVERSATION_DELETED, sent only after the patient confirmed), the store
deletes every stored event of that sender instead of saving the turn. It happens in
`save`, at the end of the turn and still under the conversation's lock, so no other turn
of that conversation (on this or another Rasa server) can write in between. The next
message from the same sender starts a new conversation.

`FastSQLTrackerStore` (stores/tracker_store.py, the default in endpoints.yml) has it;
`ForgettingSQLTrackerStore` is Rasa's own SQL store with it (deploy/endpoints.yml).
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from backcare.privacy import deletes_conversation
from stores.turn_storage import StoreUnavailable, mark

logger = logging.getLogger(__name__)


class ForgetsOnRequest:
    """Mixin for an SQLTrackerStore subclass (put it first in the bases)."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        if deletes_conversation(tracker.events):
            try:
                self.delete_conversation(tracker.sender_id)
            except Exception as exc:
                mark(failed=True, deleting=True)
                logger.error("Could not delete a conversation at the user's request: %s", type(exc).__name__)
                raise StoreUnavailable("could not delete the conversation") from exc
            mark(saved="store")  # the turn's effect, the deletion, is in the store
            return
        await super().save(tracker)  # type: ignore[misc]  # a mixin: the store class after it has save()

    def delete_conversation(self, sender_id: str) -> int:
        """Delete every stored event of ``sender_id`` (all sessions); return how many."""
        store: Any = self
        events = store.SQLEvent.__table__
        with store.session_scope() as session:
            deleted = session.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount
            session.commit()
        outbox = getattr(store, "outbox", None)
        if outbox is not None:  # turns answered while the database was down go too
            deleted += outbox.forget(sender_id)
        forget_count = getattr(store, "_stored_in_session", None)
        if forget_count is not None:
            forget_count.pop(sender_id, None)
        # No sender id or text in the log: only that it happened.
        logger.info("Deleted a conversation at the user's request (%s events).", deleted)
        return deleted


class ForgettingSQLTrackerStore(ForgetsOnRequest, SQLTrackerStore):
    """Rasa's SQL tracker store, deleting a conversation when the patient asks for it."""
