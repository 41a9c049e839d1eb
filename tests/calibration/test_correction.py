"""The reference-class correction: shrinkage toward the prior, and corrected forecasts."""

import math

import numpy as np
import pytest
from scipy import stats

from projects.calibration import (
    PRIORS,
    CorrectedForecast,
    Correction,
    Curve,
    calibrated_view,
    corrected_chance,
    corrected_curve,
    fit_correction,
    matching_horizon,
    team_corrections,
)

from .factories import lognormal_curve, result, shipped, stopped

FORECAST = lognormal_curve(100_000.0, 0.4)


def balanced_actuals(count: int, factor: float, sd: float = 0.4) -> list[float]:
    """Actuals at evenly spread percentiles of the forecast, times `factor`: their log ratio to
    the forecast averages exactly ln(factor), with the forecast's own scatter."""
    levels = (np.arange(count) + 0.5) / count
    return list(factor * 100_000.0 * np.exp(sd * stats.norm.ppf(levels)))


def fit(count: int, factor: float = 1.5) -> Correction:
    return fit_correction(
        "cost_usd", [(FORECAST, a) for a in balanced_actuals(count, factor)] if count else []
    )


def test_with_no_history_the_correction_is_the_prior():
    prior = fit(0)
    assert prior.projects == 0
    assert prior.shift_mean == pytest.approx(0.0, abs=1e-9)
    assert prior.shift_sd == pytest.approx(PRIORS["cost_usd"].shift_sd, rel=1e-3)
    assert prior.data_weight == pytest.approx(0.0, abs=1e-3)
    assert prior.factor == pytest.approx(1.0)


def test_two_projects_move_it_a_little_and_thirty_a_lot():
    # The data say ×1.5 (a log shift of 0.405). With a lognormal forecast (s = 0.4) the
    # posterior is nearly the normal-normal one: each project weighs 1/s² = 6.25 against the
    # prior's 1/τ² = 16, so 2 projects give a weight 12.5 / 28.5 = 0.44 (×1.19) and 30 give
    # 187.5 / 203.5 = 0.92 (×1.45).
    two, thirty = fit(2), fit(30)
    assert 0.3 < two.data_weight < 0.55
    assert two.factor == pytest.approx(math.exp(0.44 * math.log(1.5)), abs=0.03)
    assert thirty.data_weight > 0.9
    assert thirty.factor == pytest.approx(math.exp(0.92 * math.log(1.5)), abs=0.03)
    assert thirty.shift_sd < two.shift_sd < PRIORS["cost_usd"].shift_sd
    assert (two.projects, thirty.projects) == (2, 30)
    low, high = thirty.shift_interval(0.8)
    assert low < thirty.shift_mean < high < math.log(1.5) + 0.1


def test_a_calibrated_team_keeps_the_forecast_where_it_was():
    thirty = fit(30, factor=1.0)
    assert thirty.factor == pytest.approx(1.0, abs=0.01)
    # A little above 1: the curve's first and last stretches (down to the smallest and up to
    # the largest of 20,000 trials) spread their 2% thinly, so the most extreme of 30 actuals
    # look a little less likely than under the true lognormal.
    assert thirty.spread_factor == pytest.approx(1.0, abs=0.1)


def test_outcomes_more_scattered_than_forecast_widen_it():
    scattered = fit_correction(
        "cost_usd", [(FORECAST, a) for a in balanced_actuals(30, 1.0, sd=0.8)]
    )
    assert scattered.spread_factor > 1.3
    assert scattered.factor == pytest.approx(1.0, abs=0.05)


def test_an_actual_beyond_every_simulated_trial_moves_it_without_breaking_it():
    beyond = 10 * FORECAST.values[-1]
    correction = fit_correction("cost_usd", [(FORECAST, beyond)])
    assert np.isfinite(correction.posterior).all()
    assert correction.factor > 1.1


def test_a_far_off_score_of_a_sharp_forecast_cannot_underflow_the_posterior():
    """A score forecast held near 0.999 (sd 0.01 on the logit scale) and an actual of 0.5: the
    normal "unforeseen" density underflows to 0 at every shift, so the likelihood is computed in
    logs. Before, the posterior was NaN and numpy warned of log(0)."""
    sharp = Curve.from_values(np.linspace(0.9985, 0.9995, 51))
    correction = fit_correction("production_metric", [(sharp, 0.5), (sharp, 0.999)])
    assert np.isfinite(correction.posterior).all()
    assert correction.posterior.sum() == pytest.approx(1.0)
    assert correction.shift_mean < 0


def concentrated(shift: float, quantity: str = "cost_usd", space: str = "log") -> Correction:
    """A correction sure of its shift (all weight on one grid cell 0.001 wide) and spread 1."""
    return Correction(
        quantity=quantity,
        space=space,
        projects=30,
        prior=PRIORS[quantity],
        shifts=np.array([shift - 0.001, shift, shift + 0.001]),
        spreads=np.array([0.9, 1.0, 1.1]),
        posterior=np.array([[0, 0, 0], [0, 1.0, 0], [0, 0, 0]]),
    )


def test_a_sure_correction_multiplies_the_curve():
    corrected = corrected_curve(FORECAST, concentrated(math.log(1.5)))
    # Every value × 1.5, to within the grid cell (±0.05%) and the bisection.
    np.testing.assert_allclose(corrected.values[1:-1] / FORECAST.values[1:-1], 1.5, rtol=1e-3)
    assert corrected.levels is not None and len(corrected.values) == 51


