"""Runs last (file order): stops the action server, then checks the referral still arrives."""
from __future__ import annotations

import uuid

from tests.e2e.conftest import texts


def test_referral_reaches_the_user_when_the_action_server_is_down(bot, servers) -> None:
    servers.stop("actions")
    sender = uuid.uuid4().hex
    reply = texts(bot.say("my back hurts and I can't feel anything when I wipe", sender))
    assert "call your local emergency number" in reply.lower()
    assert "do not book a massage" in reply.lower()
    slots = bot.slots(sender)
    assert slots["topic"] == "red_flags" and slots["red_flag_tier"] == "emergency"
