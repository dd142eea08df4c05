"""The REST channel's English check: other languages get a notice, buttons and English pass."""

from __future__ import annotations

import pytest

from channels.turn_guard import looks_non_english


@pytest.mark.parametrize(
    "text",
    [
        "¿El masaje ayuda con el dolor de espalda baja?",
        "按摩对腰痛有帮助吗",
        "Hilft eine Massage gegen Rückenschmerzen wirklich gut",
    ],
)
def test_other_languages_are_recognised(text: str) -> None:
    assert looks_non_english(text)


@pytest.mark.parametrize(
    "text",
    [
        '/feedback_helpful{"rated_topic": "frequency"}',
        "/effectiveness",
        "does massage help lower back pain?",
        "sciatica massage",
    ],
)
def test_english_and_button_payloads_pass(text: str) -> None:
    assert not looks_non_english(text)
