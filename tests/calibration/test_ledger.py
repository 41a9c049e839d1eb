"""The forecast ledger and a team's summary, from ClosedProject records."""

import math
from datetime import date

import numpy as np
import pytest

from projects.calibration import ClosedProject, StoredEstimate, forecast_ledger, team_calibration
from projects.calibration.ledger import actual_events
from projects.calibration.records import Forecast

from .factories import START, lognormal_curve, result, shipped, stopped


def test_a_shipped_project_is_scored_on_its_own_budget_deadline_and_target():
    # Forecast: cost median 100k (P80 = 100k × e^(0.4 × 0.8416) = 140k), budget 120k,
    # deadline 24 weeks, target 0.75. Actual: 110k, 26 weeks, score 0.78.
    project = shipped("p", cost=110_000, weeks=26, score=0.78)
    [first, halfway, last] = forecast_ledger([project])
    assert (first.horizon, halfway.horizon, last.horizon) == ("first", "halfway", "last")
    cost = first.quantities["cost_usd"]
    # PIT: Φ(ln(1.1) / 0.4) = Φ(0.2383) = 0.594 (the curve is linear between 2% steps).
    assert cost.pit == pytest.approx(0.594, abs=0.005)
    assert cost.inside_p50 and cost.inside_p80 and cost.within_p80_bound
    chances = first.probabilities
    assert chances["within_budget"].happened is True
    assert chances["within_budget"].brier == pytest.approx((0.7 - 1) ** 2)
    assert chances["by_deadline"].happened is False
    assert chances["by_deadline"].brier == pytest.approx(0.6**2)
    assert chances["meets_target"].happened is True
    assert chances["all_targets"].happened is False
    assert "reaches_production" not in chances  # not in the result: the engine has no such chance


def test_reaches_production_is_scored_once_results_have_it():
    with_chance = result(probability={"reaches_production": 0.9})
    project = shipped("p", cost=100_000, weeks=20, results=[with_chance])
    score = forecast_ledger([project])[0].probabilities["reaches_production"]
    assert score.happened is True and score.brier == pytest.approx(0.01)


def test_a_project_without_a_production_score_is_not_judged_on_the_target():
    project = shipped("p", cost=100_000, weeks=20, score=None)
    row = forecast_ledger([project])[0]
    assert "production_metric" not in row.quantities
    assert "meets_target" not in row.probabilities and "all_targets" not in row.probabilities
    assert "within_budget" in row.probabilities


def test_a_stop_that_counts_as_a_miss_and_one_that_says_nothing():
    forecast = Forecast.from_result(result(probability={"reaches_production": 0.9}))
    over_budget = stopped("a", spent=90_000, weeks=10, reason="over_budget")
    assert actual_events(over_budget, forecast) == {
        "reaches_production": False,
        "within_budget": False,
        "by_deadline": False,
        "meets_target": False,
        "all_targets": False,
    }
    changed = stopped("b", spent=50_000, weeks=8, reason="priorities_changed")
    assert actual_events(changed, forecast) == {"reaches_production": False}
    # Neither is scored on cost, time or score: their spending was cut short.
    assert all(not row.quantities for row in forecast_ledger([over_budget, changed]))


def test_the_team_summary_counts_hits_and_builds_the_pictures():
    # Three shipped projects on the same forecast (cost P80 = 140k, P10 = 59.9k, P90 = 167k):
    # 90k (under P80), 150k (over P80, inside P80 interval), 300k (beyond P90).
    projects = [
        shipped("a", cost=90_000, weeks=18),
        shipped("b", cost=150_000, weeks=22),
        shipped("c", cost=300_000, weeks=40, score=0.6),
        stopped("d", spent=80_000, weeks=12, reason="over_time"),
    ]
    summary = team_calibration(projects)["first"]
    assert summary.projects == 4 and summary.unscored == () and summary.stopped_left_out == 1
    cost = summary.hit_rates["cost_usd"]
    assert (cost["within_p80_bound"].hits, cost["within_p80_bound"].count) == (1, 3)
    assert (cost["inside_p80"].hits, cost["inside_p50"].hits) == (2, 1)
    assert summary.pit_histograms["cost_usd"].total == 3
    assert summary.pit_histograms["cost_usd"].counts[-1] == 1  # 300k: PIT above 0.9
    # within_budget (0.7 each): happened for a (90k ≤ 120k) only; stopped d is a miss.
    # Brier = ((0.7 − 1)² + 0.7² × 3) / 4 = (0.09 + 1.47) / 4 = 0.39.
    assert summary.brier["within_budget"].brier == pytest.approx(0.39)
    assert summary.brier["within_budget"].base_rate == 0.25
    assert summary.brier["reaches_production"] is None
    # Reliability pools within_budget, by_deadline, meets_target: 4 + 4 + 4 forecasts.
    assert sum(b.count for b in summary.reliability) == 12


