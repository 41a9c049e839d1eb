"""The report of an estimate, from its engine result (MODEL.md section 3): the summary, the
chances, the outcomes beside the targets, risks, drivers and levers."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from projects import vocabulary
from projects.formatting import (
    money,
    money_delta,
    percent,
    points_delta,
    result_in_currency,
    score,
    weeks,
    weeks_delta,
)
from projects.models import Estimate

logger = logging.getLogger(__name__)

TOP_DRIVERS = 4
TOP_LEVERS = 5
# Rank correlations at least this large are called strong, moderate or weak; smaller, slight.
DRIVER_STRENGTHS = ((0.5, "strong"), (0.3, "moderate"), (0.1, "weak"))


@dataclass
class ChanceBar:
    """A chance as a card or a pill shows it: its words, a tone and a bar 0 to 100 wide."""

    label: str
    probability: float
    text: str
    tone: str
    bar: int


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
    deltas: list[tuple[str, str]]  # the other chances' changes, then the medians'


@dataclass
class Report:
    summary: list[str]
    chances: list[ChanceBar]
    outcomes: list[Outcome]
    risks: list[Risk]
    driver_groups: list[DriverGroup]
    levers: list[Lever]
    details: list[tuple[str, str]] = field(default_factory=list)


def chance_bar(label: str, probability: float | None) -> ChanceBar:
    value = probability if probability is not None else 0.0
    return ChanceBar(
        label=label,
        probability=value,
        text=percent(probability),
        tone=vocabulary.chance_tone(probability),
        bar=max(0, min(100, round(value * 100))),
    )


def report(result: dict) -> Report:
    """Everything the report page shows, from an engine result, its sentences' amounts in the
    team's money."""
    result = result_in_currency(result)
    inputs = result.get("inputs", {})
    probability = result["probability"]
    metric = vocabulary.metric_name(inputs)
    stats = vocabulary.metric_stats(result, metric)
    chances = [
        chance_bar(chance.long_label(metric), probability.get(chance.key))
        for chance in vocabulary.CHANCES
    ]
    outcomes = [
        _outcome(
            "Cost",
            inputs.get("budget_usd"),
            result["cost_usd"],
            money,
            probability.get("within_budget"),
        ),
        _outcome(
            "Weeks to production",
            inputs.get("deadline_weeks"),
            result["duration_weeks"],
            weeks,
            probability.get("by_deadline"),
        ),
        _outcome(
            f"Production {metric}",
            inputs.get("target_value"),
            stats,
            score,
            probability.get("meets_target"),
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


def _outcome(label: str, target, stats: dict, shown, probability: float | None) -> Outcome:
    """An outcome beside its target: `stats` are its p10, p50 and p90, written by `shown`, and
    `probability` the chance of meeting the target."""
    return Outcome(
        label=label,
        target=shown(target),
        low=shown(stats.get("p10")),
        middle=shown(stats.get("p50")),
        high=shown(stats.get("p90")),
        chance=percent(probability),
        tone=vocabulary.chance_tone(probability),
    )


def report_or_failure(estimate: Estimate | None) -> tuple[Report | None, str]:
    """The report of a finished estimate, or None and what went wrong when its result cannot be
    shown (an old engine's, say); (None, "") without an estimate."""
    if estimate is None:
        return None, ""
    try:
        return report(estimate.result), ""
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        logger.exception("Estimate %s could not be shown", estimate.pk)
        return None, f"{exc.__class__.__name__}: {exc}"


def driver_strength(correlation: float) -> str:
    """How strongly an uncertainty moves an outcome, from its rank correlation."""
    for floor, word in DRIVER_STRENGTHS:
        if abs(correlation) >= floor:
            return word
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
        all_targets=vocabulary.all_targets_pill(points_delta(delta.get(vocabulary.ALL_TARGETS))),
        all_targets_tone=vocabulary.change_tone(
            delta.get(vocabulary.ALL_TARGETS), vocabulary.STEADY_POINTS
        ),
        deltas=[
            (chance.short, points_delta(delta.get(chance.key)))
            for chance in vocabulary.CHANCES
            if chance.key != vocabulary.ALL_TARGETS
        ]
        + [
            ("Median cost", money_delta(delta.get("cost_p50_usd"))),
            ("Median weeks", weeks_delta(delta.get("duration_p50_weeks"))),
        ],
    )
