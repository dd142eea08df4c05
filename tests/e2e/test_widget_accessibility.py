"""The chat a patient sees, in headless Debian Chromium against the real servers: axe-core
(web/package-lock.json) finds no WCAG 2.0-2.2 A/AA violation at 360 and 1280 px, replies
reach a polite live region, a keyboard alone holds a conversation, the header's lines never
overlap and wear the clinic's colours, and "delete my conversation" empties both the SQL
store and the widget's stored copy. Each state is saved to results/screenshots/."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
import yaml

from backcare.clinic import load_clinic
from backcare.colours import contrast_ratio
from scripts.servers import PROJECT_ROOT
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    ask,
    bot_texts,
    screenshot_if_failed,
    wait_for_bot,
)

sync_api = pytest.importorskip("playwright.sync_api")
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
ANNOUNCER = "#chat-announcer"


@pytest.fixture
def browser(servers, request):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        tabs = []

        def open_page(width: int, height: int = 740):
            tab = chromium.new_context(viewport={"width": width, "height": height}).new_page()
            tab.goto(f"{servers.web_url}/")
            tabs.append(tab)
            return tab

        yield open_page
        screenshot_if_failed(request, tabs[-1] if tabs else None, suffix="-failed", full_page=False)
        chromium.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def open_chat(page) -> None:
    page.locator(".rw-launcher").click()
    wait_for_bot(page, "automated assistant, not a person")
    page.locator(".rw-reply", has_text="Delete my conversation").wait_for()


def settle(page) -> None:
    """Wait until the widget shows no typing indicator (its replies arrive with a delay)."""
    page.wait_for_function("!document.querySelector('.rw-loading')", timeout=20000)
    page.wait_for_timeout(300)


def axe_violations(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # through the DevTools protocol: the page's CSP does not apply
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => ({violations: r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)})),"
        " passes: r.passes.length}))",
        WCAG_TAGS,
    )
    assert result["passes"] > 10  # axe ran its rules
    return result["violations"]


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_no_wcag_violation_with_an_answer_quick_replies_and_a_referral(browser, width: int) -> None:
    page = browser(width, 740 if width < 500 else 800)
    counts = {}
    open_chat(page)
    settle(page)
    shoot(page, f"widget-{width}-greeting")
    counts["greeting"] = axe_violations(page)

    ask(page, "does massage help lower back pain?")
    wait_for_bot(page, "Sources:")
    page.locator(".rw-reply", has_text="Yes, that helped").wait_for()
    settle(page)
    shoot(page, f"widget-{width}-answer")
    counts["answer and quick replies"] = axe_violations(page)

    ask(page, "what's your source?")
    wait_for_bot(page, "on PubMed")
    settle(page)
    shoot(page, f"widget-{width}-citations")
    counts["citations"] = axe_violations(page)

    ask(page, "I wet myself this morning and my back is agony")
    wait_for_bot(page, "call your local emergency number")
    wait_for_bot(page, "You mentioned")
    settle(page)
    shoot(page, f"widget-{width}-referral")
    counts["referral"] = axe_violations(page)
    print(
        f"\naxe-core WCAG 2.0-2.2 A/AA violations at {width} px: "
        + ", ".join(f"{state} {len(found)}" for state, found in counts.items())
    )
    assert counts == {state: [] for state in counts}


def test_each_new_reply_is_announced_once_in_a_polite_live_region(browser) -> None:
    page = browser(1280, 800)
    region = page.locator(ANNOUNCER)
    assert region.get_attribute("aria-live") == "polite"
    open_chat(page)
    ask(page, "how often should I get a massage?")
    wait_for_bot(page, "Sources:")
    settle(page)
    newest = bot_texts(page)[-1].strip()
    announced = region.inner_text()
    assert newest[:60] in announced  # the newest reply sits inside the live region
    assert announced.count(newest[:60]) == 1
    # The greeting's topic buttons and the answer's rating buttons are named by their labels.
    replies = page.locator(".rw-reply")
    for index in range(replies.count()):
        reply = replies.nth(index)
        assert reply.get_attribute("role") == "button" and reply.get_attribute("tabindex") == "0"
    assert page.get_by_role("button", name="Yes, that helped").last.is_visible()
    # Reloading shows the stored conversation without announcing it again.
    page.reload()
    page.locator(".rw-response").last.wait_for()
    page.wait_for_timeout(1500)
    assert page.locator(ANNOUNCER).inner_text().strip() == ""


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement; return {cls: e.className || '', text: (e.innerText || '').trim(),"
        " label: e.getAttribute('aria-label') || ''}; }"
    )


def tab_until(page, check, key: str = "Tab", limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if check(now):
            return now
    raise AssertionError(f"{key} never reached the element; last focus {focused(page)}")


def test_a_keyboard_alone_holds_a_conversation(browser) -> None:
    page = browser(1280, 800)
    launcher = tab_until(page, lambda f: "rw-launcher" in f["cls"])
    assert launcher["label"] == "Open the chat about massage for back pain"
    page.keyboard.press("Enter")
    wait_for_bot(page, "automated assistant, not a person")
    assert "rw-new-message" in focused(page)["cls"]  # typing can start at once
    page.keyboard.type("does massage help lower back pain?")
    page.keyboard.press("Enter")
    wait_for_bot(page, "Sources:")
    settle(page)
    # Back from the input to the rating buttons, and press one.
    page.locator(".rw-new-message").focus()
    tab_until(page, lambda f: f["text"] == "Yes, that helped", key="Shift+Tab")
    page.keyboard.press("Enter")
    wait_for_bot(page, "Thanks for letting me know")
    # Typing, then Tab to the send button, which has a name.
    page.locator(".rw-new-message").focus()
    page.keyboard.type("what types of massage are there?")
    send = tab_until(page, lambda f: "rw-send" in f["cls"], limit=3)
    assert send["label"] == "Send"
    page.keyboard.press("Enter")
    wait_for_bot(page, "No style")
    settle(page)
    # A focus outline is drawn on the focused quick reply.
    reply = tab_until(page, lambda f: "rw-reply" in f["cls"], key="Shift+Tab")
    shoot(page, "widget-1280-keyboard")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert reply["text"] and outline == "solid"
    # Escape closes the chat and gives focus back to the launcher.
    page.keyboard.press("Escape")
    page.wait_for_function("document.activeElement.classList.contains('rw-launcher')", timeout=5000)
    assert not page.locator(".rw-conversation-container").count()
    assert focused(page)["label"] == "Open the chat about massage for back pain"


def line_boxes(page, selector: str) -> list[dict]:
    """The rendered lines of an element's text (one box per line)."""
    return page.evaluate(
        """sel => { const range = document.createRange(); range.selectNodeContents(document.querySelector(sel));
        return Array.from(range.getClientRects()).filter(r => r.width > 0)
          .map(r => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right})); }""",
        selector,
    )


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def hex_of(css: str) -> str:
    parts = css[css.index("(") + 1 : css.index(")")].split(",")[:3]
    return "#" + "".join(f"{int(float(p)):02x}" for p in parts)


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_header_lines_never_overlap_and_wear_the_clinics_colours(browser, width: int) -> None:
    clinic = load_clinic()
    page = browser(width, 740)
    open_chat(page)
    header = page.locator(".rw-header").bounding_box()
    title = line_boxes(page, ".rw-header .rw-title")
    subtitle = line_boxes(page, ".rw-header .rw-title + span, .rw-header span")
    lines = sorted(title + subtitle, key=lambda box: box["top"])
    assert len(title) >= 1 and len(subtitle) >= 1
    for upper, lower in zip(lines, lines[1:], strict=False):
        assert lower["top"] >= upper["bottom"] - 1, (width, upper, lower)  # no two lines overlap
    for box in lines:
        assert header["y"] <= box["top"] and box["bottom"] <= header["y"] + header["height"] + 1
        assert box["right"] <= width
    close = page.locator(".rw-close-button")
    if close.is_visible():  # on phones the header has the close button: no text under it
        button = close.bounding_box()
        assert all(box["right"] <= button["x"] or box["top"] >= button["y"] + button["height"] for box in lines)
    styles = page.evaluate(
        """() => { const bg = s => getComputedStyle(document.querySelector(s)).backgroundColor;
        const fg = s => getComputedStyle(document.querySelector(s)).color;
        return {header: bg('.rw-header'), headerText: fg('.rw-header .rw-title')}; }"""
    )
    assert styles["header"] == rgb(clinic.brand_colour)
    assert contrast_ratio(hex_of(styles["header"]), hex_of(styles["headerText"])) >= 4.5
    ask(page, "hello")
    page.locator(".rw-client").last.wait_for()
    bubble = page.evaluate("getComputedStyle(document.querySelector('.rw-client')).backgroundColor")
    assert bubble == rgb(clinic.brand_colour)
    shoot(page, f"widget-{width}-header")
    if width == 1280:
        page.keyboard.press("Escape")
        launcher = page.locator(".rw-launcher")
        launcher.wait_for()
        assert launcher.evaluate("e => getComputedStyle(e).backgroundColor") == rgb(clinic.brand_colour)


