"""Production scores, one chunk of trials at a time (MODEL.md §4.4): the learning curve (a prior
or a fitted pilot curve), missing values, the test-to-production retention, the metric
stakeholders judge by, and drift over the first year.

Vectorised over trials like the rest of the engine; nothing loops over trials in Python.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from scipy.optimize import least_squares
from scipy.special import betaincinv, ndtr, ndtri

from . import classifier, priors
from .derived import Derived, PilotFit
from .draws import Draws, between, lognormal
from .inputs import InputError

RETENTION_POINTS = 4096
RETENTION_GRID = (np.arange(RETENTION_POINTS) + 0.5) / RETENTION_POINTS


def pilot_error(examples, floor, scale, exponent):
    return floor + scale * np.power(examples, -exponent)


@lru_cache(maxsize=32)
def fit_pilot(points: tuple[tuple[float, float], ...]) -> PilotFit:
    """Weighted least squares, larger pilots weighing more (Figueroa et al. 2012)."""
    examples = np.array([count for count, _ in points], dtype=float)
    errors = 1.0 - np.array([score for _, score in points])
    # Fitted as floor + level (n / reference)^-exponent, with the reference the pilot sizes'
    # geometric mean: the level is then an error the pilot saw, and the fit is well scaled
    # even when sizes span many orders of magnitude.
    reference = float(np.exp(np.log(examples).mean()))
    floor0 = max(0.0, errors.min() * 0.8)
    start = (floor0, max(float(np.median(errors)) - floor0, 1e-3), 0.5)
    weights = np.sqrt(examples)  # residuals divided by sigma = 1 / sqrt(n)

    def residuals(params: np.ndarray) -> np.ndarray:
        return (pilot_error(examples / reference, *params) - errors) * weights

    try:
        fit = least_squares(
            residuals,
            start,
            bounds=([0.0, 0.0, 0.01], [1.0, np.inf, 3.0]),
            x_scale="jac",
            max_nfev=300,
        )
    except ValueError as exc:
        message = f"could not fit a learning curve to the points ({exc})"
        raise InputError({"pilot_curve": message}) from None
    if not np.all(np.isfinite(fit.x)):
        raise InputError({"pilot_curve": "could not fit a learning curve to the points"})
    # The best fit found is used even when the optimiser stops at its evaluation limit: a
    # curve pressed against a bound (a very steep one, say) converges slowly but fits well.
    mean = fit.x
    spare = len(examples) - len(mean)
    with np.errstate(all="ignore"):
        try:
            covariance = np.linalg.pinv(fit.jac.T @ fit.jac) * (
                2.0 * fit.cost / spare if spare > 0 else np.inf
            )
        except np.linalg.LinAlgError:
            covariance = np.full((3, 3), np.inf)
    if not np.all(np.isfinite(covariance)):
        # Too few points to judge the fit: assume 20% relative uncertainty on each parameter.
        covariance = np.diag((0.2 * np.maximum(mean, 1e-3)) ** 2)
    # A fit at the edge of its bounds can return a covariance that is not positive definite:
    # keep its non-negative part (eigenvalues clipped at 0), so the draws stay well defined.
    covariance = (covariance + covariance.T) / 2.0
    values, vectors = np.linalg.eigh(covariance)
    factor = vectors * np.sqrt(np.clip(values, 0.0, None))
    return PilotFit(mean=mean, cholesky=factor, reference=reference)


@lru_cache(maxsize=1)
def _skill_kept_quantiles() -> dict[str, np.ndarray]:
    """Quantiles of the share of skill kept, by shift kind; a harsher kind never keeps more at
    the same quantile (so a trial never improves when the shift gets worse)."""
    table, ceiling = {}, np.ones(RETENTION_POINTS)
    for shift in priors.SHIFT_ORDER:
        a, b = priors.SKILL_KEPT_BETA[shift]
        ceiling = np.minimum(ceiling, betaincinv(a, b, RETENTION_GRID))
        quantiles = ceiling.copy()
        quantiles.setflags(write=False)
        table[shift] = quantiles
    return table


def skill_kept_quantiles(shift: str) -> np.ndarray:
    return _skill_kept_quantiles()[shift]


def shifted(offline: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Production balanced accuracy: the offline skill (probit, d'/2) times the share kept.

    Linear in probit space through chance (Recht et al. 2019; Miller et al. 2021's Gaussian
    model): a model without skill stays at chance, never below, and gains carry over."""
    return ndtr(kept * ndtri(np.clip(offline, 0.5, 1.0 - 1e-12)))


