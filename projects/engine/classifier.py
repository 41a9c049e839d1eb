"""From balanced accuracy to accuracy, recall and precision at a given prevalence (MODEL.md §4.4).

The classifier is an equal-variance binormal ROC with separation d' = 2 Φ⁻¹(s), operated at the
threshold that maximises F1 at the production prevalence. The mapping depends on the trial only
through s, so it is tabulated once per prevalence on a uniform grid and interpolated per trial.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import ndtr, ndtri

GRID_START, GRID_END, GRID_POINTS = 0.5, 0.99999, 2001
SCORE_GRID = np.linspace(GRID_START, GRID_END, GRID_POINTS)
GRID_STEP = (GRID_END - GRID_START) / (GRID_POINTS - 1)
COARSE_GRID = np.linspace(GRID_START, GRID_END, 401)
THRESHOLDS = np.linspace(-9.0, 9.0, 721)


@lru_cache(maxsize=64)
def metric_table(prevalence: float) -> dict[str, np.ndarray]:
    """Accuracy, recall and precision on SCORE_GRID at the F1-best threshold."""
    separation = 2.0 * ndtri(COARSE_GRID)[:, None]
    true_positive_rate = ndtr(separation / 2.0 - THRESHOLDS[None, :])
    false_positive_rate = ndtr(-separation / 2.0 - THRESHOLDS[None, :])
    positives = true_positive_rate * prevalence
    false_alarms = false_positive_rate * (1.0 - prevalence)
    f1 = 2.0 * positives / (positives + false_alarms + prevalence)
    best = np.argmax(f1, axis=1)
    rows = np.arange(len(COARSE_GRID))
    recall = true_positive_rate[rows, best]
    fpr = false_positive_rate[rows, best]
    flagged = recall * prevalence + fpr * (1 - prevalence)
    precision = recall * prevalence / np.maximum(flagged, 1e-300)
    accuracy = recall * prevalence + (1.0 - fpr) * (1.0 - prevalence)
    table = {}
    for name, values in (("accuracy", accuracy), ("recall", recall), ("precision", precision)):
        # The F1-best threshold trades recall for precision as s grows, so raw recall can dip
        # (and a coin-flip model "catches everything" by flagging everything). Crediting each s
        # with the lowest value of any better model keeps the metric conservative and
        # non-decreasing in s: a better model never reports a worse number.
        monotone = np.minimum.accumulate(values[::-1])[::-1]
        fine = np.interp(SCORE_GRID, COARSE_GRID, monotone)
        fine.setflags(write=False)
        table[name] = fine
    return table


def lookup(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Linear interpolation on SCORE_GRID, by arithmetic rather than a search."""
    position = np.clip((values - GRID_START) / GRID_STEP, 0.0, GRID_POINTS - 1.000001)
    index = position.astype(np.intp)
    share = position - index
    return table[index] * (1.0 - share) + table[index + 1] * share


def metric(balanced_accuracy: np.ndarray, name: str, prevalence: float) -> np.ndarray:
    """The named metric for each balanced accuracy (0.5 and above)."""
    return lookup(balanced_accuracy, metric_table(prevalence)[name])


def balanced_needed(name: str, value: float, prevalence: float) -> float:
    """The lowest balanced accuracy whose metric reaches `value`; inf when none does."""
    values = metric_table(prevalence)[name]
    if values[-1] < value:
        return float("inf")
    if values[0] >= value:
        return 0.5
    above = int(np.searchsorted(values, value, side="left"))
    low, high = values[above - 1], values[above]
    share = 1.0 if high <= low else (value - low) / (high - low)
    return float(SCORE_GRID[above - 1] + share * (SCORE_GRID[above] - SCORE_GRID[above - 1]))
