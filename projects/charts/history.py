"""The history page's charts: how the chances and the median outcomes moved across a project's
finished estimates (presenters.history.points), each point linked to what caused it."""

from __future__ import annotations

import math

from projects import vocabulary
from projects.charts import base
from projects.charts.base import ACCENT, MUTED
from projects.formatting import currency, money, percent, score, weeks
from projects.presenters.history import Point

# At most this many labelled ticks on the time axis; every point still has its hover and row.
MAX_TICKS = 10


def time_axis(history: list[Point]) -> dict:
    """Estimate numbers along the bottom; the labelled ticks link to what caused them."""
    step = max(1, math.ceil(len(history) / MAX_TICKS))
    shown = history[::step]
    if history and shown[-1] is not history[-1]:
        shown.append(history[-1])
    return base.axis(
        tickmode="array",
        tickvals=[point.number for point in shown],
        ticktext=[
            f'<a href="{point.cause_url}" target="_self">{point.number}</a>' for point in shown
        ],
        range=[0.5, max(len(history), 1) + 0.5],
        title={
            "text": "Estimate, oldest first (each number links to its cause)",
            "font": {"size": 12, "color": MUTED},
        },
    )


def _layout(history: list[Point], **overrides) -> dict:
    """The report charts' layout (base.layout), a little shorter, over the estimates."""
    return base.layout(
        **{
            "margin": {"l": 64, "r": 16, "t": 16, "b": 56},
            "height": 260,
            "xaxis": time_axis(history),
            **overrides,
        }
    )


def _hover(point: Point, value: str) -> str:
    return (
        f"<b>{value}</b><br>Estimate {point.number}, {point.when}<br>{point.cause}"
        "<br><i>Click to open it</i>"
    )


def _links(history: list[Point]) -> list[dict]:
    """Per point, the page of what caused it; static/js/charts.js opens it on a click."""
    return [{"link": point.cause_url} for point in history]


def _line(
    history: list[Point], name: str, values: list, shown: list[str], colour: str, width: int = 2
) -> dict:
    """One line across the estimates, a point each; hovering one says `shown` of it and what
    caused it, and a click opens that."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [point.number for point in history],
        "y": values,
        "line": {"color": colour, "width": width},
        "marker": {"size": 7},
        "text": [
            _hover(point, f"{name}: {text}") for point, text in zip(history, shown, strict=True)
        ],
        "hoverinfo": "text",
        "customdata": _links(history),
    }


def chances_figure(history: list[Point]) -> dict:
    """How the four chances moved across the estimates."""
    data = []
    metric = history[-1].metric if history else "accuracy"
    for chance in vocabulary.CHANCES:
        values = [point.probability.get(chance.key) for point in history]
        data.append(
            _line(
                history,
                chance.long_label(metric),
                [None if value is None else round(value * 100, 1) for value in values],
                [percent(value) for value in values],
                chance.colour,
                width=3 if chance.key == vocabulary.ALL_TARGETS else 2,
            )
        )
    latest = history[-1] if history else None
    alt = (
        "No finished estimate yet."
        if latest is None
        else f"Chances across {len(history)} estimates. Latest: "
        + ", ".join(f"{label.lower()} {text}" for label, text in latest.chances)
        + "."
    )
    layout = _layout(
        history,
        yaxis=base.axis(range=[0, 100], ticksuffix="%"),
        showlegend=True,
        legend=base.legend(),
        margin={"l": 64, "r": 16, "t": 36, "b": 56},
        height=300,
    )
    return base.figure("chances", "How the chances moved", alt, data, layout)


def median_figure(history: list[Point], which: str) -> dict:
    """How one median outcome moved: `which` is "cost", "weeks" or "metric"."""
    metric = history[-1].metric if history else "accuracy"
    if which == "cost":
        values = [point.cost_p50 for point in history]
        title, shown, axis = (
            "Median cost",
            [money(v) for v in values],
            {"tickprefix": currency()},
        )
    elif which == "weeks":
        values = [point.weeks_p50 for point in history]
        title, shown, axis = "Median weeks to production", [weeks(v) for v in values], {}
    else:
        values = [None if v is None else v * 100 for v in (p.metric_p50 for p in history)]
        title = f"Median production {metric}"
        # Near 100% with the digits that set each apart from its target (99.95% vs 99.9%).
        shown = [score(p.metric_p50, against=p.target) for p in history]
        axis = {"ticksuffix": "%"}
    data = [_line(history, title, values, shown, ACCENT)]
    if history:
        alt = f"{title} across {len(history)} estimates: from {shown[0]} to {shown[-1]}."
    else:
        alt = "No finished estimate yet."
    layout = _layout(history, yaxis=base.axis(rangemode="tozero", **axis))
    return base.figure(which, title, alt, data, layout)


def history_figures(history: list[Point]) -> list[dict]:
    """Every history chart of a project, for the history page."""
    return [
        chances_figure(history),
        median_figure(history, "cost"),
        median_figure(history, "weeks"),
        median_figure(history, "metric"),
    ]
