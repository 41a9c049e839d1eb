"""The history of a project's risk: how its estimates moved, as points, Plotly figures and a
"what changed and why" comparison of two estimates.

Figures are plain dicts in the shape of projects/charts.py (`key`, `title`, `alt`, `data`,
`layout`), drawn by static/js/charts.js like every other chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from projects import charts, formatting, presenters
from projects.charts import MUTED, _axis
from projects.engine.inputs import PROGRESS
from projects.models import Estimate, Project

# The chances the history follows, in the report's words.
CHANCES = (
    ("by_deadline", "By the deadline"),
    ("within_budget", "Within budget"),
    ("meets_target", "Reaches the target"),
    ("all_targets", "All three at once"),
)
# Column headings of the estimates table, as in the portfolio.
SHORT_LABELS = {
    "by_deadline": "Deadline",
    "within_budget": "Budget",
    "meets_target": "Target",
    "all_targets": "All three",
}
CHANCE_COLOURS = {
    "by_deadline": "#5b7bd5",
    "within_budget": "#17704a",
    "meets_target": "#8a5a00",
    "all_targets": "#1b2330",
}
ACCENT = "#1f3a8a"
BAND = "rgba(31, 58, 138, 0.14)"
# At most this many labelled ticks on the time axis; every point still has its hover and row.
MAX_TICKS = 10
# A risk whose likelihood moved by at least this much is listed as moved.
RISK_MOVE = 0.05


# Points ---------------------------------------------------------------------------------------


@dataclass
class Point:
    """One finished estimate in the history, with what caused it and where that is."""

    estimate: Estimate
    number: int
    when: str
    cause: str
    cause_url: str
    probability: dict
    cost_p50: float | None
    weeks_p50: float | None
    metric_p50: float | None
    metric: str
    chances: list[tuple[str, str]] = field(default_factory=list)


def day_text(day: date) -> str:
    """A calendar day as the pages write dates: "3 Nov 2026"."""
    return f"{day.day} {day:%b %Y}"


def cause_of(estimate: Estimate) -> tuple[str, str]:
    """What caused an estimate, in words, and the link to it (revision report or check-in)."""
    revision = estimate.revision
    project_url = reverse("project", args=[revision.project_id])
    revision_url = f"{project_url}?{urlencode({'revision': revision.number})}"
    trigger = estimate.trigger
    if trigger == Estimate.Trigger.CHECKIN and estimate.checkin_id:
        checkin = estimate.checkin
        return (
            f"Check-in of {day_text(checkin.date)}",
            f"{project_url}#checkin-{checkin.pk}",
        )
    if trigger == Estimate.Trigger.SCHEDULE:
        return f"Scheduled re-estimate of revision {revision.number}", revision_url
    if trigger == Estimate.Trigger.MANUAL:
        return f"Revision {revision.number} re-estimated on request", revision_url
    return f"Revision {revision.number}", revision_url


def _stat(result: dict, key: str, quantile: str = "p50") -> float | None:
    value = (result.get(key) or {}).get(quantile)
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def points(project: Project) -> list[Point]:
    """The project's finished estimates, oldest first, numbered from 1."""
    done = (
        Estimate.objects.filter(revision__project=project, status=Estimate.Status.DONE)
        .select_related("revision", "checkin")
        .order_by("finished_at", "id")
    )
    found = []
    for number, estimate in enumerate(done, start=1):
        result = estimate.result or {}
        inputs = result.get("inputs") or estimate.revision.inputs or {}
        metric = presenters.target_metric_name(inputs)
        cause, url = cause_of(estimate)
        probability = result.get("probability") or {}
        found.append(
            Point(
                estimate=estimate,
                number=number,
                when=formatting.date_text(estimate.finished_at, with_time=True),
                cause=cause,
                cause_url=url,
                probability=probability,
                cost_p50=_stat(result, "cost_usd"),
                weeks_p50=_stat(result, "duration_weeks"),
                metric_p50=_stat(result, f"production_{metric}")
                or _stat(result, "production_metric"),
                metric=metric,
                chances=[
                    (SHORT_LABELS[key], formatting.percent(probability.get(key)))
                    for key, _ in CHANCES
                ],
            )
        )
    return found


# Figures --------------------------------------------------------------------------------------


