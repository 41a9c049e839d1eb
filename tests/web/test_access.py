"""Who may see and change what: log-in everywhere, 404 for other teams, 403 for viewers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Estimate, Project, Revision

pytestmark = pytest.mark.django_db


def project_urls(project: Project) -> list[tuple[str, str]]:
    return [
        ("get", reverse("project", args=[project.pk])),
        ("get", reverse("project_edit", args=[project.pk])),
        ("post", reverse("project_edit", args=[project.pk])),
        ("post", reverse("project_archive", args=[project.pk])),
        ("post", reverse("project_estimate", args=[project.pk])),
    ]


def test_it_requires_login_everywhere(client, project, team):
    urls = [("get", reverse("portfolio")), ("get", reverse("project_create"))]
    urls += project_urls(project)
    urls += [("get", reverse("team", args=[team.pk])), ("get", reverse("team_create"))]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_it_gives_404_for_another_teams_project(client, project, outsider):
    client.force_login(outsider)
    for method, url in project_urls(project):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
    assert b"Fraud alerts" not in client.get(reverse("portfolio")).content
    assert client.get(reverse("portfolio"), {"team": project.team_id}).status_code == 404
    assert client.get(reverse("team", args=[project.team_id])).status_code == 404
    assert client.get(reverse("project_create"), {"team": project.team_id}).status_code == 404


def test_it_gives_404_for_a_missing_project(client, owner):
    client.force_login(owner)
    assert client.get(reverse("project", args=[999999])).status_code == 404


def test_it_refuses_a_viewers_changes_and_changes_nothing(client, project, viewer):
    client.force_login(viewer)
    revisions = list(Revision.objects.values_list("pk", "inputs"))
    estimates = Estimate.objects.count()
    edit = reverse("project_edit", args=[project.pk])
    response = client.post(edit, {"name": "Renamed", "deadline_weeks": "10", "trials": "1000"})
    assert response.status_code == 403
    assert b"viewer" in response.content
    assert client.post(reverse("project_archive", args=[project.pk])).status_code == 403
    assert client.post(reverse("project_estimate", args=[project.pk])).status_code == 403
    create = reverse("project_create") + f"?team={project.team_id}"
    assert client.post(create, {"name": "Sneaky", "trials": "1000"}).status_code == 403
    project.refresh_from_db()
    assert project.name == "Fraud alerts"
    assert not project.archived
    assert list(Revision.objects.values_list("pk", "inputs")) == revisions
    assert Estimate.objects.count() == estimates
    assert Project.objects.count() == 1


def test_it_shows_a_viewer_the_report_without_edit_buttons(client, project, viewer):
    client.force_login(viewer)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert b"Risk register" in response.content
    assert reverse("project_edit", args=[project.pk]).encode() not in response.content
    assert client.get(reverse("project_edit", args=[project.pk])).status_code == 403
