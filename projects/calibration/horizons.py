"""Which of a project's estimates are scored: the first, the one nearest half-way, the last.

Early forecasts know little and late ones know much (money already spent is fixed), so a
team's track record is judged at fixed horizons instead of mixing every estimate together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from . import checks

HORIZONS = ("first", "halfway", "last")

Moment = datetime | date | float


@dataclass(frozen=True)
class Horizons:
    """Positions, in the list given to `pick_horizons`, of the estimate scored at each horizon;
    None when no estimate finished before launch. Two horizons may share one estimate (a project
    with one estimate has it at all three)."""

    first: int | None
    halfway: int | None
    last: int | None

    def index(self, horizon: str) -> int | None:
        if horizon not in HORIZONS:
            raise ValueError(f"horizon must be one of {', '.join(HORIZONS)}, got {horizon!r}")
        return getattr(self, horizon)


def pick_horizons(finished: Sequence[Moment], started: Moment, ended: Moment) -> Horizons:
    """The estimates to score, given when each finished and when the project started and ended.

    - Only estimates that finished before the end count: an estimate made after launch
      could have seen the outcome. A date means its midnight (UTC for aware datetimes), so an
      estimate finished on launch day does not count. Estimates from before the start do count
      (a project is often estimated while it is being planned).
    - first: the earliest; last: the latest. Equal times go to the one listed first (for
      first) or listed last (for last), so pass estimates in the order they were made.
    - halfway: the one finished closest to the middle of start and end; on a tie, the earlier
      one (the forecast made with less hindsight).

    Times are datetimes, dates, or plain numbers (days, say) for all three arguments alike.
    """
    numbers = [day_number(value, f"finished[{i}]") for i, value in enumerate(finished)]
    start = day_number(started, "started")
    end = day_number(ended, "ended")
    kinds = {_kind(value) for value in [*finished, started, ended]}
    if len(kinds) > 1:
        raise ValueError(
            "times must all be dates/datetimes or all plain numbers, not a mix of the two"
        )
    if end < start:
        raise ValueError("the project cannot end before it started: check the start and end dates")
    eligible = [i for i, moment in enumerate(numbers) if moment < end]
    if not eligible:
        return Horizons(None, None, None)
    first = min(eligible, key=lambda i: (numbers[i], i))
    last = max(eligible, key=lambda i: (numbers[i], i))
    middle = start + (end - start) / 2.0
    halfway = min(eligible, key=lambda i: (abs(numbers[i] - middle), numbers[i], i))
    return Horizons(first, halfway, last)


def _kind(value: Moment) -> str:
    return "calendar" if isinstance(value, date) else "number"


def day_number(value: Moment, name: str) -> float:
    """Days on one common scale: day numbers for dates, with the time of day for datetimes."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        midnight = datetime(value.year, value.month, value.day)
        return value.toordinal() + (value - midnight).total_seconds() / 86400.0
    if isinstance(value, date):
        return float(value.toordinal())
    return checks.finite(value, name)
