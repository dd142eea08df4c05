"""nginx's per-address limits (deploy/nginx/backcare.conf.template): one client flooding
the public door cannot crowd out the others, is refused with a message that names the
emergency number, and the chat widget shows that message.

Clients send from their own loopback addresses (Linux routes all of 127.0.0.0/8 to the
loopback interface), so nginx counts them apart as it would two patients' devices."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import socketio

from scripts.cluster import Cluster
from scripts.servers import PROJECT_ROOT
from scripts.web_server import Handler, render_page
from tests.scale.evidence import served, stored_events, turn_problems
from tests.scale.load import QUESTIONS, Turn, latency_summary, loopback_address, say, session_from

FLOODER, PATIENT = "127.0.0.2", "127.0.0.3"
MESSAGES = 20  # the patient's messages in each phase, one a second
WARM_UP = 2  # seconds the flood runs before the patient is measured (its burst is spent)
SOCKETS = 30  # the flooder opens this many chat sockets
# What deploy/nginx/backcare.conf.template allows one address.
REST_BURST, REST_PER_SECOND, SOCKETS_PER_ADDRESS = 20, 1, 10


def chat_once_a_second(url: str, texts: list[str]) -> tuple[str, list[Turn]]:
    """A patient on PATIENT's address: one message a second, each answered before the
    next; no retries, so a refusal shows."""
    sender = f"patient-{uuid.uuid4().hex[:12]}"
    session = session_from(PATIENT)
    started = time.monotonic()
    turns = []
    for index, text in enumerate(texts):
        time.sleep(max(started + index - time.monotonic(), 0))
        turns.append(say(session, url, sender, index, text, retries=0))
    return sender, turns


def _warm_up(url: str) -> None:
    """A few turns from another address, so both Rasa servers have answered before."""
    session = session_from(loopback_address())
    for index, text in enumerate(QUESTIONS[:6]):
        say(session, url, f"warm-{uuid.uuid4().hex[:12]}", index, text)


def _ms(summary: dict[str, float]) -> str:
    return f"p50 {summary['p50']:.0f} ms, p95 {summary['p95']:.0f} ms, max {summary['max']:.0f} ms"


def test_a_flooding_address_cannot_crowd_out_a_patient(cluster: Cluster, origin: str, report: list[str]) -> None:
    texts = (QUESTIONS * 2)[:MESSAGES]
    _warm_up(cluster.url)
    quiet_sender, quiet = chat_once_a_second(cluster.url, texts)

    seconds = WARM_UP + MESSAGES + 1
    flooder = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.scale.flood",
            cluster.url,
            "--source",
            FLOODER,
            "--origin",
            origin,
            "--seconds",
            str(seconds),
            "--sockets",
            str(SOCKETS),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(WARM_UP)
        flood_sender, flooded = chat_once_a_second(cluster.url, texts)
        out, err = flooder.communicate(timeout=seconds + 60)
    finally:
        if flooder.poll() is None:
            flooder.kill()
            flooder.wait()
    assert flooder.returncode == 0, err[-3000:]
    flood = json.loads(out.strip().splitlines()[-1])

    before, during = latency_summary(quiet, MESSAGES), latency_summary(flooded, MESSAGES)
    statuses = flood["statuses"]
    sent = sum(statuses.values())
    refused = statuses.get("429", 0)
    answered = statuses.get("200", 0)
    emergency = cluster.clinic().emergency_number
    report.append(
        f"limits: a patient ({PATIENT}) sends one message a second, {MESSAGES} alone, "
        f"then {MESSAGES} while {FLOODER} floods (100 REST messages in flight, "
        f"{SOCKETS} chat sockets)"
    )
    report.append(f"  patient quiet:      {_ms(before)}; refused {sum(not t.ok for t in quiet)}")
    report.append(f"  patient under flood: {_ms(during)}; refused {sum(not t.ok for t in flooded)}")
    report.append(
        f"  flooder: {sent} REST messages in {seconds} s, {refused} refused "
        f"({refused / max(sent, 1):.1%}), {answered} answered, other: "
        f"{ {k: v for k, v in statuses.items() if k not in ('200', '429')} or 'none' }; "
        f"sockets: {flood['sockets_open']} open, {flood['sockets_refused']} refused; "
        f"unfinished headers cut off after {flood['slow_cut_after']:.1f} s"
    )

    # The patient: every message answered, none refused, about as fast as alone.
    assert all(t.ok for t in quiet + flooded), [(t.text, t.failures) for t in quiet + flooded if not t.ok]
    # Twice the quiet p95, with 200 ms for scheduling on 2 cores that nginx, the flooder and
    # Rasa share: the patient's median hardly moves, but with 20 messages the p95 is the
    # second slowest, and on a fast machine one stall of ~100 ms against a 35 ms quiet p95
    # broke the bare bound (docs/scaling.md). Before the limits it was 1.1 s.
    assert during["p95"] <= max(2 * before["p95"], before["p95"] + 200), (before, during)
    # ... and every message stored, with its answer, in PostgreSQL.
    events = stored_events(cluster.db_url, [quiet_sender, flood_sender])
    for sender in (quiet_sender, flood_sender):
        assert not turn_problems(events.get(sender, []), texts), (sender, events.get(sender))
    # nginx saw the two clients at their own addresses, and refused only the flooder.
    entries = served(cluster.access_log)
    patient = [e for e in entries if e.sender in (quiet_sender, flood_sender)]
    assert len(patient) == 2 * MESSAGES and {(e.client, e.status) for e in patient} == {(PATIENT, 200)}
    flooder_seen = Counter((e.client, e.status) for e in entries if e.sender.startswith("flood-"))
    assert flooder_seen == {(FLOODER, 200): answered, (FLOODER, 429): refused}, flooder_seen

    # The flooder: refused, apart from what the limit lets one address have.
    assert refused / sent >= 0.9, statuses
    assert answered <= REST_BURST + REST_PER_SECOND * (seconds + 2), statuses
    assert set(statuses) <= {"200", "429"}, statuses
    told = flood["refusal"]
    assert told["retry_after"] == "5" and told["content_type"].startswith("application/json"), told
    assert "sending messages very fast" in told["body"]["error"], told
    assert f"call {emergency} or your local emergency number" in told["body"]["error"], told
    assert 0 < flood["sockets_open"] <= SOCKETS_PER_ADDRESS, flood
    assert flood["sockets_refused"] == SOCKETS - flood["sockets_open"], flood
    assert f"call {emergency} or your local emergency number" in flood["socket_refusal"]["error"], flood
    # Its oversized message is refused, and a request whose headers never finish is cut off.
    assert flood["oversized"] == 413, flood
    assert flood["slow_cut_after"] is not None and flood["slow_cut_after"] < 15, flood


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class HeldSockets:
    """Chat sockets from 127.0.0.1 (websocket only: one connection each), kept open on an
    event loop of their own until closed."""

    def __init__(self, url: str, origin: str, count: int) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.clients: list[socketio.AsyncClient] = []
        for _ in range(count):
            client = socketio.AsyncClient(reconnection=False)
            self._run(
                client.connect(
                    url,
                    headers={"Origin": origin},
                    transports=["websocket"],
                    socketio_path="/socket.io",
                    wait_timeout=10,
                )
            )
            self.clients.append(client)

    def _run(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def close(self) -> None:
        while self.clients:
            self._run(self.clients.pop().disconnect())
        self.loop.call_soon_threadsafe(self.loop.stop)


def test_the_chat_widget_shows_the_refusal(cluster: Cluster, origin: str, report: list[str]) -> None:
    """The demo page (web/) in headless Chromium, its socket going through nginx from an
    address that already has all its chat sockets open: the page shows nginx's message
    instead of an empty widget; once the other chats close, the widget connects and it goes."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    # The demo page, served where the clinic's page is allowed to open sockets from.
    page_html = render_page(cluster.clinic(), cluster.url)
    port = urlsplit(origin).port
    assert port is not None
    web = ThreadingHTTPServer(("127.0.0.1", port), partial(Handler, page=page_html, socket_url=cluster.url))
    threading.Thread(target=web.serve_forever, daemon=True).start()
    # Chromium connects from 127.0.0.1: take all of that address's chat sockets first.
    held = HeldSockets(cluster.url, origin, SOCKETS_PER_ADDRESS)
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
                page.goto(f"{origin}/")  # the widget connects at once; its launcher shows once connected
                notice = page.locator(".chat-refused")
                notice.wait_for(state="visible", timeout=20_000)
                text = notice.inner_text()
                assert "Too many chats are open" in text, text
                assert f"call {cluster.clinic().emergency_number} or your local emergency number" in text, text
                assert notice.get_attribute("role") == "alert"
                box = notice.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1, box
                held.close()  # the other chats close: the widget's next try gets through
                started = time.monotonic()
                notice.wait_for(state="hidden", timeout=20_000)
                page.locator(".rw-launcher").click(timeout=20_000)
                page.locator(".rw-response").first.wait_for(timeout=30_000)  # the greeting
                report.append(
                    f"widget: refused socket shows nginx's message; it went and the greeting "
                    f"came {time.monotonic() - started:.1f} s after the other sockets closed"
                )
            finally:
                browser.close()
    finally:
        held.close()
        web.shutdown()
        web.server_close()
