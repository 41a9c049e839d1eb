"""What the web layer passes in: closed projects, their outcomes and their stored estimates.

The web helper maps Django models into these records and nothing else; every rule about
scoring lives in this package. docs/calibration.md shows the shape with an example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import checks
from .curves import Curve
from .horizons import Moment, day_number

QUANTITIES = ("cost_usd", "duration_weeks", "production_metric")
PROBABILITIES = (
    "within_budget",
    "by_deadline",
    "meets_target",
    "all_targets",
    "reaches_production",
)

STOP_REASONS = {
    "target_not_reachable": "the target was not reachable",
    "over_budget": "it went over budget",
    "over_time": "it went over time",
    "priorities_changed": "priorities changed",
    "other": "another reason",
}
# A project stopped for one of these failed the events the forecast gave chances for. One
# stopped because priorities changed tells nothing about the forecast and is left out of them.
STOPS_THAT_COUNT_AS_MISSES = frozenset({"target_not_reachable", "over_budget", "over_time"})


@dataclass(frozen=True)
class StoredEstimate:
    """One finished estimate of the project: when it finished and its stored result dict."""

    finished_at: Moment
    result: Mapping[str, Any]


@dataclass(frozen=True)
class ClosedProject:
    """A project that shipped or was stopped, with every estimate it had, oldest first.

    `actual_cost_usd` is the total cost for a shipped project and the money spent for a
    stopped one. `production_score` is the target metric measured in production at launch
    (0 to 1), None when it was not measured; a stopped project has none. `ended_on` is the
    launch date, or the date it was stopped.
    """

    key: str
    started_on: date
    ended_on: date
    shipped: bool
    actual_cost_usd: float
    production_score: float | None = None
    stop_reason: str | None = None
    estimates: Sequence[StoredEstimate] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ValueError("key must be a non-empty string naming the project")
        where = f"project {self.key!r}"
        for name in ("started_on", "ended_on"):
            if not isinstance(getattr(self, name), date):
                raise ValueError(f"{where}: {name} must be a date, got {getattr(self, name)!r}")
        if day_number(self.ended_on, "ended_on") < day_number(self.started_on, "started_on"):
            raise ValueError(f"{where}: ended_on is before started_on")
        if not isinstance(self.shipped, bool):
            raise ValueError(f"{where}: shipped must be True or False")
        cost = checks.finite(self.actual_cost_usd, f"{where}: actual_cost_usd")
        if cost < 0 or (self.shipped and cost == 0):
            raise ValueError(
                f"{where}: actual_cost_usd must be more than 0 for a shipped project "
                f"(and not negative for a stopped one), got {cost}"
            )
        object.__setattr__(self, "actual_cost_usd", cost)
        if self.production_score is not None:
            if not self.shipped:
                raise ValueError(f"{where}: a stopped project has no production score")
            score = checks.probability(self.production_score, f"{where}: production_score")
            object.__setattr__(self, "production_score", score)
        if self.shipped and self.stop_reason is not None:
            raise ValueError(f"{where}: a shipped project has no stop reason")
        if not self.shipped and self.stop_reason not in STOP_REASONS:
            raise ValueError(
                f"{where}: stop_reason must be one of {', '.join(STOP_REASONS)}, "
                f"got {self.stop_reason!r}"
            )
        estimates = tuple(self.estimates)
        for index, estimate in enumerate(estimates):
            if not isinstance(estimate, StoredEstimate):
                raise ValueError(f"{where}: estimates[{index}] must be a StoredEstimate")
        object.__setattr__(self, "estimates", estimates)

    @property
    def actual_weeks(self) -> float:
        return (
            day_number(self.ended_on, "ended_on") - day_number(self.started_on, "started_on")
        ) / 7.0

    @property
    def counts_for_events(self) -> bool:
        """Whether the outcome says anything about the forecast's chances (see STOP_REASONS)."""
        return self.shipped or self.stop_reason in STOPS_THAT_COUNT_AS_MISSES


@dataclass(frozen=True, eq=False)
class Forecast:
    """What scoring needs from one stored estimate result."""

    curves: Mapping[str, Curve]
    probabilities: Mapping[str, float]
    budget_usd: float
    deadline_weeks: float
    target_value: float

    @classmethod
    def from_result(cls, result: Mapping[str, Any]) -> Forecast:
        if not isinstance(result, Mapping):
            raise ValueError("an estimate result must be the stored result dict")
        curves = {quantity: Curve.from_result(result, quantity) for quantity in QUANTITIES}
        chances = result.get("probability")
        if not isinstance(chances, Mapping):
            raise ValueError("the estimate result has no 'probability' section")
        probabilities = {}
        for name in PROBABILITIES:
            if name in chances:
                probabilities[name] = checks.probability(chances[name], f"probability[{name!r}]")
            elif name != "reaches_production":  # only once the delivery model gives it
                raise ValueError(f"the estimate result has no probability[{name!r}]")
        inputs = result.get("inputs")
        if not isinstance(inputs, Mapping):
            raise ValueError("the estimate result has no 'inputs' section")
        targets = {}
        for name in ("budget_usd", "deadline_weeks", "target_value"):
            if name not in inputs:
                raise ValueError(f"the estimate result has no inputs[{name!r}]")
            targets[name] = checks.finite(inputs[name], f"inputs[{name!r}]")
        return cls(curves=curves, probabilities=probabilities, **targets)
