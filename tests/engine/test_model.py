"""The model's building blocks: team capacity over time, common random numbers, empty teams."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.engine import InputError, delivery, estimate, normalise
from projects.engine.draws import Draws

TEAM_KEYS = ("senior_ml", "junior_ml", "data_engineers", "open_positions")


def _team(seed, trials, **people):
    project = normalise({**people, "seed": seed})
    return delivery.build_team(project, Draws(seed, 0, trials))


@settings(max_examples=40, deadline=None, database=None)
@given(
    people=st.fixed_dictionaries({key: st.integers(0, 40) for key in TEAM_KEYS}).filter(
        lambda team: sum(team.values()) > 0
    ),
    pay=st.sampled_from(["below", "at", "above"]),
    seed=st.integers(0, 2**32),
)
def test_time_to_deliver_is_when_the_work_is_done(people, pay, seed):
    trials = 400
    team = _team(seed, trials, pay_vs_market=pay, **people)
    work = np.exp(np.random.default_rng(seed).uniform(np.log(0.5), np.log(20000), trials))
    weeks = delivery.time_to_deliver(team, work)
    assert np.all(np.isfinite(weeks)) and np.all(weeks > 0)
    done = team.work_done(weeks)
    assert np.allclose(done, work, rtol=1e-3, atol=0), np.max(np.abs(done / work - 1))
    # The first such week: a little earlier the work was not done yet.
    assert np.all(team.work_done(weeks - 0.05 * weeks) < work * (1 + 1e-3))


def test_time_to_deliver_copes_with_departures_and_late_hires():
    team = _team(
        3, 2000, senior_ml=1, junior_ml=1, data_engineers=0, open_positions=2, pay_vs_market="below"
    )
    work = np.full(2000, 400.0)
    weeks = delivery.time_to_deliver(team, work)
    assert np.any(team.leave < weeks[None, :]), "some people must leave before the end"
    assert np.allclose(team.work_done(weeks), work, rtol=1e-3)


def test_a_team_of_open_positions_starts_when_the_first_hire_arrives():
    team = _team(5, 1000, senior_ml=0, junior_ml=0, data_engineers=0, open_positions=3)
    weeks = delivery.time_to_deliver(team, np.full(1000, 1.0))
    assert np.all(weeks >= team.start.min(axis=0))


def test_more_people_never_take_longer():
    small = _team(8, 1000, senior_ml=1, junior_ml=1, data_engineers=1)
    large = _team(8, 1000, senior_ml=2, junior_ml=1, data_engineers=1)
    work = np.exp(np.random.default_rng(8).uniform(0, 8, 1000))
    faster = delivery.time_to_deliver(large, work)
    assert np.all(faster <= delivery.time_to_deliver(small, work) + 1e-2)


def test_an_empty_team_is_rejected_naming_senior_ml():
    empty = dict.fromkeys(TEAM_KEYS, 0)
    for call in (normalise, estimate):
        with pytest.raises(InputError) as caught:
            call(empty)
        assert set(caught.value.errors) == {"senior_ml"}
        assert "senior_ml" in str(caught.value)
        assert "empty" in caught.value.errors["senior_ml"]


@pytest.mark.parametrize("role", TEAM_KEYS)
def test_one_person_in_any_role_is_a_team(role):
    inputs = {**dict.fromkeys(TEAM_KEYS, 0), role: 1, "trials": 1000, "seed": 2}
    result = estimate(inputs, levers=False)
    assert np.isfinite(result["duration_weeks"]["p95"])


def test_rows_of_a_stream_do_not_depend_on_how_many_are_drawn():
    few = Draws(7, 0, 300).normal_rows("leave.senior", 3)
    many = Draws(7, 0, 300).normal_rows("leave.senior", 30)
    assert np.array_equal(few, many[:3])
    grown = Draws(7, 0, 300)
    grown.normal_rows("leave.senior", 2)
    assert np.array_equal(grown.normal_rows("leave.senior", 30), many)


def test_streams_differ_by_name_chunk_and_seed():
    base = Draws(7, 0, 300).uniform("a")
    assert not np.array_equal(base, Draws(7, 0, 300).uniform("b"))
    assert not np.array_equal(base, Draws(7, 1, 300).uniform("a"))
    assert not np.array_equal(base, Draws(8, 0, 300).uniform("a"))
    assert np.array_equal(base, Draws(7, 0, 300).uniform("a"))


@pytest.mark.parametrize(
    "inputs",
    [
        {"target_value": 0.75},
        {"task_type": "text", "target_value": 0.7},
        {"positive_fraction": 0.2, "target_metric": "recall", "target_value": 0.6},
    ],
    ids=["tabular", "text", "recall"],
)
def test_labels_needed_give_an_even_chance_of_meeting_the_target(inputs):
    base = {**inputs, "trials": 20000, "seed": 17}
    needed = estimate(base, levers=False)["labels_needed_p50"]
    assert isinstance(needed, int) and needed > 100

    def chance(labels):
        result = estimate({**base, "labeled_examples": labels}, levers=False)
        return result["probability"]["meets_target"]

    assert chance(needed) == pytest.approx(0.5, abs=0.02)
    assert chance(needed // 4) < 0.5 < chance(min(4 * needed, 10**9))


def test_no_labels_needed_when_no_amount_of_labels_reaches_the_target():
    # The defaults ask for 90% accuracy from an approach whose best is 90% before any loss.
    assert estimate({"trials": 2000, "seed": 1}, levers=False)["labels_needed_p50"] is None
    flooded = estimate({"trials": 2000, "seed": 1, "labeled_examples": 10**9}, levers=False)
    assert flooded["probability"]["meets_target"] < 0.5