def _time_axis(history: list[Point]) -> dict:
    """Estimate numbers along the bottom; the labelled ticks link to what caused them."""
    step = max(1, math.ceil(len(history) / MAX_TICKS))
    shown = history[::step]
    if history and shown[-1] is not history[-1]:
        shown.append(history[-1])
    return _axis(
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
    """The report charts' layout (charts._layout), a little shorter, over the estimates."""
    return charts._layout(
        **{
            "margin": {"l": 64, "r": 16, "t": 16, "b": 56},
            "height": 260,
            "xaxis": _time_axis(history),
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


def chances_figure(history: list[Point]) -> dict:
    """How the four chances moved across the estimates."""
    data = []
    for key, label in CHANCES:
        values = [point.probability.get(key) for point in history]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": [point.number for point in history],
                "y": [None if value is None else round(value * 100, 1) for value in values],
                "line": {"color": CHANCE_COLOURS[key], "width": 3 if key == "all_targets" else 2},
                "marker": {"size": 7},
                "text": [
                    _hover(point, f"{label}: {formatting.percent(value)}")
                    for point, value in zip(history, values, strict=True)
                ],
                "hoverinfo": "text",
                "customdata": _links(history),
            }
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
        yaxis=_axis(range=[0, 100], ticksuffix="%"),
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 12}},
        margin={"l": 64, "r": 16, "t": 36, "b": 56},
        height=300,
    )
    return {
        "key": "history-chances",
        "title": "How the chances moved",
        "alt": alt,
        "data": data,
        "layout": layout,
    }


def median_figure(history: list[Point], which: str) -> dict:
    """How one median outcome moved: `which` is "cost", "weeks" or "metric"."""
    metric = history[-1].metric if history else "accuracy"
    if which == "cost":
        values = [point.cost_p50 for point in history]
        title, shown, axis = (
            "Median cost",
            [formatting.money(v) for v in values],
            {"tickprefix": "$"},
        )
    elif which == "weeks":
        values = [point.weeks_p50 for point in history]
        title, shown, axis = "Median weeks to production", [formatting.weeks(v) for v in values], {}
    else:
        values = [None if v is None else v * 100 for v in (p.metric_p50 for p in history)]
        title = f"Median production {metric}"
        shown = [formatting.score(p.metric_p50) for p in history]
        axis = {"ticksuffix": "%"}
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": title,
            "x": [point.number for point in history],
            "y": values,
            "line": {"color": ACCENT, "width": 2},
            "marker": {"size": 7},
            "text": [
                _hover(point, f"{title}: {text}")
                for point, text in zip(history, shown, strict=True)
            ],
            "hoverinfo": "text",
            "customdata": _links(history),
        }
    ]
    if history:
        alt = f"{title} across {len(history)} estimates: from {shown[0]} to {shown[-1]}."
    else:
        alt = "No finished estimate yet."
    return {
        "key": f"history-{which}",
        "title": title,
        "alt": alt,
        "data": data,
        "layout": _layout(history, yaxis=_axis(rangemode="tozero", **axis)),
    }


def history_figures(history: list[Point]) -> list[dict]:
    """Every history chart of a project, for the history page."""
    return [
        chances_figure(history),
        median_figure(history, "cost"),
        median_figure(history, "weeks"),
        median_figure(history, "metric"),
    ]


# What changed and why -------------------------------------------------------------------------


@dataclass
class Moved:
    label: str
    before: str
    after: str
    change: str
    tone: str  # good, poor or none


@dataclass
class RiskLine:
    title: str
    likelihood: str
    detail: str = ""


@dataclass
class Comparison:
    before: Estimate
    after: Estimate
    before_cause: str
    after_cause: str
    input_changes: list[presenters.Change]
    progress_changes: list[presenters.Change]
    chances: list[Moved]
    outcomes: list[Moved]
    risks_appeared: list[RiskLine]
    risks_gone: list[RiskLine]
    risks_moved: list[RiskLine]
    notes: list[str]

    @property
    def nothing_changed(self) -> bool:
        return not (self.input_changes or self.progress_changes)


def _tone(delta: float | None, higher_is_better: bool, threshold: float) -> str:
    if delta is None or abs(delta) < threshold:
        return "none"
    return "good" if (delta > 0) == higher_is_better else "poor"


def _progress_of(estimate: Estimate) -> dict | None:
    result = estimate.result or {}
    if result.get("progress") is not None:
        return result["progress"]
    return estimate.checkin.progress() if estimate.checkin_id else None


def progress_changes(before: dict | None, after: dict | None) -> list[presenters.Change]:
    """Check-in fields that differ, in the check-in form's words and units."""
    if before == after:
        return []
    changes = []
    for spec in PROGRESS:
        old = (before or {}).get(spec.key, spec.default) if before is not None else None
        new = (after or {}).get(spec.key, spec.default) if after is not None else None
        if old != new:
            changes.append(
                presenters.Change(
                    spec.label,
                    "no check-in" if before is None else formatting.input_value_text(spec, old),
                    "no check-in" if after is None else formatting.input_value_text(spec, new),
                )
            )
    return changes


