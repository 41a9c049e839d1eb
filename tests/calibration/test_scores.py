"""Scoring functions against cases computed by hand (the working is in each test)."""

import math

import numpy as np
import pytest

from projects.calibration import Curve, scores

# A three-point curve: 0% at 10, 50% at 20, 100% at 40, linear in between.
SIMPLE = Curve([0.0, 0.5, 1.0], [10.0, 20.0, 40.0])


def test_pit_interpolates_between_stored_levels():
    # 15 is half-way from 10 to 20, which hold levels 0 and 0.5: 0.25.
    assert scores.pit(SIMPLE, 15.0) == pytest.approx(0.25)
    # 30 is half-way from 20 to 40 (levels 0.5 and 1): 0.75.
    assert scores.pit(SIMPLE, 30.0) == pytest.approx(0.75)
    assert scores.pit(SIMPLE, 20.0) == pytest.approx(0.5)


def test_pit_is_0_or_1_beyond_the_simulated_range_and_says_so():
    assert scores.pit(SIMPLE, 5.0) == 0.0
    assert scores.pit(SIMPLE, 400.0) == 1.0
    assert SIMPLE.outside(5.0) == "below"
    assert SIMPLE.outside(400.0) == "above"
    assert SIMPLE.outside(10.0) is None
    assert SIMPLE.outside(40.0) is None


def test_pit_on_a_jump_is_the_middle_of_the_jump():
    # Levels 0, 0.25 and 0.5 all sit at 0.15 (a floor): the jump at 0.15 runs from 0 to 0.5,
    # so the mid-PIT is 0.25. Just above the floor the curve rises linearly to 0.3 at level 1.
    floor = Curve([0.0, 0.25, 0.5, 1.0], [0.15, 0.15, 0.15, 0.3])
    assert scores.pit(floor, 0.15) == pytest.approx(0.25)
    assert floor.cdf(0.15) == pytest.approx(0.5)
    assert floor.cdf(0.15, inclusive=False) == pytest.approx(0.0)
    # 0.225 is half-way from 0.15 to 0.3: 0.5 + 0.5 × 0.5 = 0.75.
    assert scores.pit(floor, 0.225) == pytest.approx(0.75)


def test_central_intervals_run_from_the_25th_to_75th_and_10th_to_90th_percentile():
    # P25: a quarter of the way up: 10 + (0.25 / 0.5) × 10 = 15. P75: 20 + 0.5 × 20 = 30.
    assert scores.central_interval(SIMPLE, 0.5) == pytest.approx((15.0, 30.0))
    # P10: 10 + 0.2 × 10 = 12. P90: 20 + 0.8 × 20 = 36.
    assert scores.central_interval(SIMPLE, 0.8) == pytest.approx((12.0, 36.0))
    assert scores.inside_central(SIMPLE, 15.0, 0.5)  # the ends count as inside
    assert not scores.inside_central(SIMPLE, 14.9, 0.5)
    assert scores.inside_central(SIMPLE, 35.0, 0.8)
    assert not scores.inside_central(SIMPLE, 37.0, 0.8)


def test_under_the_p80_and_at_least_the_p20():
    # P80 = 20 + (0.3 / 0.5) × 20 = 32; P20 = 10 + (0.2 / 0.5) × 10 = 14.
    assert scores.at_most_quantile(SIMPLE, 32.0, 0.8)
    assert not scores.at_most_quantile(SIMPLE, 32.5, 0.8)
    assert scores.at_least_quantile(SIMPLE, 14.0, 0.2)
    assert not scores.at_least_quantile(SIMPLE, 13.5, 0.2)


def test_brier_score_by_hand():
    # (0.9 − 1)² + (0.2 − 0)² + (0.6 − 0)² = 0.01 + 0.04 + 0.36 = 0.41, over 3: 0.13667.
    assert scores.brier_score([0.9, 0.2, 0.6], [1, 0, 0]) == pytest.approx(0.41 / 3)
    assert scores.brier_score([1.0, 0.0], [True, False]) == 0.0
    assert scores.brier_score([0.0], [1]) == 1.0


