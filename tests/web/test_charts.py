"""projects/charts/ without a browser: figure structure, words, and lines at the right values."""

from __future__ import annotations

import json

import pytest

from projects.charts import base, outcomes, report
from projects.engine import estimate, normalise
from projects.engine.examples import STORIES, load
from projects.engine.risks import likelihood_band, severity


@pytest.fixture(scope="module")
def result() -> dict:
    inputs = normalise(
        {
            "trials": 4000,
            "seed": 11,
            "budget_usd": 400_000,
            "deadline_weeks": 30,
            "target_metric": "recall",
            "target_value": 0.6,
            "positive_fraction": 0.1,
            "retrain_every_months": 3,
            "drift": "seasonal",
        }
    )
    return estimate(inputs)


def _shape_at(figure: dict, axis: str) -> list[float]:
    """Where the figure's dashed lines stand on an axis ("x" for vertical lines)."""
    return [shape[f"{axis}0"] for shape in figure["layout"].get("shapes", [])]


def test_every_chart_has_a_title_an_alt_text_and_data(result):
    figures = report.report_figures(result)
    every = [figure for group in figures.values() for figure in group]
    assert len(every) == 6 + 1 + 3 + 1
    keys = [figure["key"] for figure in every]
    assert len(set(keys)) == len(keys)
    for figure in every:
        assert figure["title"] and figure["title"][0].isupper()
        assert figure["alt"].startswith(figure["title"])
        assert len(figure["alt"]) > len(figure["title"]) + 20
        assert figure["data"]
        assert figure["layout"]["font"]["family"] == base.FONT
        # Plain JSON, as json_script and Plotly need it: no NaN, no numpy types.
        json.dumps(figure, allow_nan=False)


def test_the_cost_curve_marks_the_budget_and_reads_the_chance_off_it(result):
    figure = outcomes.cost_curve(result)
    assert _shape_at(figure, "x") == [400_000]
    curve = figure["data"][0]
    assert curve["x"] == result["curves"]["cost_usd"]
    assert curve["y"] == result["curves"]["quantiles"]
    within = result["probability"]["within_budget"]
    point = figure["data"][-1]
    assert point["x"] == [400_000] and point["y"] == [within]
    label = figure["layout"]["annotations"][0]["text"]
    assert label == f"Budget $400k: {round(within * 100)}%"
    assert figure["note"] == f"Budget $400k: {round(within * 100)}% chance of staying within it."
    assert "$400k" in figure["alt"] and "staying within it" in figure["alt"]
    low, high = figure["layout"]["xaxis"]["range"]
    assert low <= 400_000 <= high


def test_the_duration_curve_marks_the_deadline(result):
    figure = outcomes.duration_curve(result)
    assert _shape_at(figure, "x") == [30]
    assert figure["data"][-1]["y"] == [result["probability"]["by_deadline"]]
    assert "Deadline 30 weeks" in figure["layout"]["annotations"][0]["text"]


def test_a_budget_far_beyond_every_scenario_still_shows(result):
    generous = {**result, "inputs": {**result["inputs"], "budget_usd": 50_000_000}}
    figure = outcomes.cost_curve(generous)
    low, high = figure["layout"]["xaxis"]["range"]
    assert high >= 50_000_000 > low


def test_the_metric_distribution_adds_up_and_marks_the_target(result):
    figure = outcomes.metric_distribution(result)
    bars = figure["data"][0]
    assert sum(bars["y"]) == pytest.approx(1.0, abs=0.02)
    assert _shape_at(figure, "x") == [pytest.approx(60.0)]
    # Bars at or beyond the target are green, the others blue.
    for centre, colour in zip(bars["x"], bars["marker"]["color"], strict=True):
        assert colour == (base.GOOD if centre >= 60 else base.ACCENT)
    assert "recall" in figure["title"]
    assert "60%" in figure["alt"]


def test_one_value_for_every_scenario_is_one_bar():
    flat = {
        "inputs": {"target_metric": "accuracy", "target_value": 0.9},
        "probability": {"meets_target": 0.0},
        "curves": {"quantiles": [i / 50 for i in range(51)], "production_metric": [0.5] * 51},
        "production_metric": {"p10": 0.5, "p50": 0.5, "p90": 0.5},
    }
    figure = outcomes.metric_distribution(flat)
    assert sorted(figure["data"][0]["y"])[-2:] == [0.0, 1.0]


def test_test_set_against_production_side_by_side(result):
    figure = outcomes.test_versus_production(result)
    bars = figure["data"][0]
    assert len(bars["x"]) == 3
    assert bars["x"] == ["Test set", "At launch", "First year"]
    assert "balanced accuracy on the team's test set, then recall" in figure["note"]
    assert bars["y"][0] == pytest.approx(result["offline_score"]["p50"] * 100)
    assert bars["y"][1] == pytest.approx(result["production_metric"]["p50"] * 100)
    # Error bars span the 10-90% range.
    assert bars["error_y"]["arrayminus"][0] == pytest.approx(
        (result["offline_score"]["p50"] - result["offline_score"]["p10"]) * 100
    )
    assert _shape_at(figure, "y") == [pytest.approx(60.0)]


