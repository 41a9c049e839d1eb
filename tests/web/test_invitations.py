"""Invitations by email: the owner types an address and a role, the link arrives by email (and is
shown to copy), works once for 7 days, signs the invitee up on its page or adds the membership,
and an owner cannot send them in bulk."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import EmailOptOut, Invitation, Membership, OutboundEmail

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://localhost:8000(/invitations/[\w-]+/)")


def invite(client, team, who: str, role: str = "viewer"):
    return client.post(reverse("team", args=[team.pk]), {"who": who, "role": role})


@pytest.fixture
def inviting(client, owner, team, django_capture_on_commit_callbacks):
    client.force_login(owner)

    def send(who: str, role: str = "viewer"):
        with django_capture_on_commit_callbacks(execute=True):
            return invite(client, team, who, role)

    return send


def test_an_invitation_by_email_is_emailed_and_shown(inviting, team):
    page = inviting("kim@example.org", "editor")
    assert page.status_code == 200
    text = page.content.decode()
    assert "We are emailing this link to kim@example.org" in text
    [sent] = mail.outbox
    assert sent.to == ["kim@example.org"]
    assert sent.subject == "olivia invites you to Payments on Riskboard"
    path = LINK.search(sent.body).group(1)
    assert path in text  # the same link, to copy
    assert "as editor" in sent.body and "Accept the invitation" in sent.alternatives[0][0]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_invitation_by_username_is_not_emailed(inviting):
    page = inviting("vera")
    assert page.status_code == 200 and "Copy this link" in page.content.decode()
    assert mail.outbox == []


def test_signing_up_on_the_invitation_page_joins_the_team(inviting, team):
    inviting("kim@example.org", "editor")
    path = LINK.search(mail.outbox[0].body).group(1)
    token = path.split("/")[2]
    stranger = Client()
    page = stranger.get(path).content.decode()
    assert "Sign up and join Payments" in page and 'value="kim@example.org"' in page
    response = stranger.post(
        reverse("signup"),
        {
            "invitation": token,
            "username": "kim",
            "email": "kim@example.org",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(team=team, user__username="kim").role == "editor"
    # Single use: the link now says so.
    assert stranger.get(path).status_code == 410


def test_a_signed_in_invitee_accepts_and_joins(inviting, team, make_user):
    inviting("kim@example.org")
    path = LINK.search(mail.outbox[0].body).group(1)
    kim = make_user("kim", "kim@example.org")
    other = Client()
    other.force_login(kim)
    assert other.post(path).status_code == 302
    assert Membership.objects.filter(team=team, user=kim, role="viewer").exists()


def test_the_link_expires_after_seven_days(inviting):
    inviting("kim@example.org")
    invitation = Invitation.objects.get()
    valid = invitation.expires_at - invitation.created_at
    assert abs(valid - timedelta(days=7)) < timedelta(seconds=1)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    path = LINK.search(mail.outbox[0].body).group(1)
    assert Client().get(path).status_code == 410


def test_owners_see_and_revoke_pending_invitations(inviting, client, team):
    inviting("kim@example.org")
    page = client.get(reverse("team", args=[team.pk])).content.decode()
    assert "Waiting for an answer" in page and "kim@example.org" in page
    invitation = Invitation.objects.get()
    client.post(reverse("invitation_revoke", args=[team.pk, invitation.pk]))
    path = LINK.search(mail.outbox[0].body).group(1)
    assert Client().get(path).status_code == 410


def test_pending_invitations_are_capped_per_team(inviting, settings):
    settings.PENDING_INVITATIONS_PER_TEAM = 2
    inviting("a@example.org")
    inviting("b@example.org")
    refused = inviting("c@example.org")
    assert refused.status_code == 429 and refused["Retry-After"]
    text = refused.content.decode()
    assert "already has 2 invitations waiting for an answer" in text
    assert 'value="c@example.org"' in text  # what was typed is kept
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2


def test_invitations_are_capped_per_owner_and_day(inviting, settings):
    settings.INVITATIONS_PER_OWNER_PER_DAY = 1
    inviting("a@example.org")
    Invitation.objects.update(revoked_at=timezone.now())  # revoking does not give one back
    refused = inviting("b@example.org")
    assert refused.status_code == 429
    assert "you have sent 1 invitations in the last 24 hours" in refused.content.decode()


def test_an_address_that_unsubscribed_gets_no_invitation_email(inviting):
    EmailOptOut.objects.create(email="kim@example.org", kind=OutboundEmail.Kind.INVITATION)
    page = inviting("Kim@Example.org")
    assert page.status_code == 200 and mail.outbox == []
    assert "Copy this link" in page.content.decode()
