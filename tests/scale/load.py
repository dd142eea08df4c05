"""REST clients for the scale test: conversations run side by side, and bursts of messages
for one conversation at once. Every request carries X-Test-Request (conversation, turn,
attempt), which nginx's test log records next to the upstream that served it. Each
conversation sends from its own loopback address, as each patient has their own: nginx
limits what one address may send."""

from __future__ import annotations

import functools
import itertools
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import requests
from requests.adapters import HTTPAdapter

from scripts.bench import CONVERSATION

# A longer conversation: bench's questions and six more a patient might ask, all distinct
# so the stored trackers show exactly which message got lost or repeated.
QUESTIONS = CONVERSATION[:-1] + [
    "what should I expect at my first session?",
    "are there any side effects?",
    "what can I do at home between sessions?",
    "how do I find a qualified massage therapist?",
    "how much does a session cost?",
    "is massage better than painkillers?",
    "thanks",
]
# The channel's answer to a turn that did not finish (guarded_rest.py): the turn is not saved.
UNAVAILABLE = "can't look that up right now"
# The first answer of a conversation carries it (knowledge/messages.yml): on a later turn
# it means the turn was answered from an empty conversation.
FIRST_ANSWER_NOTICE = "not a person: general information only"  # the greeting says it differently


_ADDRESSES = itertools.count()


def loopback_address() -> str:
    """A source address not used before in this run: 127.1.0.1, 127.1.0.2, ... (Linux
    routes all of 127.0.0.0/8 to the loopback interface)."""
    n = next(_ADDRESSES)
    return f"127.1.{n // 250}.{n % 250 + 1}"


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    """A requests session whose connections leave from ``address`` (a loopback address)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


@dataclass
class Turn:
    sender: str
    index: int
    text: str
    started: float  # time.monotonic()
    ended: float
    attempts: int
    ok: bool
    failures: list[str]  # why each failed attempt failed: an HTTP status, "unavailable", an error
    notice: bool = False  # the answer carried the first-answer notice
    stored: str = ""  # the X-Turn-Stored header of the answer: yes, outbox, no ("" if none)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


def request_id(sender: str, index: int, attempt: int) -> str:
    return f"{sender}:{index}:{attempt}"


def say(session: requests.Session, url: str, sender: str, index: int, text: str, retries: int = 1) -> Turn:
    """One turn; a failed request (error, 5xx, or the turn did not finish) is retried."""
    started = time.monotonic()
    failures: list[str] = []
    for attempt in range(1, retries + 2):
        try:
            response = session.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
                headers={"X-Test-Request": request_id(sender, index, attempt)},
                timeout=30,
            )
            failure = _failure(response)
        except requests.RequestException as exc:
            failure, response = type(exc).__name__, None
        if failure is None or attempt == retries + 1:
            if failure:
                failures.append(failure)
            notice = failure is None and response is not None and FIRST_ANSWER_NOTICE in response.text
            stored = response.headers.get("X-Turn-Stored", "") if response is not None else ""
            return Turn(
                sender, index, text, started, time.monotonic(), attempt, failure is None, failures, notice, stored
            )
        failures.append(failure)
    raise AssertionError("unreachable")


def _failure(response: requests.Response) -> str | None:
    """Why a reply is not an answer, or None. 202: answered, the turn waits in the server's
    outbox for the tracker store (channels/guarded_rest.py)."""
    if response.status_code not in (200, 202):
        return str(response.status_code)
    try:
        replies = response.json()
    except ValueError:
        return "not JSON"
    texts = [r.get("text") or "" for r in replies] if isinstance(replies, list) else []
    if any(UNAVAILABLE in t for t in texts):
        return "unavailable"
    return None if any(texts) else "no answer"


@dataclass
class Load:
    """Conversations with unique senders, all running at once; ``when_done(n)`` is called
    after every finished turn with the count so far (the test kills a server from it)."""

    url: str
    conversations: int
    questions: list[str] = field(default_factory=lambda: list(QUESTIONS))
    pause: float = 0.0  # seconds each user waits between an answer and the next message
    turns: list[Turn] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total(self) -> int:
        return self.conversations * len(self.questions)

    def run(self, when_done: Callable[[int], None] = lambda n: None) -> list[Turn]:
        def converse(sender: str) -> None:
            session = session_from(loopback_address())
            for index, text in enumerate(self.questions):
                turn = say(session, self.url, sender, index, text)
                with self._lock:
                    self.turns.append(turn)
                    done = len(self.turns)
                when_done(done)
                time.sleep(self.pause)

        senders = [f"load-{uuid.uuid4().hex[:12]}" for _ in range(self.conversations)]
        self.started = time.monotonic()
        with ThreadPoolExecutor(max_workers=self.conversations) as pool:
            list(pool.map(converse, senders))
        self.ended = time.monotonic()
        return self.turns


def bursts(url: str | list[str], senders: int, burst: int, rounds: int, questions: list[str]) -> list[Turn]:
    """For each sender, ``rounds`` bursts of ``burst`` different messages sent at the same
    instant (a barrier), so nginx spreads one conversation over both servers (or, given a
    list of servers' URLs, each message of a burst goes to the next server in turn). Senders
    run side by side. No retries: a burst turn that fails counts as lost."""
    urls = url if isinstance(url, list) else [url]
    assert burst * rounds <= len(questions)
    turns: list[Turn] = []
    lock = threading.Lock()

    def one_sender(sender: str) -> None:
        address = loopback_address()

        def send(r: int, barrier: threading.Barrier, sessions: list[requests.Session], k: int) -> Turn:
            index = r * burst + k
            barrier.wait()
            return say(sessions[k], urls[k % len(urls)], sender, index, questions[index], retries=0)

        with ThreadPoolExecutor(max_workers=burst) as pool:
            for r in range(rounds):
                barrier = threading.Barrier(burst)
                sessions = [session_from(address) for _ in range(burst)]
                done = list(pool.map(functools.partial(send, r, barrier, sessions), range(burst)))
                with lock:
                    turns.extend(done)

    with ThreadPoolExecutor(max_workers=senders) as pool:
        list(pool.map(one_sender, [f"burst-{uuid.uuid4().hex[:12]}" for _ in range(senders)]))
    return turns


def latency_summary(turns: list[Turn], seconds: float) -> dict[str, float]:
    """Throughput (turns per second over ``seconds``) and p50/p95 latency in ms."""
    latencies = sorted(t.seconds for t in turns)
    if len(latencies) < 2:
        return {"n": len(latencies), "rps": 0.0, "p50": 0.0, "p95": 0.0, "max": 0.0}
    q = statistics.quantiles(latencies, n=100)
    return {
        "n": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "max": latencies[-1] * 1000,
    }
