"""The demo clinic page and chat widget in headless Debian Chromium (Playwright).

Saves a screenshot to results/ when a step fails.
"""

from __future__ import annotations

import time

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, ask, bot_texts, screenshot_if_failed, wait_for_bot

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def page(servers, request):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 740})
        tab = context.new_page()
        # The widget bundle asks for a web font from Google; the page's Content-Security-Policy
        # blocks it before it leaves the browser. Record what actually got a response.
        outside = []
        tab.on("response", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url else None)
        tab.outside_requests = outside
        yield tab
        screenshot_if_failed(request, tab)
        browser.close()


def test_page_widget_answers_with_links_buttons_persistence_and_referral(page, servers) -> None:
    started = time.monotonic()
    response = page.goto(f"{servers.web_url}/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert page.title().endswith("massage for back pain")
    assert page.locator("html").get_attribute("lang") == "en"

    launcher = page.locator(".rw-launcher")
    assert launcher.get_attribute("aria-label")
    launcher.focus()
    page.keyboard.press("Enter")  # reachable by keyboard
    wait_for_bot(page, "not a diagnosis")
    assert page.locator(".rw-new-message").get_attribute("aria-label") == "Your question"
    # The greeting comes in two bubbles; the topic buttons sit under the second.
    page.locator(".rw-reply", has_text="Types of massage").wait_for()
    assert page.locator(".rw-reply").count() >= 3  # topic buttons with the greeting

    # A quick reply from the greeting: "Types of massage".
    page.locator(".rw-reply", has_text="Types of massage").first.click()
    wait_for_bot(page, "No style")

    ask(page, "does massage actually help lower back pain?")
    wait_for_bot(page, "Furlan")
    links = page.locator(".rw-response a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any(h.startswith("https://pubmed.ncbi.nlm.nih.gov/") for h in hrefs), hrefs
    assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs

    # Rating the answer with its quick reply.
    page.locator(".rw-reply", has_text="Yes, that helped").last.click()
    wait_for_bot(page, "Thanks for letting me know")

    # The widget fits a 375-px phone screen.
    box = page.locator(".rw-conversation-container").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1

    # Nothing the user types becomes a link or HTML.
    ask(page, "[click me](javascript:alert(1)) <b>bold</b>")
    page.wait_for_timeout(1500)
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator(".rw-client b").count() == 0

    before = len(bot_texts(page))
    page.reload()
    page.wait_for_timeout(2000)
    if page.locator(".rw-launcher").is_visible():  # the widget may reopen by itself
        page.locator(".rw-launcher").click()
    page.locator(".rw-new-message").wait_for()
    page.wait_for_timeout(1000)
    assert len(bot_texts(page)) >= before - 1, "conversation lost on reload"
    assert any("Sources:" in t for t in bot_texts(page))

    ask(page, "I wet myself this morning and my back is agony")
    wait_for_bot(page, "call your local emergency number")
    wait_for_bot(page, "bladder")  # the details from the action server, over socket.io
    assert not page.outside_requests, page.outside_requests
    print(f"\nbrowser test ran in {time.monotonic() - started:.1f} s")
