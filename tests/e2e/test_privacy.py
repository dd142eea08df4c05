"""Health conversations stay out of the server logs at the default log level."""

from __future__ import annotations

import uuid


def test_message_text_is_not_logged(bot, servers) -> None:
    marker = f"zebracorn{uuid.uuid4().hex[:8]}"
    bot.say(f"does massage help my {marker} back?")
    bot.say(f"my {marker} groin is numb")  # a red flag: the referral path
    bot.say("")  # and an empty message
    for log in servers.log_dir.glob("*.log"):
        assert marker not in log.read_text(errors="replace"), log.name
