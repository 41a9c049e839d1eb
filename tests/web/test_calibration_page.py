"""The calibration page (a team's track record at each horizon) and the calibrated view of an
estimate, built from stored results; and their charts."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import outcomes
from projects.calibration import Curve, team_calibration
from projects.charts.calibration import hit_rates, pit_histogram, reliability
from projects.demo_history import add_past_projects
from projects.formatting import money
from projects.models import Estimate, Project

pytestmark = pytest.mark.django_db


def close(project: Project, *, level: float, started=datetime.date(2025, 1, 6), **extra):
    """Close the project as if it started on `started` (its estimate made that day) and
    shipped costing what its forecast gave at `level` (0 to 1)."""
    moment = timezone.make_aware(datetime.datetime.combine(started, datetime.time(9)))
    Project.objects.filter(pk=project.pk).update(created_at=moment)
    estimate = project.estimates.get()
    Estimate.objects.filter(pk=estimate.pk).update(finished_at=moment)
    result = estimate.result
    cost = Curve.from_result(result, "cost_usd").quantile(level)
    weeks = Curve.from_result(result, "duration_weeks").quantile(level)
    fields = {
        "status": "shipped",
        "started_on": started,
        "ended_on": started + datetime.timedelta(days=round(weeks * 7)),
        "cost_usd": cost,
        "production_score": None,
        **extra,
    }
    return outcomes.record(project, fields)[0]


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def page_text(response) -> str:
    html = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def test_with_no_closed_project_it_says_what_to_do(viewer_client, team, project):
    response = viewer_client.get(reverse("team_calibration", args=[team.pk]))
    assert response.status_code == 200
    assert "No project of this team is closed yet" in page_text(response)
    assert response.context["charts"] == []


def test_with_three_projects_it_gives_counts_never_a_bare_percentage(
    viewer_client, team, owner, make_project
):
    for index, level in enumerate((0.95, 0.97, 0.5)):
        close(make_project(team, owner, name=f"Past {index}"), level=level)
    response = viewer_client.get(reverse("team_calibration", args=[team.pk]))
    text = page_text(response)
    assert "Only 3 closed projects can be scored here" in text
    assert "Of 3 finished projects, 1 came in under their P80 cost (expected 4 in 5)" in text
    # Counts with the range they allow; no "(33%, expected 80%)" from three projects.
    assert not re.search(r"\(\d+%, expected", text)
    assert "1 of 3 (too few to judge: likely" in text
    keys = [figure["key"] for figure in response.context["charts"]]
    assert keys == ["hit-rates", "reliability", "pit-cost_usd", "pit-duration_weeks"]


def test_it_scores_each_horizon_and_refuses_an_unknown_one(
    viewer_client, team, owner, make_project
):
    close(make_project(team, owner, name="Past"), level=0.99)
    for horizon in ("first", "halfway", "last"):
        response = viewer_client.get(
            reverse("team_calibration", args=[team.pk]), {"horizon": horizon}
        )
        assert response.status_code == 200
        assert response.context["page"]["horizon"] == horizon
    response = viewer_client.get(reverse("team_calibration", args=[team.pk]), {"horizon": "x"})
    assert response.status_code == 404


def test_a_reopened_project_no_longer_counts(viewer_client, team, owner, make_project):
    outcome = close(make_project(team, owner, name="Past"), level=0.5)
    assert (
        viewer_client.get(reverse("team_calibration", args=[team.pk])).context["page"]["closed"]
        == 1
    )
    outcomes.reopen(outcome, reason="Launch rolled back", by=owner)
    response = viewer_client.get(reverse("team_calibration", args=[team.pk]))
    assert response.context["page"]["closed"] == 0


def test_stopped_projects_count_in_the_chances_not_in_cost(
    viewer_client, team, owner, make_project
):
    close(make_project(team, owner, name="Shipped"), level=0.5)
    close(
        make_project(team, owner, name="Stopped"),
        level=0.3,
        status="stopped",
        stop_reason="over_budget",
    )
    page = viewer_client.get(reverse("team_calibration", args=[team.pk])).context["page"]
    assert page["closed"] == 2
    assert "1 stopped project is left out of cost and time" in " ".join(page["sentences"])
    rows = {row["project"].name: row for row in page["projects"]}
    assert rows["Stopped"]["cost_fell"] == "–" and rows["Shipped"]["cost_fell"] != "–"


def test_the_calibrated_view_sits_beside_the_models_numbers(
    client, owner, team, project, make_project
):
    client.force_login(owner)
    url = reverse("project_calibrated", args=[project.pk])
    text = page_text(client.get(url))
    assert "Not corrected: needs 3 closed projects with it measured; this team has 0" in text
    for index in range(4):
        close(make_project(team, owner, name=f"Past {index}"), level=0.97)
    response = client.get(url)
    text = page_text(response)
    cost = Curve.from_result(project.shown_estimate().result, "cost_usd")
    # The model's own numbers are kept, beside the calibrated ones, which are higher here.
    row = response.context["page"]["rows"][0]
    assert row["model_median"] == money(cost.quantile(0.5))
    assert row["rests_on"] == 4
    assert "more cost than the model" in text and "it rests on 4 closed projects" in text
    assert [f["key"] for f in response.context["charts"]] == [
        "calibrated-cost_usd",
        "calibrated-duration_weeks",
    ]
    # The production score had no measurement: not corrected, and saying why.
    assert "Not corrected: needs 3 closed projects with it measured; this team has 0" in text


def test_a_closed_projects_own_outcome_does_not_correct_it(client, owner, team, make_project):
    client.force_login(owner)
    projects = [make_project(team, owner, name=f"Past {index}") for index in range(3)]
    for project in projects:
        close(project, level=0.97)
    page = client.get(reverse("project_calibrated", args=[projects[0].pk])).context["page"]
    assert page["closed"] == 2
    assert "this team has 2" in page["rows"][0]["why_not"]


def test_the_demo_teams_page_reads_clearly(viewer_client, team, owner):
    add_past_projects(team, owner, lambda line: None)
    response = viewer_client.get(reverse("team_calibration", args=[team.pk]))
    text = page_text(response)
    assert "Demo data" in text
    assert "Of 12 finished projects" in text and "expected 80%" in text
    assert "2 stopped projects are left out of cost and time" in text
    assert "expects" in text and "it rests on 12 closed projects" in text
    assert len(response.context["charts"]) == 5
    # The report of a past project shows its outcome beside its forecasts, marked as demo.
    past = team.projects.get(name="Churn prediction v1")
    report = page_text(viewer_client.get(past.get_absolute_url()))
    assert "Outcome · Demo data" in report and "Last forecast before launch" in report


# Charts --------------------------------------------------------------------------------------


def test_the_charts_describe_what_they_draw(team, owner, make_project):
    closed_outcomes = [
        close(make_project(team, owner, name=f"Past {index}"), level=level)
        for index, level in enumerate((0.05, 0.5, 0.95))
    ]
    closed, _ = outcomes.team_closed_projects(team)
    assert len(closed) == len(closed_outcomes)
    summaries = team_calibration(closed)
    histogram = pit_histogram(summaries["first"], "cost_usd")
    assert sum(histogram["data"][0]["y"]) == 3
    assert "Histogram of where 3 actual cost values fell" in histogram["alt"]
    assert pit_histogram(summaries["first"], "production_metric") is None  # none measured
    diagram = reliability(summaries["first"])
    counts = [int(text[2:]) for text in diagram["data"][1]["text"]]
    assert sum(counts) == sum(b.count for b in summaries["first"].reliability)
    rates = hit_rates(summaries)
    assert rates["data"][1]["customdata"][0].endswith("of 3")
    assert "With so few projects the ranges are wide" in rates["note"]
    json.dumps([histogram, diagram, rates], allow_nan=False)


def test_reaching_production_is_scored_once_results_carry_it(
    viewer_client, team, owner, make_project
):
    shipped = close(make_project(team, owner, name="Shipped"), level=0.5)
    stopped = close(
        make_project(team, owner, name="Stopped"),
        level=0.3,
        status="stopped",
        stop_reason="other",
        note="x",
    )
    # Results stored before the delivery model v2 have no such chance: no row for it.
    for outcome in (shipped, stopped):
        estimate = outcome.project.estimates.get()
        estimate.result["probability"].pop("reaches_production", None)
        Estimate.objects.filter(pk=estimate.pk).update(result=estimate.result)
    url = reverse("team_calibration", args=[team.pk])
    labels = [row["label"] for row in viewer_client.get(url).context["page"]["brier_rows"]]
    assert "Reaches production" not in labels
    for outcome in (shipped, stopped):
        estimate = outcome.project.estimates.get()
        estimate.result["probability"]["reaches_production"] = 0.9
        Estimate.objects.filter(pk=estimate.pk).update(result=estimate.result)
    rows = viewer_client.get(url).context["page"]["brier_rows"]
    row = next(row for row in rows if row["label"] == "Reaches production")
    # 0.9 for one that shipped and one that stopped: (0.1² + 0.9²) / 2 = 0.41.
    assert row["cells"][0].text == "Brier 0.41 · 2 projects"