def stored_user_texts(servers, sender: str) -> list[str]:
    db = yaml.safe_load(servers.endpoints.read_text())["tracker_store"]["db"]
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "select json_extract(data, '$.text') from events where sender_id = ? and type_name = 'user' order by id",
            (sender,),
        ).fetchall()
    return [text for (text,) in rows]


def stored_session(page) -> dict:
    return json.loads(page.evaluate("localStorage.getItem('chat_session')") or "{}")


def test_delete_my_conversation_in_the_widget_empties_the_store_and_the_browser_copy(browser, servers) -> None:
    page = browser(360)
    open_chat(page)
    question = "is deep tissue massage safe when pregnant?"
    ask(page, question)
    wait_for_bot(page, "Sources:")
    settle(page)
    session_id = stored_session(page)["session_id"]
    deadline = time.monotonic() + 10
    while question not in stored_user_texts(servers, session_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert question in stored_user_texts(servers, session_id)

    assert page.get_by_role("button", name="Delete my conversation").count() <= 1
    ask(page, "delete my conversation")
    wait_for_bot(page, "delete this conversation?")
    settle(page)
    shoot(page, "widget-360-delete-confirm")
    assert question in stored_user_texts(servers, session_id)  # nothing deleted before confirming
    page.locator(".rw-reply", has_text="Yes, delete it").last.click()
    wait_for_bot(page, "I deleted this conversation")
    settle(page)
    shoot(page, "widget-360-deleted")
    assert stored_user_texts(servers, session_id) == []
    # The widget's stored copy keeps only the confirmation and what follows.
    kept = [m.get("text", "") for m in stored_session(page)["conversation"]]
    assert kept and "I deleted this conversation" in kept[0]
    assert not any(question in text for text in kept)

    page.reload()
    page.wait_for_timeout(2000)
    if page.locator(".rw-launcher").is_visible() and not page.locator(".rw-conversation-container").count():
        page.locator(".rw-launcher").click()
    page.locator(".rw-new-message").wait_for()
    page.wait_for_timeout(1000)
    assert not any(question in text for text in bot_texts(page) + page.locator(".rw-client").all_inner_texts())
    # Later messages start a new conversation.
    ask(page, "how often should I get a massage?")
    wait_for_bot(page, "Sources:")
    settle(page)
    assert not any(question in m.get("text", "") for m in stored_session(page)["conversation"])
    assert stored_user_texts(servers, stored_session(page)["session_id"]) == ["how often should I get a massage?"]
