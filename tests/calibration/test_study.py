"""A small run of the simulation study (benchmarks/bench_calibration.py runs the full one):
after 10 closed projects the corrected P80 hit rate is back within 10 points of 80%."""

import pytest

from projects.calibration.curves import Curve
from projects.calibration.study import PooledForecast, Scenario, run_study
from projects.engine import estimate
from projects.engine.examples import load

STORIES = ("churn_after_migration", "crm_integration", "card_fraud_accuracy")


@pytest.fixture(scope="module")
def pool():
    pooled = []
    for story in STORIES:
        inputs = load(story)
        for seed in (1, 2):
            curves = {}
            for role, run_seed in (("forecast", seed), ("truth", 1000 + seed)):
                result = estimate({**inputs, "trials": 4000, "seed": run_seed}, levers=False)
                curves[role] = {"cost_usd": Curve.from_result(result, "cost_usd")}
            pooled.append(PooledForecast(curves["forecast"], curves["truth"]))
    return pooled


def test_the_correction_brings_the_p80_hit_rate_back_after_10_projects(pool):
    scenarios = (
        Scenario("no bias", 1.0, 1.0),
        Scenario("mixed", 0.8, 1.6),
        Scenario("factor 1.6", 1.6, 1.6),
    )
    cells = {
        c.scenario: c
        for c in run_study(pool, scenarios, teams=120, checkpoints=(10,), checked_per_team=5)
    }
    unbiased, mixed, biased = cells["no bias"], cells["mixed"], cells["factor 1.6"]
    assert unbiased.checked == mixed.checked == biased.checked == 600
    assert abs(unbiased.raw_rate - 0.8) <= 0.1
    assert abs(unbiased.corrected_rate - 0.8) <= 0.1  # the correction does no harm
    # The bias matters (raw far below 80%), and the correction undoes most of it.
    assert mixed.raw_rate < 0.65 and biased.raw_rate < 0.5
    for cell in (mixed, biased):
        assert abs(cell.corrected_rate - 0.8) <= 0.1, (cell.scenario, cell.corrected_rate)


def test_the_study_is_seeded(pool):
    scenario = (Scenario("mixed", 0.8, 1.6),)
    first = run_study(pool, scenario, teams=10, checkpoints=(5,), checked_per_team=2)
    again = run_study(pool, scenario, teams=10, checkpoints=(5,), checked_per_team=2)
    assert first == again
