"""The socket.io channel for the chat widget: the clinic's web origins only, and the same
checks around each turn as the REST channel (channels/turn_guard.py).

Rasa 3.6 creates its socket.io server with `cors_allowed_origins=[]`, which switches
python-engineio's origin check off: any web page could open a chat socket. This channel
is Rasa's own, with the check switched back on for the origins listed in clinic.yml, and
its message handler replaced by one that never leaves the user without a reply.

A turn's replies are held back until the turn is stored (issue 17). Rasa's own channel
emits each message as the bot says it and saves the turn after the last one, so a server
that dies in between has shown the user (part of) an answer the conversation does not
hold: the next turn, on another server, contradicts it ("I haven't answered a question
yet"). Here the user sees a turn's answer only once it is stored (in the tracker store or
the server's outbox); a turn that could not be stored shows the referral or the "can't
look that up" notice instead. After the replies the client gets `turn_end`
{"message_id", "stored": yes | outbox | no}.

A turn cut off by a lost connection (no reply came) is re-sent by the widget after it
reconnects (web/chat.js), with the same `message_id` and `resend: true`. If the first copy
was stored (the server died between storing and sending), the stored replies are sent
again (turn_end says "replayed": true) and nothing is stored twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint

import patches
from backcare.privacy import WIDGET_FORGET_FLAG, is_deletion_message
from channels.turn_guard import TURN_TIMEOUT_SECONDS, TurnGuard, clean_text

logger = logging.getLogger(__name__)

TURN_END_EVENT = "turn_end"
# A client's id for one message (web/chat.js): letters, digits, - and _.
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class _HeldOutput(SocketIOOutput):
    """Rasa's socket.io output, holding a turn's messages until `send_held` (after the turn
    was stored), and telling the widget to forget its copy when the conversation was deleted."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.held: List[tuple[Text, Any]] = []

    @property
    def sent(self) -> int:
        return len(self.held)

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.held.append((socket_id, response))

    def withdraw(self) -> None:
        self.held.clear()

    async def send_held(self) -> None:
        held, self.held = self.held, []
        for socket_id, response in held:
            await SocketIOOutput._send_message(self, socket_id, response)

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


def _message_id(data: Dict[Text, Any]) -> Optional[Text]:
    found = data.get("message_id")
    return found if isinstance(found, str) and _MESSAGE_ID.match(found) else None


async def _stored_replies(agent: Any, sender: Text, message_id: Text) -> Optional[List[Dict[Text, Any]]]:
    """The bot's stored replies to the message ``message_id`` of ``sender``, or None if that
    message is not stored (or the store cannot say: the turn then runs and reports it).
    Read under the conversation's lock: a first copy still running (the connection broke,
    not the server) ends before, and is found."""

    async def read() -> Any:
        async with agent.lock_store.lock(sender):
            return await agent.tracker_store.retrieve(sender)

    try:
        tracker = await asyncio.wait_for(read(), TURN_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the turn itself will report the store
        logger.warning("Could not check whether a re-sent message was stored: %s", type(exc).__name__)
        return None
    if tracker is None:
        return None
    replies: Optional[List[Dict[Text, Any]]] = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            replies.append({"text": event.text, **{k: v for k, v in (event.data or {}).items() if v}})
    return replies


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
            output = _HeldOutput(sio, self.bot_message_evt)
            message_id = _message_id(data)
            raw = data.get("message")
            text = clean_text(raw) if isinstance(raw, str) else ""
            notice = guard.notice_instead_of_turn(text)
            if notice:
                await output.send_text_message(sender, notice)
                await output.send_held()
                await sio.emit(TURN_END_EVENT, {"message_id": message_id, "stored": "no"}, room=sender)
                return
            if message_id and data.get("resend") is True and agent() is not None:
                replies = await _stored_replies(agent(), sender, message_id)
                if replies is not None:  # stored before the connection broke: not twice
                    for reply in replies:
                        await output.send_response(sender, reply)
                    await output.send_held()
                    await sio.emit(
                        TURN_END_EVENT, {"message_id": message_id, "stored": "yes", "replayed": True}, room=sender
                    )
                    return
            message = UserMessage(
                text,
                output,
                sender,
                input_channel=self.name(),
                metadata=_metadata(data.get(self.metadata_key)),
                message_id=message_id,
            )
            storage = await guard.run_turn(
                lambda: on_new_message(message),
                text,
                lambda: output.sent > 0,
                lambda reply: output.send_text_message(sender, reply),
                agent(),
                withdraw=output.withdraw,
            )
            await output.send_held()
            await sio.emit(TURN_END_EVENT, {"message_id": message_id, "stored": storage.stored}, room=sender)

        # Replaces Rasa's handler for the same event.
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
