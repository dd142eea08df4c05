"""Stores that blip under load (issue 17): PostgreSQL restarted mid-load, PostgreSQL down
for 20 s, Redis restarted while bursts are queued. Each checks in PostgreSQL that every
answered message is stored exactly once with its reply, in order; that no message the
user was told failed is stored; and counts what users saw.

`make scale-test TRACKER_STORE=sql TESTS=fault` runs them against Rasa's own SQL store
(inside its FailSafeTrackerStore), as before: the figures then show what it lost."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
import uuid
from collections import Counter, defaultdict

import requests

from channels.turn_guard import TURN_TIMEOUT_SECONDS
from scripts.cluster import Cluster
from scripts.servers import Servers, free_port
from stores.tracker_store import DB_TIMEOUT_SECONDS
from tests.scale.evidence import stored_events, turn_problems
from tests.scale.load import QUESTIONS, UNAVAILABLE, Load, Turn, bursts

CONVERSATIONS = 20  # at once, each QUESTIONS in order with a pause between: 240 turns


def _waiting_in_outbox(cluster: Cluster) -> int:
    path = cluster.work / "outbox" / "tracker-outbox.db"
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=5) as db:
        return db.execute("SELECT count(*) FROM outbox").fetchone()[0]


def _settle(cluster: Cluster, timeout: float = 15) -> int:
    """Wait until the outbox is written to PostgreSQL; returns what still waits."""
    deadline = time.monotonic() + timeout
    while _waiting_in_outbox(cluster) and time.monotonic() < deadline:
        time.sleep(0.5)
    return _waiting_in_outbox(cluster)


def _figures(cluster: Cluster, turns: list[Turn]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """What users saw and what PostgreSQL holds. Answered = a 200/202 reply with an answer."""
    answered: dict[str, list[str]] = defaultdict(list)
    for turn in sorted(turns, key=lambda t: (t.sender, t.index)):
        if turn.ok:
            answered[turn.sender].append(turn.text)
    senders = sorted({t.sender for t in turns})
    events = stored_events(cluster.db_url, senders)
    problems = {s: p for s in senders if (p := turn_problems(events.get(s, []), answered.get(s, [])))}
    kinds = Counter(p.split(":")[0] for found in problems.values() for p in found)
    failures = Counter(f for t in turns if not t.ok for f in t.failures[-1:])
    figures = {
        "turns": len(turns),
        "answered": sum(t.ok for t in turns),
        "answered but not stored": kinds["lost"],
        "stored but shown as failed, or twice": kinds["extra"],
        "overlapping or incomplete": kinds["overlap"] + kinds["incomplete"],
        # the first-answer notice more than once in a conversation
        "answered from an emptied conversation": sum(
            max(n - 1, 0) for n in Counter(t.sender for t in turns if t.notice).values()
        ),
        "shown as not answered": sum(not t.ok for t in turns),
        "answered, kept in the outbox": sum(t.stored == "outbox" for t in turns),
        **{f"seen: {k}": n for k, n in sorted(failures.items())},
    }
    return figures, problems


def _line(name: str, figures: dict[str, int], seconds: float, tracker_store: str) -> str:
    return f"{name} ({tracker_store} store, {seconds:.0f} s): " + ", ".join(f"{k} {v}" for k, v in figures.items())


def _load_with_fault(cluster: Cluster, pause: float, at_turn: int, fault) -> tuple[list[Turn], float, float]:
    """The load, with ``fault`` started in the background after ``at_turn`` turns; returns
    the turns, the seconds it all took and when the fault was over (time.monotonic())."""
    load = Load(cluster.url, CONVERSATIONS, pause=pause)
    faults: list[threading.Thread] = []
    over: list[float] = []

    def run_fault() -> None:
        fault()
        over.append(time.monotonic())

    def when_done(count: int) -> None:
        if count == at_turn:
            faults.append(threading.Thread(target=run_fault))
            faults[0].start()

    started = time.monotonic()
    turns = load.run(when_done)
    for thread in faults:
        thread.join()
    assert over, "the fault never came"
    return turns, time.monotonic() - started, over[0]


def _check(name: str, cluster: Cluster, turns: list[Turn], seconds: float, report: list[str]) -> dict[str, int]:
    waiting = _settle(cluster)
    figures, problems = _figures(cluster, turns)
    report.append(_line(name, figures, seconds, cluster.tracker_store) + f"; still in the outbox {waiting}")
    assert waiting == 0
    assert not problems, problems
    assert figures["answered from an emptied conversation"] == 0
    return figures


def test_faults_postgresql_restarted_mid_load(cluster: Cluster, report: list[str]) -> None:
    def restart() -> None:
        cluster.stop_postgres()
        time.sleep(3)
        cluster.start_postgres_again()

    turns, seconds, back = _load_with_fault(cluster, 1.5, CONVERSATIONS * 3, restart)
    _check("PostgreSQL restarted mid-load, 3 s down", cluster, turns, seconds, report)
    # Pooled connections are checked before use: the first turns after the restart work.
    after = [t for t in turns if t.started > back]
    assert after and all(t.ok for t in after), [t.failures for t in after if not t.ok]


def test_faults_postgresql_down_for_20_seconds(cluster: Cluster, report: list[str]) -> None:
    warned: list[requests.Response] = []
    ready: list[requests.Response] = []

    def outage() -> None:
        cluster.stop_postgres()
        time.sleep(2)
        # Safety does not wait for the database: a warning sign still gets its referral.
        warned.append(
            requests.post(
                f"{cluster.url}/webhooks/rest/webhook",
                timeout=30,
                json={
                    "sender": f"warning-{uuid.uuid4().hex[:8]}",
                    "message": "my legs have both gone numb and my back is agony",
                },
            )
        )
        ready.append(requests.get(f"http://{cluster.rasa_address(0)}/webhooks/rest/ready", timeout=30))
        time.sleep(18)
        cluster.start_postgres_again()

    turns, seconds, back = _load_with_fault(cluster, 2.5, CONVERSATIONS, outage)
    figures = _check("PostgreSQL down 20 s", cluster, turns, seconds, report)
    assert figures["shown as not answered"] > 0, "the outage hit no turn"
    referral = " ".join(r.get("text", "") for r in warned[0].json())
    assert "call your local emergency number" in referral.lower(), referral
    assert warned[0].status_code == 503 and warned[0].headers.get("X-Turn-Stored") == "no"
    assert ready[0].status_code == 503
    assert ready[0].json() == {"tracker_store": "unreachable", "lock_store": "reachable", "action_server": "reachable"}
    # After the outage the conversations go on where they were.
    after = [t for t in turns if t.started > back]
    assert after and all(t.ok for t in after), [t.failures for t in after if not t.ok]


def test_faults_redis_restarted_while_bursts_are_queued(cluster: Cluster, report: list[str]) -> None:
    result: list[list[Turn]] = []
    started = time.monotonic()
    sending = threading.Thread(target=lambda: result.append(bursts(cluster.url, 8, 3, 4, QUESTIONS)))
    sending.start()
    time.sleep(0.5)
    cluster.restart_redis()
    sending.join()
    turns = result[0]
    figures = _check("Redis restarted under bursts", cluster, turns, time.monotonic() - started, report)
    assert figures["overlapping or incomplete"] == 0


class _StallingProxy:
    """A TCP proxy to PostgreSQL that can stop forwarding without closing anything, as a
    stuck proxy, pooler or network path does: the Rasa server's connection stays open and
    its bytes are taken (acknowledged), but no answer ever comes back."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stalled = threading.Event()
        self.closed = threading.Event()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                return
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while self.stalled.is_set() and not self.closed.is_set():
                    time.sleep(0.05)
                sink.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.closed.set()
        for s in [self.listener, *self.sockets]:
            s.close()


