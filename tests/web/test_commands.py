"""Management commands: seed_demo (idempotent) and estimate."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from projects.demo_history import PAST_PROJECTS, past_project_names
from projects.engine.examples import STORIES, load
from projects.models import (
    CheckIn,
    Estimate,
    LaterScore,
    Membership,
    Outcome,
    Project,
    Revision,
    Team,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "teams": list(Team.objects.values_list("pk", "name")),
        "memberships": list(Membership.objects.values_list("pk", "team_id", "user_id", "role")),
        "projects": list(Project.objects.values_list("pk", "name", "description", "archived")),
        "revisions": list(Revision.objects.values_list("pk", "project_id", "number", "inputs")),
        "estimates": list(Estimate.objects.values_list("pk", "status", "seed", "finished_at")),
        "checkins": list(CheckIn.objects.values_list("pk", "project_id", "date", "spent_usd")),
        "outcomes": list(Outcome.objects.values_list("pk", "project_id", "cost_usd", "ended_on")),
        "later_scores": list(LaterScore.objects.values_list("pk", "score")),
    }


def test_seed_demo_creates_the_stories_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "username demo, password riskboard-demo" in printed
    assert "local use only" in printed
    user = authenticate(username="demo", password="riskboard-demo")
    assert user is not None
    team = Team.objects.get(name="Demo team")
    assert team.memberships.get(user=user).role == Membership.Role.OWNER
    assert len(STORIES) == 8
    assert team.projects.count() == 8 + len(PAST_PROJECTS)
    for story in STORIES:
        project = team.projects.get(name=story["title"])
        earlier, current = project.revisions.order_by("number")
        assert (earlier.number, current.number) == (1, 2)
        assert earlier.inputs != current.inputs
        for key, value in story["earlier"].items():
            assert earlier.inputs[key] == value
        for key, value in load(story["slug"]).items():
            assert current.inputs[key] == value, (story["slug"], key)
        for revision in (earlier, current):
            estimate = revision.latest_estimate()
            assert estimate.status == Estimate.Status.DONE, estimate.error
            assert estimate.result["summary"]

    before = snapshot()
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert snapshot() == before
    assert "0 projects created, 8 already there" in again.getvalue()
    assert "0 closed past projects added" in again.getvalue()


def test_seed_demo_closes_past_projects_from_real_estimates_with_a_hidden_bias():
    call_command("seed_demo", stdout=StringIO())
    team = Team.objects.get(name="Demo team")
    outcomes = Outcome.objects.filter(project__team=team, withdrawn_at=None)
    assert sorted(o.project.name for o in outcomes) == sorted(past_project_names())
    assert all(o.demo for o in outcomes)
    # The live stories stay open.
    assert not Outcome.objects.filter(project__name__in=[s["title"] for s in STORIES]).exists()
    for outcome in outcomes:
        estimates = list(outcome.project.estimates.done().order_by("finished_at"))
        # Real engine results, made before the project ended: the first at its start.
        assert estimates and all(e.result["curves"]["quantiles"] for e in estimates)
        assert estimates[0].finished_at.date() == outcome.started_on
        assert all(e.finished_at.date() < outcome.ended_on for e in estimates)
        assert outcome.project.created_at.date() == outcome.started_on
    shipped = [o for o in outcomes if o.shipped]
    # The hidden bias shows: most shipped projects cost more than their first forecast's median.
    over = 0
    for outcome in shipped:
        first = outcome.project.estimates.done().order_by("finished_at").first()
        over += outcome.cost_usd > first.result["curves"]["cost_usd"][25]
    assert over >= len(shipped) * 0.6


def test_estimate_command_re_estimates_and_prints_the_summary(make_project, team, owner):
    project = make_project(team, owner)
    out = StringIO()
    call_command("estimate", str(project.pk), stdout=out)
    revision = project.latest_revision()
    assert revision.estimates.count() == 2
    latest = revision.latest_estimate()
    printed = out.getvalue()
    assert f"Estimate {latest.pk}: 1,000 scenarios, seed 7" in printed
    for sentence in latest.result["summary"]:
        assert sentence in printed


def test_estimate_command_explains_a_missing_project():
    with pytest.raises(CommandError, match="There is no project with id 424242"):
        call_command("estimate", "424242")


def test_estimate_command_reports_a_failure(make_project, team, owner):
    project = make_project(team, owner)
    Revision.objects.create(project=project, number=2, inputs={"deadline_weeks": 0}, author=owner)
    with pytest.raises(CommandError, match="failed: The engine rejected these inputs: Deadline"):
        call_command("estimate", str(project.pk), stdout=StringIO())
    assert project.latest_revision().latest_estimate().status == Estimate.Status.FAILED


def test_estimate_says_when_the_project_already_has_one_pending(project, live_runner):
    running = Estimate.objects.create(
        revision=project.latest_revision(), status=Estimate.Status.RUNNING, trials=1000
    )
    with live_runner(running), pytest.raises(CommandError) as refused:
        call_command("estimate", str(project.pk), stdout=StringIO())
    assert f"already has estimate {running.pk} running" in str(refused.value)
    assert Estimate.objects.filter(project=project).count() == 2
