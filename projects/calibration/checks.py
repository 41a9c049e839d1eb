"""Input checks shared by the calibration functions: every refusal names what was wrong."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def finite(value: object, name: str) -> float:
    """`value` as a float, or a ValueError naming `name` when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {number}")
    return number


def probability(value: object, name: str) -> float:
    number = finite(value, name)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{name} must be a probability between 0 and 1, got {number}")
    return number


def finite_array(values: Iterable[object], name: str) -> np.ndarray:
    """A 1-D float array; a ValueError names the first entry that is not a finite number."""
    if isinstance(values, str | bytes | dict):
        raise ValueError(f"{name} must be a list of numbers, got {values!r}")
    try:
        items = list(values)
    except TypeError:
        raise ValueError(f"{name} must be a list of numbers, got {values!r}") from None
    return np.array([finite(item, f"{name}[{index}]") for index, item in enumerate(items)], float)


def probabilities_and_outcomes(
    forecasts: Iterable[object], outcomes: Iterable[object]
) -> tuple[np.ndarray, np.ndarray]:
    """Paired forecast probabilities and 0/1 outcomes, checked; at least one pair."""
    forecast_list = list(forecasts)
    outcome_list = list(outcomes)
    if len(forecast_list) != len(outcome_list):
        raise ValueError(
            f"forecasts and outcomes must pair up: got {len(forecast_list)} forecasts "
            f"and {len(outcome_list)} outcomes"
        )
    if not forecast_list:
        raise ValueError("there is nothing to score: no forecasts were given")
    probabilities = np.array(
        [probability(p, f"forecasts[{i}]") for i, p in enumerate(forecast_list)], float
    )
    happened = np.array([outcome(o, f"outcomes[{i}]") for i, o in enumerate(outcome_list)], float)
    return probabilities, happened


def outcome(value: object, name: str) -> bool:
    """An outcome is True/False or 1/0; anything else (0.5, None, NaN) is refused."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer) and value in (0, 1):
        return bool(value)
    if isinstance(value, float | np.floating) and value in (0.0, 1.0):
        return bool(value)
    raise ValueError(
        f"{name} must be an outcome that happened (1/True) or not (0/False), got {value!r}"
    )
