"""Numbers and dates as the pages write them, without a browser or a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from projects import formatting
from projects.engine import INPUTS_BY_KEY


@pytest.mark.parametrize(
    ("probability", "text"),
    [(0.0, "under 1%"), (0.004, "under 1%"), (0.006, "1%"), (0.625, "62%"), (0.994, "99%"),
     (0.996, "over 99%"), (1.0, "over 99%"), (None, "–")],
)  # fmt: skip
def test_percent(probability, text):
    assert formatting.percent(probability) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [(850, "$850"), (4812.4, "$4,812"), (10_000, "$10k"), (412_300, "$412k"),
     (999_400, "$999k"), (999_600, "$1.0M"), (1_250_000, "$1.2M"), (25_400_000, "$25M"),
     (2.1e9, "$2.1B"), (-13_000, "−$13k"), (float("nan"), "–")],
)  # fmt: skip
def test_money(amount, text):
    assert formatting.money(amount) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.1, "1 week"),
        (4.3, "4.5 weeks"),
        (9.6, "9.5 weeks"),
        (23.4, "23 weeks"),
        (None, "–"),
        (520, "520 weeks"),
        (20_113, "over 10 years"),
    ],  # never "20,113 weeks"
)
def test_weeks(value, text):
    assert formatting.weeks(value) == text


def test_deltas():
    assert formatting.points_delta(0.123) == "+12 points"
    assert formatting.points_delta(-0.01) == "−1 point"
    assert formatting.points_delta(0.004) == "no change"
    assert formatting.money_delta(-13006) == "−$13k"
    assert formatting.money_delta(120) == "no change"
    assert formatting.weeks_delta(-3.6) == "−3.5 weeks"
    assert formatting.weeks_delta(0.1) == "no change"


def test_input_values_in_the_forms_words_and_units():
    spec = INPUTS_BY_KEY
    text = formatting.input_value_text
    assert text(spec["budget_usd"], 750000.0) == "$750,000"
    assert text(spec["monthly_cost_per_person_usd"], 15000) == "$15,000 a month"
    assert text(spec["gpu_hourly_usd"], 2.5) == "$2.50 an hour"
    assert text(spec["target_value"], 0.9) == "90%"
    assert text(spec["label_noise"], 0.045) == "4.5%"
    assert text(spec["deadline_weeks"], 26) == "26 weeks"
    assert text(spec["deadline_weeks"], 1) == "1 week"
    assert text(spec["senior_ml"], 1) == "1 person"
    assert text(spec["labels_per_week"], 2000) == "2,000 examples a week"
    assert text(spec["auto_stop"], True) == "yes"
    assert text(spec["task_type"], "image") == "Images"
    assert text(spec["label_cost_usd"], None) == "not set (typical price for the kind of data)"
    curve = [{"examples": 500, "score": 0.62}, {"examples": 2000, "score": 0.7}]
    assert text(spec["pilot_curve"], curve) == "500 examples → 62%; 2,000 examples → 70%"


def test_date_text():
    moment = datetime(2026, 11, 3, 14, 5, tzinfo=UTC)
    assert formatting.date_text(moment) == "3 Nov 2026"
    assert formatting.date_text(moment, with_time=True) == "3 Nov 2026, 14:05 UTC"


def test_date_text_writes_days_and_moments_alike():
    assert formatting.date_text(date(2026, 11, 20)) == "20 Nov 2026"
    assert formatting.date_text(None) == "–"


@pytest.mark.parametrize(
    "value, against, text",
    [
        (0.82, None, "82%"),
        (0.074, None, "7.4%"),
        (0.9996, None, "99.96%"),  # never "100%" for a share below one
        (0.0017, None, "0.2%"),
        (0.998, 0.999, "99.8%"),
        (0.9995, 0.999, "99.95%"),
        (0.999, 0.9995, "99.9%"),
        (0.9004, 0.9, "90.04%"),  # differs from the target, so it reads differently
        (0.9, 0.9, "90%"),
        (None, 0.9, "–"),
        (0.5, None, "50%"),
    ],
)
def test_a_score_keeps_the_digits_that_set_it_apart_from_its_target(value, against, text):
    assert formatting.score(value, against=against) == text


def test_a_score_and_its_target_read_in_the_same_order_as_the_numbers():
    for value, target in [(0.99948, 0.999), (0.99891, 0.999), (0.0009, 0.001), (0.95, 0.9501)]:
        shown, wanted = formatting.score(value, against=target), formatting.score(target, value)
        assert shown != wanted
        assert (float(shown[:-1]) < float(wanted[:-1])) == (value < target)
