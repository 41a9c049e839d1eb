"""Which estimates are scored: the first, the one nearest half-way, the last before launch."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from projects.calibration import Horizons, pick_horizons


def test_first_halfway_and_last_by_number():
    # Start 0, end 100: the middle is 50; 45 is 5 away, 60 is 10 away.
    chosen = pick_horizons([-3.0, 10.0, 45.0, 60.0, 99.0], started=0.0, ended=100.0)
    assert chosen == Horizons(first=0, halfway=2, last=4)


def test_estimates_from_launch_on_are_left_out():
    # The estimate at 100 finished at launch and the one at 120 after it: neither counts.
    chosen = pick_horizons([20.0, 100.0, 120.0], started=0.0, ended=100.0)
    assert chosen == Horizons(0, 0, 0)


def test_one_estimate_is_at_every_horizon():
    assert pick_horizons([30.0], 0.0, 100.0) == Horizons(0, 0, 0)


def test_two_estimates_give_first_and_last_and_the_nearer_as_halfway():
    assert pick_horizons([10.0, 70.0], 0.0, 100.0) == Horizons(0, 1, 1)
    assert pick_horizons([10.0, 95.0], 0.0, 100.0) == Horizons(0, 0, 1)


def test_ties_go_to_the_earlier_for_halfway_and_by_list_order_otherwise():
    # 40 and 60 are both 10 from the middle: the earlier (40) wins.
    assert pick_horizons([60.0, 40.0], 0.0, 100.0).halfway == 1
    # Same finishing time: first takes the one listed first, last the one listed last.
    chosen = pick_horizons([5.0, 5.0, 50.0, 90.0, 90.0], 0.0, 100.0)
    assert (chosen.first, chosen.halfway, chosen.last) == (0, 2, 4)


def test_no_estimate_before_launch_gives_no_horizon():
    assert pick_horizons([], 0.0, 10.0) == Horizons(None, None, None)
    assert pick_horizons([11.0], 0.0, 10.0) == Horizons(None, None, None)


def test_dates_and_datetimes():
    start, end = date(2025, 1, 1), date(2025, 3, 1)  # 59 days: the middle is 30 Jan, 12:00
    finished = [
        datetime(2024, 12, 20, 9, 0, tzinfo=UTC),
        datetime(2025, 1, 30, 18, 0, tzinfo=UTC),  # 6 hours from the middle
        datetime(2025, 1, 30, 0, 0, tzinfo=UTC),  # 12 hours from the middle
        datetime(2025, 2, 28, 23, 59, tzinfo=UTC),
        datetime(2025, 3, 1, 0, 1, tzinfo=UTC),  # launch day: too late
    ]
    assert pick_horizons(finished, start, end) == Horizons(0, 1, 3)


def test_aware_datetimes_are_compared_in_utc():
    # 1 March 00:30 in UTC+2 is 28 February 22:30 UTC: before a 1 March launch.
    plus_two = timezone(timedelta(hours=2))
    late = datetime(2025, 3, 1, 0, 30, tzinfo=plus_two)
    assert pick_horizons([late], date(2025, 1, 1), date(2025, 3, 1)) == Horizons(0, 0, 0)


def test_bad_times_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="cannot end before it started"):
        pick_horizons([1.0], 10.0, 5.0)
    with pytest.raises(ValueError, match="not a mix"):
        pick_horizons([1.0], date(2025, 1, 1), date(2025, 2, 1))
    with pytest.raises(ValueError, match=r"finished\[0\] must be a finite number"):
        pick_horizons([float("nan")], 0.0, 10.0)
    with pytest.raises(ValueError, match="horizon must be one of"):
        Horizons(0, 0, 0).index("middle")
