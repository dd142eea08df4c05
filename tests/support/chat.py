"""Talking to the running assistant in the end-to-end tests: over REST (with the token-protected
tracker API) and over socket.io as the chat widget does."""

from __future__ import annotations

import queue
import time
import uuid
from typing import Any

import requests
import yaml

from scripts.servers import PROJECT_ROOT, Servers

MODEL = PROJECT_ROOT / "models" / "backcare.tar.gz"
TOKEN = uuid.uuid4().hex  # the servers' API token for this test run


class Bot:
    """A user of the REST channel, plus the token-protected tracker API."""

    def __init__(self, servers: Servers) -> None:
        self.servers = servers

    def say(self, text: str, sender: str | None = None) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.servers.url}/webhooks/rest/webhook",
            json={"sender": sender or uuid.uuid4().hex, "message": text},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(
            f"{self.servers.url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def slots(self, sender: str) -> dict[str, Any]:
        return self.tracker(sender)["slots"]


class SocketUser:
    """A chat-widget user: socket.io from the clinic page's origin, with a session like
    rasa-webchat's (session_request, then user_uttered with the session id)."""

    def __init__(self, servers: Servers) -> None:
        import socketio

        self.replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.replies.put)
        self.client.connect(servers.url, headers={"Origin": servers.web_url}, transports=["polling"])
        self.session_id = uuid.uuid4().hex
        self.client.emit("session_request", {"session_id": self.session_id})

    def say(self, text: Any, timeout: float = 20, settle: float = 1.5) -> list[dict[str, Any]]:
        """Send a message; collect the replies until none came for ``settle`` seconds."""
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        replies: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                replies.append(self.replies.get(timeout=settle if replies else deadline - time.monotonic()))
            except queue.Empty:
                break
        return replies

    def close(self) -> None:
        self.client.disconnect()


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def slots_with(**values: Any) -> dict[str, Any]:
    """Every slot of a conversation as the tracker API shows it: those given, the rest unset."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    unset = dict.fromkeys([*domain["slots"], "session_started_metadata"])
    assert set(values) <= set(unset), set(values) - set(unset)
    return {**unset, **values}
