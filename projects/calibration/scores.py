"""Scores of forecasts against what happened: PIT, interval hits, Brier, Wilson, reliability.

Each function takes plain numbers (or a `Curve`) and refuses bad input with a ValueError that
says what was wrong. docs/calibration.md gives the definitions and why they were chosen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from . import checks
from .curves import Curve

WILSON_CONFIDENCE = 0.95


# --- Where an actual value fell in a forecast distribution -------------------------------------


def pit(curve: Curve, actual: float) -> float:
    """The probability integral transform of `actual`: the forecast's share at or below it,
    0 to 1. A calibrated forecaster's PIT values are spread evenly over 0 to 1. See
    `Curve.pit` for jumps and values beyond the simulated range (0 below it, 1 above it)."""
    return curve.pit(actual)


def central_interval(curve: Curve, coverage: float) -> tuple[float, float]:
    """The central interval holding `coverage` of the forecast: the P50 interval runs from the
    25th to the 75th percentile, the P80 interval from the 10th to the 90th."""
    coverage = checks.probability(coverage, "coverage")
    tail = (1.0 - coverage) / 2.0
    return curve.quantile(tail), curve.quantile(1.0 - tail)


def inside_central(curve: Curve, actual: float, coverage: float) -> bool:
    """Whether `actual` fell inside the central `coverage` interval (ends included)."""
    actual = checks.finite(actual, "actual value")
    low, high = central_interval(curve, coverage)
    return low <= actual <= high


def at_most_quantile(curve: Curve, actual: float, level: float) -> bool:
    """Whether `actual` came in at or under the forecast's `level` quantile: "came in under
    its P80 cost" is `at_most_quantile(cost_curve, actual_cost, 0.8)`, expected 80% of the time."""
    return checks.finite(actual, "actual value") <= curve.quantile(level)


def at_least_quantile(curve: Curve, actual: float, level: float) -> bool:
    """Whether `actual` reached at least the forecast's `level` quantile: for a quantity where
    more is better (the production score), reaching the P20 is expected 80% of the time."""
    return checks.finite(actual, "actual value") >= curve.quantile(level)


# --- Probabilities against events -------------------------------------------------------------


def brier_score(forecasts: Iterable[float], outcomes: Iterable[object]) -> float:
    """Mean squared difference between forecast probabilities and outcomes (1 happened,
    0 not): 0 is perfect, 0.25 is always saying 50%, 1 is certain and always wrong."""
    probabilities, happened = checks.probabilities_and_outcomes(forecasts, outcomes)
    return float(np.mean((probabilities - happened) ** 2))


@dataclass(frozen=True)
class BrierSkill:
    """A Brier score beside the score of always forecasting the base rate.

    `skill` is 1 − brier ÷ reference: 1 for perfect forecasts, 0 for no better than quoting
    the base rate, negative for worse. It is None when every outcome was the same (base rate
    0 or 1): the reference is then perfect and no forecaster can be compared with it.
    """

    brier: float
    reference: float
    base_rate: float
    count: int
    skill: float | None


def brier_skill(forecasts: Iterable[float], outcomes: Iterable[object]) -> BrierSkill:
    """The Brier skill score against always forecasting the base rate of the scored set.

    The base rate is the share of the scored outcomes that happened, so the reference knows
    the set's rate in hindsight (the usual "climatology" in forecast verification). With few
    outcomes this favours the reference a little: its score ō(1 − ō) is the smallest any
    constant forecast can get on this set.
    """
    probabilities, happened = checks.probabilities_and_outcomes(forecasts, outcomes)
    brier = float(np.mean((probabilities - happened) ** 2))
    base_rate = float(happened.mean())
    reference = base_rate * (1.0 - base_rate)
    skill = None if reference == 0.0 else 1.0 - brier / reference
    return BrierSkill(brier, reference, base_rate, int(happened.size), skill)


