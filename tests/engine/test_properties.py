"""Property-based tests: any valid input gives a finite, conforming result; any invalid value
gives an InputError that names exactly the bad keys (MODEL.md §2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.engine import INPUTS, INPUTS_BY_KEY, InputError, estimate, normalise

from .checks import check_result, is_int, people_texts, wording_problems
from .strategies import (
    SIZING_KEYS,
    TEAM_KEYS,
    UNKNOWN_KEYS,
    invalid_value_for,
    pilot_curves,
    valid_inputs,
    value_for,
)

QUICK = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# --- valid inputs -------------------------------------------------------------------------


@QUICK
@given(inputs=valid_inputs())
def test_any_valid_input_gives_a_finite_conforming_result(inputs):
    result = estimate(inputs)
    check_result(result)
    for key, value in inputs.items():
        if key != "seed" or value is not None:
            assert result["inputs"][key] == _normalised(key, value), key


def _normalised(key, value):
    spec = INPUTS_BY_KEY[key]
    if value is None:
        return None
    if spec.kind == "text":
        return value.strip()
    if spec.kind == "curve":
        return sorted(
            ({"examples": point["examples"], "score": float(point["score"])} for point in value),
            key=lambda point: point["examples"],
        )
    if spec.kind == "integer":
        return int(value)
    if spec.kind == "number":
        return float(value)
    return value


@settings(QUICK, max_examples=40)
@given(inputs=valid_inputs())
def test_any_valid_input_is_summarised_in_plain_rounded_words(inputs):
    result = estimate(inputs)
    assert result["summary"][0].startswith("Bottom line")
    problems = [problem for text in people_texts(result) for problem in wording_problems(text)]
    assert not problems, problems


@settings(QUICK, max_examples=40)
@given(inputs=valid_inputs(), seed=st.integers(0, 2**63 - 1))
def test_no_levers_changes_nothing_but_the_levers(inputs, seed):
    inputs = {**inputs, "seed": seed}
    full, quick = estimate(inputs), estimate(inputs, levers=False)
    assert quick["levers"] == []
    assert quick["probability"] == full["probability"]
    assert quick["cost_usd"] == full["cost_usd"]
    assert quick["production_metric"] == full["production_metric"]


# Fitting an odd curve can take seconds (curve_fit runs up to 20,000 evaluations): few examples.
@settings(QUICK, max_examples=25)
@given(curve=pilot_curves(plausible=False))
def test_an_erratic_pilot_curve_is_fitted_or_refused_by_name(curve):
    # A curve whose scores fall as data grows may be impossible to fit; the engine must then
    # say so for pilot_curve, not crash.
    try:
        result = estimate({"pilot_curve": curve, "trials": 1000, "seed": 1}, levers=False)
    except InputError as error:
        assert set(error.errors) == {"pilot_curve"}
    else:
        check_result(result, levers=False)


ERRATIC_PILOT = [
    {"examples": 8036, "score": 0.9416745309282804},
    {"examples": 9946, "score": 0.001},
    {"examples": 8841, "score": 0.44916676141779943},
    {"examples": 1533, "score": 0.9480774061434669},
]


def test_an_erratic_pilot_curve_does_not_crash_the_fit():
    try:
        result = estimate({"pilot_curve": ERRATIC_PILOT, "trials": 1000, "seed": 1}, levers=False)
    except InputError as error:
        assert set(error.errors) == {"pilot_curve"}
    else:
        check_result(result, levers=False)


@pytest.mark.parametrize("labels_per_week", [5e-324, 1e-300])
def test_a_tiny_labeling_throughput_still_gives_a_finite_result(labels_per_week):
    inputs = {"labels_per_week": labels_per_week, "planned_new_labels": 10**9}
    check_result(estimate({**inputs, "trials": 1000, "seed": 3}))


def test_a_subnormal_labeling_throughput_with_nothing_to_label_gives_a_finite_result():
    check_result(estimate({"labels_per_week": 5e-324, "trials": 1000, "seed": 1}))


@pytest.mark.parametrize(
    "inputs", [{"budget_usd": 5e-324}, {"serving_usd_per_month": 5e-324}], ids=str
)
def test_a_tiny_amount_of_money_is_worded_without_crashing(inputs):
    check_result(estimate({**inputs, "trials": 1000, "seed": 3}))


def test_the_gpu_price_is_rounded_for_people():
    result = estimate(
        {
            "approach": "fine_tune",
            "gpus_per_run": 8,
            "gpu_hourly_usd": 12.345,
            "trials": 1000,
            "seed": 3,
        }
    )
    runaway = next(risk for risk in result["risks"] if risk["key"] == "runaway_compute")
    assert not wording_problems(runaway["impact"]), runaway["impact"]


# --- invalid inputs -----------------------------------------------------------------------


def _rejected(inputs) -> InputError:
    with pytest.raises(InputError) as caught:
        estimate(inputs, levers=False)
    error = caught.value
    assert isinstance(error, ValueError)
    return error


@pytest.mark.parametrize("key", [spec.key for spec in INPUTS])
@settings(QUICK, max_examples=15)
@given(data=st.data())
def test_an_invalid_value_is_rejected_naming_its_key(key, data):
    spec = INPUTS_BY_KEY[key]
    bad = data.draw(invalid_value_for(spec), label=key)
    error = _rejected({key: bad})
    assert set(error.errors) == {key}, error.errors
    assert key in str(error)
    message = error.errors[key]
    assert isinstance(message, str) and message.strip()
    if spec.kind in ("number", "integer", "bool", "choice", "text"):
        assert spec.range_text() in message, message


@pytest.mark.parametrize("key", [spec.key for spec in INPUTS])
@settings(QUICK, max_examples=5)
@given(data=st.data())
def test_an_invalid_value_is_rejected_among_valid_ones(key, data):
    others = data.draw(valid_inputs())
    others.pop(key, None)
    if key in ("baseline_score", "achievable_score"):
        others.pop("baseline_score", None)
        others.pop("achievable_score", None)
    bad = data.draw(invalid_value_for(INPUTS_BY_KEY[key]), label=key)
    error = _rejected({**others, key: bad})
    assert set(error.errors) == {key}, error.errors


@settings(QUICK, max_examples=60)
@given(data=st.data())
def test_every_bad_key_is_reported_at_once(data):
    keys = data.draw(st.lists(st.sampled_from([s.key for s in INPUTS]), min_size=2, unique=True))
    unknown = data.draw(st.lists(UNKNOWN_KEYS, max_size=3, unique=True))
    inputs = {key: data.draw(invalid_value_for(INPUTS_BY_KEY[key]), label=key) for key in keys}
    inputs.update({key: data.draw(st.integers() | st.text(max_size=3)) for key in unknown})
    error = _rejected(inputs)
    assert set(error.errors) == set(keys) | set(unknown)
    for key in error.errors:
        assert key in str(error)


@settings(QUICK, max_examples=30)
@given(key=UNKNOWN_KEYS, value=st.integers() | st.booleans() | st.none())
def test_an_unknown_key_is_rejected(key, value):
    error = _rejected({key: value})
    assert set(error.errors) == {key}


def test_a_misspelt_key_gets_a_suggestion():
    error = _rejected({"budget_usdd": 1000})
    assert "budget_usd" in error.errors["budget_usdd"]


@pytest.mark.parametrize("raw", [[], "inputs", 3, None, [("seed", 1)]], ids=repr)
def test_inputs_that_are_not_an_object_are_rejected(raw):
    _rejected(raw)


NUMERIC_KEYS = [spec.key for spec in INPUTS if spec.kind in ("number", "integer")]
INTEGER_KEYS = [spec.key for spec in INPUTS if spec.kind == "integer"]
NUMBER_KEYS = [spec.key for spec in INPUTS if spec.kind == "number"]


@pytest.mark.parametrize("value", [1e308, -1e308, math.inf, -math.inf, math.nan], ids=str)
@pytest.mark.parametrize("key", NUMERIC_KEYS)
def test_absurd_numbers_are_rejected_naming_their_key(key, value):
    error = _rejected({key: value})
    assert set(error.errors) == {key}


@pytest.mark.parametrize("value", [10**400, -(10**400)], ids=["10**400", "-10**400"])
@pytest.mark.parametrize("key", INTEGER_KEYS)
def test_absurdly_large_integers_are_rejected_for_whole_number_keys(key, value):
    error = _rejected({key: value})
    assert set(error.errors) == {key}


@pytest.mark.parametrize("value", [10**400, -(10**400)], ids=["10**400", "-10**400"])
def test_absurdly_large_integers_are_rejected_for_number_keys(value):
    error = _rejected(dict.fromkeys(NUMBER_KEYS, value))
    assert set(error.errors) == set(NUMBER_KEYS)


def test_an_absurd_pilot_score_is_rejected():
    curve = [
        {"examples": 10, "score": 10**400},
        {"examples": 20, "score": 0.5},
        {"examples": 30, "score": 0.6},
    ]
    error = _rejected({"pilot_curve": curve})
    assert set(error.errors) == {"pilot_curve"}


@pytest.mark.parametrize("bad_team_key", TEAM_KEYS)
def test_a_bad_team_value_is_reported_not_an_empty_team(bad_team_key):
    inputs = dict.fromkeys(TEAM_KEYS, 0)
    inputs[bad_team_key] = -1
    error = _rejected(inputs)
    assert set(error.errors) == {bad_team_key}


@settings(QUICK, max_examples=30)
@given(spec=st.sampled_from([s for s in INPUTS if s.nullable]))
def test_null_is_accepted_exactly_where_the_contract_allows(spec):
    result = estimate({spec.key: None, "trials": 1000, "seed": 1, **{spec.key: None}})
    if spec.key == "seed":
        assert is_int(result["seed"]) and result["inputs"]["seed"] == result["seed"]
    else:
        assert result["inputs"][spec.key] is None


@settings(QUICK, max_examples=20)
@given(spec=st.sampled_from([s for s in INPUTS if not s.nullable]))
def test_null_is_rejected_for_required_keys(spec):
    error = _rejected({spec.key: None})
    assert set(error.errors) == {spec.key}


@settings(QUICK, max_examples=60)
@given(data=st.data())
def test_valid_values_survive_normalisation_for_every_key(data):
    spec = data.draw(st.sampled_from(INPUTS))
    value = data.draw(value_for(spec))
    inputs = {spec.key: value}
    if spec.key == "baseline_score":
        inputs["achievable_score"] = 1.0
    if spec.key == "achievable_score":
        inputs["baseline_score"] = 0.5  # chance: the lowest valid baseline (MODEL.md §3.1)
    if spec.key in TEAM_KEYS:
        inputs["data_engineers" if spec.key != "data_engineers" else "senior_ml"] = 1
    if spec.key in SIZING_KEYS and value is not None:
        inputs[next(key for key in SIZING_KEYS if key != spec.key)] = 1e9
    assert normalise(inputs)[spec.key] == _normalised(spec.key, value)
