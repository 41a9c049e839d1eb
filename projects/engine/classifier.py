"""From balanced accuracy to the metrics stakeholders judge by (MODEL.md §4.4, docs/model.md).

The classifier is a binormal ROC: scores of negative cases follow N(0, 1), scores of positive
cases N(mu, sigma^2). Its skill is the balanced accuracy `s` at its best balanced threshold
(the Youden point); `mu` follows from `s` and `sigma`. With equal variances (sigma = 1) this is
the textbook d' = 2 Φ⁻¹(s). Rare positive classes are heterogeneous (some frauds are obvious,
others look like ordinary payments), so their scores spread wider: sigma grows as the positive
class gets rarer, fitted to two public imbalanced benchmarks (docs/model.md: ULB credit-card
fraud and MIMIC-III in-hospital mortality).

The team operates the model at the threshold that serves the stakeholders' metric:

- accuracy: the accuracy-optimal threshold at the production prevalence (never worse than
  always answering the majority class);
- f1 and pr_auc: the F1-optimal threshold (pr_auc itself needs no threshold);
- recall (precision): the threshold that reaches the target recall (precision) while the other
  metric stays at or above a floor a fifth of the way from no skill to perfect (`other_floor`);
  a model that cannot is judged by the most it reaches at that floor. Without a floor any
  recall target is met by flagging everything, and any precision target by flagging one sure
  case.

The tables depend on a trial only through `s`, so they are built once per prevalence and target
on a uniform grid of `s` and interpolated per trial.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import ndtr

GRID_START, GRID_END, GRID_POINTS = 0.5, 0.99999, 1201
SCORE_GRID = np.linspace(GRID_START, GRID_END, GRID_POINTS)
GRID_STEP = (GRID_END - GRID_START) / (GRID_POINTS - 1)
THRESHOLD_POINTS = 1600
BLOCK = 200  # grid rows evaluated at once, to keep memory small

# Spread of the positive class's scores (sigma): 1 from 10% positives up, wider below, as a power
# of the rarity fitted so that 0.172% positives give 2.5 (ULB fraud, docs/model.md).
EQUAL_VARIANCE_FROM = 0.10
SPREAD_EXPONENT = 0.2255
MAX_SPREAD = 3.0

TARGET_METRICS = ("accuracy", "recall", "precision", "f1", "pr_auc")
# A recall (precision) target counts as met only with the other metric at least this share of the
# way from a model without skill to perfect (other_floor).
OTHER_FLOOR_SHARE = 0.2


def positive_spread(prevalence: float) -> float:
    """Standard deviation of positive cases' scores (negatives' being 1) for a skilled model."""
    if prevalence >= EQUAL_VARIANCE_FROM:
        return 1.0
    return float(min(MAX_SPREAD, (EQUAL_VARIANCE_FROM / prevalence) ** SPREAD_EXPONENT))


# The positive class's extra spread shows as a model gains skill (a model without skill scores
# both classes alike): it grows linearly from none at balanced accuracy 0.5 to full at 0.75.
SPREAD_FULL_AT = 0.75


@lru_cache(maxsize=16)
def spreads(prevalence: float) -> np.ndarray:
    """sigma for each balanced accuracy on SCORE_GRID."""
    full = positive_spread(prevalence)
    ramp = np.clip((SCORE_GRID - 0.5) / (SPREAD_FULL_AT - 0.5), 0.0, 1.0)
    sigma = 1.0 + (full - 1.0) * ramp
    sigma.setflags(write=False)
    return sigma


def youden_balanced(mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Balanced accuracy at the best threshold, where the two score densities cross."""
    mu, sigma = np.broadcast_arrays(np.asarray(mu, float), np.asarray(sigma, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        a = 1.0 - 1.0 / sigma**2
        b = 2.0 * mu / sigma**2
        c = -(mu**2) / sigma**2 - 2.0 * np.log(sigma)
        root = (-b + np.sqrt(np.maximum(b * b - 4.0 * a * c, 0.0))) / (2.0 * a)
        threshold = np.where(np.abs(a) < 1e-12, mu / 2.0, root)
    return (ndtr((mu - threshold) / sigma) + ndtr(threshold)) / 2.0


@lru_cache(maxsize=16)
def separation(prevalence: float) -> np.ndarray:
    """mu for each balanced accuracy on SCORE_GRID, at its spread (bisection per grid point)."""
    sigma = spreads(prevalence)
    low = np.zeros(GRID_POINTS)
    high = np.full(GRID_POINTS, 20.0) * sigma
    for _ in range(60):
        middle = (low + high) / 2.0
        enough = youden_balanced(middle, sigma) >= SCORE_GRID
        high = np.where(enough, middle, high)
        low = np.where(enough, low, middle)
    mu = (low + high) / 2.0
    mu[0] = 0.0
    mu.setflags(write=False)
    return mu


def _thresholds(mu_max: float, sigma: float) -> np.ndarray:
    return np.linspace(-7.0, mu_max + 7.0 * sigma, THRESHOLD_POINTS)


@lru_cache(maxsize=64)
def operating_table(prevalence: float, target_metric: str, target_value: float) -> dict:
    """Per balanced accuracy on SCORE_GRID: accuracy, recall, precision, f1 and pr_auc at the
    operating threshold for `target_metric`, the judged value `metric`, and `skill`, the same
    value without the target's cap (recall and precision targets only; for the others equal)."""
    if target_metric not in TARGET_METRICS:
        raise ValueError(f"unknown target metric {target_metric!r}")
    pi = float(prevalence)
    sigma_all = spreads(pi)
    mu_all = separation(pi)
    thresholds = _thresholds(float(mu_all[-1]), float(sigma_all[-1]))
    out = {
        key: np.empty(GRID_POINTS)
        for key in ("accuracy", "recall", "precision", "f1", "pr_auc", "reach")
    }
    for start in range(0, GRID_POINTS, BLOCK):
        mu = mu_all[start : start + BLOCK, None]
        sigma = sigma_all[start : start + BLOCK, None]
        rows = slice(start, start + BLOCK)
        # Thresholds from high to low: recall rises along each row. Flag nothing at the start.
        tpr = ndtr((mu - thresholds[::-1]) / sigma)
        fpr = ndtr(-thresholds[::-1]) * np.ones_like(tpr)
        tpr = np.concatenate([np.zeros((tpr.shape[0], 1)), tpr, np.ones((tpr.shape[0], 1))], 1)
        fpr = np.concatenate([np.zeros((fpr.shape[0], 1)), fpr, np.ones((fpr.shape[0], 1))], 1)
        flagged = pi * tpr + (1.0 - pi) * fpr
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.where(flagged > 0, pi * tpr / flagged, np.nan)
        # Flagging nothing has no precision of its own: take its limit, the precision of the
        # highest threshold (the prevalence for a model without skill), never a false 100%.
        precision[:, 0] = precision[:, 1]
        precision = np.where(np.isnan(precision), pi, precision)
        accuracy = pi * tpr + (1.0 - pi) * (1.0 - fpr)
        f1 = 2.0 * pi * tpr / (pi * tpr + (1.0 - pi) * fpr + pi)
        out["pr_auc"][rows] = np.sum(
            np.diff(tpr, axis=1) * (precision[:, 1:] + precision[:, :-1]) / 2.0, axis=1
        )
        index = np.arange(tpr.shape[0])
        if target_metric in ("recall", "precision"):
            recall, fpr_at, precision_at, reach = _operate_at_target(
                tpr, fpr, precision, pi, target_metric, target_value
            )
            out["recall"][rows], out["precision"][rows] = recall, precision_at
            out["accuracy"][rows] = pi * recall + (1.0 - pi) * (1.0 - fpr_at)
            out["f1"][rows] = (
                2.0 * pi * recall / np.maximum(pi * recall + (1.0 - pi) * fpr_at + pi, 1e-300)
            )
            out["reach"][rows] = reach
            continue
        pick = np.argmax(accuracy if target_metric == "accuracy" else f1, axis=1)
        out["accuracy"][rows] = accuracy[index, pick]
        out["recall"][rows] = tpr[index, pick]
        out["precision"][rows] = precision[index, pick]
        out["f1"][rows] = f1[index, pick]
    skill = out["f1"] if target_metric == "f1" else out[target_metric]
    if target_metric in ("recall", "precision"):
        skill = out["reach"]
    out["skill"] = np.maximum.accumulate(skill)
    out["metric"] = np.maximum.accumulate(
        out["f1"] if target_metric == "f1" else out[target_metric]
    )
    for values in out.values():
        np.clip(values, 0.0, 1.0, out=values)
        values.setflags(write=False)
    return out


def other_floor(target_metric: str, prevalence: float) -> float:
    """The least value of the other metric at which a recall (precision) target counts as met:
    a fifth of the way from what a model without skill scores to perfect. For a recall target
    that is precision π + 0.2 (1 − π) (flagging everything scores π); for a precision target,
    recall 0.2 (flagging one sure case scores 0). An assumption, documented in docs/model.md."""
    if target_metric == "recall":
        return prevalence + OTHER_FLOOR_SHARE * (1.0 - prevalence)
    return OTHER_FLOOR_SHARE


def _operate_at_target(tpr, fpr, precision, pi, target_metric, target_value):
    """Recall or precision targets, per row of thresholds (recall rising along each row).

    The judged value is the most the model reaches of the target metric while the other metric
    stays at or above its floor (`other_floor`), capped at the target: the team sets the
    threshold to hit the target, not past it. Returns recall, false-positive rate and precision
    at that threshold, and `reach`, the uncapped value (the model's skill as judged)."""
    floor = other_floor(target_metric, pi)
    rows = np.arange(tpr.shape[0])
    if target_metric == "recall":
        feasible = precision >= floor
        reach = np.where(feasible, tpr, 0.0).max(axis=1)
        wanted = np.minimum(float(target_value), reach)
        # The highest threshold that reaches the wanted recall at an acceptable precision.
        candidate = feasible & (tpr >= wanted[:, None] - 1e-12)
        pick = np.argmax(candidate, axis=1)
        return wanted, fpr[rows, pick], precision[rows, pick], reach
    feasible = tpr >= floor
    reach = np.where(feasible, precision, 0.0).max(axis=1)
    wanted = np.minimum(float(target_value), reach)
    # Among thresholds keeping the wanted precision, the lowest one: the most recall.
    candidate = feasible & (precision >= wanted[:, None] - 1e-12)
    last = candidate.shape[1] - 1 - np.argmax(candidate[:, ::-1], axis=1)
    return tpr[rows, last], fpr[rows, last], wanted, reach


def lookup(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Linear interpolation on SCORE_GRID, by arithmetic rather than a search."""
    position = np.clip((values - GRID_START) / GRID_STEP, 0.0, GRID_POINTS - 1.000001)
    index = position.astype(np.intp)
    share = position - index
    return table[index] * (1.0 - share) + table[index + 1] * share


def metric(
    balanced_accuracy: np.ndarray,
    name: str,
    prevalence: float,
    target_metric: str = "accuracy",
    target_value: float = 0.5,
) -> np.ndarray:
    """`name` (accuracy, recall, precision, f1, pr_auc, metric or skill) for each balanced
    accuracy, at the operating threshold chosen for `target_metric`."""
    table = operating_table(prevalence, target_metric, float(target_value))
    return lookup(balanced_accuracy, table[name])


def balanced_needed(name: str, value: float, prevalence: float) -> float:
    """The lowest balanced accuracy whose judged metric reaches `value`; inf when none does."""
    values = operating_table(prevalence, name, float(value))["skill"]
    if values[-1] < value - 1e-12:
        return float("inf")
    # A value at the top of the curve, give or take a rounding error, is reached at the top.
    value = min(value, float(values[-1]))
    if values[0] >= value:
        return 0.5
    above = int(np.searchsorted(values, value, side="left"))
    low, high = values[above - 1], values[above]
    share = 1.0 if high <= low else (value - low) / (high - low)
    return float(SCORE_GRID[above - 1] + share * (SCORE_GRID[above] - SCORE_GRID[above - 1]))


def trivial_value(name: str, prevalence: float) -> float:
    """What a model without skill scores on the metric as it is judged: always answering the
    majority class (accuracy: 1 − prevalence), flagging every case (recall: none caught at an
    acceptable precision; precision: the prevalence; f1 at its best), ranking at random
    (pr_auc: the prevalence)."""
    return {
        "accuracy": 1.0 - prevalence,
        "recall": 0.0,
        "precision": prevalence,
        "f1": 2.0 * prevalence / (1.0 + prevalence),
        "pr_auc": prevalence,
    }[name]


# A promise must close at least this share of the gap between a model without skill and a
# perfect one to be worth making: 2% recall, or 99.81% accuracy where always "no" scores 99.8%,
# is no target to promise (issue 13).
USEFUL_SHARE_OF_HEADROOM = 0.1


def useful_floor(name: str, prevalence: float) -> float:
    """The lowest value of the metric worth promising: a tenth of the way from what a model
    without skill scores (`trivial_value`) to a perfect score."""
    trivial = trivial_value(name, prevalence)
    return trivial + USEFUL_SHARE_OF_HEADROOM * (1.0 - trivial)


def roc_auc(balanced_accuracy: np.ndarray, prevalence: float) -> np.ndarray:
    """Area under the ROC curve of the binormal model, for comparison with published AUCs."""
    sigma = lookup(balanced_accuracy, spreads(prevalence))
    mu = lookup(balanced_accuracy, separation(prevalence))
    return ndtr(mu / np.sqrt(1.0 + sigma**2))