def test_a_project_with_no_estimate_before_it_ended_is_named():
    late = ClosedProject(
        key="late",
        started_on=START,
        ended_on=date(2025, 3, 1),
        shipped=True,
        actual_cost_usd=1000.0,
        estimates=[StoredEstimate(date(2025, 3, 2), result())],
    )
    summary = team_calibration([late, shipped("a", cost=90_000, weeks=18)])["last"]
    assert summary.projects == 1 and summary.unscored == ("late",)


def test_no_closed_project_gives_an_empty_summary():
    summary = team_calibration([])["halfway"]
    assert summary.projects == 0
    assert summary.hit_rates["cost_usd"]["inside_p80"].count == 0
    assert all(skill is None for skill in summary.brier.values())


def test_the_ledger_scores_each_horizon_from_its_own_estimate():
    # The first estimate thought 200k, the last 100k: a 110k actual is far below the first.
    early, late = result(cost_median=200_000), result(cost_median=100_000)
    project = shipped("p", cost=110_000, weeks=20, results=[early, result(), late])
    rows = {row.horizon: row for row in forecast_ledger([project])}
    assert rows["first"].estimate_index == 0 and rows["last"].estimate_index == 2
    assert rows["first"].quantities["cost_usd"].pit < 0.1
    assert rows["last"].quantities["cost_usd"].pit == pytest.approx(0.594, abs=0.005)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"actual_cost_usd": math.nan}, "actual_cost_usd must be a finite number"),
        ({"actual_cost_usd": math.inf}, "actual_cost_usd must be a finite number"),
        ({"actual_cost_usd": 0.0}, "more than 0 for a shipped project"),
        ({"production_score": 1.5}, "production_score must be a probability"),
        ({"production_score": math.nan}, "production_score must be a finite number"),
        ({"ended_on": date(2024, 1, 1)}, "ended_on is before started_on"),
        ({"stop_reason": "over_budget"}, "a shipped project has no stop reason"),
        ({"shipped": False, "production_score": None}, "stop_reason must be one of"),
        ({"shipped": False, "stop_reason": "over_budget"}, "a stopped project has no production"),
        ({"key": ""}, "key must be a non-empty string"),
        ({"started_on": "2025-01-06"}, "started_on must be a date"),
        ({"estimates": [{"finished_at": START}]}, r"estimates\[0\] must be a StoredEstimate"),
    ],
)
def test_bad_records_are_refused_with_a_clear_message(changes, message):
    fields = {
        "key": "p",
        "started_on": START,
        "ended_on": date(2025, 3, 1),
        "shipped": True,
        "actual_cost_usd": 1000.0,
        "production_score": 0.8,
    }
    with pytest.raises(ValueError, match=message):
        ClosedProject(**(fields | changes))


def test_an_unreadable_result_names_the_project_and_the_estimate():
    broken = result()
    del broken["inputs"]["deadline_weeks"]
    project = shipped("churn", cost=100_000, weeks=20, results=[result(), broken])
    with pytest.raises(ValueError, match=r"'churn', estimate 2: .*deadline_weeks"):
        forecast_ledger([project])
    nan_chance = result(probability={"by_deadline": math.nan})
    with pytest.raises(ValueError, match="by_deadline.*finite number"):
        forecast_ledger([shipped("p", cost=1.0, weeks=2, results=[nan_chance])])


def test_two_projects_with_one_key_are_refused():
    with pytest.raises(ValueError, match="its own key"):
        team_calibration([shipped("a", 1.0, 2.0), shipped("a", 1.0, 2.0)])


def test_the_factory_curve_is_the_lognormal_it_claims():
    curve = lognormal_curve(100.0, 0.4)
    assert curve.quantile(0.5) == pytest.approx(100.0)
    assert curve.quantile(0.8) == pytest.approx(100.0 * np.exp(0.4 * 0.841621), rel=1e-6)
