"""A project's life: create, edit (a revision a save), archive, re-estimate, inputs as JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Estimate, Project, Revision

pytestmark = pytest.mark.django_db


def test_it_lets_an_editor_save_a_new_revision(client, project, editor):
    client.force_login(editor)
    form = client.get(reverse("project_edit", args=[project.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value not in (None, False)}
    data.update({key: "on" for key, value in data.items() if value is True})
    data.update({"name": "Fraud alerts v2", "deadline_weeks": "40", "note": "More time"})
    response = client.post(reverse("project_edit", args=[project.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    project.refresh_from_db()
    assert project.name == "Fraud alerts v2"
    latest = project.latest_revision()
    assert latest.number == 2
    assert latest.author == editor
    assert latest.note == "More time"
    assert latest.inputs["deadline_weeks"] == 40
    assert project.revisions.get(number=1).inputs["deadline_weeks"] == 26
    assert latest.latest_estimate().status == Estimate.Status.DONE

    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    history = page.content.decode()
    assert "Revision 2" in history
    assert 'Deadline:</span> 26 weeks <span aria-label="changed to">→</span> 40 weeks' in history
    assert "“More time”" in history


def test_it_creates_a_project_with_its_first_revision_and_estimate(client, owner, team):
    client.force_login(owner)
    response = client.post(
        reverse("project_create") + f"?team={team.pk}",
        {"name": "Churn model", "description": "Who leaves next month", "trials": "1000",
         "seed": "3", "target_value": "85", "budget_usd": "$250,000"},
    )  # fmt: skip
    assert response.status_code == 302
    project = Project.objects.get(name="Churn model")
    assert project.team == team
    assert response["Location"] == project.get_absolute_url()
    revision = project.latest_revision()
    assert revision.number == 1
    assert revision.inputs["target_value"] == 0.85
    assert revision.inputs["budget_usd"] == 250000
    estimate = revision.latest_estimate()
    assert estimate.status == Estimate.Status.DONE
    assert estimate.seed == 3
    assert estimate.trials == 1000


def test_it_archives_and_restores(client, project, editor):
    client.force_login(editor)
    url = reverse("project_archive", args=[project.pk])
    assert client.post(url).status_code == 302
    project.refresh_from_db()
    assert project.archived
    portfolio = client.get(reverse("portfolio"), {"team": project.team_id}).context
    assert [row.project for row in portfolio["archived_rows"]] == [project]
    assert portfolio["rows"] == []
    client.post(url)
    project.refresh_from_db()
    assert not project.archived


def test_it_refuses_get_on_changing_urls(client, project, owner):
    client.force_login(owner)
    assert client.get(reverse("project_archive", args=[project.pk])).status_code == 405
    assert client.get(reverse("project_estimate", args=[project.pk])).status_code == 405


def test_it_re_estimates_the_latest_revision(client, project, owner):
    client.force_login(owner)
    response = client.post(reverse("project_estimate", args=[project.pk]))
    assert response.status_code == 302
    revision = project.latest_revision()
    assert revision.estimates.count() == 2
    assert Revision.objects.count() == 1


def test_a_save_made_meanwhile_is_shown_and_nothing_is_lost(client, project, owner, editor):
    client.force_login(owner)
    page = client.get(reverse("project_edit", args=[project.pk]))
    mine = {name: page.context["form"][name].value() for name in page.context["form"].fields}
    mine = {key: ("on" if value is True else value) for key, value in mine.items()}
    mine = {key: value for key, value in mine.items() if value not in (None, False)}
    assert mine["based_on"] == 1
    mine.update(deadline_weeks="30", note="Owner's change")
    # Meanwhile the editor saves revision 2 with a bigger budget.
    theirs = {**project.latest_revision().inputs, "budget_usd": 900000.0}
    project.add_revision(theirs, editor, note="Editor's change")

    response = client.post(reverse("project_edit", args=[project.pk]), mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert "eddie saved revision 2 while you were editing." in html
    assert "Budget: $500,000 → $900,000" in html
    assert 'value="30"' in html
    assert '<input type="hidden" name="based_on" value="2"' in html
    assert project.revisions.count() == 2

    again = {**mine, "based_on": "2"}
    assert client.post(reverse("project_edit", args=[project.pk]), again).status_code == 302
    latest = project.latest_revision()
    assert (latest.number, latest.author, latest.inputs["deadline_weeks"]) == (3, owner, 30)


def test_a_new_project_can_start_from_a_demo_story(client, owner, team):
    from projects.engine.examples import STORIES, load

    story = STORIES[1]
    client.force_login(owner)
    page = client.get(reverse("project_create"), {"team": team.pk, "example": story["slug"]})
    form = page.context["form"]
    assert form["name"].value() == story["title"]
    assert form["description"].value() == story["description"]
    from projects.forms import ProjectForm

    expected, blank = ProjectForm(inputs=load(story["slug"])), ProjectForm()
    shown = {key: form[key].value() for key in load(story["slug"])}
    assert shown == {key: expected[key].value() for key in shown}
    assert shown != {key: blank[key].value() for key in shown}
    assert client.get(reverse("project_create"), {"example": "nope"}).status_code == 200


def test_a_revisions_inputs_download_as_json(client, project, owner, outsider):
    url = reverse("revision_inputs", args=[project.pk, 1])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == project.latest_revision().inputs
    assert response["Content-Disposition"] == 'attachment; filename="fraud-alerts-revision-1.json"'
    assert client.get(reverse("revision_inputs", args=[project.pk, 2])).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
