"""The REST channel with input checks and a reply on every turn.

Rasa's own REST channel answers a missing sender with the shared id "default" (everyone's
messages in one conversation), a broken request with a 5xx, and a failed or slow action
server with silence. This channel rejects requests without a JSON object, a sender id or a
text message with a 400, and messages longer than MAX_MESSAGE_CHARS with a 413; the rest
of its checks are shared with the socket.io channel (channels/turn_guard.py).

GET /webhooks/rest/ready says whether the tracker store, lock store and action server
answer (channels/readiness.py).

The status says whether the turn was stored (header X-Turn-Stored says the same in words):
200 "yes"; 202 "outbox": answered, kept on this server's disk and written to the tracker
store once it answers again; 503 "no": the turn could not be completed or stored (the
replies then are the referral for a warning sign, that a deletion failed, or the "can't look
that up" notice: an answer that was not stored is never returned).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.readiness import is_ready, readiness
from channels.turn_guard import MAX_MESSAGE_CHARS, TurnGuard, clean_text

MAX_SENDER_CHARS = 128
STORED_HEADER = "X-Turn-Stored"


class GuardedRestInput(RestInput):
    """POST /webhooks/rest/webhook with {"sender": "...", "message": "..."}."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guard = TurnGuard.load()
        webhook = Blueprint("guarded_rest_webhook")

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            parts = await readiness(request.app.ctx.agent)
            return response.json(parts, status=200 if is_ready(parts) else 503)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            error = _invalid(request)
            if error:
                status, reason = error
                return response.json({"error": reason}, status=status)
            payload: Dict[Text, Any] = request.json
            sender = str(payload["sender"])
            text = clean_text(payload["message"])
            notice = guard.notice_instead_of_turn(text)
            if notice:
                return response.json([{"recipient_id": sender, "text": notice}])
            collector = CollectingOutputChannel()
            metadata = payload.get("metadata")
            message = UserMessage(
                text,
                collector,
                sender,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None,
            )
            storage = await guard.run_turn(
                lambda: on_new_message(message),
                text,
                lambda: bool(collector.messages),
                lambda reply: collector.send_text_message(sender, reply),
                request.app.ctx.agent,
                withdraw=collector.messages.clear,
            )
            status = {"yes": 200, "outbox": 202, "no": 503}[storage.stored]
            return response.json(collector.messages, status=status, headers={STORED_HEADER: storage.stored})

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