def test_faults_postgresql_stops_answering_without_closing(cluster: Cluster, report: list[str]) -> None:
    """A third Rasa server reaches PostgreSQL through a proxy that stops forwarding: its
    turns fail within the database timeouts and say so, its event loop is held no longer
    (its health check keeps answering), and it recovers when the path does."""
    proxy = _StallingProxy(cluster.postgres_port)
    env = {
        **cluster.rasa_env(),
        "POSTGRES_PORT": str(proxy.port),
        "TRACKER_OUTBOX": str(cluster.work / "outbox-stalled" / "tracker-outbox.db"),
    }
    server = Servers(
        model=cluster.model,
        log_dir=cluster.logs / "rasa-stalled",
        rasa_port=free_port(),
        action_port=cluster.action_port,
        endpoints=cluster.rasa[0].endpoints,
        env=env,
    )
    sender = f"stalled-{uuid.uuid4().hex[:8]}"

    def say(text: str) -> tuple[requests.Response, float]:
        started = time.monotonic()
        reply = requests.post(
            f"{server.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
        )
        return reply, time.monotonic() - started

    gaps: list[float] = []
    probing = threading.Event()

    def probe_health() -> None:  # how long the server's event loop could not answer
        while probing.is_set():
            started = time.monotonic()
            with contextlib.suppress(requests.RequestException):
                requests.get(f"{server.url}/", timeout=60)
            gaps.append(time.monotonic() - started)
            time.sleep(0.1)

    try:
        server.start_rasa()
        server.wait_ready(300)
        before, _ = say("does massage help lower back pain?")
        assert before.status_code == 200, before.text
        proxy.stalled.set()
        probing.set()
        prober = threading.Thread(target=probe_health)
        prober.start()
        during, seconds = say("how often should I go?")
        warned, warned_seconds = say("my legs have both gone numb and my back is agony")
        probing.clear()
        prober.join()
        proxy.stalled.clear()
        after, after_seconds = say("what does a session cost?")
    finally:
        probing.clear()
        server.stop()
        proxy.close()
    report.append(
        f"PostgreSQL stops answering without closing (a stalled proxy, a third Rasa server): "
        f"a turn answered 'can't look that up' (503) after {seconds:.1f} s, a warning sign its "
        f"referral after {warned_seconds:.1f} s; the server's event loop held at most "
        f"{max(gaps):.1f} s; the first turn after the path came back took {after_seconds:.1f} s"
    )
    assert during.status_code == 503 and during.headers.get("X-Turn-Stored") == "no"
    assert UNAVAILABLE in " ".join(r.get("text", "") for r in during.json())
    assert warned.status_code == 503
    assert "call your local emergency number" in " ".join(r.get("text", "") for r in warned.json()).lower()
    assert seconds < TURN_TIMEOUT_SECONDS + 2 and warned_seconds < TURN_TIMEOUT_SECONDS + 2
    assert max(gaps) <= 3 * DB_TIMEOUT_SECONDS + 1
    assert after.status_code == 200, after.text
    problems = turn_problems(
        stored_events(cluster.db_url, [sender]).get(sender, []),
        ["does massage help lower back pain?", "what does a session cost?"],
    )
    assert not problems, problems