def test_the_twelve_month_bar_is_the_engines_figure_for_accuracy():
    inputs = normalise({"trials": 2000, "seed": 3, "retrain_every_months": 6})
    accuracy = estimate(inputs, levers=False)
    figure = outcomes.test_versus_production(accuracy)
    assert figure["data"][0]["y"][2] == pytest.approx(
        accuracy["production_accuracy_12m"]["p50"] * 100
    )


def test_months_with_and_without_retraining(result):
    figure = outcomes.by_month(result)
    names = [trace["name"] for trace in figure["data"] if trace.get("showlegend", True)]
    assert names == ["Never retrained", "Retrained every 3 months"]
    medians = [trace for trace in figure["data"] if "hovertemplate" in trace]
    months = result["production_by_month"]
    assert medians[1]["y"] == [v * 100 for v in months["with_retraining"]["p50"]]
    assert medians[0]["y"] == [v * 100 for v in months["without_retraining"]["p50"]]
    bands = [trace for trace in figure["data"] if trace.get("fill") == "tonexty"]
    assert len(bands) == 2
    assert _shape_at(figure, "y") == [pytest.approx(60.0)]
    assert figure["data"][0]["x"] == list(range(1, 25))


def test_without_a_retraining_plan_there_is_one_line():
    inputs = normalise({"trials": 2000, "seed": 3, "retrain_every_months": 0})
    figure = outcomes.by_month(estimate(inputs, levers=False))
    names = [trace["name"] for trace in figure["data"] if trace.get("showlegend", True)]
    assert names == ["No retraining planned"]


def test_phases_are_the_five_shares(result):
    figure = outcomes.phases(result)
    bars = figure["data"][0]
    assert bars["y"] == [
        "Data preparation",
        "Modeling",
        "Deployment",
        "Integration",
        "Governance",
    ]
    assert sum(bars["x"]) == pytest.approx(1.0)


def test_drivers_tornado_puts_the_strongest_on_top(result):
    figure = report.drivers_tornado(result, "cost_usd")
    bars = figure["data"][0]
    sizes = [abs(value) for value in bars["x"]]
    assert sizes == sorted(sizes, reverse=True)
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"
    assert figure["layout"]["xaxis"]["range"] == [-1, 1]
    assert bars["y"][0] in figure["alt"]
    assert report.drivers_tornado({**result, "drivers": {}}, "cost_usd") is None


def test_levers_ranked_by_gain_in_all_three(result):
    figure = report.levers(result)
    all_three = figure["data"][0]
    assert all_three["name"] == "All three"
    assert all_three["x"] == sorted(all_three["x"], reverse=True)
    assert [trace["name"] for trace in figure["data"]] == [
        "All three",
        "Deadline",
        "Budget",
        "Target",
        "Production",
    ]
    assert report.levers({**result, "levers": []}) is None


def test_risk_matrix_numbers_the_risks_in_register_order(result):
    figure = report.risk_matrix(result)
    markers = figure["data"][1]
    risks = result["risks"]
    assert markers["text"] == [str(number) for number in range(1, len(risks) + 1)]
    for x, y, risk in zip(markers["x"], markers["y"], risks, strict=True):
        assert round(x) == likelihood_band(risk["likelihood"])
        assert round(y) == risk["consequence"]
    assert risks[0]["title"] in figure["alt"]


def test_the_risk_matrix_is_the_engines(result):
    figure = report.risk_matrix(result)
    # The columns are the engine's likelihood bands, the cells coloured by its severity.
    assert figure["layout"]["xaxis"]["ticktext"] == ["<10%", "10–30%", "30–50%", "50–70%", "≥70%"]
    heat = figure["data"][0]
    colours = [colour for _, colour in heat["colorscale"]]

    def cell(band: int, consequence: int) -> str:
        return colours[heat["z"][consequence - 1][band - 1]]

    assert cell(1, 1) == report.SEVERITY_COLOURS[severity(0.0, 1)] == report.SEVERITY_COLOURS["low"]
    assert (
        cell(2, 5) == report.SEVERITY_COLOURS[severity(0.1, 5)] == report.SEVERITY_COLOURS["high"]
    )
    assert cell(5, 4) == report.SEVERITY_COLOURS["critical"]


def test_whatif_curves_compare_with_the_saved_estimate(result):
    changed = estimate({**result["inputs"], "budget_usd": 600_000}, levers=False)
    cost = report.whatif_figures(changed, result)[0]
    names = [trace["name"] for trace in cost["data"] if trace["mode"] == "lines"]
    assert names == ["Saved estimate", "What if"]
    assert _shape_at(cost, "x") == [600_000]
    assert "saved estimate" in cost["alt"]


@pytest.mark.parametrize("slug", [story["slug"] for story in STORIES])
def test_every_demo_story_draws(slug):
    result = estimate({**load(slug), "trials": 2000, "seed": 5})
    figures = report.report_figures(result)
    json.dumps(figures, allow_nan=False)
    assert all(figures[key] for key in ("outcomes", "risks", "drivers"))
