"""Outcomes: closing a project on its page and through the API, corrections kept as history,
reopening, later production scores, and the report's "forecast against actual"."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import outcomes
from projects.calibration import Curve
from projects.formatting import money
from projects.models import ApiToken, Estimate, LaterScore, Outcome, Project, ShareLink

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
LAUNCH = datetime.date(2026, 6, 1)


def backdate(project: Project, started: datetime.date = START) -> Estimate:
    """Make the project look started on `started`, its one estimate finished that day."""
    moment = timezone.make_aware(datetime.datetime.combine(started, datetime.time(9)))
    Project.objects.filter(pk=project.pk).update(created_at=moment)
    estimate = project.estimates.get()
    Estimate.objects.filter(pk=estimate.pk).update(finished_at=moment)
    project.refresh_from_db()
    estimate.refresh_from_db()
    return estimate


def shipped(**extra) -> dict:
    return {
        "status": "shipped",
        "started_on": START.isoformat(),
        "ended_on": LAUNCH.isoformat(),
        "cost_usd": "$250,000",
        "production_score": "71%",
        **extra,
    }


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_it_closes_a_project_as_shipped_and_the_report_shows_forecast_against_actual(
    owner_client, project, make_project
):
    estimate = backdate(project)
    response = owner_client.post(reverse("outcome_edit", args=[project.pk]), shipped())
    assert response.status_code == 302
    outcome = project.current_outcome()
    assert (outcome.status, outcome.cost_usd, outcome.production_score) == ("shipped", 250000, 0.71)
    assert outcome.ended_on == LAUNCH and outcome.started_on == START
    page = owner_client.get(project.get_absolute_url()).content.decode()
    assert "Shipped on 1 Jun 2026" in page
    assert "In production after 21 weeks" in page
    assert "First forecast" in page
    cost = Curve.from_result(estimate.result, "cost_usd")
    assert money(cost.quantile(0.5)) in page and money(cost.quantile(0.8)) in page
    where = "beyond its P80" if cost.quantile(0.8) < 250000 else "within its P80"
    assert where in page
    # Which of that estimate's targets it met: 21 weeks against the 26-week deadline, $250k
    # against the $500k budget, 71% against the 90% target.
    assert "What happened: missed the 90% target" in page
    # The project stops being re-estimated on a schedule; open ones go on.
    open_project = make_project(project.team, project.created_by, name="Still open")
    due = Project.objects.due(timezone.now() + datetime.timedelta(days=30))
    assert project not in due and open_project in due
    outcomes.reopen(project.current_outcome(), reason="Rolled back", by=None)
    assert project in Project.objects.due(timezone.now() + datetime.timedelta(days=30))


def test_it_says_when_no_estimate_came_before_the_end(owner_client, project):
    # The estimate was made today, after a launch in June: nothing to compare with.
    response = owner_client.post(
        reverse("outcome_edit", args=[project.pk]),
        shipped(started_on="2025-01-06", ended_on="2025-06-02"),
    )
    assert response.status_code == 302
    page = owner_client.get(project.get_absolute_url()).content.decode()
    assert "No estimate finished before the project ended" in page


def test_it_rejects_an_outcome_naming_each_field(owner_client, project):
    url = reverse("outcome_edit", args=[project.pk])
    response = owner_client.post(
        url,
        {
            "status": "stopped",
            "started_on": "2026-02-01",
            "ended_on": "2026-01-01",
            "cost_usd": "a lot",
            "production_score": "0.8",
            "stop_reason": "other",
            "note": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"ended_on", "cost_usd", "production_score", "note"}
    page = response.content.decode()
    assert "Launch or stop date: must not be before the start (2026-02-01)" in page
    assert "Actual cost: must be an amount in US dollars" in page
    assert "a stopped project has no production score" in page
    assert "Note: is required when the reason is “other”" in page
    assert not Outcome.objects.exists()


def test_it_refuses_dates_in_the_future_and_scores_above_100_percent(owner_client, project):
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = owner_client.post(
        reverse("outcome_edit", args=[project.pk]),
        shipped(ended_on=future, production_score="120%", score_3_months="-5%"),
    )
    errors = response.context["form"].errors
    assert "must not be in the future" in errors["ended_on"][0]
    assert errors["production_score"] == ["Production score at launch: must be from 0% to 100%."]
    assert "Production score after 3 months" in errors["score_3_months"][0]


def test_a_stopped_project_needs_a_reason(owner_client, project):
    backdate(project)
    url = reverse("outcome_edit", args=[project.pk])
    data = {"status": "stopped", "ended_on": "2026-03-02", "cost_usd": "90000"}
    response = owner_client.post(url, data)
    assert "Why it stopped: is required for a stopped project" in response.content.decode()
    response = owner_client.post(url, {**data, "stop_reason": "over_budget"})
    assert response.status_code == 302
    outcome = project.current_outcome()
    assert outcome.stop_reason == "over_budget" and outcome.started_on == START
    page = owner_client.get(project.get_absolute_url()).content.decode()
    assert "Stopped before production on 2 Mar 2026" in page
    assert "Reason: over budget." in page


def test_a_correction_keeps_the_old_figures(owner_client, project, owner):
    backdate(project)
    url = reverse("outcome_edit", args=[project.pk])
    owner_client.post(url, shipped())
    first = project.current_outcome()
    # The form starts from the figures that stand.
    form = owner_client.get(url).context["form"]
    assert form.initial["cost_usd"] == 250000
    owner_client.post(url, shipped(cost_usd="280000"))
    corrected = project.current_outcome()
    first.refresh_from_db()
    assert corrected.cost_usd == 280000
    assert first.withdrawn_at is not None and first.replaced_by == corrected
    assert first.withdrawn_by == owner and first.cost_usd == 250000
    # The same figures again add nothing.
    response = owner_client.post(url, shipped(cost_usd="280000"), follow=True)
    assert Outcome.objects.count() == 2
    assert "Nothing changed in the outcome." in response.content.decode()
    history = owner_client.get(url).content.decode()
    assert "cost $250k" in history and "Corrected; it no longer counts" in history
    assert "cost $280k" in history and "Stands" in history


def test_reopening_is_explicit_and_recorded(owner_client, project, owner):
    backdate(project)
    owner_client.post(reverse("outcome_edit", args=[project.pk]), shipped())
    outcome = project.current_outcome()
    url = reverse("outcome_reopen", args=[project.pk])
    response = owner_client.post(url, {"reason": "  "}, follow=True)
    assert "Why reopen it: say why" in response.content.decode()
    assert project.current_outcome() == outcome
    owner_client.post(url, {"reason": "Launch rolled back"})
    assert project.current_outcome() is None
    outcome.refresh_from_db()
    assert outcome.reopen_reason == "Launch rolled back" and outcome.withdrawn_by == owner
    assert outcome.replaced_by is None
    history = owner_client.get(reverse("outcome_edit", args=[project.pk])).content.decode()
    assert "Reopened: “Launch rolled back”" in history


def test_later_scores_are_added_and_corrected_from_the_page(owner_client, project):
    backdate(project)
    url = reverse("outcome_edit", args=[project.pk])
    owner_client.post(url, shipped(score_3_months="69%"))
    response = owner_client.post(url, shipped(score_3_months="68%", score_6_months="66%"))
    assert response.status_code == 302
    current = outcomes.current_later_scores(project)
    assert {m: row.score for m, row in current.items()} == {3: 0.68, 6: 0.66}
    assert LaterScore.objects.filter(project=project).count() == 3  # 69% kept, withdrawn
    page = owner_client.get(project.get_absolute_url()).content.decode()
    assert "68% after 3 months; 66% after 6 months" in page


def test_a_viewer_sees_the_outcome_but_cannot_change_it(client, viewer, owner_client, project):
    backdate(project)
    owner_client.post(reverse("outcome_edit", args=[project.pk]), shipped())
    client.force_login(viewer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Shipped on 1 Jun 2026" in page
    assert "Correct the outcome" not in page and "Reopen the project" not in page
    assert client.get(reverse("outcome_edit", args=[project.pk])).status_code == 403


# The API -----------------------------------------------------------------------------------


def post_api(client, project, body, token):
    return client.post(
        reverse("api_outcome_create", args=[project.pk]),
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )


@pytest.fixture
def token(team, owner):
    return ApiToken.issue(team, "pipeline", owner)[1]


API_SHIPPED = {
    "status": "shipped",
    "started_on": "2026-01-05",
    "date": "2026-06-01",
    "cost_usd": 212000,
    "production_score": 0.71,
}


def test_the_api_closes_and_corrects_an_outcome(client, project, token):
    response = post_api(client, project, API_SHIPPED, token)
    assert response.status_code == 201
    body = response.json()
    assert body["result"] == "closed"
    assert body["outcome"]["cost_usd"] == 212000 and body["outcome"]["date"] == "2026-06-01"
    outcome = project.current_outcome()
    assert outcome.api_token.name == "pipeline" and outcome.author is None
    response = post_api(client, project, {**API_SHIPPED, "cost_usd": 230000}, token)
    assert response.status_code == 200 and response.json()["result"] == "corrected"
    # A correction without a start keeps the start that was recorded.
    response = post_api(
        client, project, {k: v for k, v in API_SHIPPED.items() if k != "started_on"}, token
    )
    assert response.json()["outcome"]["started_on"] == "2026-01-05"
    assert Outcome.objects.filter(project=project).count() == 3
    assert Outcome.objects.filter(project=project, withdrawn_at=None).count() == 1


def test_the_api_names_each_bad_field(client, project, token):
    response = post_api(
        client,
        project,
        {
            "status": "done",
            "date": "yesterday",
            "cost_usd": "lots",
            "production_score": 2,
            "colour": "blue",
            "score_6_months": True,
        },
        token,
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {
        "status",
        "date",
        "cost_usd",
        "production_score",
        "colour",
        "score_6_months",
    }
    assert fields["date"] == "must be a date like 2026-11-26, got 'yesterday'"
    assert "is not an outcome field" in fields["colour"]
    assert not Outcome.objects.exists()


def test_the_api_adds_later_scores_only_to_a_shipped_project(client, project, token):
    response = post_api(client, project, {"score_3_months": 0.7}, token)
    assert response.status_code == 400
    assert "once the project is recorded as shipped" in response.json()["fields"]["score_3_months"]
    post_api(client, project, API_SHIPPED, token)
    response = post_api(client, project, {"score_3_months": 0.7, "score_12_months": 0.64}, token)
    assert response.status_code == 200
    assert response.json()["outcome"]["score_12_months"] == 0.64
    response = post_api(client, project, {"score_3_months": 1.7}, token)
    assert response.json()["fields"] == {
        "score_3_months": "must be from 0 to 1 (0.83 for 83%), got 1.7"
    }


def test_the_api_needs_the_teams_token(client, project, token, outsider):
    assert post_api(client, project, API_SHIPPED, None).status_code == 401
    other_team = outsider.teams.get()
    _, other_token = ApiToken.issue(other_team, "theirs", outsider)
    assert post_api(client, project, API_SHIPPED, other_token).status_code == 404
    assert not Outcome.objects.exists()


def test_the_api_refuses_an_end_before_the_default_start(client, project, token):
    body = {k: v for k, v in API_SHIPPED.items() if k != "started_on"}
    response = post_api(client, project, body, token)
    # The project was created today: a June launch needs its real start.
    assert response.status_code == 400
    assert "give the real start" in response.json()["fields"]["date"]


def test_the_shared_report_shows_the_outcome_without_the_teams_links(
    owner_client, owner, project, client
):
    """Executives with a share link see how the project ended, beside the forecast; nothing on
    it leads into the team's pages."""
    backdate(project)
    owner_client.post(reverse("outcome_edit", args=[project.pk]), shipped())
    link = ShareLink.issue(project, label="Board", expires_in_days=None, created_by=owner)
    client.logout()
    page = client.get(reverse("shared_report", args=[link.token])).content.decode()
    assert "Shipped on 1 Jun 2026" in page and "First forecast" in page
    assert reverse("team_calibration", args=[project.team_id]) not in page
    assert reverse("outcome_edit", args=[project.pk]) not in page
