"""Wording, rounding and formatting for the pages: templates show what these functions return.

Everything here is plain Python over plain data (engine results, revision inputs), so that it
is tested without a browser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from projects.engine.inputs import INPUTS, INPUTS_BY_KEY, InputSpec
from projects.forms import number_text

# Probabilities at or above GOOD_CHANCE read as likely, below POOR_CHANCE as unlikely.
GOOD_CHANCE = 0.8
POOR_CHANCE = 0.5
# A change in the chance of meeting all targets smaller than this is "steady".
TREND_THRESHOLD = 0.02
TOP_DRIVERS = 4
TOP_LEVERS = 5

METRIC_WORDS = {"accuracy": "accuracy", "recall": "recall", "precision": "precision"}


# Numbers -------------------------------------------------------------------------------------


def percent(probability: float | None) -> str:
    """A probability as a whole percentage; Monte Carlo never says 0% or 100%."""
    if probability is None or not math.isfinite(probability):
        return "–"
    if probability < 0.005:
        return "under 1%"
    if probability > 0.995:
        return "over 99%"
    return f"{round(probability * 100)}%"


def score(value: float | None) -> str:
    """A score (accuracy, recall, precision) as a percentage, one decimal below 10%."""
    if value is None or not math.isfinite(value):
        return "–"
    shown = value * 100
    return f"{shown:.1f}%" if shown < 10 else f"{round(shown)}%"


def money(amount: float | None) -> str:
    """USD rounded the way people say it: $850, $4,800, $412k, $1.3M, $25M, $2.1B."""
    if amount is None or not math.isfinite(amount):
        return "–"
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    if amount < 10_000:
        return f"{sign}${amount:,.0f}"
    if amount < 999_500:
        return f"{sign}${amount / 1000:,.0f}k"
    if amount < 9_950_000:
        return f"{sign}${amount / 1e6:.1f}M"
    if amount < 999_500_000:
        return f"{sign}${amount / 1e6:,.0f}M"
    return f"{sign}${amount / 1e9:,.1f}B"


def weeks(value: float | None) -> str:
    """Weeks, whole above 10 and to a half below: "23 weeks", "4.5 weeks", "1 week"."""
    if value is None or not math.isfinite(value):
        return "–"
    shown = round(value) if value >= 10 else round(value * 2) / 2
    text = f"{shown:g}"
    return f"{text} week" if shown == 1 else f"{text} weeks"


def points_delta(delta: float | None) -> str:
    """A change in probability in percentage points: "+12 points", "−3 points", "no change"."""
    if delta is None or not math.isfinite(delta):
        return "–"
    points = round(delta * 100)
    if points == 0:
        return "no change"
    return f"{'+' if points > 0 else '−'}{abs(points)} point{'s' if abs(points) != 1 else ''}"


def money_delta(delta: float | None) -> str:
    if delta is None or not math.isfinite(delta):
        return "–"
    if abs(delta) < 500:
        return "no change"
    return ("+" if delta > 0 else "") + money(delta)


def weeks_delta(delta: float | None) -> str:
    if delta is None or not math.isfinite(delta):
        return "–"
    if abs(delta) < 0.25:
        return "no change"
    return ("+" if delta > 0 else "−") + weeks(abs(delta))


def chance_tone(probability: float | None) -> str:
    """good, fair or poor, for colouring a probability."""
    if probability is None:
        return "none"
    if probability >= GOOD_CHANCE:
        return "good"
    if probability >= POOR_CHANCE:
        return "fair"
    return "poor"


def date_text(moment: datetime | None, with_time: bool = False) -> str:
    if moment is None:
        return "–"
    local = timezone.localtime(moment)
    text = f"{local.day} {local:%b %Y}"
    return f"{text}, {local:%H:%M} {local:%Z}" if with_time else text


# Inputs in the form's words and units ---------------------------------------------------------

_SINGULAR = {"people": "person"}


def _per(period: str) -> str:
    """ "hour" -> "an hour", "month" -> "a month"."""
    return f"{'an' if period == 'hour' or period[:1] in 'aeiou' else 'a'} {period}"


def _unit_words(unit: str, value: float) -> str:
    quantity, _, period = unit.partition("/")
    words = f"{quantity} {_per(period)}" if period else quantity
    if value == 1:
        first, _, rest = words.partition(" ")
        first = _SINGULAR.get(first, first[:-1] if first.endswith("s") else first)
        words = f"{first} {rest}".strip()
    return words


def input_value_text(spec: InputSpec, value: Any) -> str:
    """One input's value as the form shows it, with its unit: "$500,000", "90%", "26 weeks"."""
    if value is None:
        return f"not set ({spec.null_means})" if spec.null_means else "not set"
    if spec.kind == "bool":
        return "yes" if value else "no"
    if spec.kind == "choice":
        return dict(spec.choices).get(value, str(value))
    if spec.kind == "curve":
        if not isinstance(value, list):
            return str(value)
        points = [
            f"{point['examples']:,} examples → {score(point['score'])}"
            for point in value
            if isinstance(point, dict) and {"examples", "score"} <= set(point)
        ]
        if len(points) <= 4:
            return "; ".join(points)
        return f"{len(points)} measurements, {points[0]} … {points[-1]}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if spec.percent:
        return f"{number_text(spec, value)}%"
    if spec.unit.startswith("USD"):
        amount = f"{value:,.2f}" if not float(value).is_integer() else f"{int(value):,}"
        per = spec.unit.removeprefix("USD").removeprefix("/")
        return f"${amount}" + (f" {_per(per)}" if per else "")
    text = number_text(spec, value)
    return f"{text} {_unit_words(spec.unit, value)}".strip()