def test_brier_skill_against_the_base_rate_by_hand():
    skill = scores.brier_skill([0.9, 0.2, 0.6], [1, 0, 0])
    # Base rate 1/3; always saying 1/3 scores (1/3)(2/3) = 2/9 = 0.2222.
    assert skill.base_rate == pytest.approx(1 / 3)
    assert skill.reference == pytest.approx(2 / 9)
    # 1 − 0.13667 / 0.22222 = 0.385.
    assert skill.skill == pytest.approx(1 - (0.41 / 3) / (2 / 9))
    assert skill.count == 3


def test_brier_skill_is_none_when_every_outcome_was_the_same():
    every = scores.brier_skill([0.9, 0.7], [1, 1])
    assert every.skill is None and every.base_rate == 1.0 and every.reference == 0.0
    assert every.brier == pytest.approx((0.01 + 0.09) / 2)
    assert scores.brier_skill([0.1], [0]).skill is None


def test_quoting_the_base_rate_has_no_skill():
    assert scores.brier_skill([0.25] * 4, [1, 0, 0, 0]).skill == pytest.approx(0.0)


def test_wilson_interval_by_hand():
    # 8 of 10 at 95%: z = 1.959964, z² = 3.841459, p = 0.8.
    # centre = (0.8 + 3.841459 / 20) / (1 + 3.841459 / 10) = 0.992073 / 1.384146 = 0.716740
    # half = 1.959964 × sqrt(0.8 × 0.2 / 10 + 3.841459 / 400) / 1.384146
    #      = 1.959964 × sqrt(0.025604) / 1.384146 = 0.226583
    interval = scores.wilson_interval(8, 10)
    assert interval.low == pytest.approx(0.716740 - 0.226583, abs=1e-5)
    assert interval.high == pytest.approx(0.716740 + 0.226583, abs=1e-5)


def test_wilson_interval_edges():
    assert scores.wilson_interval(0, 0) == scores.Interval(0.0, 1.0)
    all_hits = scores.wilson_interval(5, 5)
    assert all_hits.high == 1.0 and 0.5 < all_hits.low < 0.6  # 5/(5 + z²) = 0.566
    assert scores.wilson_interval(5, 5).low == pytest.approx(5 / (5 + 1.959964**2), abs=1e-6)
    no_hits = scores.wilson_interval(0, 5)
    assert no_hits.low == 0.0 and no_hits.high == pytest.approx(1 - 5 / (5 + 1.959964**2))
    with pytest.raises(ValueError, match="cannot exceed"):
        scores.wilson_interval(6, 5)
    with pytest.raises(ValueError, match="whole number"):
        scores.wilson_interval(-1, 5)
    with pytest.raises(ValueError, match="whole number"):
        scores.wilson_interval(2.5, 5)


def test_hit_rate_counts_hits_and_keeps_the_expected_rate():
    rate = scores.hit_rate([True, False, True, True], 0.8)
    assert (rate.hits, rate.count, rate.rate, rate.expected) == (3, 4, 0.75, 0.8)
    assert scores.hit_rate([], 0.8).rate is None


def test_a_percentage_needs_12_projects():
    # n = 11: at 5 or 6 hits the Wilson interval is 0.507 wide; n = 12: at 6 hits 0.492.
    assert scores.fewest_projects_for_a_rate(0.5) == 12
    assert max(scores.wilson_interval(h, 11).width for h in range(12)) > 0.5
    assert max(scores.wilson_interval(h, 12).width for h in range(13)) <= 0.5


