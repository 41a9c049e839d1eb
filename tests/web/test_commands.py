"""Management commands: seed_demo (idempotent) and estimate."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from projects.engine.examples import STORIES, load
from projects.models import Estimate, Membership, Project, Revision, Team

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "teams": list(Team.objects.values_list("pk", "name")),
        "memberships": list(Membership.objects.values_list("pk", "team_id", "user_id", "role")),
        "projects": list(Project.objects.values_list("pk", "name", "description", "archived")),
        "revisions": list(Revision.objects.values_list("pk", "project_id", "number", "inputs")),
        "estimates": list(Estimate.objects.values_list("pk", "status", "seed", "finished_at")),
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
    assert team.projects.count() == 8
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