@dataclass
class Change:
    label: str
    old: str
    new: str


def revision_changes(old_inputs: dict | None, new_inputs: dict) -> list[Change]:
    """The inputs that differ between two revisions, in form order."""
    if old_inputs is None:
        return []
    changes = []
    for spec in INPUTS:
        old = old_inputs.get(spec.key, spec.default)
        new = new_inputs.get(spec.key, spec.default)
        if old != new:
            changes.append(
                Change(spec.label, input_value_text(spec, old), input_value_text(spec, new))
            )
    return changes


# The report -----------------------------------------------------------------------------------


@dataclass
class Chance:
    label: str
    probability: float
    text: str
    tone: str
    bar: int  # width of the bar, 0-100


@dataclass
class Outcome:
    label: str
    target: str
    low: str
    middle: str
    high: str
    chance: str
    tone: str


@dataclass
class Risk:
    title: str
    severity: str
    likelihood: str
    impact: str
    explanation: str
    mitigation: str


@dataclass
class Driver:
    label: str
    strength: str
    direction: str
    bar: int


@dataclass
class DriverGroup:
    title: str
    drivers: list[Driver]


@dataclass
class Lever:
    label: str
    change: str
    all_targets: str
    all_targets_tone: str
    by_deadline: str
    within_budget: str
    meets_target: str
    cost: str
    duration: str

    @property
    def deltas(self) -> list[tuple[str, str]]:
        return [
            ("Deadline", self.by_deadline),
            ("Budget", self.within_budget),
            ("Target", self.meets_target),
            ("Median cost", self.cost),
            ("Median weeks", self.duration),
        ]


@dataclass
class Report:
    summary: list[str]
    chances: list[Chance]
    outcomes: list[Outcome]
    risks: list[Risk]
    driver_groups: list[DriverGroup]
    levers: list[Lever]
    details: list[tuple[str, str]] = field(default_factory=list)


def target_metric_name(inputs: dict) -> str:
    return METRIC_WORDS.get(inputs.get("target_metric"), "accuracy")


def report(result: dict) -> Report:
    """Everything the report page shows, from an engine result (MODEL.md section 3)."""
    inputs = result.get("inputs", {})
    probability = result["probability"]
    metric = target_metric_name(inputs)
    metric_stats = result.get(f"production_{metric}") or result.get("production_metric") or {}

    chances = [
        _chance("In production by the deadline", probability.get("by_deadline")),
        _chance("Within budget", probability.get("within_budget")),
        _chance(f"Reaches the target {metric}", probability.get("meets_target")),
        _chance("All three at once", probability.get("all_targets")),
    ]
    outcomes = [
        Outcome(
            label="Cost",
            target=money(inputs.get("budget_usd")),
            low=money(result["cost_usd"]["p10"]),
            middle=money(result["cost_usd"]["p50"]),
            high=money(result["cost_usd"]["p90"]),
            chance=percent(probability.get("within_budget")),
            tone=chance_tone(probability.get("within_budget")),
        ),
        Outcome(
            label="Weeks to production",
            target=weeks(inputs.get("deadline_weeks")),
            low=weeks(result["duration_weeks"]["p10"]),
            middle=weeks(result["duration_weeks"]["p50"]),
            high=weeks(result["duration_weeks"]["p90"]),
            chance=percent(probability.get("by_deadline")),
            tone=chance_tone(probability.get("by_deadline")),
        ),
        Outcome(
            label=f"Production {metric}",
            target=score(inputs.get("target_value")),
            low=score(metric_stats.get("p10")),
            middle=score(metric_stats.get("p50")),
            high=score(metric_stats.get("p90")),
            chance=percent(probability.get("meets_target")),
            tone=chance_tone(probability.get("meets_target")),
        ),
    ]
    risks = [
        Risk(
            title=risk.get("title", risk.get("key", "")),
            severity=str(risk.get("severity", "")),
            likelihood=percent(risk.get("likelihood")),
            impact=risk.get("impact", ""),
            explanation=risk.get("explanation", ""),
            mitigation=risk.get("mitigation", ""),
        )
        for risk in result.get("risks", [])
    ]
    drivers = result.get("drivers", {})
    driver_groups = [
        DriverGroup(title, [_driver(item, noun) for item in drivers.get(key, [])[:TOP_DRIVERS]])
        for key, title, noun in (
            ("cost_usd", "What drives the cost", "cost"),
            ("duration_weeks", "What drives the schedule", "duration"),
            ("production_metric", f"What drives production {metric}", metric),
        )
        if drivers.get(key)
    ]
    levers = [_lever(lever) for lever in result.get("levers", [])[:TOP_LEVERS]]
    details = [
        ("Simulated scenarios", f"{result.get('trials', 0):,}"),
        ("Random seed", str(result.get("seed", "–"))),
        ("Engine version", str(result.get("engine_version", "–"))),
    ]
    return Report(
        summary=list(result.get("summary", [])),
        chances=chances,
        outcomes=outcomes,
        risks=risks,
        driver_groups=driver_groups,
        levers=levers,
        details=details,
    )


