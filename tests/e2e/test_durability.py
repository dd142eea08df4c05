"""Nothing lost: concurrent conversations, and a Rasa server killed mid-conversation."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from scripts.servers import Servers, free_port, write_endpoints
from tests.support.chat import MODEL, TOKEN, Bot, texts

QUESTIONS = [
    "does massage help lower back pain?",
    "is deep tissue massage safe?",
    "how often should I go?",
    "what's your source?",
    "how much does it cost?",
]


def test_twenty_concurrent_conversations_lose_nothing(bot) -> None:
    senders = [uuid.uuid4().hex for _ in range(20)]

    def converse(sender: str) -> list[str]:
        problems = []
        for question in QUESTIONS:
            try:
                if not texts(bot.say(question, sender)).strip():
                    problems.append(f"{sender}: empty reply to {question!r}")
            except requests.RequestException as exc:
                problems.append(f"{sender}: {exc}")
        return problems

    with ThreadPoolExecutor(max_workers=20) as pool:
        problems = [p for result in pool.map(converse, senders) for p in result]
    assert not problems, problems
    for sender in senders:
        said = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
        assert said == QUESTIONS, sender


def test_conversation_survives_a_killed_rasa_server(tmp_path: Path) -> None:
    action_port, rasa_port = free_port(), free_port()
    servers = Servers(
        model=MODEL,
        log_dir=tmp_path,
        rasa_port=rasa_port,
        action_port=action_port,
        token=TOKEN,
        endpoints=write_endpoints(tmp_path / "endpoints.yml", action_port, tmp_path / "trackers.db"),
    )
    user = Bot(servers)
    sender = uuid.uuid4().hex
    try:
        servers.start()
        user.say("is massage safe if I'm on warfarin?", sender)
        user.say("what's your source?", sender)
        before = user.tracker(sender)

        servers.kill("rasa")
        servers.start_rasa()
        servers.wait_ready(180)

        after = user.tracker(sender)
        assert [e["event"] for e in after["events"]] == [e["event"] for e in before["events"]]
        assert after["slots"]["health_condition"] == "blood_thinners"
        assert after["slots"]["topic"] == "condition_advice"

        reply = texts(user.say("and how often could I go?", sender))
        assert "Sources:" in reply
        final = user.tracker(sender)
        assert final["slots"]["topic"] == "frequency"
        assert sum(e["event"] == "user" for e in final["events"]) == 3
    finally:
        servers.stop()
