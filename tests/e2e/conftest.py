"""Real servers for the end-to-end tests: the trained model, the action server and the
Rasa server on free loopback ports, with a fresh SQLite tracker store."""
from __future__ import annotations

import queue
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from scripts.servers import PROJECT_ROOT, Servers, free_port, write_endpoints

MODEL = PROJECT_ROOT / "models" / "backcare.tar.gz"
SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
TOKEN = uuid.uuid4().hex


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


@pytest.fixture
def socket_user(servers: Servers):
    user = SocketUser(servers)
    yield user
    user.close()


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it for you)")
    work = tmp_path_factory.mktemp("servers")
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    # The clinic settings, allowing the demo page's origin on this test's port.
    clinic = yaml.safe_load((PROJECT_ROOT / "clinic.yml").read_text())
    clinic["clinic"]["allowed_origins"] = [f"http://127.0.0.1:{web_port}"]
    (work / "clinic.yml").write_text(yaml.safe_dump(clinic))
    running = Servers(
        model=MODEL, log_dir=work, rasa_port=rasa_port, action_port=action_port,
        endpoints=write_endpoints(work / "endpoints.yml", action_port, work / "trackers.db"),
        token=TOKEN, web_port=web_port, env={"BACKCARE_CLINIC_FILE": str(work / "clinic.yml")},
    )
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def bot(servers: Servers) -> Bot:
    return Bot(servers)


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def screenshot_if_failed(request: pytest.FixtureRequest, page: Any, suffix: str = "", full_page: bool = True) -> None:
    """After a failed test, save the page as results/screenshots/<test name><suffix>.png."""
    report = getattr(request.node, "rep_call", None)
    if page is not None and report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}{suffix}.png"), full_page=full_page)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (the browser test screenshots failures)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
