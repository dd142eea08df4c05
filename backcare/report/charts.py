"""Charts as PNG data URIs, so the report is one file that makes no requests.

Drawn with matplotlib's Agg canvas on a bare Figure (no pyplot): no display needed and
no global state shared between charts.
"""

from __future__ import annotations

import base64
import io
from typing import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from backcare.contract import Tier
from backcare.report.figures import Day, Feedback

BLUE = "#2b6cb0"
HELPFUL = "#2f855a"
NOT_HELPFUL = "#c05621"
TIER_COLOURS = {Tier.EMERGENCY: "#c53030", Tier.URGENT: "#b7791f"}
WIDTH = 5.6  # inches at DPI: 672 px, sharp in the 560-px chart column
DPI = 120
MAX_DAY_LABELS = 8


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _style(axes: Axes, count_axis: str) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axis = axes.yaxis if count_axis == "y" else axes.xaxis
    axis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis=count_axis, color="#e2e8f0")
    axes.set_axisbelow(True)


def _data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def conversations_per_day(days: Sequence[Day]) -> str:
    figure = _figure(3.0)
    axes = figure.subplots()
    positions = range(len(days))
    axes.bar(positions, [d.conversations for d in days], color=BLUE)
    step = max(1, -(-len(days) // MAX_DAY_LABELS))  # at most 8 date labels: they must not overlap
    axes.set_xticks(list(positions)[::step])
    axes.set_xticklabels([d.day.strftime("%d %b") for d in days][::step])
    axes.set_ylabel("Conversations")
    _style(axes, "y")
    return _data_uri(figure)


def horizontal_bars(counts: Sequence[tuple[str, int]], label: str) -> str:
    """One bar per name, the largest on top."""
    figure = _figure(0.9 + 0.32 * len(counts))
    axes = figure.subplots()
    names = [name for name, _ in counts][::-1]
    axes.barh(names, [count for _, count in counts][::-1], color=BLUE)
    axes.set_xlabel(label)
    _style(axes, "x")
    return _data_uri(figure)


def feedback_per_topic(feedback: Sequence[Feedback]) -> str:
    """Helpful and not helpful stacked per topic; hatching, not colour alone, tells them apart."""
    figure = _figure(1.5 + 0.36 * len(feedback))
    axes = figure.subplots()
    rows = list(feedback)[::-1]
    names = [f.topic for f in rows]
    helpful = [f.helpful for f in rows]
    axes.barh(names, helpful, color=HELPFUL, label="Helpful")
    axes.barh(
        names,
        [f.not_helpful for f in rows],
        left=helpful,
        color=NOT_HELPFUL,
        hatch="//",
        edgecolor="white",
        label="Not helpful",
    )
    axes.set_xlabel("Ratings")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1), ncol=2, frameon=False)
    _style(axes, "x")
    return _data_uri(figure)


def referrals_by_tier(referrals: dict[str, int]) -> str:
    figure = _figure(2.2)
    axes = figure.subplots()
    tiers = list(referrals)[::-1]  # barh draws bottom-up: the first tier on top
    axes.barh(tiers, [referrals[t] for t in tiers], color=[TIER_COLOURS.get(t, BLUE) for t in tiers])
    axes.set_xlabel("Referrals")
    _style(axes, "x")
    return _data_uri(figure)
