"""Sign-up, log-out, and a team for accounts made elsewhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Membership, Team

pytestmark = pytest.mark.django_db


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
