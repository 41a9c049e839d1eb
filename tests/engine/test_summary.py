"""The plain-language summary (MODEL.md §5): bottom line first, no percentiles, numbers rounded
for people, and the accuracy paradox exactly where it applies."""

from __future__ import annotations

import pytest

from projects.engine import classifier, estimate

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


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_a_target_called_impossible_is_never_also_given_a_chance(name):
    # Issue 12: the resume story said "a 1 in 100 chance of reaching the 60% target" beside
    # "the target is impossible as planned".
    summary = scenario_result(name, levers=False)["summary"]
    impossible = any("target is impossible" in sentence for sentence in summary)
    given_a_chance = any("chance of reaching the" in sentence for sentence in summary)
    assert not (impossible and given_a_chance), summary


def test_a_target_reached_in_a_few_scenarios_is_unlikely_not_impossible():
    result = scenario_result("resume_screening_bias", levers=False)
    assert 0.0 < result["probability"]["meets_target"] < 0.05
    text = " ".join(result["summary"])
    assert "impossible" not in text
    assert "target is unlikely as planned" in text or "target is out of reach" in text


def test_a_promise_no_better_than_no_skill_is_not_made():
    # Issue 13: the churn story promised "about 2% recall" as "a target you can promise".
    result = scenario_result("churn_after_migration", levers=False)
    assert result["promisable_target"] < classifier.useful_floor("recall", 0.15)
    text = " ".join(result["summary"])
    assert "A target you can promise" not in text
    assert "No useful recall target can be promised" in text
    assert "without skill" in text


def test_a_useful_promise_is_still_made():
    result = scenario_result("resume_screening_bias", levers=False)
    assert any(s.startswith("A target you can promise: about 39%") for s in result["summary"])


@pytest.mark.parametrize(
    ("metric", "prevalence", "floor"),
    [("recall", 0.15, 0.1), ("precision", 0.1, 0.19), ("accuracy", 0.002, 0.9982)],
)
def test_the_useful_floor_is_a_tenth_of_the_way_from_no_skill_to_perfect(metric, prevalence, floor):
    assert classifier.useful_floor(metric, prevalence) == pytest.approx(floor)


@pytest.mark.parametrize(
    ("typed", "noun"),
    [
        (None, "positive cases"),
        ("card payment cases", "card payment cases"),
        ("fraud case", "fraud cases"),
        ("fraud", "fraud cases"),
        ("urgent request", "urgent request cases"),
    ],
)
def test_any_class_name_reads_right(typed, noun):
    # Issue 13: the default class wrote "positive case cases" and "not positive case".
    texts = []
    for metric, value in (("accuracy", 0.9), ("recall", 0.7)):
        result = estimate(
            {
                "positive_class": typed,
                "positive_fraction": 0.05,
                "target_metric": metric,
                "target_value": value,
                "trials": 1000,
                "seed": 3,
            },
            levers=False,
        )
        texts += people_texts(result)
    text = " ".join(texts)
    assert "case cases" not in text and "cases cases" not in text
    assert '"not positive case"' not in text and '"not fraud case"' not in text
    assert f"share of {noun} caught" in text
    assert f"catches no {noun} at all" in text
    modifier = noun.removesuffix(" cases")
    assert f'"not {modifier}"' in text


def test_the_bottom_line_says_when_a_model_without_skill_meets_the_target():
    # Issue 13: the card-fraud bottom line gave the chance of a target that always answering
    # "not fraud" already meets, as if it were good news.
    summary = scenario_result("card_fraud_accuracy", levers=False)["summary"]
    assert summary[0].startswith("Bottom line:")
    assert 'always answering "not fraud" already scores' in summary[0]
    assert "says nothing about the model" in summary[0]


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_the_bottom_line_names_a_trivial_target_exactly_when_the_warning_does(name):
    result = scenario_result(name, levers=False)
    trivial = any(item["field"] == "target_value" for item in result["warnings"])
    assert ("says nothing about the model" in result["summary"][0]) == trivial
