"""Wording and rounding for the pages, without a browser or a database."""

from __future__ import annotations

from projects import formatting
from projects.engine import estimate, normalise
from projects.engine.examples import load
from projects.presenters.portfolio import trend
from projects.presenters.project import revision_changes
from projects.presenters.report import report as report_of


def test_revision_changes_lists_what_changed_in_form_order():
    old = normalise({})
    new = {**old, "budget_usd": 750000.0, "target_value": 0.95, "auto_stop": True}
    changes = revision_changes(old, new)
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("Target value in production", "90%", "95%"),
        ("Budget", "$500,000", "$750,000"),
        ("Training jobs stop automatically", "no", "yes"),
    ]
    assert revision_changes(None, new) == []
    assert revision_changes(old, dict(old)) == []


def test_trend():
    assert trend({"all_targets": 0.40}, {"all_targets": 0.30}).symbol == "↑"
    assert trend({"all_targets": 0.30}, {"all_targets": 0.40}).symbol == "↓"
    steady = trend({"all_targets": 0.30}, {"all_targets": 0.31})
    assert (steady.symbol, steady.text) == ("→", "steady since the previous estimate")
    up = trend({"all_targets": 0.45}, {"all_targets": 0.30})
    assert up.text == "up 15 points since the previous estimate"
    assert trend({"all_targets": 0.4}, None).text == "first estimate"


def test_report_from_a_real_engine_result():
    result = estimate({"trials": 1000, "seed": 11, "target_metric": "recall"})
    report = report_of(result)
    assert report.summary == result["summary"]
    assert [chance.label for chance in report.chances] == [
        "In production by the deadline", "Within budget", "Reaches the target recall",
        "Reaches production at all", "Ships on time, within budget and on target",
    ]  # fmt: skip
    assert report.chances[4].text == formatting.percent(result["probability"]["all_targets"])
    # A recall target: precision at the threshold that reaches it, without a target of its own.
    cost, weeks, metric, precision = report.outcomes
    assert cost.target == "$500k"
    assert cost.middle == formatting.money(result["cost_usd"]["p50"])
    assert weeks.high == formatting.weeks(result["duration_weeks"]["p90"])
    assert metric.label == "Production recall"
    assert metric.low == formatting.score(result["production_recall"]["p10"], against=0.9)
    assert precision.label == "Production precision"
    assert (precision.target, precision.chance) == ("", "")
    assert precision.middle == formatting.score(result["production_precision"]["p50"])
    # Half the cases positive: the engine's floor is a fifth of the way from 50% to perfect.
    assert precision.note.endswith(
        "at the threshold set for the recall target, which never lets precision fall below 60%."
    )
    assert [risk.title for risk in report.risks] == [r["title"] for r in result["risks"]]
    assert len(report.levers) == min(5, len(result["levers"]))
    assert all(group.drivers for group in report.driver_groups)
    assert ("Random seed", "11") in report.details


def test_the_report_promises_no_target_the_summary_calls_useless():
    # Issue 13: the churn story's 2% recall "target you can promise" is no promise at all.
    result = estimate({**load("churn_after_migration"), "trials": 4000}, levers=False)
    assert result["promisable_target"] < 0.1
    assert report_of(result).promise == ""
    assert any("No useful recall target" in s for s in report_of(result).summary)
    resume = estimate({**load("resume_screening_bias"), "trials": 4000}, levers=False)
    assert report_of(resume).promise.startswith("3")
