"""The socket.io channel, restricted to the clinic's web origins.

Rasa 3.6 creates its socket.io server with `cors_allowed_origins=[]`, which switches
python-engineio's origin check off: any web page could open a chat socket. This channel
is Rasa's own, with the check switched back on for the origins listed in clinic.yml.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from backcare.clinic import load_clinic


class ClinicSocketIOInput(SocketIOInput):
    """socket.io for the chat widget; only the clinic's allowed origins may connect."""

    @classmethod
    def name(cls) -> str:
        # Same name as Rasa's channel: trackers record "socketio", the web renders links.
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        assert self.sio is not None
        self.sio.eio.cors_allowed_origins = list(load_clinic().allowed_origins)
        return blueprint
