"""The socket.io channel for the chat widget: the clinic's web origins only, and the same
checks around each turn as the REST channel (channels/turn_guard.py).

Rasa 3.6 creates its socket.io server with `cors_allowed_origins=[]`, which switches
python-engineio's origin check off: any web page could open a chat socket. This channel
is Rasa's own, with the check switched back on for the origins listed in clinic.yml, and
its message handler replaced by one that never leaves the user without a reply.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

import patches
from backcare.privacy import WIDGET_FORGET_FLAG, is_deletion_message
from channels.turn_guard import TurnGuard, clean_text


class _CountingOutput(SocketIOOutput):
    """Rasa's socket.io output, remembering whether the bot said anything this turn, and
    telling the widget to forget its copy when the conversation was deleted."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        if is_deletion_message(kwargs):
            # rasa-webchat passes `metadata` on and shows the text as usual (web/chat.js).
            await self._send_message(recipient_id, {"text": text, "metadata": {WIDGET_FORGET_FLAG: True}})
            return
        await super().send_text_message(recipient_id, text, **kwargs)


def _metadata(raw: Any) -> Dict[Text, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


class ClinicSocketIOInput(SocketIOInput):
    """socket.io for the chat widget; only the clinic's allowed origins may connect."""

    @classmethod
    def name(cls) -> str:
        # Same name as Rasa's channel: trackers record "socketio", the web renders links.
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        guard = TurnGuard.load()
        sio.eio.cors_allowed_origins = list(guard.clinic.allowed_origins)
        patches.forget_binary_parts_on_disconnect(sio)  # python-socketio 5.9's CVE-2026-48804
        server: Dict[Text, Any] = {}  # the Sanic app, whose agent screens a failed turn's message

        @blueprint.listener("before_server_start")
        async def keep_app(sanic_app: Any, _: Any) -> None:
            server["app"] = sanic_app

        def agent() -> Any:
            return getattr(getattr(server.get("app"), "ctx", None), "agent", None)

        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                data = {}
            if self.session_persistence:
                sender = data.get("session_id")
                if not isinstance(sender, str) or not sender:
                    # As Rasa does: without a session there is no conversation to answer in.
                    return
            else:
                sender = sid
            output = _CountingOutput(sio, self.bot_message_evt)
            raw = data.get("message")
            text = clean_text(raw) if isinstance(raw, str) else ""
            notice = guard.notice_instead_of_turn(text)
            if notice:
                await output.send_text_message(sender, notice)
                return
            message = UserMessage(
                text,
                output,
                sender,
                input_channel=self.name(),
                metadata=_metadata(data.get(self.metadata_key)),
            )
            await guard.run_turn(
                lambda: on_new_message(message),
                text,
                lambda: output.sent > 0,
                lambda reply: output.send_text_message(sender, reply),
                agent(),
            )

        # Replaces Rasa's handler for the same event.
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