def _chance(label: str, probability: float | None) -> Chance:
    value = probability if probability is not None else 0.0
    return Chance(
        label=label,
        probability=value,
        text=percent(probability),
        tone=chance_tone(probability),
        bar=max(0, min(100, round(value * 100))),
    )


def driver_strength(correlation: float) -> str:
    size = abs(correlation)
    if size >= 0.5:
        return "strong"
    if size >= 0.3:
        return "moderate"
    if size >= 0.1:
        return "weak"
    return "slight"


def _driver(item: dict, noun: str) -> Driver:
    correlation = float(item.get("correlation", 0.0))
    direction = f"more of it raises {noun}" if correlation > 0 else f"more of it lowers {noun}"
    return Driver(
        label=item.get("label", item.get("name", "")),
        strength=driver_strength(correlation),
        direction=direction,
        bar=max(2, min(100, round(abs(correlation) * 100))),
    )


def _lever(lever: dict) -> Lever:
    delta = lever.get("delta", {})
    return Lever(
        label=lever.get("label", lever.get("key", "")),
        change=lever.get("change", ""),
        all_targets=points_delta(delta.get("all_targets")),
        all_targets_tone=_delta_tone(delta.get("all_targets")),
        by_deadline=points_delta(delta.get("by_deadline")),
        within_budget=points_delta(delta.get("within_budget")),
        meets_target=points_delta(delta.get("meets_target")),
        cost=money_delta(delta.get("cost_p50_usd")),
        duration=weeks_delta(delta.get("duration_p50_weeks")),
    )


def _delta_tone(delta: float | None) -> str:
    if delta is None or abs(delta) < 0.005:
        return "none"
    return "good" if delta > 0 else "poor"


# Portfolio ------------------------------------------------------------------------------------


@dataclass
class Trend:
    symbol: str
    text: str
    tone: str


def trend(latest: dict | None, previous: dict | None) -> Trend:
    """The chance of meeting all targets now against the previous estimate."""
    if not latest or not previous:
        return Trend("", "first estimate", "none")
    now, before = latest.get("all_targets"), previous.get("all_targets")
    if now is None or before is None:
        return Trend("", "no comparison", "none")
    delta = now - before
    if delta >= TREND_THRESHOLD:
        return Trend(
            "↑", f"up {points_delta(delta).lstrip('+')} since the previous estimate", "good"
        )
    if delta <= -TREND_THRESHOLD:
        return Trend(
            "↓", f"down {points_delta(delta).lstrip('−')} since the previous estimate", "poor"
        )
    return Trend("→", "steady since the previous estimate", "none")


@dataclass
class PortfolioRow:
    project: Any
    chances: list[Chance]
    last_estimate: str
    trend: Trend
    status_note: str


def portfolio_row(
    project, latest: dict | None, previous: dict | None, finished_at, latest_status: str | None
) -> PortfolioRow:
    """One project in the portfolio: `latest` and `previous` are `probability` dicts of its two
    most recent successful estimates; `latest_status` is the status of its newest estimate."""
    keys = (
        ("by_deadline", "Deadline"),
        ("within_budget", "Budget"),
        ("meets_target", "Target"),
        ("all_targets", "All three"),
    )
    chances = [_chance(label, (latest or {}).get(key)) for key, label in keys]
    if latest is None:
        for chance in chances:
            chance.text, chance.tone, chance.bar = "–", "none", 0
    notes = {
        "failed": "The latest estimate failed",
        "queued": "Estimate queued",
        "running": "Estimate running",
        None: "Not estimated yet",
    }
    note = notes.get(latest_status, "") if latest_status != "done" else ""
    if latest_status is None and latest is not None:
        note = ""
    return PortfolioRow(
        project=project,
        chances=chances,
        last_estimate=date_text(finished_at),
        trend=trend(latest, previous),
        status_note=note,
    )


def spec_label(key: str) -> str:
    spec = INPUTS_BY_KEY.get(key)
    return spec.label if spec else key
