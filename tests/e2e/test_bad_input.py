"""Bad input over REST: a clear reply or a 4xx, never a 5xx, and the server keeps serving."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.support.chat import texts


def post(servers, body, raw: bool = False) -> requests.Response:
    url = f"{servers.url}/webhooks/rest/webhook"
    if raw:
        return requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    return requests.post(url, json=body, timeout=30)


@pytest.mark.parametrize(
    ("body", "raw", "status"),
    [
        ("{not json", True, 400),
        ('["a", "list"]', True, 400),
        ({"message": "hello"}, False, 400),  # no sender: never the shared "default" conversation
        ({"sender": "", "message": "hello"}, False, 400),
        ({"sender": "x", "message": None}, False, 400),
        ({"sender": "x", "message": "a" * 100_000}, False, 413),
    ],
)
def test_malformed_requests_get_a_4xx(servers, body, raw, status) -> None:
    assert post(servers, body, raw).status_code == status
    assert post(servers, {"sender": uuid.uuid4().hex, "message": "hello"}).status_code == 200


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "Please type a question"),
        ("   \n\t ", "Please type a question"),
        ("\x00\x07\x1b", "Please type a question"),
        ("😀😀😀", "massage for lower back pain"),
        ("<script>alert('x')</script>", "massage for lower back pain"),
        ("Guten Tag, ich habe seit drei Tagen Rückenschmerzen und fühle mich sehr müde", "I can only read English"),
        ("¿El masaje ayuda con el dolor de espalda baja?", "Solo puedo responder en inglés"),
        ("按摩对腰痛有帮助吗", "I can only read English"),
        ("does massage help lower back pain?\x00", "Sources:"),
    ],
)
def test_odd_messages_get_a_clear_reply(bot, message: str, expected: str) -> None:
    reply = texts(bot.say(message))
    assert expected in reply
    assert "<script>" not in reply


def test_a_long_conversation_keeps_working(bot) -> None:
    sender = uuid.uuid4().hex
    questions = ["does massage help?", "how often?", "what's your source?", "thanks"]
    for turn in range(300):
        question = questions[turn % len(questions)]
        reply = texts(bot.say(question, sender))
        assert reply.strip(), f"empty reply at turn {turn}"
        if question == "does massage help?":  # still a real answer, late in the conversation
            assert "Sources:" in reply, f"turn {turn}: {reply[:80]}"
    events = bot.tracker(sender)["events"]
    assert sum(e["event"] == "user" for e in events) == 300
