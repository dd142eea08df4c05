"""Runs last (file order): stops the action server, then checks the referral still arrives."""

from __future__ import annotations

import uuid

from tests.support.chat import slots_with, texts


def test_referral_reaches_the_user_when_the_action_server_is_down(bot, servers) -> None:
    servers.stop("actions")
    sender = uuid.uuid4().hex
    reply = texts(bot.say("my back hurts and I can't feel anything when I wipe", sender))
    assert "call your local emergency number" in reply.lower()
    assert "do not book a massage" in reply.lower()
    # No action ran, so no sources are recorded; the fixed referral response cites them.
    assert bot.slots(sender) == slots_with(topic="red_flags", red_flag_tier="emergency")


def test_a_sign_typed_over_several_messages_reaches_the_user_when_the_action_server_is_down(bot, servers) -> None:
    servers.stop("actions")
    sender = uuid.uuid4().hex
    bot.say("I can't really feel", sender)
    reply = texts(bot.say("my bum or down there", sender)).lower()
    assert "call your local emergency number" in reply and "do not book a massage" in reply
    assert bot.slots(sender)["red_flag_tier"] == "emergency"


def test_the_safety_check_and_its_yes_reach_the_user_when_the_action_server_is_down(bot, servers) -> None:
    servers.stop("actions")
    sender = uuid.uuid4().hex
    reply = texts(bot.say("my bladder has been acting a bit weird since my back went", sender)).lower()
    assert "one safety question" in reply and "call your local emergency number now" in reply
    assert bot.slots(sender)["red_flag_tier"] == "check"
    reply = texts(bot.say('/red_flag_emergency{"red_flag_tier": "emergency"}', sender)).lower()
    assert "call your local emergency number" in reply and "do not book a massage" in reply
    assert bot.slots(sender)["red_flag_tier"] == "emergency"


def test_a_question_gets_a_reply_when_the_action_server_is_down(bot, servers) -> None:
    servers.stop("actions")
    reply = texts(bot.say("how often should I get a massage for my back?"))
    assert "can't look that up right now" in reply and "call" in reply


def _post(servers, text: str):
    import uuid

    import requests

    return requests.post(
        f"{servers.url}/webhooks/rest/webhook", json={"sender": uuid.uuid4().hex, "message": text}, timeout=30
    )


def test_a_question_gets_a_reply_when_the_action_server_hangs(bot, servers) -> None:
    """A listener on the action port that accepts and never answers: a hung action server."""
    import socket
    import time

    servers.stop("actions")
    with socket.socket() as hung:
        hung.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hung.bind(("127.0.0.1", servers.action_port))
        hung.listen(16)
        started = time.monotonic()
        answer = _post(servers, "what does a session cost?")
        waited = time.monotonic() - started
    assert "can't look that up right now" in texts(answer.json())
    assert waited < 15
    # The turn did not finish, so it was not stored: the status says so.
    assert answer.status_code == 503 and answer.headers["X-Turn-Stored"] == "no"
    red = texts(bot.say("my legs have both gone numb and my back is agony"))
    assert "call your local emergency number" in red.lower()


def test_the_chat_widget_channel_also_replies_when_the_action_server_is_down(servers, socket_user) -> None:
    servers.stop("actions")
    assert "can't look that up right now" in texts(socket_user.say("how often should I get a massage?"))
    red = texts(socket_user.say("I've lost control of my bladder and my back is agony"))
    assert "call your local emergency number" in red.lower()


def test_readiness_says_the_action_server_is_unreachable(servers) -> None:
    import requests

    servers.stop("actions")
    reply = requests.get(f"{servers.url}/webhooks/rest/ready", timeout=30)
    assert reply.status_code == 503
    assert reply.json() == {"tracker_store": "reachable", "lock_store": "in memory", "action_server": "unreachable"}
