"""From balanced accuracy to accuracy, recall and precision (MODEL.md §4.4 step 6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.engine import classifier

PREVALENCES = [0.001, 0.01, 0.05, 0.15, 0.3, 0.5]
METRICS = ["accuracy", "recall", "precision"]


@pytest.mark.parametrize("prevalence", PREVALENCES)
@pytest.mark.parametrize("name", METRICS)
def test_metric_tables_never_fall_as_balanced_accuracy_rises(name, prevalence):
    table = classifier.metric_table(prevalence)[name]
    assert np.all(np.isfinite(table))
    assert np.all((table >= 0) & (table <= 1))
    assert np.all(np.diff(table) >= 0), name
    scores = np.sort(np.random.default_rng(1).uniform(0.5, 1.0, 5000))
    values = classifier.metric(scores, name, prevalence)
    assert np.all(np.diff(values) >= 0)


@pytest.mark.parametrize("prevalence", PREVALENCES)
def test_a_better_model_is_strictly_more_accurate_somewhere(prevalence):
    table = classifier.metric_table(prevalence)["accuracy"]
    assert table[-1] > table[0]


def test_at_even_prevalence_accuracy_is_about_balanced_accuracy():
    scores = np.linspace(0.8, 0.99999, 400)
    accuracy = classifier.metric(scores, "accuracy", 0.5)
    assert np.max(np.abs(accuracy - scores)) <= 0.03


def test_with_rare_positives_accuracy_exceeds_balanced_accuracy():
    # The accuracy paradox: at 1% prevalence a mediocre model looks excellent on accuracy.
    accuracy = classifier.metric(np.array([0.7]), "accuracy", 0.01)[0]
    assert accuracy >= 0.97
    precision = classifier.metric(np.array([0.7]), "precision", 0.01)[0]
    assert precision < 0.2


@settings(max_examples=150, deadline=None, database=None)
@given(
    name=st.sampled_from(METRICS),
    prevalence=st.sampled_from(PREVALENCES),
    share=st.floats(min_value=0, max_value=1),
)
def test_balanced_needed_inverts_the_metric(name, prevalence, share):
    table = classifier.metric_table(prevalence)[name]
    low, high = float(table[0]), float(table[-1])
    value = low + share * (high - low)
    needed = classifier.balanced_needed(name, value, prevalence)
    assert 0.5 <= needed <= 1.0
    reached = classifier.metric(np.array([needed]), name, prevalence)[0]
    assert reached >= value - 1e-6  # the lookup stops a hair short of the grid end
    if needed > 0.5 + 1e-3:
        below = classifier.metric(np.array([needed - 1e-3]), name, prevalence)[0]
        assert below <= value + 1e-12


@pytest.mark.parametrize("prevalence", PREVALENCES)
@pytest.mark.parametrize("name", METRICS)
def test_balanced_needed_is_infinite_when_out_of_reach_and_half_when_free(name, prevalence):
    table = classifier.metric_table(prevalence)[name]
    if table[-1] < 1.0:
        assert classifier.balanced_needed(name, float(table[-1]) + 1e-6, prevalence) == np.inf
    assert classifier.balanced_needed(name, float(table[0]), prevalence) == 0.5
