"""The check-in API: team tokens (hashed, revocable) and JSON errors naming each field."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.urls import reverse

from projects.models import ApiToken, CheckIn, Estimate, Team

pytestmark = pytest.mark.django_db

GOOD = {"weeks_elapsed": 6, "spent_usd": 84000, "offline_score": 0.81, "note": "nightly eval"}


@pytest.fixture
def token(team, owner) -> str:
    return ApiToken.issue(team, "nightly eval", owner)[1]


def post(client, project_id: int, body, token: str | None = None, raw: bytes | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        reverse("api_checkin_create", args=[project_id]),
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_it_records_a_checkin_and_estimates_from_it(client, project, token):
    response = post(client, project.pk, GOOD, token)

    assert response.status_code == 201, response.content
    body = response.json()
    checkin = CheckIn.objects.get(pk=body["checkin"]["id"])
    assert (checkin.project, checkin.weeks_elapsed, checkin.spent_usd) == (project, 6, 84000)
    assert checkin.offline_score == 0.81 and checkin.note == "nightly eval"
    assert checkin.api_token.name == "nightly eval" and checkin.author is None
    estimate = Estimate.objects.get(pk=body["estimate"]["id"])
    # No broker in this test: the estimate ran in the request.
    assert estimate.status == Estimate.Status.DONE == body["estimate"]["status"]
    assert (estimate.trigger, estimate.checkin) == (Estimate.Trigger.CHECKIN, checkin)
    assert estimate.result["progress"]["spent_usd"] == 84000
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer rb_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer ", "rb_no-scheme"],
)
def test_it_rejects_a_missing_or_wrong_token_with_401(client, project, token, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.post(
        reverse("api_checkin_create", args=[project.pk]),
        data=json.dumps(GOOD),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not CheckIn.objects.exists()


def test_it_rejects_a_revoked_token_with_401(client, project, token, owner):
    client.force_login(owner)
    saved = ApiToken.objects.get()
    client.post(reverse("token_revoke", args=[project.team_id, saved.pk]))
    client.logout()

    response = post(client, project.pk, GOOD, token)

    assert response.status_code == 401
    assert not CheckIn.objects.exists()


def test_it_hides_another_teams_project_with_404(client, project, owner):
    other = Team.objects.create(name="Elsewhere")
    other_token = ApiToken.issue(other, "their job", owner)[1]

    response = post(client, project.pk, GOOD, other_token)

    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_it_names_every_bad_field_with_400(client, project, token):
    body = {"weeks_elapsed": -1, "offline_score": 1.5, "colour": "red", "date": "yesterday"}

    response = post(client, project.pk, body, token)

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"weeks_elapsed", "offline_score", "colour", "date", "spent_usd"}
    assert "got -1" in fields["weeks_elapsed"]
    assert "from 0 up to 520" in fields["weeks_elapsed"]
    assert "is required" in fields["spent_usd"]
    assert "not a check-in field" in fields["colour"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff"])
def test_it_rejects_a_body_that_is_not_a_json_object_with_400(client, project, token, raw):
    response = post(client, project.pk, None, token, raw=raw)
    assert response.status_code == 400
    assert "body" in response.json()["fields"]


def test_it_needs_no_csrf_token_but_only_accepts_post(project, token):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, project.pk, GOOD, token).status_code == 201
    response = strict.get(
        reverse("api_checkin_create", args=[project.pk]),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 405


def test_a_session_without_a_token_is_not_enough(client, project, owner):
    client.force_login(owner)
    assert post(client, project.pk, GOOD).status_code == 401


# Tokens in the team page ----------------------------------------------------------------------


def test_an_owner_creates_a_token_that_is_shown_once_and_stored_hashed(client, team, owner):
    client.force_login(owner)

    response = client.post(reverse("token_create", args=[team.pk]), {"name": "nightly eval"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    shown = response.context["token"]
    assert shown.startswith("rb_") and len(shown) >= 40
    assert shown.encode() in response.content
    saved = ApiToken.objects.get()
    assert saved.token_hash == hashlib.sha256(shown.encode()).hexdigest()
    assert saved.prefix == shown[: len(saved.prefix)] and len(saved.prefix) < 16
    team_page = client.get(reverse("team", args=[team.pk]))
    assert saved.prefix.encode() in team_page.content
    assert shown.encode() not in team_page.content


def test_editors_and_viewers_cannot_create_or_revoke_tokens(client, team, owner, editor, viewer):
    saved, _ = ApiToken.issue(team, "job", owner)
    for user in (editor, viewer):
        client.force_login(user)
        assert (
            client.post(reverse("token_create", args=[team.pk]), {"name": "x"}).status_code == 403
        )
        revoke = reverse("token_revoke", args=[team.pk, saved.pk])
        assert client.post(revoke).status_code == 403
    assert ApiToken.objects.count() == 1
    assert ApiToken.objects.get().revoked_at is None


def test_outsiders_get_404_for_a_teams_tokens(client, team, owner, outsider):
    saved, _ = ApiToken.issue(team, "job", owner)
    client.force_login(outsider)
    assert client.post(reverse("token_create", args=[team.pk]), {"name": "x"}).status_code == 404
    assert client.post(reverse("token_revoke", args=[team.pk, saved.pk])).status_code == 404


def test_a_token_needs_a_name(client, team, owner):
    client.force_login(owner)
    response = client.post(reverse("token_create", args=[team.pk]), {"name": " "}, follow=True)
    assert b"Name the token" in response.content
    assert not ApiToken.objects.exists()


def test_an_archived_project_takes_no_checkins_with_409(client, project, token):
    project.archived = True
    project.save()
    response = post(client, project.pk, GOOD, token)
    assert response.status_code == 409
    assert not CheckIn.objects.exists()
