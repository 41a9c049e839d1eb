"""Reference-class correction: how a team's actual cost, weeks and production score compare
with what was forecast, shrunk toward a published prior, and applied to a new estimate.

The model (docs/calibration.md has the why and the prior's sources). In a transformed space
(log for cost and weeks, logit for the production score), write `m` and `s` for the mean and
standard deviation of a forecast. A team's actual outcome is taken to be drawn from its
forecast moved by a shift `mu` and widened by a factor `sqrt(lam)`:

    g(actual) = m + mu + sqrt(lam) * (g(X) - m),   X drawn from the forecast.

So each closed project gives a residual `y = g(actual) - m` with mean `mu` and variance
`lam * s**2`. With the conjugate normal-inverse-gamma prior

    lam ~ InvGamma(a0, b0),   mu | lam ~ Normal(mu0, lam * tau**2),

the posterior is of the same form (weighted by 1 / s**2), so a few projects move `mu` a
little and many move it a lot, by exactly the rule of a weighted mean. A corrected forecast
is the mixture of the moved forecasts over the posterior of (mu, lam), so the correction's
own uncertainty widens it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from . import checks
from .curves import Curve
from .horizons import HORIZONS, pick_horizons
from .ledger import actual_values
from .records import QUANTITIES, ClosedProject, Forecast

SPACES = {"cost_usd": "log", "duration_weeks": "log", "production_metric": "logit"}
# A score of exactly 0 or 1 has no logit; scores are held 0.001 inside them.
LOGIT_EDGE = 0.001
# A forecast whose spread is below this (2% in log space) is treated as this sure, so one
# near-certain forecast cannot outweigh every other project.
MIN_FORECAST_SD = 0.02
# Points per dimension of the grid over (mu, lam) that integrates the correction's uncertainty.
POSTERIOR_NODES = 12
# The corrected view is offered from this many closed projects with the quantity measured.
MIN_PROJECTS_FOR_CORRECTION = 3


@dataclass(frozen=True)
class Prior:
    """The global prior on a team's shift and spread (docs/calibration.md gives the sources).

    shift_mean: the expected shift before any history (0: the engine, already fitted to the
    published reference class, is right on average). shift_sd: how much teams differ
    (tau). spread_shape, spread_scale: the inverse-gamma prior on the spread factor lam; with
    shape 3 and scale 2 its mean is 1 (the forecast's spread is right) and it weighs like
    about 2 × 3 = 6 projects' worth of spread information.
    """

    shift_mean: float
    shift_sd: float
    spread_shape: float
    spread_scale: float


PRIORS = {
    "cost_usd": Prior(shift_mean=0.0, shift_sd=0.25, spread_shape=3.0, spread_scale=2.0),
    "duration_weeks": Prior(shift_mean=0.0, shift_sd=0.25, spread_shape=3.0, spread_scale=2.0),
    "production_metric": Prior(shift_mean=0.0, shift_sd=0.5, spread_shape=3.0, spread_scale=2.0),
}


def to_space(values: float | np.ndarray, space: str) -> np.ndarray:
    x = np.asarray(values, float)
    if space == "log":
        if np.any(x <= 0):
            raise ValueError("cost and weeks must be more than 0 to be compared on a log scale")
        return np.log(x)
    if space == "logit":
        if np.any((x < 0) | (x > 1)):
            raise ValueError("a production score must lie between 0 and 1")
        x = np.clip(x, LOGIT_EDGE, 1.0 - LOGIT_EDGE)
        return np.log(x / (1.0 - x))
    raise ValueError(f"space must be 'log' or 'logit', got {space!r}")


def from_space(values: float | np.ndarray, space: str) -> np.ndarray:
    y = np.asarray(values, float)
    if space == "log":
        return np.exp(y)
    if space == "logit":
        return 1.0 / (1.0 + np.exp(-y))
    raise ValueError(f"space must be 'log' or 'logit', got {space!r}")


@dataclass(frozen=True)
class Residual:
    """A closed project against its forecast, in the transformed space: `value` is the actual
    minus the forecast's mean, `forecast_sd` the forecast's own spread."""

    value: float
    forecast_sd: float


def forecast_moments(curve: Curve, space: str) -> tuple[float, float]:
    """Mean and standard deviation of the forecast in the transformed space, from the values
    at the middle of each stretch between stored levels (weighted by the stretch's share).
    The mean, not the median, is the centre: the engine's forecasts are skewed (one project in
    six is a black swan), so a calibrated team's actuals average the mean, not the median."""
    middles, weights = curve.midpoint_values()
    transformed = to_space(middles, space)
    mean = float(np.sum(weights * transformed))
    sd = float(math.sqrt(np.sum(weights * (transformed - mean) ** 2)))
    return mean, sd


def residual(curve: Curve, actual: float, space: str) -> Residual:
    actual = checks.finite(actual, "actual value")
    mean, sd = forecast_moments(curve, space)
    return Residual(float(to_space(actual, space)) - mean, max(sd, MIN_FORECAST_SD))


@dataclass(frozen=True)
class Correction:
    """The posterior of a team's shift `mu` and spread factor `lam` for one quantity.

    `data_weight` is the share of the shift estimate that comes from the team's own projects
    (the rest is the prior's): near 0 with no history, near 1 with a long one.
    """

    quantity: str
    space: str
    projects: int
    shift_mean: float
    shift_precision: float
    spread_shape: float
    spread_scale: float
    data_weight: float

    @property
    def shift_sd(self) -> float:
        """Posterior standard deviation of the shift (a Student t with 2 × shape freedoms)."""
        freedoms = 2.0 * self.spread_shape
        scale2 = self.spread_scale / (self.spread_shape * self.shift_precision)
        return math.sqrt(scale2 * freedoms / (freedoms - 2.0))

    def shift_interval(self, coverage: float = 0.8) -> tuple[float, float]:
        coverage = checks.probability(coverage, "coverage")
        freedoms = 2.0 * self.spread_shape
        scale = math.sqrt(self.spread_scale / (self.spread_shape * self.shift_precision))
        half = float(stats.t.ppf(0.5 + coverage / 2.0, freedoms)) * scale
        return self.shift_mean - half, self.shift_mean + half

    @property
    def factor(self) -> float | None:
        """For cost and weeks: what the team's outcomes run at, as a multiple of the forecast
        (1.3 means 30% more than forecast). None for the production score (a logit shift)."""
        return math.exp(self.shift_mean) if self.space == "log" else None

    @property
    def spread_factor(self) -> float:
        """How much wider (above 1) or narrower the team's outcomes scatter than forecast."""
        return math.sqrt(self.spread_scale / (self.spread_shape - 1.0))

    def nodes(self, count: int = POSTERIOR_NODES) -> tuple[np.ndarray, np.ndarray]:
        """Equally weighted (shift, spread factor) pairs spanning the posterior: `count`
        quantiles of lam, and for each, `count` quantiles of mu given lam. Deterministic, so a
        corrected view never changes between page loads."""
        levels = (np.arange(count) + 0.5) / count
        lam = stats.invgamma.ppf(levels, self.spread_shape, scale=self.spread_scale)
        normal = stats.norm.ppf(levels)
        shifts = self.shift_mean + np.outer(np.sqrt(lam / self.shift_precision), normal)
        scales = np.repeat(np.sqrt(lam), count).reshape(count, count)
        return shifts.ravel(), scales.ravel()


def fit_correction(
    quantity: str, forecasts: Sequence[tuple[Curve, float]], prior: Prior | None = None
) -> Correction:
    """The posterior correction for `quantity` from (forecast curve, actual value) pairs, one
    per closed project. With no pairs it is the prior itself."""
    if quantity not in SPACES:
        raise ValueError(f"quantity must be one of {', '.join(SPACES)}, got {quantity!r}")
    space = SPACES[quantity]
    prior = prior or PRIORS[quantity]
    residuals = [residual(curve, actual, space) for curve, actual in _pairs(forecasts, quantity)]
    values = np.array([r.value for r in residuals], float)
    weights = np.array([1.0 / r.forecast_sd**2 for r in residuals], float)
    prior_precision = 1.0 / prior.shift_sd**2
    precision = prior_precision + weights.sum()
    mean = (prior_precision * prior.shift_mean + np.sum(weights * values)) / precision
    shape = prior.spread_shape + values.size / 2.0
    scale = prior.spread_scale + 0.5 * (
        np.sum(weights * values**2) + prior_precision * prior.shift_mean**2 - precision * mean**2
    )
    return Correction(
        quantity=quantity,
        space=space,
        projects=int(values.size),
        shift_mean=float(mean),
        shift_precision=float(precision),
        spread_shape=float(shape),
        spread_scale=float(max(scale, 1e-12)),
        data_weight=float(weights.sum() / precision),
    )


def _pairs(forecasts: Sequence[tuple[Curve, float]], quantity: str) -> list[tuple[Curve, float]]:
    pairs = []
    for index, pair in enumerate(forecasts):
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise ValueError(f"{quantity} forecasts[{index}] must be a (curve, actual) pair")
        curve, actual = pair
        if not isinstance(curve, Curve):
            raise ValueError(f"{quantity} forecasts[{index}]: the first item must be a Curve")
        pairs.append((curve, checks.finite(actual, f"{quantity} actual[{index}]")))
    return pairs


def team_corrections(
    projects: Sequence[ClosedProject], horizon: str = "first"
) -> dict[str, Correction]:
    """Each quantity's correction from a team's shipped projects, using the estimate at
    `horizon` (match it to the estimate being corrected: see `matching_horizon`). Stopped
    projects are left out: their spending was cut short (docs/calibration.md)."""
    if horizon not in HORIZONS:
        raise ValueError(f"horizon must be one of {', '.join(HORIZONS)}, got {horizon!r}")
    pairs: dict[str, list[tuple[Curve, float]]] = {quantity: [] for quantity in QUANTITIES}
    for project in projects:
        actuals = actual_values(project)
        if not actuals:
            continue
        chosen = pick_horizons(
            [estimate.finished_at for estimate in project.estimates],
            project.started_on,
            project.ended_on,
        ).index(horizon)
        if chosen is None:
            continue
        try:
            forecast = Forecast.from_result(project.estimates[chosen].result)
        except ValueError as error:
            raise ValueError(f"project {project.key!r}, estimate {chosen + 1}: {error}") from error
        for quantity, actual in actuals.items():
            pairs[quantity].append((forecast.curves[quantity], actual))
    return {quantity: fit_correction(quantity, pairs[quantity]) for quantity in QUANTITIES}


def matching_horizon(weeks_elapsed: float, forecast_median_weeks: float) -> str:
    """The horizon whose track record fits an estimate made `weeks_elapsed` into a project
    expected to take `forecast_median_weeks`: first before a quarter of the way, halfway up to
    three quarters, last after."""
    elapsed = checks.finite(weeks_elapsed, "weeks_elapsed")
    median = checks.finite(forecast_median_weeks, "forecast_median_weeks")
    if elapsed < 0 or median <= 0:
        raise ValueError("weeks_elapsed must be at least 0 and the median weeks more than 0")
    share = elapsed / median
    return "first" if share < 0.25 else ("halfway" if share < 0.75 else "last")


# --- The corrected distribution ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Moved:
    """A forecast in the transformed space with the posterior nodes that move it."""

    curve: Curve
    mean: float
    shifts: np.ndarray
    scales: np.ndarray

    @classmethod
    def of(cls, curve: Curve, correction: Correction) -> _Moved:
        transformed = Curve(curve.levels, to_space(curve.values, correction.space))
        mean, _ = forecast_moments(curve, correction.space)
        shifts, scales = correction.nodes()
        return cls(transformed, mean, shifts, scales)

    def node_cdf(self, z: np.ndarray, inclusive: bool = True) -> np.ndarray:
        """Each node's distribution function at each point of z: shape (len(z), nodes)."""
        z = np.asarray(z, float)[..., None]
        back = self.mean + (z - self.mean - self.shifts) / self.scales
        return self.curve.cdf(back, inclusive=inclusive)

    def cdf(self, z: np.ndarray, inclusive: bool = True) -> np.ndarray:
        return self.node_cdf(z, inclusive).mean(axis=-1)

    def node_values(self, level: np.ndarray) -> np.ndarray:
        base = np.interp(level, self.curve.levels, self.curve.values)[..., None]
        return self.mean + self.shifts + self.scales * (base - self.mean)

    def quantiles(self, levels: np.ndarray) -> np.ndarray:
        """The mixture's quantiles, by bisection between the nodes' smallest and largest."""
        levels = np.asarray(levels, float)
        per_node = self.node_values(levels)
        low, high = per_node.min(axis=-1), per_node.max(axis=-1)
        for _ in range(50):
            middle = (low + high) / 2.0
            below = self.cdf(middle) < levels
            low = np.where(below, middle, low)
            high = np.where(below, high, middle)
        return high


def corrected_curve(curve: Curve, correction: Correction) -> Curve:
    """The forecast as this team's track record says it will turn out, at the same levels."""
    moved = _Moved.of(curve, correction)
    values = moved.quantiles(curve.levels)
    return Curve(curve.levels, from_space(np.maximum.accumulate(values), correction.space))


def corrected_quantile(curve: Curve, correction: Correction, level: float) -> float:
    level = checks.probability(level, "level")
    moved = _Moved.of(curve, correction)
    return float(from_space(moved.quantiles(np.array([level]))[0], correction.space))


@dataclass(frozen=True)
class CorrectedChance:
    """A chance before and after the correction. `low` and `high` are the 10th and 90th
    percentiles of the corrected chance over the correction's own uncertainty."""

    raw: float
    corrected: float
    low: float
    high: float


def corrected_chance(
    curve: Curve, correction: Correction, threshold: float, *, at_least: bool = False
) -> CorrectedChance:
    """The chance the quantity ends at or below `threshold` (a budget, a deadline), or at or
    above it with `at_least` (a target score), before and after the correction."""
    threshold = checks.finite(threshold, "threshold")
    moved = _Moved.of(curve, correction)
    point = to_space(threshold, correction.space)
    if at_least:
        raw = 1.0 - float(moved.curve.cdf(point, inclusive=False))
        per_node = 1.0 - moved.node_cdf(point, inclusive=False)
    else:
        raw = float(moved.curve.cdf(point, inclusive=True))
        per_node = moved.node_cdf(point, inclusive=True)
    low, high = np.quantile(per_node, [0.1, 0.9])
    return CorrectedChance(raw, float(per_node.mean()), float(low), float(high))


# --- The "calibrated for this team's track record" view ---------------------------------------

CHANCE_OF = {
    "within_budget": ("cost_usd", "budget_usd", False),
    "by_deadline": ("duration_weeks", "deadline_weeks", False),
    "meets_target": ("production_metric", "target_value", True),
}


@dataclass(frozen=True, eq=False)
class CalibratedView:
    """A new estimate beside its correction for this team's track record.

    `curves` and `chances` hold only the corrected quantities; `not_corrected` says, for the
    others, why not (too few closed projects). The chance of meeting all targets at once is
    not corrected: the stored result keeps each quantity's distribution but not how they move
    together, so it cannot be recomputed without re-running the engine.
    """

    corrections: Mapping[str, Correction]
    curves: Mapping[str, Curve]
    chances: Mapping[str, CorrectedChance]
    not_corrected: Mapping[str, str]


def calibrated_view(
    result: Mapping, corrections: Mapping[str, Correction], minimum: int | None = None
) -> CalibratedView:
    """Corrects a stored estimate result with a team's corrections (from `team_corrections`).
    A quantity is corrected only when its correction rests on at least `minimum` projects
    (MIN_PROJECTS_FOR_CORRECTION unless given)."""
    minimum = MIN_PROJECTS_FOR_CORRECTION if minimum is None else minimum
    forecast = Forecast.from_result(result)
    curves, chances, not_corrected, used = {}, {}, {}, {}
    for quantity in QUANTITIES:
        correction = corrections.get(quantity)
        projects = correction.projects if correction else 0
        if correction is None or projects < minimum:
            not_corrected[quantity] = (
                f"needs {minimum} closed projects with it measured; this team has {projects}"
            )
            continue
        if correction.quantity != quantity:
            raise ValueError(f"the correction given for {quantity} is for {correction.quantity}")
        used[quantity] = correction
        curves[quantity] = corrected_curve(forecast.curves[quantity], correction)
    for chance, (quantity, threshold_name, at_least) in CHANCE_OF.items():
        if quantity in used:
            chances[chance] = corrected_chance(
                forecast.curves[quantity],
                used[quantity],
                getattr(forecast, threshold_name),
                at_least=at_least,
            )
    return CalibratedView(used, curves, chances, not_corrected)
