"""The plain-language summary (MODEL.md §5): bottom line first, no percentiles, numbers rounded
for people, and the accuracy paradox exactly where it applies."""

from __future__ import annotations

import pytest

from projects.engine import estimate

from .checks import SCENARIO_NAMES, people_texts, scenario, scenario_result, wording_problems

PARADOX = 'Always answering "not'


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_the_summary_starts_with_the_bottom_line(name):
    summary = scenario_result(name)["summary"]
    assert summary[0].startswith("Bottom line"), summary[0]
    assert len(summary) >= 4, "bottom line, then one sentence per target"
    assert len(summary) == len(set(summary)), "a sentence is repeated"


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_no_percentile_jargon_and_numbers_rounded_for_people(name):
    result = scenario_result(name)
    problems = {text: wording_problems(text) for text in people_texts(result)}
    assert not {text: found for text, found in problems.items() if found}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("It costs P80 $520k", "jargon 'P80'"),
        ("the p50 is high", "jargon 'p50'"),
        ("the 90th percentile", "jargon 'percentile'"),
        ("about $523,456", "unrounded amount '$523,456'"),
        ("about $1,234", "unrounded amount '$1,234'"),
        ("accuracy 12.3456%", "long decimal '12.3456'"),
        ("a share of 0.123456", "long decimal '0.123456'"),
    ],
)
def test_the_wording_check_catches_what_it_should(text, problem):
    assert problem in wording_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "about $4,800",
        "$520k",
        "$1.2M",
        "$12.50 an hour",
        "$0.478 an hour",
        "99.9% accuracy",
        "4 in 5",
    ],
)
def test_the_wording_check_lets_rounded_numbers_through(text):
    assert wording_problems(text) == []


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_the_bottom_line_names_every_target(name):
    result = scenario_result(name)
    bottom = result["summary"][0]
    inputs = result["inputs"]
    assert "chance" in bottom
    assert str(round(inputs["deadline_weeks"])) in bottom.replace(",", "")
    assert "$" in bottom


# target_metric, positive_fraction, production_positive_fraction, target_value
PARADOX_CASES = [
    ("accuracy", 0.001, None, 0.999),  # the fraud story: 99.9% by saying "no"
    ("accuracy", 0.01, None, 0.95),
    ("accuracy", 0.25, None, 0.75),  # exactly equal: always "no" meets the target
    ("accuracy", 0.25, None, 0.76),
    ("accuracy", 0.5, None, 0.5),
    ("accuracy", 0.5, None, 0.9),
    ("accuracy", 0.3, 0.02, 0.95),  # rare in production only
    ("accuracy", 0.02, 0.3, 0.95),  # rare in training only
    ("recall", 0.001, None, 0.5),
    ("precision", 0.01, None, 0.9),
]


@pytest.mark.parametrize(("metric", "training", "production", "target"), PARADOX_CASES)
def test_the_accuracy_paradox_is_said_exactly_when_it_applies(metric, training, production, target):
    result = estimate(
        {
            "target_metric": metric,
            "positive_fraction": training,
            "production_positive_fraction": production,
            "target_value": target,
            "positive_class": "fraud",
            "trials": 1000,
            "seed": 9,
        },
        levers=False,
    )
    prevalence = training if production is None else production
    applies = metric == "accuracy" and 1 - prevalence >= target
    said = [sentence for sentence in result["summary"] if PARADOX in sentence]
    assert bool(said) == applies, result["summary"]
    if applies:
        assert len(said) == 1
        assert 'Always answering "not fraud" already scores' in said[0]
        majority = f"{100 * (1 - prevalence):.1f}".rstrip("0").rstrip(".") + "%"
        assert majority in said[0], (majority, said[0])


def test_the_summary_speaks_of_chances_not_probabilities():
    summary = " ".join(scenario_result("defaults")["summary"])
    assert "probability" not in summary.lower()
    assert " in " in summary and "chance" in summary


def test_a_summary_never_claims_certainty_but_calls_an_impossible_plan_impossible():
    # A Monte Carlo estimate never proves 0 or 1: the defaults miss the 90% target in every
    # trial, and the summary must still not say "no chance". But the target is above what the
    # best approach reaches with unlimited labels (90% less the label noise), and that is not a
    # matter of chance: the summary says it is impossible as planned.
    result = scenario_result("defaults")
    assert result["probability"]["meets_target"] == 0.0
    assert result["labels_needed_p50"] is None
    summary = " ".join(result["summary"]).lower()
    assert "no chance" not in summary
    assert "almost certain" not in summary and "certainly" not in summary
    assert "impossible as planned" in summary


def test_a_reachable_target_is_never_called_impossible():
    result = estimate({"target_value": 0.7, "trials": 2000, "seed": 4}, levers=False)
    assert result["labels_needed_p50"] is not None or result["probability"]["meets_target"] > 0
    assert "impossible" not in " ".join(result["summary"]).lower()


def test_the_serving_cost_is_yearly_and_outside_the_project_cost():
    result = estimate({**scenario("seasonal_recommendations_drift"), "trials": 1000}, levers=False)
    assert any("$24k a year" in sentence for sentence in result["summary"]), result["summary"]
