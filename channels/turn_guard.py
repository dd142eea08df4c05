"""What both chat channels (REST and socket.io) do around a turn.

- Control characters are stripped; an empty message gets a prompt. (A message in another
  language is the Rasa server's: its red-flag screen asks the safety check of both tiers.)
- Each turn has TURN_TIMEOUT_SECONDS. If the bot said nothing (the action server is down
  or too slow, the tracker store or lock store unavailable), the message is still screened
  by the model's NLU pipeline, so a warning sign gets its fixed referral; anything else gets
  "can't look that up right now", with the clinic's phone. The channel learns whether the
  turn was stored (stores/turn_storage.py): the REST channel says so in its status.
- An answer whose turn could not be stored is withdrawn (the channel has held it back) and
  replaced by that notice: a user never reads an answer the conversation does not hold (the
  next turn would contradict it). A deletion that failed says so; it never says "Done".
Message text is never written to the logs: these are health conversations.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from backcare.clinic import Clinic, load_clinic
from backcare.contract import (
    RED_FLAG_CHECK_ENTITY,
    RED_FLAG_INTENTS,
    RED_FLAG_TIER_ENTITY,
    UNREAD_LANGUAGE_ENTITY,
    Tier,
)
from stores.turn_storage import CURRENT_TURN, StoreUnavailable, TurnStorage

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 5000
TURN_TIMEOUT_SECONDS = 10.0
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: Text) -> Text:
    """Control characters out, whitespace kept readable."""
    return _CONTROL.sub(" ", text).strip()


@dataclass(frozen=True)
class TurnGuard:
    clinic: Clinic
    unavailable: Text
    empty: Text
    too_long: Text
    not_deleted: Text

    @classmethod
    @functools.lru_cache(maxsize=None)
    def load(cls) -> "TurnGuard":
        """Read once per server: the REST and socket.io channels share it."""
        clinic = load_clinic()
        return cls(
            clinic=clinic,
            unavailable=(
                "Sorry, I can't look that up right now. Please try again in a minute, or call "
                f"{clinic.name} on {clinic.phone}. In an emergency call {clinic.emergency_number} "
                "or your local emergency number."
            ),
            empty="Please type a question about massage for lower back pain.",
            too_long=(
                f"That message is too long for me: please keep it under {MAX_MESSAGE_CHARS:,} characters. "
                f"If you have a medical emergency, call {clinic.emergency_number} or your local emergency number now."
            ),
            not_deleted=(
                "Sorry, I could not delete this conversation just now, so it is still stored. Please try "
                f"again in a minute, or call {clinic.name} on {clinic.phone}."
            ),
        )

    def notice_instead_of_turn(self, text: Text) -> Optional[Text]:
        """The reply for a message the bot should not handle itself, else None."""
        if not text:
            return self.empty
        if len(text) > MAX_MESSAGE_CHARS:
            return self.too_long
        return None

    async def run_turn(
        self,
        handle: Callable[[], Awaitable[Any]],
        text: Text,
        said_anything: Callable[[], bool],
        say: Callable[[Text], Awaitable[Any]],
        agent: Any,
        withdraw: Optional[Callable[[], None]] = None,
    ) -> TurnStorage:
        """Run one turn within the time budget; failures are logged without message text.
        ``withdraw`` drops what the bot said but the channel has not sent yet: it is called
        if the turn was not stored. If the bot said nothing (or it was withdrawn), says the
        referral (for a warning sign), that a deletion failed, or the "can't look that up"
        notice. Returns what happened to the turn's storage."""
        storage = TurnStorage()
        token = CURRENT_TURN.set(storage)
        try:
            await asyncio.wait_for(handle(), TURN_TIMEOUT_SECONDS)
            storage.completed = True
        except asyncio.TimeoutError:
            logger.error("A turn took longer than %s s (action server slow?)", TURN_TIMEOUT_SECONDS)
        except StoreUnavailable:
            pass  # the store logged why and marked the turn
        except Exception as exc:  # noqa: BLE001 - any failure still gets a reply
            # e.g. the lock store: before the save the turn is not stored, after it it is
            logger.error("A turn failed: %s", type(exc).__name__)
        finally:
            CURRENT_TURN.reset(token)
        if storage.stored == "no" and withdraw is not None and said_anything():
            withdraw()
        if not said_anything():
            notice = self.not_deleted if storage.deleting else self.unavailable
            await say(await self.referral(agent, text) or notice)
        return storage

    @staticmethod
    async def referral(agent: Any, text: Text) -> Optional[Text]:
        """The fixed referral if the model's NLU pipeline (whose red-flag screen has the last
        word) finds a warning sign in ``text``; needs no tracker store, lock or action server."""
        try:
            parsed = await agent.parse_message(text)
            intent = parsed["intent"]["name"]
            if intent not in RED_FLAG_INTENTS:
                return None
            processor = agent.processor
            tracker = DialogueStateTracker("screen", processor.domain.slots)
            found = {e.get("entity"): e.get("value") for e in parsed.get("entities") or []}
            response = f"utter_{intent}"
            if UNREAD_LANGUAGE_ENTITY in found:
                response = "utter_red_flag_check_language"
            elif found.get(RED_FLAG_TIER_ENTITY) == Tier.CHECK:
                # A suspected sign: the safety check, which names it and says where to go now.
                response = f"utter_red_flag_check_{intent.removeprefix('red_flag_')}"
                tracker.update(SlotSet(RED_FLAG_CHECK_ENTITY, found.get(RED_FLAG_CHECK_ENTITY)))
            reply = await processor.nlg.generate(response, tracker, "")
            return reply["text"] if reply else None
        except Exception as exc:  # noqa: BLE001 - no model loaded: the notice, with the emergency number
            logger.error("Could not screen a message whose turn failed: %s", type(exc).__name__)
            return None