def test_reliability_bins_by_hand():
    bins = scores.reliability_bins([0.05, 0.15, 0.12, 0.95, 1.0], [0, 1, 0, 1, 1], bins=10)
    assert len(bins) == 10
    first, second, last = bins[0], bins[1], bins[9]
    assert (first.count, first.mean_forecast, first.observed) == (1, 0.05, 0.0)
    assert second.count == 2
    assert second.mean_forecast == pytest.approx((0.15 + 0.12) / 2)
    assert second.observed == 0.5
    # 1.0 goes in the last bin with 0.95.
    assert (last.count, last.mean_forecast, last.observed) == (2, pytest.approx(0.975), 1.0)
    assert all(b.count == 0 and b.observed is None for b in bins[2:9])
    assert bins[2].interval == scores.Interval(0.0, 1.0)


def test_reliability_bins_of_nothing_are_empty():
    bins = scores.reliability_bins([], [], bins=5)
    assert [b.count for b in bins] == [0] * 5


def test_pit_histogram_by_hand():
    histogram = scores.pit_histogram([0.0, 0.05, 0.1, 0.55, 1.0], bins=10)
    # 0 and 0.05 in [0, 0.1); 0.1 in [0.1, 0.2); 0.55 in [0.5, 0.6); 1.0 in the last bin.
    assert histogram.counts == (2, 1, 0, 0, 0, 1, 0, 0, 0, 1)
    assert histogram.total == 5
    assert histogram.expected_per_bin == 0.5
    assert scores.pit_histogram([], bins=4).counts == (0, 0, 0, 0)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_not_a_number_is_refused_with_a_clear_message(bad):
    with pytest.raises(ValueError, match="finite number"):
        scores.pit(SIMPLE, bad)
    with pytest.raises(ValueError, match="finite number"):
        scores.brier_score([bad], [1])
    with pytest.raises(ValueError, match="finite number"):
        scores.at_most_quantile(SIMPLE, bad, 0.8)
    with pytest.raises(ValueError, match="finite number"):
        Curve([0.0, 1.0], [1.0, bad])
    with pytest.raises(ValueError, match="finite number"):
        scores.pit_histogram([0.5, bad])


def test_bad_scoring_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="nothing to score"):
        scores.brier_score([], [])
    with pytest.raises(ValueError, match="nothing to score"):
        scores.brier_skill([], [])
    with pytest.raises(ValueError, match="pair up"):
        scores.brier_score([0.5, 0.5], [1])
    with pytest.raises(ValueError, match="between 0 and 1"):
        scores.brier_score([1.2], [1])
    with pytest.raises(ValueError, match=r"outcomes\[0\] must be an outcome"):
        scores.brier_score([0.5], [0.5])
    with pytest.raises(ValueError, match="must be a number"):
        scores.brier_score(["0.5"], [1])
    with pytest.raises(ValueError, match="between 0 and 1"):
        scores.pit_histogram([1.5])


def test_bad_curves_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="must not decrease"):
        Curve([0.0, 0.5, 1.0], [3.0, 2.0, 4.0])
    with pytest.raises(ValueError, match="rise strictly from 0 to 1"):
        Curve([0.0, 0.5, 0.9], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="one value per level"):
        Curve([0.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="no curve for 'cost_usd'"):
        Curve.from_result({"curves": {"quantiles": [0, 1]}}, "cost_usd")
    with pytest.raises(ValueError, match="only finished estimates"):
        Curve.from_result({"probability": {}}, "cost_usd")
    with pytest.raises(ValueError, match="must be a list of numbers"):
        Curve.from_result({"curves": {"quantiles": [0, 1], "cost_usd": "cheap"}}, "cost_usd")
    with pytest.raises(ValueError, match="must be a list of numbers"):
        Curve(np.float64(0.5), [1.0, 2.0])


def test_a_curve_from_a_stored_result_reads_the_engine_quantiles():
    values = list(np.linspace(100.0, 200.0, 51))
    curve = Curve.from_result(
        {"curves": {"quantiles": list(np.linspace(0, 1, 51)), "cost_usd": values}}, "cost_usd"
    )
    assert curve.quantile(0.5) == pytest.approx(150.0)
    assert curve.quantile(0.8) == pytest.approx(180.0)
