"""Read-only share links: who may make and revoke them, what the shared page shows and hides."""

from __future__ import annotations

import math
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Membership, ShareLink, Team
from projects.models.tokens import TOKEN_PATTERN


def _create(client, project, **fields):
    return client.post(reverse("share_create", args=[project.pk]), fields, follow=True)


def _shared_url(link: ShareLink) -> str:
    return reverse("shared_report", args=[link.token])


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_owners_and_editors_create_links(client, project, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = _create(client, project, label="Board, March", expires_in_days="14")
    html = response.content.decode()
    link = ShareLink.objects.get(project=project)
    assert link.created_by == user and link.label == "Board, March"
    assert link.expires_at - timezone.now() == pytest.approx(
        timedelta(days=14), abs=timedelta(minutes=1)
    )
    assert "Created a read-only link for Board, March" in html
    # The project page lists it with who made it and when, and the full address to copy.
    assert f"made by {user.get_username()} on" in html
    assert f'value="http://testserver/shared/{link.token}/"' in html


def test_a_link_without_expiry_lasts_until_revoked(client, owner, project):
    client.force_login(owner)
    _create(client, project, label="", expires_in_days="")
    link = ShareLink.objects.get(project=project)
    assert link.expires_at is None and link.is_active(timezone.now() + timedelta(days=3650))


def test_viewers_cannot_create_or_revoke_links_nor_see_them(client, owner, viewer, project):
    client.force_login(owner)
    _create(client, project, label="Board")
    link = ShareLink.objects.get()
    client.force_login(viewer)
    assert client.post(reverse("share_create", args=[project.pk]), {}).status_code == 403
    revoke = reverse("share_revoke", args=[project.pk, link.pk])
    assert client.post(revoke).status_code == 403
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Share with executives" not in html and link.token not in html
    assert ShareLink.objects.count() == 1 and ShareLink.objects.get().revoked_at is None


def test_outsiders_cannot_create_links(client, outsider, project):
    client.force_login(outsider)
    assert client.post(reverse("share_create", args=[project.pk]), {}).status_code == 404
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("0", "A link must last at least 1 day; leave it empty for no expiry."),
        ("400", "At most 365 days; leave it empty for no expiry."),
        ("soon", "Type a whole number of days, like 30, or leave it empty."),
    ],
)
def test_a_bad_expiry_is_explained_beside_the_field(client, owner, project, days, message):
    client.force_login(owner)
    response = client.post(
        reverse("share_create", args=[project.pk]), {"label": "Board", "expires_in_days": days}
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'id="id_expires_in_days_error"><p class="error">([^<]*)</p>', html)
    assert error.group(1) == message
    assert f'value="{days}"' in html and 'value="Board"' in html
    assert not ShareLink.objects.exists()


def test_tokens_carry_at_least_128_random_bits(client, owner, project):
    client.force_login(owner)
    for _ in range(3):
        _create(client, project)
    tokens = list(ShareLink.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 3
    for token in tokens:
        # URL-safe base64: 6 bits a character.
        assert TOKEN_PATTERN.match(token)
        assert len(token) * math.log2(64) >= 128


def test_the_shared_page_opens_logged_out_without_edit_controls(client, owner, project):
    client.force_login(owner)
    _create(client, project, label="Board")
    link = ShareLink.objects.get()
    client.logout()
    response = client.get(_shared_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert project.name in html
    assert "Risk register" in html and 'data-figure="report-cost-data"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    for hidden in (
        "Edit inputs",
        "Re-estimate",
        "Archive",
        "What if",
        "Save as revision",
        "csrfmiddlewaretoken",
        "Share with executives",
        "History",
        "Log out",
        "Log in",
        'href="/projects/',
        'href="/teams/',
    ):
        assert hidden not in html, hidden


def test_the_shared_page_names_no_team_member_or_other_project(
    client, owner, editor, project, make_project, team
):
    other = make_project(team, owner, name="Secret merger model")
    client.force_login(owner)
    _create(client, project)
    link = ShareLink.objects.get()
    client.logout()
    html = client.get(_shared_url(link)).content.decode()
    for secret in (owner.username, editor.username, team.name, other.name, "olivia", "eddie"):
        assert secret not in html, secret


def test_a_shared_page_shows_the_current_report(client, owner, project):
    client.force_login(owner)
    _create(client, project)
    link = ShareLink.objects.get()
    revision = project.latest_revision()
    client.post(
        reverse("project_whatif_save", args=[project.pk]),
        {
            "based_on": revision.number,
            "deadline_weeks": "52",
            "budget_usd": "500000",
            "target_value": "90",
            "planned_new_labels": "0",
            "senior_ml": "1",
            "junior_ml": "1",
            "open_positions": "0",
            "retrain_every_months": "0",
        },
    )
    assert project.latest_revision().number == 2
    client.logout()
    html = client.get(_shared_url(link)).content.decode()
    assert "Estimate of revision 2" in html
    assert "52 weeks" in html


def test_a_revoked_link_says_so_with_410(client, owner, project):
    client.force_login(owner)
    _create(client, project)
    link = ShareLink.objects.get()
    response = client.post(reverse("share_revoke", args=[project.pk, link.pk]), follow=True)
    assert "Revoked the link" in response.content.decode()
    assert "Revoked" in response.content.decode()
    client.logout()
    gone = client.get(_shared_url(link))
    assert gone.status_code == 410
    assert "This link was switched off" in gone.content.decode()
    assert project.name not in gone.content.decode()
    assert gone["X-Robots-Tag"] == "noindex, nofollow"


def test_an_expired_link_says_so_with_410(client, owner, project):
    link = ShareLink.objects.create(
        project=project,
        token="e" * 43,
        created_by=owner,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    gone = client.get(_shared_url(link))
    assert gone.status_code == 410
    html = gone.content.decode()
    assert "This link has expired" in html and project.name not in html


def test_revoking_a_link_of_another_project_is_refused(
    client, owner, project, make_project, make_user
):
    stranger = make_user("stan")
    their_team = Team.objects.create(name="Elsewhere")
    Membership.objects.create(team=their_team, user=stranger, role=Membership.Role.OWNER)
    theirs = make_project(their_team, stranger, name="Theirs")
    link = ShareLink.objects.create(project=theirs, token="t" * 43, created_by=stranger)
    client.force_login(owner)
    # Through this user's own project id: the link is not found there.
    response = client.post(reverse("share_revoke", args=[project.pk, link.pk]))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.parametrize(
    "token", ["nope", "a" * 43, "a" * 42, "a" * 44, "../" + "a" * 40, "A" * 43 + "%00"]
)
def test_unknown_or_malformed_tokens_find_nothing(client, owner, project, token):
    ShareLink.objects.create(project=project, token="b" * 43, created_by=owner)
    response = client.get(f"/shared/{token}/")
    assert response.status_code == 404
    assert project.name not in response.content.decode()


def test_a_token_opens_only_its_own_project(client, owner, project, make_project, team):
    other = make_project(team, owner, name="Other project")
    link = ShareLink.objects.create(project=project, token="c" * 43, created_by=owner)
    html = client.get(_shared_url(link)).content.decode()
    assert project.name in html and other.name not in html
    # The token grants nothing else: the other project's pages still need a login.
    for url in (
        other.get_absolute_url(),
        project.get_absolute_url(),
        reverse("project_whatif", args=[project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert re.search(r"/shared/[^/]+/projects/", html) is None
