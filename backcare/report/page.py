"""The report page: templates/report.html, filled from templates/fragments.html and texts.yml.

Every value is HTML-escaped unless it is Markup (HTML built from the fragments here), so
nothing a user typed can become markup.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from backcare.knowledge import Entry
from backcare.report import charts
from backcare.report.figures import Figures
from backcare.report.grouping import Group
from backcare.yamlfile import read_mapping

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_TOPICS = 15  # bars in the topics chart; the table lists every topic
OTHERS_SHOWN = 5  # messages listed under a group's representative


class Markup(str):
    """HTML that is already safe to insert as it is."""


def _escape(value: Any) -> str:
    return value if isinstance(value, Markup) else html.escape(str(value), quote=True)


def _load_fragments(path: Path) -> dict[str, string.Template]:
    parts = re.split(r"<!-- fragment: (\w+) -->\n", path.read_text(encoding="utf-8"))
    return {name: string.Template(body.strip()) for name, body in zip(parts[1::2], parts[2::2], strict=True)}


FRAGMENTS = _load_fragments(TEMPLATES / "fragments.html")
PAGE = string.Template((TEMPLATES / "report.html").read_text(encoding="utf-8"))
TEXTS = read_mapping(TEMPLATES / "texts.yml")


def fill(fragment: str, **values: Any) -> Markup:
    return Markup(FRAGMENTS[fragment].substitute({k: _escape(v) for k, v in values.items()}))


def join(parts: Sequence[str]) -> Markup:
    return Markup("\n".join(_escape(p) for p in parts))


def say(text: str, **values: Any) -> str:
    """A wording from texts.yml with its $names filled in (plain text, escaped later)."""
    return string.Template(text).safe_substitute({k: str(v) for k, v in values.items()})


def table(
    caption: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], kinds: Sequence[str] | None = None
) -> Markup:
    """Columns after the first are numbers, right-aligned, unless ``kinds`` says otherwise."""
    kinds = kinds or ["text"] + ["num"] * (len(columns) - 1)
    head = join([fill("head_cell", text=c, kind=k) for c, k in zip(columns, kinds, strict=True)])
    cells = [join([fill("cell", text=v, kind=k) for v, k in zip(row, kinds, strict=True)]) for row in rows]
    body = join([fill("row", cells=row_cells) for row_cells in cells])
    return fill("table", caption=caption, head=head, rows=body)


def section(key: str, content: Markup, no_text: bool = False, **values: Any) -> Markup:
    """A section with its heading and lead from texts.yml (the --no-text lead if asked)."""
    texts = TEXTS["sections"][key]
    lead = texts["lead_no_text"] if no_text else texts["lead"]
    return fill("section", key=key, heading=texts["heading"], lead=say(lead, **values), content=content)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


@dataclass(frozen=True)
class PageInput:
    figures: Figures
    groups: list[Group] | None  # None with --no-text
    days: float | None  # --days, for the scope line
    generated: datetime
    review_due: Sequence[Entry] = ()  # knowledge-base answers past their next_review month


def _days_section(f: Figures) -> Markup:
    texts = TEXTS["sections"]["days"]
    rows = [(d.day.isoformat(), d.conversations, d.user_messages, d.unanswered) for d in f.days]
    alt = say(texts["alt"], first=f.days[0].day, last=f.days[-1].day, total=f.conversations)
    content = fill(
        "chart_and_table",
        alt=alt,
        src=charts.conversations_per_day(f.days),
        table=table(texts["caption"], texts["columns"], rows),
    )
    return section("days", content)


def _topics_section(f: Figures) -> Markup:
    texts = TEXTS["sections"]["topics"]
    shown = f.topics[:TOP_TOPICS]
    if not shown:
        return section("topics", fill("empty", text=texts["empty"]), top=TOP_TOPICS)
    rows = [(topic, count, percent(count, f.answered)) for topic, count in f.topics]
    alt = say(texts["alt"], shown=len(shown), top=shown[0][0], count=shown[0][1])
    content = fill(
        "chart_and_table",
        alt=alt,
        src=charts.horizontal_bars(shown, "Questions"),
        table=table(texts["caption"], texts["columns"], rows),
    )
    return section("topics", content, top=TOP_TOPICS)


def _feedback_section(f: Figures) -> Markup:
    texts = TEXTS["sections"]["feedback"]
    if not f.feedback:
        return section("feedback", fill("empty", text=texts["empty"]))
    rows = [(r.topic, r.helpful, r.not_helpful, percent(r.helpful, r.helpful + r.not_helpful)) for r in f.feedback]
    alt = say(texts["alt"], topics=len(f.feedback), helpful=f.helpful, not_helpful=f.not_helpful)
    content = fill(
        "chart_and_table",
        alt=alt,
        src=charts.feedback_per_topic(f.feedback),
        table=table(texts["caption"], texts["columns"], rows),
    )
    return section("feedback", content)


def _group(group: Group) -> Markup:
    others = [fill("other", text=text) for text in group.others[:OTHERS_SHOWN]]
    if len(group.others) > OTHERS_SHOWN:
        others.append(fill("more", count=len(group.others) - OTHERS_SHOWN))
    count_text = f"{group.count} message" + ("" if group.count == 1 else "s")
    return fill(
        "group",
        count=group.count,
        count_text=count_text,
        representative=group.representative,
        others=fill("others", items=join(others)) if others else Markup(""),
    )


def _unanswered_section(f: Figures, groups: list[Group] | None) -> Markup:
    texts = TEXTS["sections"]["unanswered"]
    if not f.unanswered:
        return section("unanswered", fill("empty", text=texts["empty"]), no_text=groups is None, total=0)
    if groups is None:  # --no-text: counts only, nothing derived from the texts
        rows = [(d.day.isoformat(), d.unanswered) for d in f.days if d.unanswered]
        content = table(texts["caption"], texts["columns"], rows)
        return section("unanswered", content, total=f.unanswered, no_text=True)
    return section("unanswered", fill("groups", items=join([_group(g) for g in groups])), total=f.unanswered)


def _referrals_section(f: Figures) -> Markup:
    texts = TEXTS["sections"]["referrals"]
    if not f.referrals_total:
        return section("referrals", fill("empty", text=texts["empty"]))
    rows = [(tier, count) for tier, count in f.referrals.items()]
    alt = say(texts["alt"], **f.referrals)
    content = fill(
        "chart_and_table",
        alt=alt,
        src=charts.referrals_by_tier(f.referrals),
        table=table(texts["caption"], texts["columns"], rows),
    )
    return section("referrals", content)


def _review_section(due: Sequence[Entry]) -> Markup:
    """Answers to check against their sources again: the clinic sees what is out of date."""
    texts = TEXTS["sections"]["review"]
    if not due:
        return section("review", fill("empty", text=texts["empty"]), count=0)
    rows = [(entry.key, entry.title, entry.reviewed, entry.next_review) for entry in due]
    content = table(texts["caption"], texts["columns"], rows, kinds=["text", "text", "text", "text"])
    return section("review", content, count=len(due))


def _clarify_section(f: Figures) -> Markup:
    texts = TEXTS["sections"]["clarify"]
    if not f.clarifications:
        return section("clarify", fill("empty", text=texts["empty"]))
    rows = [(choice, count, percent(count, f.clarifications)) for choice, count in f.clarify_choices]
    return section("clarify", table(texts["caption"], texts["columns"], rows), total=f.clarifications)


def _with_share(part: int, whole: int) -> str:
    return f"{part} ({percent(part, whole)})" if whole else str(part)


def _headline(f: Figures) -> Markup:
    labels = TEXTS["stats"]
    span = "–"
    if f.first and f.last:
        first, last = f.first.date().isoformat(), f.last.date().isoformat()
        span = first if first == last else f"{first} to {last}"
    values = {
        "conversations": f.conversations,
        "user_messages": f.user_messages,
        "answered": _with_share(f.answered, f.user_messages),
        "unanswered": _with_share(f.unanswered, f.user_messages),
        "referrals": f.referrals_total,
        "helpful": f.helpful,
        "not_helpful": f.not_helpful,
        "date_range": span,
    }
    return join(
        [fill("stat", key=key, value=value, label=say(labels[key], **f.referrals)) for key, value in values.items()]
    )


def render_page(data: PageInput) -> str:
    f = data.figures
    if f.conversations:
        body = join(
            [
                _days_section(f),
                _topics_section(f),
                _feedback_section(f),
                _unanswered_section(f, data.groups),
                _clarify_section(f),
                _referrals_section(f),
            ]
        )
    elif data.days:
        body = fill("empty", text=say(TEXTS["no_conversations_days"], days=f"{data.days:g}"))
    else:
        body = fill("empty", text=TEXTS["no_conversations"])
    body = join([body, _review_section(data.review_due)])
    scope = say(TEXTS["scope_days"], days=f"{data.days:g}") if data.days else TEXTS["scope_all"]
    privacy = TEXTS["privacy_no_text"] if data.groups is None else TEXTS["privacy_text"]
    return PAGE.substitute(
        title=_escape(TEXTS["title"]),
        scope=_escape(scope),
        privacy=_escape(privacy),
        generated=_escape(data.generated.strftime("%Y-%m-%d %H:%M")),
        headline=_headline(f),
        body=body,
    )
