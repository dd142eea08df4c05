"""Bad input over socket.io (the chat widget's channel): a clear reply, and the server
keeps serving the same conversation."""

from __future__ import annotations

import pytest

from tests.support.chat import texts


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "Please type a question"),
        ("  \n\t ", "Please type a question"),
        (None, "Please type a question"),
        ({"not": "text"}, "Please type a question"),
        ("\x00\x07\x1b", "Please type a question"),
        ("a" * 100_000, "too long"),
        ("😀😀😀", "massage for lower back pain"),
        ("<script>alert('x')</script>", "massage for lower back pain"),
        ("Guten Tag, ich habe seit drei Tagen Rückenschmerzen und fühle mich sehr müde", "I can only read English"),
        ("¿El masaje ayuda con el dolor de espalda baja?", "Solo puedo responder en inglés"),
    ],
)
def test_odd_messages_get_a_clear_reply(socket_user, message, expected: str) -> None:
    reply = texts(socket_user.say(message))
    assert expected in reply
    assert "<script>" not in reply
    assert "Sources:" in texts(socket_user.say("does massage help lower back pain?"))
