"""A forecast distribution stored as a quantile curve, read as a continuous distribution.

An estimate result keeps, for each quantity, its values at the quantile levels 0, 0.02, …, 1
(`result["curves"]`). Between two stored levels the distribution function is taken as linear
in the value, which is what linear interpolation of the quantiles means. The first and last
values are the smallest and largest of the simulated trials.

Several levels may share one value: the production metric, for example, sits on a floor for
many trials (a model no better than chance). There the distribution function jumps, and the
functions below say which side of the jump they mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import checks


@dataclass(frozen=True, eq=False)
class Curve:
    """Values of one quantity at increasing quantile levels from 0 to 1."""

    levels: np.ndarray
    values: np.ndarray

    def __post_init__(self) -> None:
        levels = checks.finite_array(self.levels, "curve levels")
        values = checks.finite_array(self.values, "curve values")
        if levels.size < 2 or levels.size != values.size:
            raise ValueError(
                "a curve needs at least two quantile levels and one value per level, "
                f"got {levels.size} levels and {values.size} values"
            )
        if levels[0] != 0.0 or levels[-1] != 1.0 or np.any(np.diff(levels) <= 0):
            raise ValueError("curve levels must rise strictly from 0 to 1")
        if np.any(np.diff(values) < 0):
            raise ValueError("curve values must not decrease as the level rises")
        levels.setflags(write=False)
        values.setflags(write=False)
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "values", values)

    @classmethod
    def from_values(cls, values: Sequence[float]) -> Curve:
        """Values at equally spaced levels from 0 to 1 (51 values: 0, 0.02, …, 1)."""
        return cls(np.linspace(0.0, 1.0, len(values)), np.asarray(values, float))

    @classmethod
    def from_result(cls, result: Mapping, quantity: str) -> Curve:
        """The curve of `quantity` (e.g. "cost_usd") in a stored engine result."""
        curves = result.get("curves") if isinstance(result, Mapping) else None
        if not isinstance(curves, Mapping) or "quantiles" not in curves:
            raise ValueError(
                "the estimate result has no 'curves' with 'quantiles': only finished "
                "estimates from engine 1.0 or later can be scored"
            )
        if quantity not in curves:
            raise ValueError(f"the estimate result has no curve for {quantity!r}")
        return cls(curves["quantiles"], curves[quantity])

    def quantile(self, level: float) -> float:
        """The value at `level` (0 to 1), linear between stored levels."""
        level = checks.probability(level, "level")
        return float(np.interp(level, self.levels, self.values))

    def cdf(self, value: float | np.ndarray, *, inclusive: bool = True) -> float | np.ndarray:
        """Share of the distribution at or below `value` (`inclusive`), or strictly below it.

        The two differ only where several levels share one value (a jump).
        """
        x = np.asarray(value, float)
        values, levels = self.values, self.levels
        index = np.searchsorted(values, x, side="right" if inclusive else "left")
        inner = np.clip(index, 1, values.size - 1)
        low_value, high_value = values[inner - 1], values[inner]
        low_level, high_level = levels[inner - 1], levels[inner]
        width = np.where(high_value > low_value, high_value - low_value, 1.0)
        share = np.clip((x - low_value) / width, 0.0, 1.0)
        inside = low_level + (high_level - low_level) * share
        result = np.where(index <= 0, 0.0, np.where(index >= values.size, 1.0, inside))
        return float(result) if np.ndim(result) == 0 else result

    def pit(self, value: float) -> float:
        """Where `value` falls in the distribution, from 0 to 1 (the probability integral
        transform). On a jump it is the middle of the jump (the "mid-PIT"), so a value sitting
        on a floor shared by 30% of the trials is neither called a 0% nor a 30% outcome. Below
        the smallest simulated value it is 0, above the largest it is 1 (see `outside`)."""
        x = checks.finite(value, "actual value")
        below = float(self.cdf(x, inclusive=False))
        at_or_below = float(self.cdf(x, inclusive=True))
        return (below + at_or_below) / 2.0

    def outside(self, value: float) -> str | None:
        """ "below" or "above" when `value` lies beyond every simulated trial, else None."""
        x = checks.finite(value, "actual value")
        if x < self.values[0]:
            return "below"
        if x > self.values[-1]:
            return "above"
        return None

    def midpoint_values(self) -> tuple[np.ndarray, np.ndarray]:
        """The value at the middle level of each stretch between stored levels, and the share
        of the distribution that stretch holds: an equal-weight summary of the distribution
        that does not lean on the extreme first and last trials."""
        middles = (self.levels[:-1] + self.levels[1:]) / 2.0
        return np.interp(middles, self.levels, self.values), np.diff(self.levels)
