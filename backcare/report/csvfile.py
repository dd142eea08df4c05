"""The report's rows as CSV: one row per user turn, conversations by number only."""

from __future__ import annotations

import csv
from pathlib import Path

from backcare.report.figures import utc
from backcare.report.turns import Turn

COLUMNS = (
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
)
TEXT_COLUMN = "text"
# A cell starting with one of these runs as a formula in spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row(turn: Turn, with_text: bool) -> dict[str, str]:
    when = utc(turn.timestamp)
    values = {
        "date": when.date().isoformat(),
        "time": when.strftime("%H:%M:%S"),
        "conversation": str(turn.conversation),
        "intent": turn.intent or "",
        "confidence": f"{turn.confidence:.3f}" if turn.confidence is not None else "",
        "topic": turn.topic or "",
        "feedback": turn.feedback or "",
        "feedback_topic": turn.feedback_topic or "",
        "red_flag_tier": turn.red_flag_tier or "",
        "unanswered": "true" if turn.unanswered else "false",
        "suggested_topics": " ".join(turn.suggested_topics),
        "clarify_choice": turn.clarify_choice or "",
    }
    if with_text:
        values[TEXT_COLUMN] = _safe_text(turn.text)
    return values


def write_csv(path: Path, turns: list[Turn], with_text: bool) -> None:
    columns = COLUMNS + ((TEXT_COLUMN,) if with_text else ())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for turn in sorted(turns, key=lambda t: (t.timestamp, t.conversation)):
            writer.writerow(row(turn, with_text))
