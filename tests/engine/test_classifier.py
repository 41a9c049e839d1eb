"""From balanced accuracy to the metric stakeholders judge by (docs/model.md, "Accuracy").

The operating threshold follows the target metric, so each metric is tested under its own rule;
the side metrics reported at another metric's threshold need not rise with skill (precision at
the accuracy-best threshold of a weak model, say), and are not tested for that.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from projects.engine import classifier

PREVALENCES = [0.001, 0.01, 0.05, 0.15, 0.3, 0.5]
METRICS = ["accuracy", "recall", "precision", "f1", "pr_auc"]


def _table(name, prevalence, target=0.5):
    return classifier.operating_table(prevalence, name, target)


@pytest.mark.parametrize("prevalence", PREVALENCES)
@pytest.mark.parametrize("name", METRICS)
def test_the_judged_metric_never_falls_as_balanced_accuracy_rises(name, prevalence):
    table = _table(name, prevalence, 0.6)
    for key in ("metric", "skill"):
        values = table[key]
        assert np.all(np.isfinite(values)) and np.all((values >= 0) & (values <= 1))
        assert np.all(np.diff(values) >= 0), key
    scores = np.sort(np.random.default_rng(1).uniform(0.5, 1.0, 5000))
    # Interpolating between equal table entries may wobble in the last bit.
    assert np.all(np.diff(classifier.metric(scores, "metric", prevalence, name, 0.6)) >= -1e-12)


@pytest.mark.parametrize("prevalence", PREVALENCES)
@pytest.mark.parametrize("name", METRICS)
def test_a_model_without_skill_scores_what_a_trivial_model_scores(name, prevalence):
    at_chance = float(_table(name, prevalence)["skill"][0])
    assert at_chance == pytest.approx(classifier.trivial_value(name, prevalence), abs=2e-3)
    assert _table(name, prevalence)["skill"][-1] > at_chance


@pytest.mark.parametrize("prevalence", PREVALENCES)
def test_the_accuracy_threshold_never_does_worse_than_always_answering_no(prevalence):
    accuracy = _table("accuracy", prevalence)["accuracy"]
    assert np.all(accuracy >= 1 - prevalence - 1e-9)
    # With 10% positives, a model of 80% balanced accuracy beats always answering "no".
    assert classifier.metric(np.array([0.8]), "accuracy", 0.1)[0] > 0.9 + 0.005


def test_at_even_prevalence_accuracy_is_balanced_accuracy():
    scores = np.linspace(0.6, 0.999, 400)
    accuracy = classifier.metric(scores, "accuracy", 0.5)
    assert np.max(np.abs(accuracy - scores)) <= 0.003


def test_with_rare_positives_accuracy_exceeds_balanced_accuracy():
    accuracy = classifier.metric(np.array([0.7]), "accuracy", 0.01)[0]
    assert accuracy >= 0.99


@pytest.mark.parametrize("target", [0.3, 0.6, 0.8])
def test_a_recall_target_is_operated_at_its_threshold_with_precision_reported_there(target):
    prevalence = 0.15
    floor = classifier.other_floor("recall", prevalence)
    assert floor == pytest.approx(0.15 + 0.2 * 0.85)
    table = _table("recall", prevalence, target)
    reached = table["skill"] >= target
    assert reached.any() and (~reached).any()
    # Where the model can, the threshold hits the target recall, at an acceptable precision.
    assert np.allclose(table["recall"][reached], target)
    assert np.all(table["precision"][reached] >= floor - 1e-9)
    # Short of it, it is judged by the most recall it reaches at the floor precision (none, for
    # the weakest models, whose best precision stays under the floor).
    short = ~reached
    assert np.allclose(table["recall"][short], table["skill"][short])
    some = short & (table["skill"] > 0)
    assert some.any() and np.all(table["precision"][some] >= floor - 1e-9)
    assert np.all(table["metric"][short] < target)


def test_flagging_everything_does_not_meet_a_recall_target():
    # A model without skill reaches any recall only at the prevalence's precision, below the floor.
    table = _table("recall", 0.15, 0.3)
    assert table["metric"][0] == 0.0
    assert classifier.trivial_value("recall", 0.15) == 0.0


@pytest.mark.parametrize("target", [0.3, 0.6])
def test_a_precision_target_is_operated_at_its_threshold_with_recall_reported_there(target):
    table = _table("precision", 0.05, target)
    reached = table["skill"] >= target
    assert reached.any() and (~reached).any()
    assert np.allclose(table["precision"][reached], target, atol=1e-6)
    # Flagging one sure case is not enough: a fifth of the positives at least are caught.
    assert np.all(table["recall"][reached] >= classifier.other_floor("precision", 0.05) - 1e-6)
    short = ~reached
    assert np.allclose(table["precision"][short], table["skill"][short])


def test_the_fraud_roc_matches_published_precision_and_recall():
    # ULB: ROC-AUC about 0.975 at 0.172% positives; boosted trees reach F1 about 0.81 and
    # PR-AUC about 0.82 (docs/model.md). An equal-variance ROC would give PR-AUC 0.35.
    prevalence = 0.00172
    skill = classifier.SCORE_GRID[
        np.searchsorted(classifier.roc_auc(classifier.SCORE_GRID, prevalence), 0.975)
    ]
    table = _table("f1", prevalence)
    point = np.array([skill])
    assert 0.75 <= classifier.lookup(point, table["pr_auc"])[0] <= 0.88
    assert 0.75 <= classifier.lookup(point, table["f1"])[0] <= 0.88


@settings(max_examples=150, deadline=None, database=None)
@given(
    name=st.sampled_from(METRICS),
    prevalence=st.sampled_from(PREVALENCES),
    share=st.floats(min_value=0, max_value=1),
)
# The top of the curve, where the value's rounding once read as out of reach.
@example(name="f1", prevalence=0.15, share=1.0)
def test_balanced_needed_inverts_the_metric(name, prevalence, share):
    skill = _table(name, prevalence)["skill"]
    value = float(skill[0] + share * (skill[-1] - skill[0]))
    needed = classifier.balanced_needed(name, value, prevalence)
    assert 0.5 <= needed <= 1.0
    reached = classifier.metric(np.array([needed]), "skill", prevalence, name, value)[0]
    assert reached >= value - 1e-6
    if needed > 0.5 + 1e-3:
        below = classifier.metric(np.array([needed - 1e-3]), "skill", prevalence, name, value)[0]
        assert below <= value + 1e-12


@pytest.mark.parametrize("prevalence", PREVALENCES)
@pytest.mark.parametrize("name", METRICS)
def test_balanced_needed_is_infinite_when_out_of_reach_and_half_when_free(name, prevalence):
    skill = _table(name, prevalence)["skill"]
    if skill[-1] < 1.0:
        assert classifier.balanced_needed(name, float(skill[-1]) + 1e-6, prevalence) == np.inf
    assert classifier.balanced_needed(name, float(skill[0]), prevalence) == 0.5
