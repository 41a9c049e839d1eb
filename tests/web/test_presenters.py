"""Wording and rounding for the pages, without a browser or a database."""

from __future__ import annotations

from projects import formatting, presenters
from projects.engine import estimate, normalise


def test_chance_tone_thresholds():
    assert presenters.chance_tone(0.8) == "good"
    assert presenters.chance_tone(0.79) == "fair"
    assert presenters.chance_tone(0.5) == "fair"
    assert presenters.chance_tone(0.49) == "poor"


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


def test_report_from_a_real_engine_result():
    result = estimate({"trials": 1000, "seed": 11, "target_metric": "recall"})
    report = presenters.report(result)
    assert report.summary == result["summary"]
    assert [chance.label for chance in report.chances] == [
        "In production by the deadline", "Within budget", "Reaches the target recall",
        "All three at once",
    ]  # fmt: skip
    assert report.chances[3].text == formatting.percent(result["probability"]["all_targets"])
    cost, weeks, metric = report.outcomes
    assert cost.target == "$500k"
    assert cost.middle == formatting.money(result["cost_usd"]["p50"])
    assert weeks.high == formatting.weeks(result["duration_weeks"]["p90"])
    assert metric.label == "Production recall"
    assert metric.low == formatting.score(result["production_recall"]["p10"])
    assert [risk.title for risk in report.risks] == [r["title"] for r in result["risks"]]
    assert len(report.levers) == min(5, len(result["levers"]))
    assert all(group.drivers for group in report.driver_groups)
    assert ("Random seed", "11") in report.details
