"""What happened to the current turn's conversation in the tracker store, for the channel
that answers it (channels/turn_guard.py): saved, kept in the local outbox, or not stored."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Optional


class StoreUnavailable(Exception):  # noqa: N818 - the state the channel reports; used by other branches too
    """The tracker store could not read or save a conversation. Raised instead of answering
    from an empty conversation (Rasa's FailSafeTrackerStore) or losing the turn."""


@dataclass
class TurnStorage:
    # How the turn's last save went: "store", "outbox" (on this server's disk, not yet in
    # the store) or None (no save yet: the turn did not get that far).
    saved: Optional[str] = None
    failed: bool = False  # the store could not be read, or the turn could not be kept anywhere
    reported: bool = False  # the tracker store reports on turns (stores/tracker_store.py)
    completed: bool = False  # the turn ran to its end without an error
    deleting: bool = False  # the turn was to delete the conversation (stores/forgetting.py)

    @property
    def stored(self) -> str:
        """yes, outbox or no: what the channel tells its client. With a store that does not
        report (Rasa's own), a turn that completed counts as stored, as Rasa assumes."""
        if self.failed:
            return "no"
        if self.saved is not None:
            return "yes" if self.saved == "store" else "outbox"
        if self.reported:
            return "no"
        return "yes" if self.completed else "no"


# Set by the channel for each turn; the tracker store marks it. The object is shared with
# the task the turn runs in (asyncio copies the context, not the object).
CURRENT_TURN: ContextVar[Optional[TurnStorage]] = ContextVar("backcare_turn_storage", default=None)


def mark(saved: Optional[str] = None, failed: bool = False, deleting: bool = False) -> None:
    """``saved``: where the latest save went ("store", "outbox", or "" for none yet);
    ``deleting``: the save was to delete the conversation."""
    turn = CURRENT_TURN.get()
    if turn is not None:
        turn.reported = True
        turn.deleting = turn.deleting or deleting
        if saved is not None:
            turn.saved = saved or None
        turn.failed = turn.failed or failed