def skill_kept_for(production: np.ndarray, offline: np.ndarray) -> np.ndarray:
    """Inverse of `shifted`: the share of skill that turns `offline` into `production`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        kept = ndtri(np.clip(production, 0.5, 1.0 - 1e-12)) / ndtri(
            np.clip(offline, 0.5 + 1e-12, 1.0 - 1e-12)
        )
    return np.clip(np.nan_to_num(kept, nan=1.0, posinf=1.0), 0.0, 1.0)


def balance_factor(positive_fraction: float) -> float:
    """Effective sample size per label: 2 √(π (1 − π)), so n_eff = 2 √(positives × negatives).

    1 for balanced classes; for rare positives it counts the positives, each one worth more
    when there are many negatives to set it against (ULB fraud: 492 frauds in 284,807
    transactions are enough for boosted trees to reach precision and recall near 0.8)."""
    return 2.0 * float(np.sqrt(positive_fraction * (1.0 - positive_fraction)))


def simulate(
    project: dict[str, Any], derived: Derived, draws: Draws, progress: dict[str, Any] | None = None
) -> dict[str, np.ndarray]:
    """Offline score, production metrics at launch and over the first year."""
    labels = project["labeled_examples"] + project["planned_new_labels"]
    error_start = 1.0 - project["baseline_score"]
    missing_impact = np.zeros(draws.size)
    label_worth = np.ones(draws.size)
    if derived.pilot is None:
        error_floor = min(
            error_start,
            1.0
            - project["achievable_score"]
            + priors.LABEL_NOISE_ERROR_SHARE * project["label_noise"],
        )
        exponent = np.clip(
            lognormal(
                priors.LEARNING_CURVE_EXPONENT[project["task_type"]],
                priors.LEARNING_CURVE_SIGMA,
                draws.normal("accuracy.curve"),
            ),
            *priors.LEARNING_CURVE_EXPONENT_RANGE,
        )
        if project["approach"] == "fine_tune":
            label_worth = lognormal(
                priors.PRETRAINED_LABEL_WORTH[project["task_type"]],
                priors.PRETRAINED_LABEL_WORTH_SIGMA,
                draws.normal("accuracy.pretrained"),
            )
        scale = np.full(draws.size, error_start - error_floor)
        floor = np.full(draws.size, error_floor)
        missing_impact = (
            between(*priors.MISSING_IMPACT, draws.uniform("accuracy.missing"))
            * (priors.MISSING_NOT_AT_RANDOM if project["missing_not_at_random"] else 1.0)
            * project["missing_value_rate"]
        )
        per_label = balance_factor(project["positive_fraction"]) * label_worth
        curve_scale = priors.LEARNING_CURVE_SCALE[project["task_type"]]

        def error_at(examples: float) -> np.ndarray:
            effective = examples * per_label / curve_scale
            return floor + scale * np.power(1.0 + effective, -exponent)

    else:
        # Pilot points measure the team's own data, gaps and label noise included.
        fitted = derived.pilot.mean[:, None] + derived.pilot.cholesky @ draws.normal_rows(
            "accuracy.pilot", 3
        )
        floor = np.clip(fitted[0], 0.0, 0.5)
        level = np.clip(fitted[1], 0.0, None)
        exponent = np.clip(fitted[2], 0.01, 3.0)
        reference = derived.pilot.reference
        with np.errstate(over="ignore"):
            scale = np.minimum(level * reference**exponent, 1e300)  # error = floor + scale n^-c

        def error_at(examples: float) -> np.ndarray:
            relative = max(examples, 1.0) / reference
            return np.clip(floor + level * relative ** (-exponent), floor, 0.5)

    offline = np.clip((1.0 - error_at(labels)) * (1.0 - missing_impact), 0.5, 1.0)
    offline_shift = np.zeros(draws.size)
    measured_offline = progress and progress["offline_score"]
    if measured_offline:
        # A measured score replaces the prior at today's data size; the curve's shape still
        # says how much the remaining labels add. The measurement itself has some noise.
        labels_now = project["labeled_examples"] + progress["labels_done"]
        prior_now = np.clip((1.0 - error_at(labels_now)) * (1.0 - missing_impact), 0.5, 1.0)
        noise = priors.MEASUREMENT_SIGMA * draws.normal("progress.offline_noise")
        offline_shift = measured_offline + noise - prior_now
        offline = np.clip(offline + offline_shift, 0.5, 1.0)
        offline_shift = offline - np.clip(
            (1.0 - error_at(labels)) * (1.0 - missing_impact), 0.5, 1.0
        )

    uniform = draws.uniform("accuracy.retention")
    quantiles = skill_kept_quantiles(derived.effective_shift)
    position = np.clip(uniform * RETENTION_POINTS - 0.5, 0.0, RETENTION_POINTS - 1.000001)
    index = position.astype(np.intp)
    share = position - index
    retention = quantiles[index] * (1.0 - share) + quantiles[index + 1] * share
    measured_production = progress and progress["production_score"]
    if measured_production:
        # Measured on real traffic: the gap to the test set is no longer a guess.
        reference = measured_offline or float(np.median(offline - offline_shift))
        retention = np.full(
            draws.size, float(skill_kept_for(np.array(measured_production), np.array(reference)))
        )
    production = shifted(offline, retention)
    prevalence = derived.production_prevalence
    target_metric, target_value = project["target_metric"], project["target_value"]
    table = classifier.operating_table(prevalence, target_metric, target_value)
    metrics = {
        name: classifier.lookup(production, table[name])
        for name in ("accuracy", "recall", "precision", "metric", "skill")
    }

    no_drift = draws.uniform("drift.none") < priors.NO_DRIFT_PROBABILITY
    yearly_loss = np.where(
        no_drift,
        0.0,
        np.minimum(
            lognormal(
                priors.DRIFT_YEARLY_LOSS[project["drift"]],
                priors.DRIFT_SIGMA,
                draws.normal("drift.loss"),
            ),
            priors.DRIFT_MAX_YEARLY_LOSS,
        ),
    )
    monthly = monthly_balanced(production, yearly_loss, project["retrain_every_months"], 12)
    accuracy_12m = classifier.lookup(monthly, table["accuracy"]).mean(axis=1)
    target = metrics["metric"]
    return {
        "offline": offline,
        "production_balanced": production,
        "production_accuracy": metrics["accuracy"],
        "production_recall": metrics["recall"],
        "production_precision": metrics["precision"],
        "production_metric": target,
        "production_skill": metrics["skill"],
        "accuracy_12m": accuracy_12m,
        "yearly_loss": yearly_loss,
        "retention": retention,
        "curve_exponent": exponent,
        "curve_floor": floor,
        "curve_scale": scale,
        "label_worth": label_worth,
        "offline_shift": offline_shift,
        "missing_impact": missing_impact,
        # Judged on the uncapped value: the capped one interpolates below the target just past
        # the grid point where a recall or precision target first becomes reachable.
        "meets_target": metrics["skill"] >= target_value,
    }


def monthly_balanced(
    launch: np.ndarray, yearly_loss: np.ndarray, retrain_every: int, months: int
) -> np.ndarray:
    """Balanced accuracy at the end of months 1..months; retraining restores the launch level."""
    month = np.arange(1, months + 1, dtype=float)
    age = month % retrain_every if retrain_every else month
    log_kept_per_month = np.log1p(-yearly_loss) / 12.0
    kept = np.exp(np.outer(log_kept_per_month, age))
    return np.maximum(0.5, launch[:, None] * kept)
