"""The portfolio: a team's projects with their chances and trends."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Revision, Team

pytestmark = pytest.mark.django_db


def test_portfolio_shows_the_teams_projects_with_a_trend(client, team, owner, make_project):
    project = make_project(team, owner, name="Invoice matching", target_value=0.95)
    make_project(Team.objects.create(name="Elsewhere"), owner, name="Hidden project")
    # A second, much easier revision: the chance of meeting all targets goes up.
    easier = {**project.latest_revision().inputs, "target_value": 0.55, "deadline_weeks": 100,
              "budget_usd": 5e6}  # fmt: skip
    from projects.estimates import queue_estimate

    queue_estimate(project.add_revision(easier, owner))
    client.force_login(owner)
    response = client.get(reverse("portfolio"), {"team": team.pk})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.project.name for row in rows] == ["Invoice matching"]
    assert rows[0].trend.symbol == "↑"
    assert rows[0].last_estimate != "–"
    assert b"Hidden project" not in response.content
    # The team choice sticks for the next visit.
    assert client.get(reverse("portfolio")).context["team"] == team


def test_portfolio_marks_a_failed_latest_estimate(client, team, owner, make_project):
    project = make_project(team, owner)
    Revision.objects.create(project=project, number=2, inputs={"deadline_weeks": -5}, author=owner)
    from projects.estimates import queue_estimate

    queue_estimate(project.latest_revision())
    client.force_login(owner)
    row = client.get(reverse("portfolio"), {"team": team.pk}).context["rows"][0]
    assert row.status_note == "The latest estimate failed"
    assert row.chances[3].text != "–"  # the last good estimate still counts
