"""The REST channel with input checks and a reply on every turn.

Rasa's own REST channel answers a missing sender with the shared id "default" (everyone's
messages in one conversation), a broken request with a 5xx, and a failed or slow action
server with silence. This channel:
- rejects requests without a JSON object, a sender id or a text message with a 400,
  and messages longer than MAX_MESSAGE_CHARS with a 413;
- strips control characters, and answers an empty message itself;
- answers a message that is clearly not English with a notice that it answers in English;
- gives each turn TURN_TIMEOUT_SECONDS, and if the bot said nothing (the action server is
  down or too slow) replies that it cannot look that up right now, with the clinic's phone.
Message text is never written to the logs: these are health conversations.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from backcare.clinic import load_clinic
from backcare.redflags import load_screen

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 5000
MAX_SENDER_CHARS = 128
TURN_TIMEOUT_SECONDS = 10.0
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WORD = re.compile(r"[^\W\d_]+")
# Short, common English words: a message of several words with none of them is not English.
_ENGLISH = frozenset(
    "a an the i im i'm me my you your is are am was be it its this that to of in on at for "
    "with and or but do does did can could should would will how what when why who which "
    "not no yes if so get have has had back pain help hurt hurts please thanks hi "
    "hello ok there any after before about from just much many some like ago week day time "
    "good bad best more too very really still also new one out up much cost price book".split()
)


def looks_non_english(text: Text) -> bool:
    """Mostly non-Latin letters, or five or more words without one common English word.
    A button payload ("/intent{...}") is not language."""
    if text.startswith("/"):
        return False
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isascii() for c in letters) / len(letters) < 0.5:
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    return len(words) >= 5 and not any(w in _ENGLISH for w in words)


def clean_text(text: Text) -> Text:
    """Control characters out, whitespace kept readable."""
    return _CONTROL.sub(" ", text).strip()


class GuardedRestInput(RestInput):
    """POST /webhooks/rest/webhook with {"sender": "...", "message": "..."}."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        clinic = load_clinic()
        screen = load_screen()
        unavailable = (
            "Sorry, I can't look that up right now. Please try again in a minute, or call "
            f"{clinic.name} on {clinic.phone}. In an emergency call {clinic.emergency_number} "
            "or your local emergency number."
        )
        empty = "Please type a question about massage for lower back pain."
        english_only = (
            "Sorry, I can only answer in English. Please ask your question in English. In an "
            f"emergency call {clinic.emergency_number} or your local emergency number."
        )
        webhook = Blueprint("guarded_rest_webhook")

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            error = _invalid(request)
            if error:
                status, reason = error
                return response.json({"error": reason}, status=status)
            payload: Dict[Text, Any] = request.json
            sender = str(payload["sender"])
            text = clean_text(payload["message"])
            if not text:
                return response.json([{"recipient_id": sender, "text": empty}])
            # The red-flag screen goes first: a terse English warning sign is never "not English".
            if looks_non_english(text) and not screen.screen(text).signs:
                return response.json([{"recipient_id": sender, "text": english_only}])
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(),
                metadata=payload.get("metadata") if isinstance(payload.get("metadata"), dict) else None,
            )
            try:
                await asyncio.wait_for(on_new_message(message), TURN_TIMEOUT_SECONDS)
            except asyncio.TimeoutError:
                logger.error("A turn took longer than %s s (action server slow?)", TURN_TIMEOUT_SECONDS)
            except Exception as exc:  # noqa: BLE001 - any failure still gets a reply
                logger.error("A turn failed: %s", type(exc).__name__)
            if not collector.messages:
                await collector.send_text_message(sender, unavailable)
            return response.json(collector.messages)

        return webhook


def _invalid(request: Request) -> Optional[tuple[int, Text]]:
    try:
        payload = request.json
    except Exception:  # noqa: BLE001 - Sanic raises its own error for bad JSON
        return 400, "The body must be JSON."
    if not isinstance(payload, dict):
        return 400, 'The body must be a JSON object: {"sender": "...", "message": "..."}.'
    sender, text = payload.get("sender"), payload.get("message")
    if not isinstance(sender, (str, int)) or not str(sender).strip():
        return 400, "'sender' is required: an id for this conversation."
    if len(str(sender)) > MAX_SENDER_CHARS:
        return 400, f"'sender' is longer than {MAX_SENDER_CHARS} characters."
    if not isinstance(text, str):
        return 400, "'message' is required and must be text."
    if len(text) > MAX_MESSAGE_CHARS:
        return 413, f"'message' is longer than {MAX_MESSAGE_CHARS} characters."
    return None
