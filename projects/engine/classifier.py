"""From balanced accuracy to accuracy, recall and precision at a given prevalence (MODEL.md §4.4).

The classifier is an equal-variance binormal ROC with separation d' = 2 Φ⁻¹(s). It is operated
at the threshold where it flags as many cases as there are positives in production (so recall
equals precision there). MODEL.md starts from the F1-best threshold; docs/model.md shows the two
agree within 0.01 of F1 for balanced accuracy of 0.8 and above, while the F1-best threshold
makes weak models "catch everything" by flagging everything and lets recall fall as a model
improves. The flag-as-many rule is monotone in s: a better model never reports a worse number.

The mapping depends on the trial only through s, so it is tabulated once per prevalence on a
uniform grid and interpolated per trial.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import ndtr, ndtri

GRID_START, GRID_END, GRID_POINTS = 0.5, 0.99999, 2001
SCORE_GRID = np.linspace(GRID_START, GRID_END, GRID_POINTS)
GRID_STEP = (GRID_END - GRID_START) / (GRID_POINTS - 1)


@lru_cache(maxsize=64)
def metric_table(prevalence: float) -> dict[str, np.ndarray]:
    """Accuracy, recall and precision on SCORE_GRID at the flag-as-many-as-positives threshold."""
    half_separation = ndtri(SCORE_GRID)  # d'/2
    low = np.full(GRID_POINTS, -40.0)
    high = np.full(GRID_POINTS, 40.0)
    for _ in range(80):  # bisection on the threshold: the flag rate falls as it rises
        threshold = (low + high) / 2.0
        flagged = prevalence * ndtr(half_separation - threshold) + (1.0 - prevalence) * ndtr(
            -half_separation - threshold
        )
        too_many = flagged > prevalence
        low = np.where(too_many, threshold, low)
        high = np.where(too_many, high, threshold)
    threshold = (low + high) / 2.0
    recall = ndtr(half_separation - threshold)
    false_positive_rate = ndtr(-half_separation - threshold)
    flagged = recall * prevalence + false_positive_rate * (1.0 - prevalence)
    precision = recall * prevalence / np.maximum(flagged, 1e-300)
    accuracy = recall * prevalence + (1.0 - false_positive_rate) * (1.0 - prevalence)
    table = {"accuracy": accuracy, "recall": recall, "precision": precision}
    for values in table.values():
        values.setflags(write=False)
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
