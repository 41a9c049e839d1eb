"""Reference-class correction: how a team's actual cost, weeks and production score compare
with what was forecast, shrunk toward a published prior, and applied to a new estimate.

The model (docs/calibration.md gives the why and the prior's sources). In a transformed space
(log for cost and weeks, logit for the production score) a team's outcome is its forecast
moved by a shift `mu` and widened by a factor `k` around the forecast's mean `m`:

    g(actual) = m + mu + k * (g(X) - m),   X drawn from the forecast.

`exp(mu)` is the ratio of actual to forecast (1.3: 30% over, at every percentile). Each
closed project's likelihood is its own forecast, moved: the density of the forecast curve at
`m + (g(actual) - m - mu) / k`, mixed with a small chance of an outcome the forecast did not
foresee at all (so one actual beyond every simulated trial cannot rule a shift out). The
prior is normal on `mu` (between-team spread from published overruns) and log-normal on `k`.
The posterior is computed on a grid: exact for this model, with no normal approximation of
the engine's skewed forecasts (one project in six is a black swan, so the log ratio is far
from normal). A few projects move `mu` a little and many move it a lot, because the prior
counts the same however many projects there are.

A corrected forecast is the mixture of the moved forecasts over the posterior, so the
correction's own uncertainty widens it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from weakref import WeakKeyDictionary

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
# Where many trials share one value (a jump), the density is spread over this width of the
# transformed space (1% of cost or weeks) instead of being infinite.
MIN_STRETCH = 0.01
# The chance that an outcome is one the forecast did not foresee at all, and how wide (in the
# forecast's standard deviations) such outcomes scatter around it.
UNFORESEEN_CHANCE = 0.01
UNFORESEEN_WIDTH = 3.0
# The grid: shifts within 8 prior standard deviations of the prior mean (for cost, ×0.14 to
# ×7.4), spread factors within 3 prior standard deviations of 1.
SHIFT_GRID = np.linspace(-8.0, 8.0, 321)
SPREAD_GRID = np.linspace(-3.0, 3.0, 13)
SQRT_TAU = math.sqrt(2.0 * math.pi)
# Shifts drawn per spread factor when the posterior is used to move a forecast.
SHIFT_NODES = 16
# Halvings of the bracket when inverting the corrected distribution: 2**-40 of its width.
BISECTION_STEPS = 40
# The corrected view is offered from this many closed projects with the quantity measured.
MIN_PROJECTS_FOR_CORRECTION = 3


@dataclass(frozen=True)
class Prior:
    """The global prior on a team's shift and spread (docs/calibration.md gives the sources).

    shift_mean: the expected shift before any history (0: the engine, already fitted to the
    published reference class, is right on average). shift_sd: how much teams differ (tau).
    spread_log_sd: how much teams' scatter differs from the forecast's, as the standard
    deviation of log k (the prior median of k is 1: the forecast's spread is right).
    """

    shift_mean: float
    shift_sd: float
    spread_log_sd: float


PRIORS = MappingProxyType(
    {
        "cost_usd": Prior(shift_mean=0.0, shift_sd=0.25, spread_log_sd=0.2),
        "duration_weeks": Prior(shift_mean=0.0, shift_sd=0.25, spread_log_sd=0.2),
        "production_metric": Prior(shift_mean=0.0, shift_sd=0.5, spread_log_sd=0.2),
    }
)


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


def forecast_moments(curve: Curve, space: str) -> tuple[float, float]:
    """Mean and standard deviation of the forecast in the transformed space, from the values
    at the middle of each stretch between stored levels (weighted by the stretch's share), so
    the extreme first and last trials do not dominate."""
    middles, weights = curve.midpoint_values()
    transformed = to_space(middles, space)
    mean = float(np.sum(weights * transformed))
    sd = float(math.sqrt(np.sum(weights * (transformed - mean) ** 2)))
    return mean, sd


@dataclass(frozen=True, eq=False)
class _Transformed:
    """A forecast in the transformed space, with what the likelihood and the mixture need."""

    curve: Curve
    density: np.ndarray
    mean: float
    sd: float


_TRANSFORMED: WeakKeyDictionary[Curve, dict[str, _Transformed]] = WeakKeyDictionary()


def _transformed(curve: Curve, space: str) -> _Transformed:
    """Cached per curve: a team's forecasts are read once for every fit and view that uses them."""
    by_space = _TRANSFORMED.setdefault(curve, {})
    if space not in by_space:
        knots = to_space(curve.values, space)
        mean, sd = forecast_moments(curve, space)
        by_space[space] = _Transformed(
            curve=Curve(curve.levels, knots),
            density=np.diff(curve.levels) / np.maximum(np.diff(knots), MIN_STRETCH),
            mean=mean,
            sd=max(sd, MIN_STRETCH),
        )
    return by_space[space]


def log_likelihood(
    curve: Curve, actual: float, space: str, shifts: np.ndarray, spreads: np.ndarray
) -> np.ndarray:
    """log p(actual | mu, k) for every shift (rows) and spread factor (columns)."""
    forecast = _transformed(curve, space)
    knots, density, mean = forecast.curve.values, forecast.density, forecast.mean
    point = float(to_space(checks.finite(actual, "actual value"), space))
    shift, spread = shifts[:, None], spreads[None, :]
    back = mean + (point - mean - shift) / spread
    stretch = np.searchsorted(knots, back, side="right") - 1
    inside = (stretch >= 0) & (stretch < density.size)
    foreseen = np.where(inside, density[np.clip(stretch, 0, density.size - 1)], 0.0) / spread
    width = UNFORESEEN_WIDTH * forecast.sd * spread
    # In logs throughout: for a sharp forecast (a score held near 1, sd 0.01) an actual far off
    # makes the normal's density underflow to 0 at every shift, and log(0) would leave no
    # finite posterior at all.
    log_unforeseen = -0.5 * ((point - mean - shift) / width) ** 2 - np.log(width * SQRT_TAU)
    log_foreseen = np.full(foreseen.shape, -np.inf)
    np.log(foreseen, out=log_foreseen, where=foreseen > 0)
    return np.logaddexp(
        math.log1p(-UNFORESEEN_CHANCE) + log_foreseen,
        math.log(UNFORESEEN_CHANCE) + log_unforeseen,
    )


@dataclass(frozen=True, eq=False)
class Correction:
    """The posterior of a team's shift `mu` and spread factor `k` for one quantity, on a grid
    (`posterior[i, j]` is the weight of `shifts[i]` and `spreads[j]`; it sums to 1)."""

    quantity: str
    space: str
    projects: int
    prior: Prior
    shifts: np.ndarray
    spreads: np.ndarray
    posterior: np.ndarray

    @cached_property
    def _shift_weights(self) -> np.ndarray:
        return self.posterior.sum(axis=1)

    @property
    def shift_mean(self) -> float:
        return float(np.sum(self._shift_weights * self.shifts))

    @property
    def shift_sd(self) -> float:
        spread = np.sum(self._shift_weights * (self.shifts - self.shift_mean) ** 2)
        return float(math.sqrt(spread))

    def shift_interval(self, coverage: float = 0.8) -> tuple[float, float]:
        """The central `coverage` credible interval of the shift."""
        coverage = checks.probability(coverage, "coverage")
        cumulative = _cell_cdf(self.shifts, self._shift_weights)
        tail = (1.0 - coverage) / 2.0
        low, high = np.interp([tail, 1.0 - tail], cumulative[1], cumulative[0])
        return float(low), float(high)

    @property
    def factor(self) -> float | None:
        """For cost and weeks: what the team's outcomes run at, as a multiple of the forecast
        (1.3: 30% more than forecast). None for the production score (a logit shift)."""
        return math.exp(self.shift_mean) if self.space == "log" else None

    @property
    def spread_factor(self) -> float:
        """How much wider (above 1) or narrower the team's outcomes scatter than forecast."""
        return float(np.sum(self.posterior.sum(axis=0) * self.spreads))

    @property
    def data_weight(self) -> float:
        """How far the team's own projects have moved the shift from the prior, from 0 (not at
        all: the prior's uncertainty is untouched) to 1 (the prior no longer matters): one
        minus the posterior variance over the prior variance."""
        return float(min(1.0, max(0.0, 1.0 - self.shift_sd**2 / self.prior.shift_sd**2)))

    @cached_property
    def nodes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(shift, spread factor, weight) triples that stand for the posterior when moving a
        forecast: for each spread factor on the grid with any weight, SHIFT_NODES quantiles
        of the shift given it. Deterministic, so a corrected view never changes on reload."""
        levels = (np.arange(SHIFT_NODES) + 0.5) / SHIFT_NODES
        shifts, spreads, weights = [], [], []
        spread_weights = self.posterior.sum(axis=0)
        for column, weight in enumerate(spread_weights):
            if weight < 1e-9:
                continue
            cumulative = _cell_cdf(self.shifts, self.posterior[:, column] / weight)
            shifts.append(np.interp(levels, cumulative[1], cumulative[0]))
            spreads.append(np.full(SHIFT_NODES, self.spreads[column]))
            weights.append(np.full(SHIFT_NODES, weight / SHIFT_NODES))
        weight_array = np.concatenate(weights)
        return np.concatenate(shifts), np.concatenate(spreads), weight_array / weight_array.sum()


def _cell_cdf(grid: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, cumulative shares) of grid weights spread evenly over each grid cell."""
    step = grid[1] - grid[0]
    edges = np.concatenate([[grid[0] - step / 2.0], grid + step / 2.0])
    return edges, np.concatenate([[0.0], np.cumsum(weights)])


def fit_correction(
    quantity: str, forecasts: Sequence[tuple[Curve, float]], prior: Prior | None = None
) -> Correction:
    """The posterior correction for `quantity` from (forecast curve, actual value) pairs, one
    per closed project. With no pairs it is the prior itself."""
    if quantity not in SPACES:
        raise ValueError(f"quantity must be one of {', '.join(SPACES)}, got {quantity!r}")
    space = SPACES[quantity]
    prior = prior or PRIORS[quantity]
    if prior.shift_sd <= 0 or prior.spread_log_sd <= 0:
        raise ValueError("a prior needs a shift_sd and a spread_log_sd above 0")
    shifts = prior.shift_mean + prior.shift_sd * SHIFT_GRID
    spreads = np.exp(prior.spread_log_sd * SPREAD_GRID)
    # Normal prior on the shift and on log k; both grids are evenly spaced in those terms.
    total = (
        stats.norm.logpdf(SHIFT_GRID)[:, None] + stats.norm.logpdf(SPREAD_GRID)[None, :]
    ).copy()
    pairs = _pairs(forecasts, quantity)
    for curve, actual in pairs:
        total += log_likelihood(curve, actual, space, shifts, spreads)
    weights = np.exp(total - total.max())
    return Correction(
        quantity=quantity,
        space=space,
        projects=len(pairs),
        prior=prior,
        shifts=shifts,
        spreads=spreads,
        posterior=weights / weights.sum(),
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


class CorrectedForecast:
    """A forecast curve moved by a team's correction: the mixture, over the posterior nodes
    of (mu, k), of the forecast shifted by mu and widened by k around its mean in the
    transformed space. Build it once and read it several ways."""

    def __init__(self, curve: Curve, correction: Correction) -> None:
        self.correction = correction
        self.space = correction.space
        self.levels = curve.levels
        forecast = _transformed(curve, self.space)
        self.transformed, self.mean = forecast.curve, forecast.mean
        self.shifts, self.spreads, self.weights = correction.nodes

    def _node_cdf(self, z: np.ndarray, inclusive: bool) -> np.ndarray:
        """Each node's distribution function at each point of z: shape z.shape + (nodes,)."""
        z = np.asarray(z, float)[..., None]
        back = self.mean + (z - self.mean - self.shifts) / self.spreads
        return self.transformed.cdf(back, inclusive=inclusive)

    def _mixture_cdf(self, z: np.ndarray, inclusive: bool = True) -> np.ndarray:
        return self._node_cdf(z, inclusive) @ self.weights

    def _quantiles(self, levels: np.ndarray) -> np.ndarray:
        """The mixture's quantiles in the transformed space, by bisection between the
        nodes' smallest and largest values at each level."""
        base = np.interp(levels, self.transformed.levels, self.transformed.values)[..., None]
        per_node = self.mean + self.shifts + self.spreads * (base - self.mean)
        low, high = per_node.min(axis=-1), per_node.max(axis=-1)
        for _ in range(BISECTION_STEPS):
            middle = (low + high) / 2.0
            below = self._mixture_cdf(middle) < levels
            low = np.where(below, middle, low)
            high = np.where(below, high, middle)
        return high

    def cdf(self, value: float, *, inclusive: bool = True) -> float:
        """Share of the corrected distribution at or below `value` (or strictly below)."""
        point = to_space(checks.finite(value, "value"), self.space)
        return float(self._mixture_cdf(point, inclusive))

    def quantile(self, level: float) -> float:
        level = checks.probability(level, "level")
        return float(from_space(self._quantiles(np.array([level]))[0], self.space))

    def curve(self) -> Curve:
        """The corrected distribution at the forecast's own levels."""
        values = np.maximum.accumulate(self._quantiles(self.levels))
        return Curve(self.levels, from_space(values, self.space))

    def chance(self, threshold: float, *, at_least: bool = False) -> CorrectedChance:
        """The chance the quantity ends at or below `threshold` (a budget, a deadline), or at
        or above it with `at_least` (a target score), before and after the correction. The
        "before" is read from the curve the same way, so the two differ only by the
        correction."""
        point = to_space(checks.finite(threshold, "threshold"), self.space)
        if at_least:
            raw = 1.0 - float(self.transformed.cdf(point, inclusive=False))
            per_node = 1.0 - self._node_cdf(point, False)
        else:
            raw = float(self.transformed.cdf(point, inclusive=True))
            per_node = self._node_cdf(point, True)
        order = np.argsort(per_node, kind="stable")
        cumulative = np.cumsum(self.weights[order]) - self.weights[order] / 2.0
        low, high = np.interp([0.1, 0.9], cumulative, per_node[order])
        return CorrectedChance(raw, float(per_node @ self.weights), float(low), float(high))


@dataclass(frozen=True)
class CorrectedChance:
    """A chance before and after the correction. `low` and `high` are the 10th and 90th
    percentiles of the corrected chance over the correction's own uncertainty."""

    raw: float
    corrected: float
    low: float
    high: float


def corrected_curve(curve: Curve, correction: Correction) -> Curve:
    """The forecast as this team's track record says it will turn out, at the same levels."""
    return CorrectedForecast(curve, correction).curve()


def corrected_quantile(curve: Curve, correction: Correction, level: float) -> float:
    return CorrectedForecast(curve, correction).quantile(level)


def corrected_chance(
    curve: Curve, correction: Correction, threshold: float, *, at_least: bool = False
) -> CorrectedChance:
    return CorrectedForecast(curve, correction).chance(threshold, at_least=at_least)


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
    curves, chances, not_corrected, used, corrected = {}, {}, {}, {}, {}
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
        corrected[quantity] = CorrectedForecast(forecast.curves[quantity], correction)
        curves[quantity] = corrected[quantity].curve()
    for chance, (quantity, threshold_name, at_least) in CHANCE_OF.items():
        if quantity in corrected:
            threshold = getattr(forecast, threshold_name)
            chances[chance] = corrected[quantity].chance(threshold, at_least=at_least)
    return CalibratedView(used, curves, chances, not_corrected)
