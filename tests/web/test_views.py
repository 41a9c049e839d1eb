"""Views: who may see and change what, and that each page works end to end."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Estimate, Membership, Project, Revision, Team

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


def test_it_refuses_a_viewers_member_changes(client, team, viewer, editor):
    client.force_login(viewer)
    membership = Membership.objects.get(team=team, user=editor)
    url = reverse("member_update", args=[team.pk, membership.pk])
    assert client.post(url, {"role": "viewer"}).status_code == 403
    assert (
        client.post(reverse("team", args=[team.pk]), {"who": "kim", "role": "owner"}).status_code
        == 403
    )
    membership.refresh_from_db()
    assert membership.role == Membership.Role.EDITOR
    assert Membership.objects.get(team=team, user=viewer).role == Membership.Role.VIEWER


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


def test_it_signs_up_with_a_personal_team(client):
    response = client.post(
        reverse("signup"),
        {"username": "newbie", "email": "new@example.com", "password1": "a-long-pass-phrase",
         "password2": "a-long-pass-phrase"},
    )  # fmt: skip
    assert response.status_code == 302
    user = Membership.objects.get(user__username="newbie")
    assert user.role == Membership.Role.OWNER
    assert user.team.personal
    assert client.get(reverse("portfolio")).status_code == 200


def test_it_rejects_a_signup_with_mismatched_passwords(client):
    response = client.post(
        reverse("signup"),
        {"username": "newbie", "password1": "a-long-pass-phrase", "password2": "other-phrase"},
    )
    assert response.status_code == 200
    assert b"The two password fields" in response.content
    assert not Team.objects.exists()


def test_it_gives_a_team_to_an_account_made_elsewhere(client, make_user):
    user = make_user("admin-made")
    client.force_login(user)
    assert client.get(reverse("portfolio")).status_code == 200
    assert Membership.objects.get(user=user).role == Membership.Role.OWNER


def test_it_logs_out_with_post(client, owner):
    client.force_login(owner)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("portfolio")).status_code == 302


def test_an_owner_invites_members_by_username_or_email(client, team, owner, make_user):
    sam = make_user("sam", "sam@example.org")
    kim = make_user("kim", "Kim@Example.org")
    client.force_login(owner)
    url = reverse("team", args=[team.pk])
    links = []
    for who, role in (("sam", "viewer"), ("kim@example.org", "editor")):
        response = client.post(url, {"who": who, "role": role})
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        links.append(response.context["link"])
    # Nobody is a member until they accept.
    assert set(team.memberships.values_list("user__username", flat=True)) == {"olivia"}
    for user, link in ((sam, links[0]), (kim, links[1])):
        client.force_login(user)
        assert client.post(link).status_code == 302
    roles = dict(team.memberships.values_list("user__username", "role"))
    assert roles == {"olivia": "owner", "sam": "viewer", "kim": "editor"}


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_team_keeps_an_owner(client, team, owner, editor):
    client.force_login(owner)
    mine = Membership.objects.get(team=team, user=owner)
    url = reverse("member_update", args=[team.pk, mine.pk])
    # Each refusal starts with the control's label on the team page and says what to do first.
    assert flashed(client.post(url, {"role": "viewer"}, follow=True)) == [
        "Role of olivia: olivia is the team's only owner, and a team needs one. "
        "Make another member Owner first, then change olivia's role."
    ]
    assert flashed(client.post(url, {"action": "remove"}, follow=True)) == [
        "Remove: olivia is the team's only owner, and a team needs one. "
        "Make another member Owner first, then remove olivia."
    ]
    assert Membership.objects.get(pk=mine.pk).role == Membership.Role.OWNER
    theirs = Membership.objects.get(team=team, user=editor)
    client.post(reverse("member_update", args=[team.pk, theirs.pk]), {"role": "owner"})
    client.post(url, {"action": "remove"})
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert Membership.objects.get(pk=theirs.pk).role == Membership.Role.OWNER


@pytest.mark.parametrize("role", ["", "admin", "Owner", "viewer "])
def test_it_refuses_a_role_that_is_not_on_the_list(client, team, owner, editor, role):
    client.force_login(owner)
    theirs = Membership.objects.get(team=team, user=editor)
    response = client.post(
        reverse("member_update", args=[team.pk, theirs.pk]), {"role": role}, follow=True
    )
    assert flashed(response) == [
        "Role of eddie: pick Owner, Editor or Viewer from the list, then press Change."
    ]
    # The label the message starts with is the one the page gives that list.
    assert f'<label class="visually-hidden" for="role-{theirs.pk}">Role of eddie</label>' in (
        response.content.decode()
    )
    assert Membership.objects.get(pk=theirs.pk).role == Membership.Role.EDITOR


def test_it_creates_a_team(client, owner):
    client.force_login(owner)
    response = client.post(reverse("team_create"), {"name": "Research"})
    team = Team.objects.get(name="Research")
    assert response["Location"] == team.get_absolute_url()
    assert team.memberships.get().user == owner


def test_report_polls_while_an_estimate_runs(client, project, owner, settings):
    # Queued for a worker (a broker is set; nothing is sent to it here). Without one the page
    # would run a queued estimate itself (estimates.run_if_waiting).
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    estimate = Estimate.objects.create(
        revision=project.latest_revision(), status=Estimate.Status.QUEUED, trials=1000
    )
    client.force_login(owner)
    page = client.get(project.get_absolute_url())
    assert b'hx-trigger="every 2s"' in page.content
    partial = client.get(project.get_absolute_url(), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b"Estimating" in partial.content
    assert "HX-Refresh" not in partial
    estimate.delete()
    done = client.get(project.get_absolute_url(), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "HX-Request" in done["Vary"]


def test_the_history_opens_an_earlier_revisions_report(client, project, owner):
    later = {**project.latest_revision().inputs, "deadline_weeks": 52}
    from projects.estimates import queue_estimate

    queue_estimate(project.add_revision(later, owner))
    client.force_login(owner)
    latest = client.get(project.get_absolute_url())
    assert latest.context["shown"].revision.number == 2
    assert b"?revision=1" in latest.content
    earlier = client.get(project.get_absolute_url(), {"revision": "1"})
    assert earlier.status_code == 200
    assert earlier.context["shown"].revision.number == 1
    assert b"You are looking at revision 1" in earlier.content
    assert b"52 weeks" not in earlier.content.split(b"History")[0]
    assert client.get(project.get_absolute_url(), {"revision": "9"}).status_code == 404


def test_a_stalled_estimate_stops_polling_and_says_so(client, project, owner, live_runner):
    from datetime import timedelta

    from django.utils import timezone

    from projects.models import STALLED_AFTER

    revision = project.add_revision(project.latest_revision().inputs, owner)
    stuck = Estimate.objects.create(revision=revision, status=Estimate.Status.RUNNING, trials=1000)
    Estimate.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    client.force_login(owner)
    with live_runner(stuck):  # hung, not dead: nothing can resume it
        page = client.get(project.get_absolute_url())
        poll = client.get(project.get_absolute_url(), headers={"HX-Request": "true"})
    assert b"never finished" in page.content
    assert b'hx-trigger="every 2s"' not in page.content
    assert poll["HX-Refresh"] == "true"


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
