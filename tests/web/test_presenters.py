"""Wording and rounding for the pages, without a browser or a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from projects import presenters
from projects.engine import INPUTS_BY_KEY, estimate, normalise


@pytest.mark.parametrize(
    ("probability", "text"),
    [(0.0, "under 1%"), (0.004, "under 1%"), (0.006, "1%"), (0.625, "62%"), (0.994, "99%"),
     (0.996, "over 99%"), (1.0, "over 99%"), (None, "–")],
)  # fmt: skip
def test_percent(probability, text):
    assert presenters.percent(probability) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [(850, "$850"), (4812.4, "$4,812"), (10_000, "$10k"), (412_300, "$412k"),
     (999_400, "$999k"), (999_600, "$1.0M"), (1_250_000, "$1.2M"), (25_400_000, "$25M"),
     (2.1e9, "$2.1B"), (-13_000, "−$13k"), (float("nan"), "–")],
)  # fmt: skip
def test_money(amount, text):
    assert presenters.money(amount) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.1, "1 week"), (4.3, "4.5 weeks"), (9.6, "9.5 weeks"), (23.4, "23 weeks"), (None, "–")],
)
def test_weeks(value, text):
    assert presenters.weeks(value) == text


def test_deltas():
    assert presenters.points_delta(0.123) == "+12 points"
    assert presenters.points_delta(-0.01) == "−1 point"
    assert presenters.points_delta(0.004) == "no change"
    assert presenters.money_delta(-13006) == "−$13k"
    assert presenters.money_delta(120) == "no change"
    assert presenters.weeks_delta(-3.6) == "−3.5 weeks"
    assert presenters.weeks_delta(0.1) == "no change"


def test_chance_tone_thresholds():
    assert presenters.chance_tone(0.8) == "good"
    assert presenters.chance_tone(0.79) == "fair"
    assert presenters.chance_tone(0.5) == "fair"
    assert presenters.chance_tone(0.49) == "poor"


def test_input_values_in_the_forms_words_and_units():
    spec = INPUTS_BY_KEY
    text = presenters.input_value_text
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


def test_revision_changes_lists_what_changed_in_form_order():
    old = normalise({})
    new = {**old, "budget_usd": 750000.0, "target_value": 0.95, "auto_stop": True}
    changes = presenters.revision_changes(old, new)
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("Target value in production", "90%", "95%"),
        ("Budget", "$500,000", "$750,000"),
        ("Training jobs stop automatically", "no", "yes"),
    ]
    assert presenters.revision_changes(None, new) == []
    assert presenters.revision_changes(old, dict(old)) == []


def test_trend():
    assert presenters.trend({"all_targets": 0.40}, {"all_targets": 0.30}).symbol == "↑"
    assert presenters.trend({"all_targets": 0.30}, {"all_targets": 0.40}).symbol == "↓"
    steady = presenters.trend({"all_targets": 0.30}, {"all_targets": 0.31})
    assert (steady.symbol, steady.text) == ("→", "steady since the previous estimate")
    up = presenters.trend({"all_targets": 0.45}, {"all_targets": 0.30})
    assert up.text == "up 15 points since the previous estimate"
    assert presenters.trend({"all_targets": 0.4}, None).text == "first estimate"


def test_date_text():
    moment = datetime(2026, 11, 3, 14, 5, tzinfo=UTC)
    assert presenters.date_text(moment) == "3 Nov 2026"
    assert presenters.date_text(moment, with_time=True) == "3 Nov 2026, 14:05 UTC"


def test_report_from_a_real_engine_result():
    result = estimate({"trials": 1000, "seed": 11, "target_metric": "recall"})
    report = presenters.report(result)
    assert report.summary == result["summary"]
    assert [chance.label for chance in report.chances] == [
        "In production by the deadline", "Within budget", "Reaches the target recall",
        "All three at once",
    ]  # fmt: skip
    assert report.chances[3].text == presenters.percent(result["probability"]["all_targets"])
    cost, weeks, metric = report.outcomes
    assert cost.target == "$500k"
    assert cost.middle == presenters.money(result["cost_usd"]["p50"])
    assert weeks.high == presenters.weeks(result["duration_weeks"]["p90"])
    assert metric.label == "Production recall"
    assert metric.low == presenters.score(result["production_recall"]["p10"])
    assert [risk.title for risk in report.risks] == [r["title"] for r in result["risks"]]
    assert len(report.levers) == min(5, len(result["levers"]))
    assert all(group.drivers for group in report.driver_groups)
    assert ("Random seed", "11") in report.details
