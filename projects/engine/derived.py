"""What an estimate computes once from the inputs, before any trial: the fitted pilot curve and
the other derived quantities the delivery, accuracy and launch models read (`model.derive()`
builds it). Its own module, so that those models and `model.py` import it in one direction."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PilotFit:
    """Learning curve error(n) = floor + scale * n^-exponent, fitted to pilot points."""

    mean: np.ndarray  # floor, level, exponent of floor + level * (n / reference)^-exponent
    cholesky: np.ndarray  # any square root of the covariance: draws = mean + factor @ Z
    reference: float  # examples at which `level` is the error above the floor


@dataclass(frozen=True)
class Derived:
    """What depends on the inputs only, computed once per estimate."""

    needs_explainability: bool
    regulated: bool
    label_cost: float
    gpu_hours: float  # per GPU and run; when sized from the model's scale, at the median MFU
    training_flops: float | None  # 6 x parameters x tokens, when both are given
    production_prevalence: float
    effective_shift: str
    pilot: PilotFit | None