def _risks(result: dict) -> dict[str, dict]:
    return {risk.get("key") or risk.get("title"): risk for risk in result.get("risks") or []}


def compare(before: Estimate, after: Estimate) -> Comparison:
    """What changed between two finished estimates and how the outlook moved."""
    old, new = before.result or {}, after.result or {}
    # What people typed (the revisions), not the result's inputs: those carry each run's seed.
    old_inputs, new_inputs = before.revision.inputs or {}, after.revision.inputs or {}
    metric = presenters.target_metric_name(new_inputs)
    old_p, new_p = old.get("probability") or {}, new.get("probability") or {}

    chances = []
    for key, label in CHANCES:
        a, b = old_p.get(key), new_p.get(key)
        delta = None if a is None or b is None else b - a
        chances.append(
            Moved(
                label if key != "meets_target" else f"Reaches the target {metric}",
                formatting.percent(a),
                formatting.percent(b),
                formatting.points_delta(delta),
                _tone(delta, True, 0.005),
            )
        )

    def median(result: dict, key: str) -> float | None:
        return _stat(result, key)

    outcomes = []
    cost_a, cost_b = median(old, "cost_usd"), median(new, "cost_usd")
    weeks_a, weeks_b = median(old, "duration_weeks"), median(new, "duration_weeks")
    metric_a = median(old, f"production_{metric}") or median(old, "production_metric")
    metric_b = median(new, f"production_{metric}") or median(new, "production_metric")
    diff = lambda a, b: None if a is None or b is None else b - a  # noqa: E731
    outcomes.append(
        Moved(
            "Median cost",
            formatting.money(cost_a),
            formatting.money(cost_b),
            formatting.money_delta(diff(cost_a, cost_b)),
            _tone(diff(cost_a, cost_b), False, 500),
        )
    )
    outcomes.append(
        Moved(
            "Median weeks to production",
            formatting.weeks(weeks_a),
            formatting.weeks(weeks_b),
            formatting.weeks_delta(diff(weeks_a, weeks_b)),
            _tone(diff(weeks_a, weeks_b), False, 0.25),
        )
    )
    outcomes.append(
        Moved(
            f"Median production {metric}",
            formatting.score(metric_a),
            formatting.score(metric_b),
            formatting.points_delta(diff(metric_a, metric_b)),
            _tone(diff(metric_a, metric_b), True, 0.005),
        )
    )

    old_risks, new_risks = _risks(old), _risks(new)
    appeared = [
        RiskLine(risk.get("title", key), formatting.percent(risk.get("likelihood")))
        for key, risk in new_risks.items()
        if key not in old_risks
    ]
    gone = [
        RiskLine(risk.get("title", key), formatting.percent(risk.get("likelihood")))
        for key, risk in old_risks.items()
        if key not in new_risks
    ]
    moved = []
    for key, risk in new_risks.items():
        if key in old_risks:
            a, b = old_risks[key].get("likelihood"), risk.get("likelihood")
            if (
                isinstance(a, int | float)
                and isinstance(b, int | float)
                and abs(b - a) >= RISK_MOVE
            ):
                moved.append(
                    RiskLine(
                        risk.get("title", key),
                        formatting.percent(b),
                        f"from {formatting.percent(a)} ({formatting.points_delta(b - a)})",
                    )
                )

    notes = []
    if old.get("seed") != new.get("seed") or old.get("trials") != new.get("trials"):
        notes.append(
            "The two estimates drew different random scenarios (seed or number of scenarios), "
            "so small moves of a point or two can be chance alone."
        )
    if old.get("engine_version") != new.get("engine_version"):
        notes.append(
            f"The engine changed between them ({old.get('engine_version') or '–'} → "
            f"{new.get('engine_version') or '–'}); part of the move may come from the model."
        )
    return Comparison(
        before=before,
        after=after,
        before_cause=cause_of(before)[0],
        after_cause=cause_of(after)[0],
        input_changes=presenters.revision_changes(old_inputs, new_inputs),
        progress_changes=progress_changes(_progress_of(before), _progress_of(after)),
        chances=chances,
        outcomes=outcomes,
        risks_appeared=appeared,
        risks_gone=gone,
        risks_moved=moved,
        notes=notes,
    )
