"""Teams: creating one, inviting members, roles, and always keeping an owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Membership, Team

pytestmark = pytest.mark.django_db


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
