"""What happened to the current turn's conversation in the tracker store, for the channel
that answers it (channels/turn_guard.py): saved, kept in the local outbox, or not stored."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Optional


class StoreUnavailable(Exception):
    """The tracker store could not read or save a conversation. Raised instead of answering
    from an empty conversation (Rasa's FailSafeTrackerStore) or losing the turn."""


@dataclass
class TurnStorage:
    outboxed: bool = False  # answered, saved to the local outbox, not yet to the store
    failed: bool = False  # the store could not be read, or the turn could not be kept anywhere


# Set by the channel for each turn; the tracker store marks it. The object is shared with
# the task the turn runs in (asyncio copies the context, not the object).
CURRENT_TURN: ContextVar[Optional[TurnStorage]] = ContextVar("backcare_turn_storage", default=None)


def mark(outboxed: bool = False, failed: bool = False) -> None:
    turn = CURRENT_TURN.get()
    if turn is not None:
        turn.outboxed = turn.outboxed or outboxed
        turn.failed = turn.failed or failed