# --- Hit rates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def wilson_interval(hits: int, count: int, confidence: float = WILSON_CONFIDENCE) -> Interval:
    """The Wilson score interval for a hit rate of `hits` out of `count`.

    Unlike the ±1.96 standard-error interval it stays inside 0 to 1 and is not zero-width at
    0 or `count` hits. With `count` 0 nothing is known, and the interval is all of 0 to 1.
    """
    hits, count = _count(hits, "hits"), _count(count, "count")
    if hits > count:
        raise ValueError(f"hits ({hits}) cannot exceed the count ({count})")
    confidence = checks.probability(confidence, "confidence")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), got {confidence}")
    if count == 0:
        return Interval(0.0, 1.0)
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    rate = hits / count
    denominator = 1.0 + z * z / count
    centre = (rate + z * z / (2.0 * count)) / denominator
    half = z * math.sqrt(rate * (1.0 - rate) / count + z * z / (4.0 * count * count)) / denominator
    # At 0 or `count` hits one end is exactly 0 or 1; say so rather than 1e-17.
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == count else min(1.0, centre + half)
    return Interval(low, high)


@dataclass(frozen=True)
class HitRate:
    """How many of `count` forecasts held, against the share a calibrated forecaster expects."""

    hits: int
    count: int
    expected: float

    @property
    def rate(self) -> float | None:
        return self.hits / self.count if self.count else None

    @property
    def interval(self) -> Interval:
        return wilson_interval(self.hits, self.count)


def hit_rate(hits: Iterable[object], expected: float) -> HitRate:
    """Counts hits (True/1) among outcomes; `expected` is the calibrated rate (0.8 for P80)."""
    flags = [checks.outcome(h, f"hits[{i}]") for i, h in enumerate(hits)]
    return HitRate(sum(flags), len(flags), checks.probability(expected, "expected"))


def fewest_projects_for_a_rate(max_width: float = 0.5) -> int:
    """The fewest outcomes whose 95% Wilson interval is at most `max_width` wide whatever the
    hits (the widest is at half hits). Below it a hit rate is shown as counts, not a
    percentage: with 0.5 this is 12."""
    max_width = checks.probability(max_width, "max_width")
    count = 1
    while max(wilson_interval(h, count).width for h in range(count + 1)) > max_width:
        count += 1
    return count


# --- Pictures of calibration ------------------------------------------------------------------


@dataclass(frozen=True)
class ReliabilityBin:
    """Forecasts whose probability fell in [low, high) (the last bin includes 1)."""

    low: float
    high: float
    count: int
    mean_forecast: float | None
    observed: float | None
    interval: Interval


def reliability_bins(
    forecasts: Iterable[float], outcomes: Iterable[object], bins: int = 10
) -> list[ReliabilityBin]:
    """Equal-width bins of forecast probability, each with its count, mean forecast and the
    share that happened (with its Wilson interval): the points of a reliability diagram. A
    calibrated forecaster's points lie on the diagonal. Empty input gives empty bins."""
    bins = _count(bins, "bins")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    forecast_list, outcome_list = list(forecasts), list(outcomes)
    if forecast_list or outcome_list:
        probabilities, happened = checks.probabilities_and_outcomes(forecast_list, outcome_list)
    else:
        probabilities, happened = np.zeros(0), np.zeros(0)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.minimum((probabilities * bins).astype(int), bins - 1)
    result = []
    for index in range(bins):
        chosen = which == index
        count = int(chosen.sum())
        hits = int(happened[chosen].sum())
        result.append(
            ReliabilityBin(
                low=float(edges[index]),
                high=float(edges[index + 1]),
                count=count,
                mean_forecast=float(probabilities[chosen].mean()) if count else None,
                observed=hits / count if count else None,
                interval=wilson_interval(hits, count),
            )
        )
    return result


@dataclass(frozen=True)
class PitHistogram:
    edges: tuple[float, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def expected_per_bin(self) -> float:
        """What each bar would hold if the forecasts were calibrated."""
        return self.total / len(self.counts)


def pit_histogram(pits: Iterable[float], bins: int = 10) -> PitHistogram:
    """Counts of PIT values in equal-width bins over 0 to 1 (1 itself goes in the last bin).
    Calibrated: flat. Too many at the right: actuals above forecast (optimism for cost and
    time). A U shape: forecasts too narrow. A hump in the middle: too wide."""
    bins = _count(bins, "bins")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    values = [checks.probability(p, f"pits[{i}]") for i, p in enumerate(pits)]
    which = np.minimum((np.asarray(values, float) * bins).astype(int), bins - 1)
    counts = np.bincount(which, minlength=bins) if values else np.zeros(bins, int)
    edges = np.linspace(0.0, 1.0, bins + 1)
    return PitHistogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts))


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{name} must be a whole number of at least 0, got {value!r}")
    return int(value)
