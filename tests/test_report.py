"""`make report` on a real tracker store written by Rasa's SQLTrackerStore: the numbers a
clinic reads, the CSV, privacy (no sender ids, --no-text) and the error cases."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore

from backcare.report.build import build_report
from scripts.report import main
from tests.support.report_store import DAY_2, EXPECTED, SCRIPT_TEXT, SENDER_IDS, TEXTS, endpoints_for, save

CSV_COLUMNS = [
    "date",
    "time",
    "conversation",
    "intent",
    "confidence",
    "topic",
    "feedback",
    "feedback_topic",
    "red_flag_tier",
    "unanswered",
    "suggested_topics",
    "clarify_choice",
]


class Page(HTMLParser):
    """What a reader sees in report.html: headline numbers, tables per section, groups, images."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stats: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}  # section id -> rows (header first)
        self.groups: list[tuple[int, list[str]]] = []  # (count, texts)
        self.images: list[dict[str, str | None]] = []
        self.text = ""
        self._section: str | None = None
        self._stat: str | None = None
        self._row: list[str] = []
        self._buffer: list[str] | None = None  # text of the cell/value/question being read
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "section":
            self._section = attributes["id"]
        elif tag == "div" and "data-stat" in attributes:
            self._stat = attributes["data-stat"]
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") or (tag == "span" and "value" in classes) or "question" in classes:
            self._buffer = []
        elif tag == "li" and "group" in classes:
            self.groups.append((int(attributes["data-count"] or 0), []))
        elif tag == "img":
            self.images.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if self._buffer is None:
            if tag == "tr":
                self.tables.setdefault(self._section or "", []).append(self._row)
            return
        text = "".join(self._buffer).strip()
        if tag in ("td", "th"):
            self._row.append(text)
        elif tag == "span" and self._stat:
            self.stats[self._stat], self._stat = text, None
        else:  # a question of the last group
            self.groups[-1][1].append(text)
        self._buffer = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._buffer is not None:
            self._buffer.append(data)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """endpoints.yml of a store holding the conversations of tests/report_store.py."""
    folder = tmp_path_factory.mktemp("store")
    save(folder / "trackers.db")
    return endpoints_for(folder, folder / "trackers.db")


