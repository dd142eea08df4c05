"""Driving the chat widget in Debian's headless Chromium (Playwright), and a screenshot of the
page when a browser test fails."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from scripts.servers import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
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


def screenshot_if_failed(request: pytest.FixtureRequest, page: Any, suffix: str = "", full_page: bool = True) -> None:
    """After a failed test, save the page as results/screenshots/<test name><suffix>.png."""
    report = getattr(request.node, "rep_call", None)
    if page is not None and report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}{suffix}.png"), full_page=full_page)


def bot_texts(page) -> list[str]:
    return page.locator(".rw-response").all_inner_texts()


def wait_for_bot(page, contains: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for text in bot_texts(page):
            if contains.lower() in text.lower():
                return text
        time.sleep(0.3)
    raise AssertionError(f"no bot message containing {contains!r}; got {bot_texts(page)}")


def ask(page, text: str) -> None:
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")
