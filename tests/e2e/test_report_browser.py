"""The clinic report opened from disk in headless Debian Chromium (Playwright).

Needs no servers: the report is one file. Saves a screenshot to results/ when a step fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.report import main
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, screenshot_if_failed
from tests.support.report_store import EXPECTED, SCRIPT_TEXT, endpoints_for, save

sync_api = pytest.importorskip("playwright.sync_api")
CHARTS = 4  # conversations per day, topics, feedback, referrals


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    save(folder / "trackers.db")
    assert main(["--endpoints", str(endpoints_for(folder, folder / "trackers.db")), "--out", str(folder)]) == 0
    return folder / "report.html"


@pytest.fixture
def browser(request):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        tabs = []

        def open_page(url: str, width: int):
            tab = chromium.new_context(viewport={"width": width, "height": 900}).new_page()
            # Anything but the file itself would be a request leaving the clinic's machine.
            tab.requests = []
            tab.on("request", lambda r: tab.requests.append(r.url))
            tab.dialogs = []
            tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
            tab.goto(url)
            tabs.append(tab)
            return tab

        yield open_page
        screenshot_if_failed(request, tabs[-1] if tabs else None)
        chromium.close()


def test_charts_load_and_headline_numbers_show(browser, report_html: Path) -> None:
    page = browser(report_html.as_uri(), 1200)
    charts = page.locator("img.chart")
    assert charts.count() == CHARTS
    for index in range(CHARTS):
        chart = charts.nth(index)
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), f"chart {index} did not load"
        assert len(chart.get_attribute("alt") or "") > 40  # describes the chart, not just "chart"
        assert chart.is_visible()

    def stat(key: str) -> str:
        value = page.locator(f'[data-stat="{key}"] .value')
        assert value.is_visible()
        return value.inner_text()

    assert stat("conversations") == "6"
    assert stat("user_messages") == str(EXPECTED["user_messages"])
    assert stat("referrals") == "3"
    assert stat("helpful") == "3" and stat("not_helpful") == "1"
    assert stat("date_range") == "2024-03-04 to 2024-03-05"
    # The typed markup is shown as text and never runs.
    assert page.locator(".group .question", has_text=SCRIPT_TEXT).is_visible()
    assert page.dialogs == []
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_report_fits_a_phone_screen(browser, report_html: Path) -> None:
    page = browser(report_html.as_uri(), 375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    widths = page.locator("img.chart").evaluate_all("imgs => imgs.map(i => i.getBoundingClientRect().right)")
    assert len(widths) == CHARTS and max(widths) <= 375
