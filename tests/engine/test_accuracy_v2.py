"""Issue 12, the accuracy model v2: each point the outside review raised, as a test."""

from __future__ import annotations

import numpy as np
import pytest

from projects.engine import InputError, accuracy, estimate, normalise, words

FAST = {"trials": 4000, "seed": 12}


def _run(**inputs):
    return estimate({**FAST, **inputs}, levers=False)


def test_the_shift_has_no_point_mass_at_chance_and_gains_carry_over():
    kept = accuracy.skill_kept_quantiles("different")
    weak = accuracy.shifted(np.full(kept.size, 0.7), kept)
    strong = accuracy.shifted(np.full(kept.size, 0.9), kept)
    assert np.mean(weak <= 0.5 + 1e-9) < 0.01
    assert np.all(strong > weak)  # a better offline model is better in production, always
    result = _run(production_shift="different", achievable_score=0.8)
    assert result["production_accuracy"]["p5"] > 0.5


def test_a_well_run_binary_model_loses_a_few_points_on_fresh_data_not_eleven():
    kept = accuracy.skill_kept_quantiles("fresh")
    drop = 0.87 - np.median(accuracy.shifted(np.full(kept.size, 0.87), kept))
    assert 0.005 < drop < 0.05


def test_text_with_a_million_clean_labels_gets_close_to_the_achievable_score():
    result = _run(
        task_type="text",
        achievable_score=0.9,
        label_noise=0.0,
        missing_value_rate=0.0,
        labeled_examples=10**6,
    )
    assert result["offline_score"]["p50"] >= 0.87


def test_fine_tuning_learns_faster_from_few_labels_than_classical_or_from_scratch():
    scores = {
        approach: _run(task_type="text", labeled_examples=300, approach=approach)["offline_score"][
            "p50"
        ]
        for approach in ("classical", "fine_tune", "from_scratch")
    }
    assert scores["fine_tune"] > scores["classical"] + 0.03
    assert scores["fine_tune"] > scores["from_scratch"] + 0.03


def test_a_pilot_curve_still_overrides_the_prior():
    curve = [
        {"examples": 1000, "score": 0.6},
        {"examples": 4000, "score": 0.62},
        {"examples": 16000, "score": 0.63},
    ]
    result = _run(pilot_curve=curve, labeled_examples=16000, production_shift="same")
    assert result["offline_score"]["p50"] < 0.66
    assert result["warnings"] == []


@pytest.mark.parametrize(
    ("scores", "word"),
    [((0.8, 0.75, 0.7), "fall as labels grow"), ((0.7, 0.8, 0.75, 0.85), "go up and down")],
)
def test_falling_or_erratic_pilot_points_get_a_warning_for_the_form(scores, word):
    curve = [{"examples": 1000 * 4**i, "score": score} for i, score in enumerate(scores)]
    try:
        result = _run(pilot_curve=curve)
    except InputError as error:  # an unfittable curve is refused by name instead
        assert set(error.errors) == {"pilot_curve"}
        return
    warnings = [w for w in result["warnings"] if w["field"] == "pilot_curve"]
    assert len(warnings) == 1 and word in warnings[0]["message"]


@pytest.mark.parametrize("key", ["baseline_score", "achievable_score"])
def test_scores_below_chance_are_refused_naming_the_field(key):
    inputs = {key: 0.3}
    if key == "baseline_score":
        inputs["achievable_score"] = 0.9
    with pytest.raises(InputError) as caught:
        normalise(inputs)
    assert key in caught.value.errors
    assert "guessing already scores 0.5" in caught.value.errors[key]


def test_an_achievable_score_below_the_baseline_is_refused_naming_the_field():
    with pytest.raises(InputError) as caught:
        normalise({"baseline_score": 0.8, "achievable_score": 0.7})
    assert set(caught.value.errors) == {"achievable_score"}


def test_balanced_accuracy_is_explained_where_the_summary_uses_it():
    summary = _run()["summary"]
    first = next(s for s in summary if "balanced accuracy" in s)
    assert "guessing scores 50%" in first


def test_no_labels_raise_a_high_data_shortfall():
    result = _run(labeled_examples=0, planned_new_labels=0, target_value=0.7)
    risk = next(r for r in result["risks"] if r["key"] == "data_shortfall")
    assert risk["severity"] in ("high", "critical")


def test_every_listed_risk_is_likely_enough_and_says_something():
    for inputs in (
        {},
        {"production_shift": "same"},
        {"drift": "stable", "retrain_every_months": 1},
    ):
        for risk in _run(**inputs)["risks"]:
            assert risk["likelihood"] >= 0.01, risk
            assert " 0 points" not in risk["impact"], risk


def test_a_trivial_target_gets_its_own_warning_sentence():
    result = _run(target_metric="precision", target_value=0.02, positive_fraction=0.05)
    said = [s for s in result["summary"] if "Flagging every case already scores" in s]
    assert len(said) == 1
    assert any(w["field"] == "target_value" for w in result["warnings"])


def test_with_ten_percent_positives_the_median_model_beats_always_no():
    result = _run(positive_fraction=0.1, target_value=0.95, labeled_examples=20000)
    assert result["production_accuracy"]["p50"] > 0.9
    assert not any('Always answering "not' in s for s in result["summary"])


@pytest.mark.parametrize("metric", ["f1", "pr_auc"])
def test_f1_and_pr_auc_are_target_metrics(metric):
    result = _run(
        target_metric=metric, target_value=0.5, positive_fraction=0.05, labeled_examples=50000
    )
    assert 0 < result["production_metric"]["p50"] < 1
    assert 0 < result["probability"]["meets_target"] < 1


def test_percentages_keep_enough_digits_to_differ_from_the_target():
    assert words.percent_pair(0.998, 0.999) == ("99.8%", "99.9%")
    assert words.percent_pair(0.9995, 0.999) == ("99.95%", "99.9%")
    assert words.percent_against(0.8996, 0.9) == "89.96%"
    assert words.percent_pair(0.9, 0.9) == ("90%", "90%")


def test_a_promisable_target_has_a_four_in_five_chance():
    result = estimate({**FAST, "target_value": 0.95})
    promise = result["promisable_target"]
    assert promise is not None and promise < 0.95
    again = _run(target_value=promise)
    assert again["probability"]["meets_target"] == pytest.approx(0.8, abs=0.02)
    assert any("A target you can promise" in s for s in result["summary"])
    assert any(lever["key"] == "promisable_target" for lever in result["levers"])


def test_labeling_production_data_is_a_lever_with_its_cost_and_weeks():
    result = estimate({**FAST, "production_shift": "different", "target_value": 0.7})
    lever = next(row for row in result["levers"] if row["key"] == "label_production_data")
    assert lever["delta"]["meets_target"] > 0
    assert lever["delta"]["cost_p50_usd"] > 0
    assert "$" in lever["change"] and "week" in lever["change"]
