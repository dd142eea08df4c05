"""The socket.io channel's own set-up: origins from clinic.yml, and nothing kept after a
client leaves."""

from __future__ import annotations

import asyncio

from backcare.clinic import load_clinic
from channels.clinic_socketio import ClinicSocketIOInput


async def _no_turns(_message) -> None:
    raise AssertionError("no message is handled here")


def _server():
    channel = ClinicSocketIOInput(
        user_message_evt="user_uttered",
        bot_message_evt="bot_uttered",
        session_persistence=True,
        metadata_key="customData",
    )
    channel.blueprint(_no_turns)
    return channel.sio


def test_only_the_clinic_origins_may_connect() -> None:
    assert _server().eio.cors_allowed_origins == list(load_clinic().allowed_origins)


def test_a_half_received_binary_message_is_dropped_when_its_client_leaves() -> None:
    sio = _server()
    sio._binary_packet["client-1"] = object()  # waiting for attachments that never come
    asyncio.run(sio.eio.handlers["disconnect"]("client-1"))
    assert "client-1" not in sio._binary_packet