def run(endpoints: Path, out: Path, *options: str) -> tuple[str, str, list[dict[str, str]]]:
    assert main(["--endpoints", str(endpoints), "--out", str(out), *options]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    with (out / "report.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return html, (out / "report.csv").read_text(encoding="utf-8"), rows


@pytest.fixture(scope="module")
def report(store: Path, tmp_path_factory: pytest.TempPathFactory):
    return run(store, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def no_text_report(store: Path, tmp_path_factory: pytest.TempPathFactory):
    return run(store, tmp_path_factory.mktemp("no_text"), "--no-text")


def table(page: Page, section: str) -> dict[str, list[str]]:
    """A section's table keyed by its first column (header row left out)."""
    return {row[0]: row[1:] for row in page.tables[section][1:]}


def test_headline_numbers(report) -> None:
    stats = Page(report[0]).stats
    assert stats == {
        "conversations": "6",
        "user_messages": "21",
        "answered": "6 (29%)",
        "unanswered": "6 (29%)",
        "referrals": "3",
        "helpful": "3",
        "not_helpful": "1",
        "date_range": "2024-03-04 to 2024-03-05",
    }


def test_conversations_per_day_count_sessions_on_their_first_message(report) -> None:
    # alice's two sessions fall on two days; bob has no session_started event and still counts.
    days = table(Page(report[0]), "days")
    assert {day: int(row[0]) for day, row in days.items()} == EXPECTED["conversations_per_day"]
    assert {day: int(row[1]) for day, row in days.items()} == {"2024-03-04": 8, "2024-03-05": 13}
    assert {day: int(row[2]) for day, row in days.items()} == {"2024-03-04": 2, "2024-03-05": 4}


def test_most_asked_topics_count_knowledge_base_answers_only(report) -> None:
    topics = Page(report[0]).tables["topics"]
    assert topics[1][:2] == ["effectiveness", "2"]  # most asked first
    assert {row[0]: int(row[1]) for row in topics[1:]} == EXPECTED["topics"]


def test_feedback_per_topic_with_share_helpful(report) -> None:
    # dave's second rating sets only feedback_topic (feedback stayed "helpful"): still counted.
    feedback = table(Page(report[0]), "feedback")
    assert {topic: (int(row[0]), int(row[1])) for topic, row in feedback.items()} == EXPECTED["feedback"]
    assert feedback["effectiveness"][2] == "100%" and feedback["precautions"][2] == "0%"


def test_referrals_by_tier(report) -> None:
    referrals = table(Page(report[0]), "referrals")
    assert {tier: int(row[0]) for tier, row in referrals.items()} == EXPECTED["referrals"]


def test_unanswered_questions_grouped_by_similarity_biggest_first(report) -> None:
    # Includes out-of-scope turns whose topic slot was not set again (unchanged value).
    groups = Page(report[0]).groups
    assert [count for count, _ in groups] == [3, 2, 1]
    assert [set(texts) for _, texts in groups] == EXPECTED["groups"]


def test_user_text_is_escaped_in_the_html(report) -> None:
    html = report[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert SCRIPT_TEXT in Page(html).text  # shown to the reader as typed


def test_csv_has_one_row_per_user_turn(report) -> None:
    _, raw, rows = report
    assert raw.splitlines()[0].split(",") == CSV_COLUMNS + ["text"]
    assert len(rows) == EXPECTED["user_messages"]
    assert sorted({row["conversation"] for row in rows}) == ["1", "2", "3", "4", "5", "6"]
    by_text = {row["text"]: row for row in rows}
    assert set(by_text) == set(TEXTS)
    assert by_text["any car park nearby?"] | {"time": ""} == {
        "date": "2024-03-04",
        "time": "",
        "conversation": "1",
        "intent": "out_of_scope",
        "confidence": "0.910",
        "topic": "out_of_scope",
        "feedback": "",
        "feedback_topic": "",
        "red_flag_tier": "",
        "unanswered": "true",
        "suggested_topics": "",
        "clarify_choice": "",
        "text": "any car park nearby?",
    }
    assert (by_text["not really helpful"]["feedback"], by_text["not really helpful"]["feedback_topic"]) == (
        "not_helpful",
        "precautions",
    )
    assert by_text["I have a fever with my back pain"]["red_flag_tier"] == "urgent"
    assert by_text["numbness around my groin"]["topic"] == "red_flags"
    assert by_text["hello"]["topic"] == "" and by_text["hello"]["unanswered"] == "false"
    assert sum(row["unanswered"] == "true" for row in rows) == 6


@pytest.mark.parametrize("which", ["report", "no_text_report"])
def test_no_sender_id_anywhere(which: str, request) -> None:
    html, raw_csv, _ = request.getfixturevalue(which)
    for sender in SENDER_IDS:
        for part in (sender, sender.split("-")[1]):
            assert part not in html and part not in raw_csv


def test_no_text_leaves_every_message_out(no_text_report) -> None:
    html, raw_csv, rows = no_text_report
    assert raw_csv.splitlines()[0].split(",") == CSV_COLUMNS
    assert len(rows) == EXPECTED["user_messages"]
    page = Page(html)
    visible = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    for text in TEXTS:
        assert text not in visible and text not in raw_csv and text not in page.text
    assert "alert(1)" not in html
    assert page.groups == []
    # Counts of the unanswered questions stay.
    assert page.stats["unanswered"] == "6 (29%)"
    assert {day: int(row[0]) for day, row in table(page, "unanswered").items()} == {"2024-03-04": 2, "2024-03-05": 4}


def test_days_keeps_only_recent_conversations(store: Path, tmp_path: Path) -> None:
    # Via the CLI: the stored conversations are from 2024, older than 30 days.
    html, _, rows = run(store, tmp_path / "cli", "--days", "30")
    assert rows == [] and "There are no conversations in the last 30 days." in html
    # A window that starts in the evening of the first day keeps the second day only.
    engine = sa.create_engine(f"sqlite:///{yaml.safe_load(store.read_text())['tracker_store']['db']}")
    now = (DAY_2 + timedelta(hours=20)).timestamp()
    report = build_report(engine, tmp_path / "window", days=1, now=now)
    assert report.figures.conversations == 4
    assert {d.day.isoformat(): d.conversations for d in report.figures.days} == {"2024-03-05": 4}
    assert report.figures.referrals == EXPECTED["referrals"]


def test_answers_past_their_review_month_are_listed_for_the_clinic(store: Path, tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{yaml.safe_load(store.read_text())['tracker_store']['db']}")
    # Today every answer is within its review date ...
    fresh = Page(
        build_report(
            engine, tmp_path / "fresh", now=datetime(2026, 12, 4, tzinfo=timezone.utc).timestamp()
        ).html_path.read_text(encoding="utf-8")
    )
    assert "review" not in fresh.tables and "Every answer is within its review date." in fresh.text
    # ... in July 2027 the ones due in June 2027 are listed, with the question and both dates.
    later = build_report(engine, tmp_path / "later", now=datetime(2027, 7, 1, tzinfo=timezone.utc).timestamp())
    rows = table(Page(later.html_path.read_text(encoding="utf-8")), "review")
    assert rows["pregnancy"] == ["Massage during pregnancy", "2026-12", "2027-06"]
    assert rows["side_effects"][0] == "Are there side effects, and can massage make my pain worse?"
    assert "effectiveness" not in rows  # due in December 2027


def test_terminal_output_says_where_and_sums_up(store: Path, tmp_path: Path, capsys) -> None:
    assert main(["--endpoints", str(store), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Wrote {tmp_path / 'report.html'} and {tmp_path / 'report.csv'}"
    assert out[1].startswith(
        "6 conversations, 21 user messages, 6 answered by the knowledge base, 6 unanswered, "
        "3 red-flag referrals, feedback 3 helpful / 1 not helpful"
    )


def test_database_from_an_environment_variable(store: Path, tmp_path: Path, monkeypatch) -> None:
    db = yaml.safe_load(store.read_text())["tracker_store"]["db"]
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: ${REPORT_TEST_DB}\n")
    monkeypatch.setenv("REPORT_TEST_DB", db)
    html, _, rows = run(endpoints, tmp_path / "out")
    assert len(rows) == EXPECTED["user_messages"]


def test_missing_database_is_one_line_and_exit_code_2(tmp_path: Path, capsys) -> None:
    db = tmp_path / "nowhere.db"
    code = main(["--endpoints", str(endpoints_for(tmp_path, db)), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert f"no tracker database at {db}" in err
    assert not db.exists(), "the report must not create an empty database"
    assert not (tmp_path / "out").exists()


def test_empty_store_says_there_are_no_conversations_yet(tmp_path: Path, capsys) -> None:
    db = tmp_path / "empty.db"
    SQLTrackerStore(dialect="sqlite", db=str(db)).engine.dispose()  # the schema, no events
    html, raw_csv, rows = run(endpoints_for(tmp_path, db), tmp_path / "out")
    assert "There are no conversations yet" in html
    assert Page(html).stats["conversations"] == "0"
    assert Page(html).images == []
    assert rows == [] and raw_csv.splitlines() == [",".join(CSV_COLUMNS + ["text"])]
    assert "No conversations yet." in capsys.readouterr().out


def test_clarifying_questions_are_counted_with_the_choice_taken(tmp_path: Path) -> None:
    asked: dict[str, Any] = {"topic": "clarify", "suggested_topics": ["frequency", "what_to_expect"]}
    clarify = ["action_clarify"]
    conversations = {
        "clicked": [
            (
                DAY_2,
                True,
                [
                    ("how long", "nlu_fallback", asked, clarify),
                    ("/frequency", "frequency", {"topic": "frequency"}, ["action_answer"]),
                ],
            )
        ],
        "typed": [
            (
                DAY_2.replace(hour=1),
                True,
                [
                    ("how long", "nlu_fallback", asked, clarify),
                    ("how long is a session", "frequency", {"topic": "frequency"}, ["action_answer"]),
                    ("session length?", "nlu_fallback", asked, clarify),
                    ("/something_else", "something_else", {}, ["utter_something_else"]),
                    (
                        "help my back hurts",
                        "vague_opener",
                        {"topic": "clarify", "suggested_topics": ["effectiveness"]},
                        ["utter_vague_opener"],
                    ),
                    ("what's the weather", "out_of_scope", {"topic": "out_of_scope"}, ["utter_out_of_scope"]),
                ],
            )
        ],
        "left": [(DAY_2.replace(hour=2), True, [("how long", "nlu_fallback", asked, clarify)])],
    }
    db = tmp_path / "clarify.db"
    save(db, conversations)
    html, _, rows = run(endpoints_for(tmp_path, db), tmp_path / "out")
    assert table(Page(html), "clarify") == {
        "frequency": ["2", "40%"],
        "something else": ["1", "20%"],
        "another question": ["1", "20%"],
        "no reply": ["1", "20%"],
    }
    by_text: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_text.setdefault(row["text"], []).append(row)
    assert [r["clarify_choice"] for r in by_text["how long"]] == ["frequency", "frequency", "no reply"]
    assert by_text["how long"][0]["suggested_topics"] == "frequency what_to_expect"
    assert by_text["help my back hurts"][0]["clarify_choice"] == "another question"
    assert by_text["/frequency"][0]["clarify_choice"] == ""
