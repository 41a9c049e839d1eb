"""The forecast ledger: every closed project's estimates scored against what happened, and a
team's scores gathered per horizon for the calibration page.

Scores come from the stored results only (the curves and the chances); nothing is re-run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import scores
from .horizons import HORIZONS, pick_horizons
from .records import PROBABILITIES, QUANTITIES, ClosedProject, Forecast

PIT_BINS = 10
RELIABILITY_BINS = 10
# Kinds of interval hit and the share of hits a calibrated forecaster gets.
EXPECTED_HIT_RATE = {"inside_p50": 0.5, "inside_p80": 0.8, "within_p80_bound": 0.8}
# Where more is better, the cautious 80% bound is the P20, not the P80.
MORE_IS_BETTER = frozenset({"production_metric"})


@dataclass(frozen=True)
class QuantityScore:
    """Where one actual value fell in one forecast.

    `within_p80_bound`: cost and weeks came in at or under the P80; the production score
    reached at least the P20. Either is expected 4 times in 5.
    """

    quantity: str
    actual: float
    pit: float
    outside: str | None
    inside_p50: bool
    inside_p80: bool
    within_p80_bound: bool


@dataclass(frozen=True)
class ProbabilityScore:
    name: str
    forecast: float
    happened: bool
    brier: float


@dataclass(frozen=True)
class ForecastScore:
    """One estimate of one closed project, scored, at one horizon."""

    project: str
    horizon: str
    estimate_index: int
    quantities: Mapping[str, QuantityScore]
    probabilities: Mapping[str, ProbabilityScore]


def actual_values(project: ClosedProject) -> dict[str, float]:
    """The actual cost, weeks and production score, for the quantities that can be scored.

    A stopped project has none: the money and time it used are a lower bound on what
    finishing would have taken, not an outcome of the forecast distribution.
    """
    if not project.shipped:
        return {}
    values = {"cost_usd": project.actual_cost_usd, "duration_weeks": project.actual_weeks}
    if project.production_score is not None:
        values["production_metric"] = project.production_score
    return values


def actual_events(project: ClosedProject, forecast: Forecast) -> dict[str, bool]:
    """Which of the forecast's events happened, against that estimate's own budget, deadline
    and target. Events that cannot be judged are left out: the target when no production
    score was measured, and every event but reaching production for a project stopped for a
    reason that says nothing about the forecast (priorities changed, other)."""
    if not project.shipped:
        events = {"reaches_production": False}
        if project.counts_for_events:
            # Nothing was delivered: not within budget, not by the deadline, not on target.
            events |= dict.fromkeys(("within_budget", "by_deadline", "meets_target"), False)
            events["all_targets"] = False
        return events
    events = {
        "reaches_production": True,
        "within_budget": project.actual_cost_usd <= forecast.budget_usd,
        "by_deadline": project.actual_weeks <= forecast.deadline_weeks,
    }
    if project.production_score is not None:
        events["meets_target"] = project.production_score >= forecast.target_value
        events["all_targets"] = (
            events["within_budget"] and events["by_deadline"] and events["meets_target"]
        )
    return events


def score_quantity(quantity: str, forecast: Forecast, actual: float) -> QuantityScore:
    curve = forecast.curves[quantity]
    if quantity in MORE_IS_BETTER:
        within_bound = scores.at_least_quantile(curve, actual, 0.2)
    else:
        within_bound = scores.at_most_quantile(curve, actual, 0.8)
    return QuantityScore(
        quantity=quantity,
        actual=actual,
        pit=scores.pit(curve, actual),
        outside=curve.outside(actual),
        inside_p50=scores.inside_central(curve, actual, 0.5),
        inside_p80=scores.inside_central(curve, actual, 0.8),
        within_p80_bound=within_bound,
    )


def score_forecast(
    project: ClosedProject, forecast: Forecast, horizon: str, estimate_index: int
) -> ForecastScore:
    quantities = {
        quantity: score_quantity(quantity, forecast, actual)
        for quantity, actual in actual_values(project).items()
    }
    probabilities = {}
    for name, happened in actual_events(project, forecast).items():
        if name in forecast.probabilities:
            chance = forecast.probabilities[name]
            probabilities[name] = ProbabilityScore(
                name, chance, happened, scores.brier_score([chance], [happened])
            )
    return ForecastScore(project.key, horizon, estimate_index, quantities, probabilities)


def forecast_ledger(projects: Sequence[ClosedProject]) -> list[ForecastScore]:
    """Every closed project scored at each horizon it has an estimate for (see horizons.py).
    A result that cannot be read raises a ValueError naming the project and the estimate."""
    ledger = []
    for project in projects:
        chosen = pick_horizons(
            [estimate.finished_at for estimate in project.estimates],
            project.started_on,
            project.ended_on,
        )
        parsed: dict[int, Forecast] = {}
        for horizon in HORIZONS:
            index = chosen.index(horizon)
            if index is None:
                continue
            if index not in parsed:
                try:
                    parsed[index] = Forecast.from_result(project.estimates[index].result)
                except ValueError as error:
                    raise ValueError(
                        f"project {project.key!r}, estimate {index + 1}: {error}"
                    ) from error
            ledger.append(score_forecast(project, parsed[index], horizon, index))
    return ledger


@dataclass(frozen=True)
class HorizonSummary:
    """A team's forecasts at one horizon, summed up for the calibration page.

    `projects` counts the closed projects scored here; `unscored` names those with no estimate
    before they ended; `stopped_left_out` counts stopped projects, which are in the chances
    (Brier, reliability) but not in the cost, time and score figures. `brier` holds None for a
    chance no scored estimate gave (reaches_production before the delivery model has it).
    """

    horizon: str
    projects: int
    unscored: tuple[str, ...]
    stopped_left_out: int
    hit_rates: Mapping[str, Mapping[str, scores.HitRate]]
    pit_histograms: Mapping[str, scores.PitHistogram]
    brier: Mapping[str, scores.BrierSkill | None]
    reliability: Sequence[scores.ReliabilityBin]


def summarise(
    ledger: Sequence[ForecastScore], projects: Sequence[ClosedProject], horizon: str
) -> HorizonSummary:
    rows = [row for row in ledger if row.horizon == horizon]
    scored = {row.project for row in rows}
    hit_rates: dict[str, dict[str, scores.HitRate]] = {}
    histograms = {}
    for quantity in QUANTITIES:
        found = [row.quantities[quantity] for row in rows if quantity in row.quantities]
        hit_rates[quantity] = {
            kind: scores.hit_rate([getattr(score, kind) for score in found], expected)
            for kind, expected in EXPECTED_HIT_RATE.items()
        }
        histograms[quantity] = scores.pit_histogram([score.pit for score in found], PIT_BINS)
    brier: dict[str, scores.BrierSkill | None] = {}
    pooled_forecasts, pooled_outcomes = [], []
    for name in PROBABILITIES:
        found = [row.probabilities[name] for row in rows if name in row.probabilities]
        brier[name] = (
            scores.brier_skill([s.forecast for s in found], [s.happened for s in found])
            if found
            else None
        )
        # all_targets repeats the three it is made of, so the diagram leaves it out.
        if name != "all_targets":
            pooled_forecasts += [s.forecast for s in found]
            pooled_outcomes += [s.happened for s in found]
    return HorizonSummary(
        horizon=horizon,
        projects=len(scored),
        unscored=tuple(p.key for p in projects if p.key not in scored),
        stopped_left_out=sum(1 for p in projects if p.key in scored and not p.shipped),
        hit_rates=hit_rates,
        pit_histograms=histograms,
        brier=brier,
        reliability=scores.reliability_bins(pooled_forecasts, pooled_outcomes, RELIABILITY_BINS),
    )


def team_calibration(projects: Sequence[ClosedProject]) -> dict[str, HorizonSummary]:
    """The calibration page's figures for a team's closed projects, at each horizon."""
    keys = [project.key for project in projects]
    if len(set(keys)) != len(keys):
        raise ValueError("each closed project needs its own key; two share one")
    ledger = forecast_ledger(projects)
    return {horizon: summarise(ledger, projects, horizon) for horizon in HORIZONS}
