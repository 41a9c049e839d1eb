"""The one vocabulary of the pages: the table of chances, the metric's name, tones, and the one
comparison of two results that the what-if and the history share."""

from __future__ import annotations

import copy

import pytest

from projects import vocabulary
from projects.charts.history import chances_figure
from projects.charts.report import levers
from projects.engine import estimate
from projects.presenters.history import Point
from projects.presenters.portfolio import portfolio_row
from projects.presenters.report import report
from projects.vocabulary import Chance, compare, metric_name, metric_stats


@pytest.fixture(scope="module")
def result() -> dict:
    return estimate({"trials": 2000, "seed": 3, "target_metric": "recall"})


def test_chance_tone_thresholds():
    assert vocabulary.chance_tone(0.8) == "good"
    assert vocabulary.chance_tone(0.79) == "fair"
    assert vocabulary.chance_tone(0.5) == "fair"
    assert vocabulary.chance_tone(0.49) == "poor"
    assert vocabulary.chance_tone(None) == "none"


def test_a_change_within_steady_is_no_news():
    assert vocabulary.change_tone(0.005, 0.005) == "none"
    assert vocabulary.change_tone(0.006, 0.005) == "good"
    assert vocabulary.change_tone(600, 500, higher_is_better=False) == "poor"
    assert vocabulary.change_arrow(-0.3, 0.25) == "↓"
    assert vocabulary.change_arrow(None, 0.25) == "→"


def test_the_metric_is_named_from_the_inputs():
    assert metric_name({"target_metric": "precision"}) == "precision"
    assert metric_name({"target_metric": "auc"}) == "accuracy"
    assert metric_name(None) == "accuracy"


def test_the_metric_statistics_are_the_target_metrics(result):
    assert metric_stats(result) == result["production_recall"]
    assert metric_stats(result, "precision") == result["production_precision"]
    assert metric_stats({}) == {}


def test_every_chance_the_engine_reports_has_a_row(result):
    assert {chance.key for chance in vocabulary.CHANCES} == set(result["probability"])
    assert vocabulary.CHANCES[2].long_label("recall") == "Reaches the target recall"


def test_compare_says_how_each_chance_and_median_moved(result):
    easier = estimate({**result["inputs"], "budget_usd": 5e6, "deadline_weeks": 104})
    outlook = compare(result, easier)
    labels = [row.label for row in outlook.chances + outlook.medians]
    assert labels == [
        "In production by the deadline",
        "Within budget",
        "Reaches the target recall",
        "Reaches production at all",
        "All three at once",
        "Median cost",
        "Median weeks to production",
        "Median production recall",
    ]
    budget = outlook.chances[1]
    assert budget.after == "over 99%" and budget.arrow == "↑" and budget.tone == "good"
    same = compare(result, result)
    assert {row.change for row in same.chances + same.medians} == {"no change"}
    assert {row.tone for row in same.chances + same.medians} == {"none"}


def test_compare_says_what_it_cannot_compare(result):
    outlook = compare({}, result)
    assert {row.before for row in outlook.chances} == {"–"}
    assert {row.change for row in outlook.chances} == {"–"}
    assert {row.arrow for row in outlook.chances} == {"→"}


def test_a_fifth_chance_is_one_line(result):
    """What the delivery model v2 is to add: a chance in the table shows on every page."""
    fifth = Chance("reaches_production", "Reaches production at all", "Production", "#7a3e9d")
    assert vocabulary.CHANCES[3] == fifth  # the engine's v2 chance (issue 13) is that line
    result = copy.deepcopy(result)
    result["probability"]["reaches_production"] = 0.9
    for lever in result["levers"]:
        lever["delta"] = {**lever["delta"], "reaches_production": 0.02}

    cards = report(result).chances
    assert [card.label for card in cards][3:] == ["Reaches production at all", "All three at once"]
    assert cards[3].text == "90%" and cards[3].tone == "good"
    assert ("Production", "+2 points") in report(result).levers[0].deltas

    class Project:
        latest_status = "done"

    recent = [{"result__probability": result["probability"], "finished_at": None}]
    row = portfolio_row(Project(), recent)
    assert [chance.label for chance in row.chances] == [
        "Deadline",
        "Budget",
        "Target",
        "Production",
        "All three",
    ]
    assert compare(result, result).chances[3].label == "Reaches production at all"
    assert [trace["name"] for trace in levers(result)["data"]][-1] == "Production"
    point = Point(
        estimate=None,
        number=1,
        when="",
        cause="",
        cause_url="/",
        probability=result["probability"],
        cost_p50=None,
        weeks_p50=None,
        metric_p50=None,
        metric="recall",
    )
    lines = chances_figure([point])["data"]
    assert lines[3]["name"] == "Reaches production at all"
    assert lines[3]["line"]["color"] == "#7a3e9d"
