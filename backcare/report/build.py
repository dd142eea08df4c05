"""`make report` from start to end: read the store, compute, write report.html and report.csv."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from backcare.knowledge import KNOWLEDGE_DIR, load_knowledge_base
from backcare.report.csvfile import write_csv
from backcare.report.figures import Figures, compute
from backcare.report.grouping import Group, group_questions
from backcare.report.page import PageInput, render_page
from backcare.report.store import read_events
from backcare.report.turns import build_conversations

HTML_NAME = "report.html"
CSV_NAME = "report.csv"


@dataclass(frozen=True)
class Report:
    figures: Figures
    groups: list[Group] | None  # None with --no-text
    days: float | None
    html_path: Path
    csv_path: Path

    def summary(self) -> str:
        """One line for the terminal."""
        f = self.figures
        if not f.conversations:
            return f"No conversations in the last {self.days:g} days." if self.days else "No conversations yet."
        span = f"{f.first:%Y-%m-%d} to {f.last:%Y-%m-%d}" if f.first and f.last else ""
        return (
            f"{f.conversations} conversations, {f.user_messages} user messages, "
            f"{f.answered} answered by the knowledge base, {f.unanswered} unanswered, "
            f"{f.referrals_total} red-flag referrals, feedback {f.helpful} helpful / "
            f"{f.not_helpful} not helpful ({span} UTC)."
        )


def build_report(
    engine: sa.engine.Engine,
    out_dir: Path,
    days: float | None = None,
    with_text: bool = True,
    now: float | None = None,
    knowledge_dir: Path = KNOWLEDGE_DIR,
) -> Report:
    """Write report.html and report.csv into ``out_dir`` (created if needed).

    The page also lists the knowledge-base answers past their review month on the day of ``now``.
    """
    now = time.time() if now is None else now
    since = now - days * 86400 if days is not None else None
    conversations = build_conversations(read_events(engine, since))
    figures = compute(conversations)
    turns = [turn for conversation in conversations for turn in conversation.turns]
    groups = group_questions([t.text for t in turns if t.unanswered]) if with_text else None
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, csv_path = out_dir / HTML_NAME, out_dir / CSV_NAME
    generated = datetime.fromtimestamp(now, tz=timezone.utc)
    review_due = load_knowledge_base(knowledge_dir).review_due(generated.date())
    page = render_page(PageInput(figures, groups, days, generated, review_due))
    html_path.write_text(page, encoding="utf-8")
    write_csv(csv_path, turns, with_text)
    return Report(figures, groups, days, html_path, csv_path)