def test_the_chances_are_recomputed_under_the_corrected_distribution():
    chance = corrected_chance(FORECAST, concentrated(math.log(1.5)), 120_000.0)
    # Before: P(cost ≤ 120k) = Φ(ln(1.2) / 0.4) = Φ(0.4558) = 0.676.
    assert chance.raw == pytest.approx(stats.norm.cdf(math.log(1.2) / 0.4), abs=0.005)
    # After ×1.5: P(cost ≤ 120k / 1.5 = 80k) = Φ(ln(0.8) / 0.4) = Φ(−0.5579) = 0.288.
    assert chance.corrected == pytest.approx(stats.norm.cdf(math.log(0.8) / 0.4), abs=0.005)
    assert chance.low == pytest.approx(chance.corrected, abs=0.005)  # a sure correction


def test_the_target_chance_is_corrected_on_the_logit_scale():
    scores = Curve.from_result(result(score_centre=0.8), "production_metric")
    lower = concentrated(-0.5, "production_metric", "logit")
    chance = corrected_chance(scores, lower, 0.75, at_least=True)
    # logit(0.8) = 1.386, logit(0.75) = 1.099, forecast logit sd 0.5.
    # Before: 1 − Φ((1.099 − 1.386) / 0.5) = 1 − Φ(−0.575) = 0.717.
    # After a −0.5 shift: 1 − Φ((1.099 − 0.886) / 0.5) = 1 − Φ(0.425) = 0.335.
    assert chance.raw == pytest.approx(0.717, abs=0.005)
    assert chance.corrected == pytest.approx(0.335, abs=0.005)


def test_an_uncertain_correction_widens_the_forecast():
    corrected = CorrectedForecast(FORECAST, fit(3, factor=1.0))
    curve = corrected.curve()
    assert curve.quantile(0.5) == pytest.approx(FORECAST.quantile(0.5), rel=0.05)
    raw_width = FORECAST.quantile(0.9) / FORECAST.quantile(0.1)
    assert curve.quantile(0.9) / curve.quantile(0.1) > raw_width
    chance = corrected.chance(120_000.0)
    assert chance.low < chance.corrected < chance.high


def test_the_corrected_quantile_and_distribution_agree():
    corrected = CorrectedForecast(FORECAST, fit(5))
    for level in (0.02, 0.1, 0.5, 0.8, 0.95):
        assert corrected.cdf(corrected.quantile(level)) == pytest.approx(level, abs=1e-6)


def test_the_calibrated_view_needs_three_projects_and_says_so():
    two = team_corrections([shipped("a", 150_000, 30), shipped("b", 130_000, 26)])
    view = calibrated_view(result(), two)
    assert view.curves == {} and view.chances == {}
    assert view.not_corrected["cost_usd"] == (
        "needs 3 closed projects with it measured; this team has 2"
    )


def test_the_calibrated_view_corrects_curves_and_chances():
    projects = [
        shipped(key, cost, weeks, score=0.7)
        for key, cost, weeks in (("a", 150_000, 30), ("b", 130_000, 26), ("c", 170_000, 33))
    ]
    view = calibrated_view(result(), team_corrections(projects))
    assert set(view.curves) == {"cost_usd", "duration_weeks", "production_metric"}
    assert set(view.chances) == {"within_budget", "by_deadline", "meets_target"}
    assert view.not_corrected == {}
    # Costs ran about 1.5× the 100k median: the chance of staying within 120k falls.
    assert view.chances["within_budget"].corrected < view.chances["within_budget"].raw
    assert view.curves["cost_usd"].quantile(0.5) > 115_000
    assert view.corrections["cost_usd"].projects == 3


def test_team_corrections_use_the_chosen_horizon_and_leave_stopped_projects_out():
    early, late = result(cost_median=200_000), result(cost_median=100_000)
    projects = [
        shipped("a", 100_000, 20, results=[early, late]),
        stopped("b", 400_000, 30, "over_budget"),
    ]
    first = team_corrections(projects, "first")["cost_usd"]
    last = team_corrections(projects, "last")["cost_usd"]
    assert first.projects == last.projects == 1
    assert first.factor < 1.0 < last.factor + 0.05  # 100k against 200k: costs came in lower
    with pytest.raises(ValueError, match="horizon must be one of"):
        team_corrections(projects, "middle")


def test_the_production_score_correction_counts_only_measured_scores():
    projects = [shipped("a", 1e5, 20, score=None), shipped("b", 1e5, 20, score=0.7)]
    corrections = team_corrections(projects)
    assert corrections["production_metric"].projects == 1
    assert corrections["cost_usd"].projects == 2
    assert corrections["production_metric"].factor is None


def test_matching_horizon():
    assert matching_horizon(0, 20) == "first"
    assert matching_horizon(4.9, 20) == "first"
    assert matching_horizon(5, 20) == "halfway"
    assert matching_horizon(15, 20) == "last"
    with pytest.raises(ValueError, match="more than 0"):
        matching_horizon(1, 0)


def test_bad_correction_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="finite number"):
        fit_correction("cost_usd", [(FORECAST, math.nan)])
    with pytest.raises(ValueError, match="finite number"):
        fit_correction("cost_usd", [(FORECAST, math.inf)])
    with pytest.raises(ValueError, match="more than 0"):
        fit_correction("cost_usd", [(FORECAST, -5.0)])
    with pytest.raises(ValueError, match="quantity must be one of"):
        fit_correction("effort", [])
    with pytest.raises(ValueError, match="pair"):
        fit_correction("cost_usd", [FORECAST])
    with pytest.raises(ValueError, match="between 0 and 1"):
        fit_correction("production_metric", [(FORECAST, 1.5)])
    with pytest.raises(ValueError, match="finite number"):
        corrected_chance(FORECAST, fit(2), math.nan)
