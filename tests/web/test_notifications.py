"""The email settings of a team (digest, watching, time zone, outside digests) and the
unsubscribe link every email carries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from projects import alerts, outbox
from projects.models import EmailOptOut, Membership, OutsideDigest, Project, ShareLink, Team
from projects.models.tokens import new_token

pytestmark = pytest.mark.django_db


def page_of(client, team) -> str:
    return client.get(reverse("team_notifications", args=[team.pk])).content.decode()


def test_a_member_asks_for_the_digest_and_stops_it(client, viewer, team):
    client.force_login(viewer)
    url = reverse("team_notifications", args=[team.pk])
    assert "Your weekly digest" in page_of(client, team)
    client.post(url, {"weekly_digest": "on"})
    assert Membership.objects.get(team=team, user=viewer).weekly_digest
    client.post(url, {})
    assert not Membership.objects.get(team=team, user=viewer).weekly_digest


def test_viewers_see_no_owner_controls(client, viewer, team, project):
    client.force_login(viewer)
    text = page_of(client, team)
    assert "Digest for someone outside the team" not in text
    assert "Whole team watches" not in text
    assert "An owner can change it." in text


def test_any_member_watches_and_owners_make_the_team_watch(client, viewer, owner, team, project):
    client.force_login(viewer)
    url = reverse("project_watch", args=[project.pk])
    client.post(url, {"watching": "yes"})
    assert alerts.is_watching(project, viewer)
    assert client.post(url, {"team": "yes"}).status_code == 403
    client.force_login(owner)
    client.post(url, {"team": "yes"})
    project.refresh_from_db()
    assert project.team_watches and alerts.is_watching(project, owner)
    assert "the whole team watches it" in page_of(client, team)


def test_a_bad_watch_choice_is_named(client, viewer, project):
    client.force_login(viewer)
    response = client.post(reverse("project_watch", args=[project.pk]), {"watching": "maybe"})
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Alerts: choose to watch the project or to stop watching it." in follow


def test_the_owner_sets_the_time_zone_and_dates_follow_it(client, owner, team, project):
    client.force_login(owner)
    url = reverse("team_time_zone", args=[team.pk])
    refused = client.post(url, {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 400
    assert "Time zone: “Mars/Olympus” is not a time zone name" in refused.content.decode()
    client.post(url, {"time_zone": "asia/tokyo"})
    team.refresh_from_db()
    assert team.time_zone == "Asia/Tokyo"
    # The team's pages show times in its zone; the next request of another team does not.
    from projects.models import Invitation

    Invitation.issue(team, "kim@example.org", "viewer", owner)
    Invitation.objects.update(expires_at=datetime(2026, 12, 8, 20, 0, tzinfo=UTC))
    text = client.get(reverse("team", args=[team.pk])).content.decode()
    assert "9 Dec 2026, 05:00 JST" in text


def test_an_owner_sends_the_digest_outside_through_share_links(client, owner, team, project):
    client.force_login(owner)
    assert "No project has a working share link yet" in page_of(client, team)
    link = ShareLink.objects.create(project=project, token=new_token(), label="Board")
    url = reverse("outside_digest_create", args=[team.pk])
    refused = client.post(url, {"email": "ceo@example.org"})
    assert refused.status_code == 400
    assert "Projects: tick at least one share link." in refused.content.decode()
    client.post(url, {"email": "ceo@example.org", "links": [link.pk]})
    found = OutsideDigest.objects.get()
    assert list(found.links.all()) == [link]
    text = page_of(client, team)
    assert "ceo@example.org" in text and "Fraud alerts" in text
    link.revoke()
    assert "every link was revoked or expired" in page_of(client, team)
    client.post(reverse("outside_digest_stop", args=[team.pk, found.pk]))
    assert OutsideDigest.objects.get().stopped_at is not None


def test_a_link_of_another_team_cannot_be_tied(client, owner, team, outsider, make_project):
    theirs = make_project(Team.objects.get(memberships__user=outsider), outsider, name="Theirs")
    link = ShareLink.objects.create(project=theirs, token=new_token())
    client.force_login(owner)
    response = client.post(
        reverse("outside_digest_create", args=[team.pk]),
        {"email": "ceo@example.org", "links": [link.pk]},
    )
    assert response.status_code == 400 and OutsideDigest.objects.count() == 0


# Unsubscribe ----------------------------------------------------------------------------------


def test_opening_the_link_asks_and_posting_stops(project, viewer):
    alerts.set_watching(project, viewer, True)
    url = reverse(
        "unsubscribe", args=[outbox.unsubscribe_token("alert", project=project.pk, user=viewer.pk)]
    )
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200 and "Stop alerts about Fraud alerts?" in page.content.decode()
    assert alerts.is_watching(project, viewer)  # a link checker opening it changes nothing
    # RFC 8058: the mail client posts List-Unsubscribe=One-Click, with no session or CSRF token.
    done = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Unsubscribed" in done.content.decode()
    assert not alerts.is_watching(project, viewer)
    # The whole team watching does not bring it back.
    Project.objects.filter(pk=project.pk).update(team_watches=True)
    project.refresh_from_db()
    assert viewer not in alerts.watchers(project)


def test_each_kind_of_link_stops_its_kind(team, viewer, owner):
    Membership.objects.filter(team=team, user=viewer).update(weekly_digest=True)
    anonymous = Client()
    for token in (
        outbox.unsubscribe_token("digest", team=team.pk, user=viewer.pk),
        outbox.unsubscribe_token("invitation", email="kim@example.org"),
        outbox.unsubscribe_token("reset", email="kim@example.org"),
    ):
        assert anonymous.post(reverse("unsubscribe", args=[token])).status_code == 200
    assert not Membership.objects.get(team=team, user=viewer).weekly_digest
    assert EmailOptOut.objects.count() == 2
    outside = OutsideDigest.objects.create(team=team, email="ceo@example.org")
    anonymous.post(
        reverse("unsubscribe", args=[outbox.unsubscribe_token("outside", digest=outside.pk)])
    )
    outside.refresh_from_db()
    assert outside.stopped_at is not None


def test_a_forged_or_stale_link_is_404(team):
    anonymous = Client()
    assert anonymous.get(reverse("unsubscribe", args=["forged:token"])).status_code == 404
    gone = outbox.unsubscribe_token("digest", team=team.pk, user=99999)
    assert anonymous.post(reverse("unsubscribe", args=[gone])).status_code == 404


def test_a_viewer_watches_from_the_report_and_stops_there(client, viewer, project):
    """The report carries the watch button for every member, and brings them back to it."""
    client.force_login(viewer)
    report = client.get(project.get_absolute_url()).content.decode()
    assert "Email me when chances move" in report
    url = reverse("project_watch", args=[project.pk])
    response = client.post(url, {"watching": "yes", "back": "report"})
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert alerts.is_watching(project, viewer)
    report = client.get(project.get_absolute_url()).content.decode()
    assert "Stop the alerts" in report and "Email me when chances move" not in report
    client.post(url, {"watching": "no", "back": "report"})
    assert not alerts.is_watching(project, viewer)
