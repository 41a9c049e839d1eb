"""The access-control matrix: every URL of the site against every kind of visitor.

The URLs come from the URL configuration at test time, so a new view without a row in MATRIX
fails `test_every_url_has_a_row`. Each cell is one real request through the whole middleware
stack, CSRF checks included, and runs in a savepoint that is rolled back afterwards, so a POST
that changes something (an archive, a revoke) cannot change what the next cell sees.
"""

from __future__ import annotations

import datetime
import json
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from projects import checkins, outbox
from projects.engine.inputs import normalise_progress
from projects.models import (
    ApiToken,
    Estimate,
    Invitation,
    Membership,
    OutsideDigest,
    ShareLink,
    Team,
)
from projects.models.tokens import new_token

pytestmark = pytest.mark.django_db

VISITORS = ("anon", "share", "other", "viewer", "editor", "owner", "api_a", "api_b")

# Expected status of each URL (a name, or name[variant]) for each visitor, GET then POST:
#   ann  anonymous                  shr  anonymous who opened a valid share link first
#   oth  member of another team     vwr, edt, own  viewer, editor and owner of team A
#   apA  `Authorization: Bearer` token of team A, no session; apB  another team's token
#   L    302 to the login page. Every POST carries a real CSRF token (see the CSRF test).
# Objects are team A's: its project, revision 1, an estimate, a share link, a member, a token;
# [foreign] rows put another team's object (estimate, link, member, token) in team A's URL;
# [archived] is an archived project of team A. The invitation is team A's, for the member of
# another team (oth), who alone may accept it; [accepted], [revoked], [expired] and [unknown]
# are invitation links in those states. team_leave: the owner is team A's only owner, so it is
# refused with a redirect to the team page.
MATRIX = """
name                         | ann shr oth vwr edt own apA apB | POST, same visitors
login                        | 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200
logout                       | 405 405 405 405 405 405 405 405 | L   L   L   L   L   L   L   L
signup                       | 200 200 302 302 302 302 200 200 | 200 200 302 302 302 302 200 200
password_change              | L   L   200 200 200 200 L   L   | L   L   200 200 200 200 L   L
password_change_done         | L   L   200 200 200 200 L   L   | L   L   405 405 405 405 L   L
portfolio                    | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
project_create               | L   L   404 403 200 200 L   L   | L   L   404 403 200 200 L   L
project                      | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
project_edit                 | L   L   404 403 200 200 L   L   | L   L   404 403 200 200 L   L
project_archive              | L   L   405 405 405 405 L   L   | L   L   404 403 302 302 L   L
revision_inputs              | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
project_estimate             | L   L   405 405 405 405 L   L   | L   L   404 403 302 302 L   L
project_whatif               | L   L   404 200 200 200 L   L   | L   L   404 200 200 200 L   L
project_whatif_save          | L   L   405 405 405 405 L   L   | L   L   404 403 409 409 L   L
share_create                 | L   L   405 405 405 405 L   L   | L   L   404 403 302 302 L   L
share_revoke                 | L   L   405 405 405 405 L   L   | L   L   404 403 302 302 L   L
share_revoke[foreign]        | L   L   405 405 405 405 L   L   | L   L   404 403 404 404 L   L
shared_report                | 200 200 200 200 200 200 200 200 | 405 405 405 405 405 405 405 405
shared_report[revoked]       | 410 410 410 410 410 410 410 410 | 405 405 405 405 405 405 405 405
shared_report[expired]       | 410 410 410 410 410 410 410 410 | 405 405 405 405 405 405 405 405
shared_report[unknown]       | 404 404 404 404 404 404 404 404 | 405 405 405 405 405 405 405 405
team_create                  | L   L   200 200 200 200 L   L   | L   L   200 200 200 200 L   L
team                         | L   L   404 200 200 200 L   L   | L   L   404 403 403 200 L   L
member_update                | L   L   405 405 405 405 L   L   | L   L   404 403 403 302 L   L
member_update[foreign]       | L   L   405 405 405 405 L   L   | L   L   404 403 403 404 L   L
team_leave                   | L   L   405 405 405 405 L   L   | L   L   404 302 302 302 L   L
team_settings                | L   L   404 403 403 200 L   L   | L   L   404 403 403 302 L   L
invitation_revoke            | L   L   405 405 405 405 L   L   | L   L   404 403 403 302 L   L
invitation_revoke[foreign]   | L   L   405 405 405 405 L   L   | L   L   404 403 403 404 L   L
invitation                   | 200 200 200 200 200 200 200 200 | L   L   302 403 403 403 L   L
invitation[accepted]         | 410 410 410 410 410 410 410 410 | 410 410 410 410 410 410 410 410
invitation[revoked]          | 410 410 410 410 410 410 410 410 | 410 410 410 410 410 410 410 410
invitation[expired]          | 410 410 410 410 410 410 410 410 | 410 410 410 410 410 410 410 410
invitation[unknown]          | 404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 404
checkin_create               | L   L   404 403 200 200 L   L   | L   L   404 403 200 200 L   L
checkin_correct              | L   L   404 403 200 200 L   L   | L   L   404 403 200 200 L   L
checkin_withdraw             | L   L   405 405 405 405 L   L   | L   L   404 403 302 302 L   L
checkin_withdraw[foreign]    | L   L   405 405 405 405 L   L   | L   L   404 403 404 404 L   L
project_cadence              | L   L   405 405 405 405 L   L   | L   L   404 403 302 302 L   L
estimate_status              | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
estimate_status[foreign]     | L   L   404 404 404 404 L   L   | L   L   405 405 405 405 L   L
project_history              | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
compare_estimates            | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
compare_estimates[foreign]   | L   L   404 404 404 404 L   L   | L   L   405 405 405 405 L   L
portfolio_csv                | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
estimate_json                | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
estimate_json[foreign]       | L   L   404 404 404 404 L   L   | L   L   405 405 405 405 L   L
estimate_csv                 | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
estimate_csv[foreign]        | L   L   404 404 404 404 L   L   | L   L   405 405 405 405 L   L
history_csv                  | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
shared_csv                   | 200 200 200 200 200 200 200 200 | 405 405 405 405 405 405 405 405
shared_csv[revoked]          | 410 410 410 410 410 410 410 410 | 405 405 405 405 405 405 405 405
shared_csv[expired]          | 410 410 410 410 410 410 410 410 | 405 405 405 405 405 405 405 405
shared_csv[unknown]          | 404 404 404 404 404 404 404 404 | 405 405 405 405 405 405 405 405
token_create                 | L   L   405 405 405 405 L   L   | L   L   404 403 403 200 L   L
token_revoke                 | L   L   405 405 405 405 L   L   | L   L   404 403 403 302 L   L
token_revoke[foreign]        | L   L   405 405 405 405 L   L   | L   L   404 403 403 404 L   L
api_checkin_create           | 405 405 405 405 405 405 405 405 | 401 401 401 401 401 401 201 404
password_reset               | 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200
password_reset_done          | 200 200 200 200 200 200 200 200 | 405 405 405 405 405 405 405 405
password_reset_confirm       | 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200
password_reset_complete      | 200 200 200 200 200 200 200 200 | 405 405 405 405 405 405 405 405
team_notifications           | L   L   404 200 200 200 L   L   | L   L   404 302 302 302 L   L
team_time_zone               | L   L   405 405 405 405 L   L   | L   L   404 403 403 302 L   L
outside_digest_create        | L   L   405 405 405 405 L   L   | L   L   404 403 403 302 L   L
outside_digest_stop          | L   L   405 405 405 405 L   L   | L   L   404 403 403 302 L   L
outside_digest_stop[foreign] | L   L   405 405 405 405 L   L   | L   L   404 403 403 404 L   L
project_watch                | L   L   405 405 405 405 L   L   | L   L   404 302 302 302 L   L
unsubscribe                  | 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200
unsubscribe[unknown]         | 404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 404
api_checkin_create[archived] | 405 405 405 405 405 405 405 405 | 401 401 401 401 401 401 409 404
outcome_edit                 | L   L   404 403 200 200 L   L   | L   L   404 403 200 200 L   L
outcome_reopen               | L   L   405 405 405 405 L   L   | L   L   404 403 302 302 L   L
project_calibrated           | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
team_calibration             | L   L   404 200 200 200 L   L   | L   L   405 405 405 405 L   L
api_outcome_create           | 405 405 405 405 405 405 405 405 | 401 401 401 401 401 401 201 404
"""

# Views that take no session and so need no CSRF token; every other POST without one is refused.
# The unsubscribe link is posted by mail clients (RFC 8058 one-click); its signed token is its
# only authority.
CSRF_EXEMPT = {"api_checkin_create", "api_outcome_create", "unsubscribe"}

# What the walk leaves out, and why.
SKIPPED_NAMESPACES = {
    "admin": "Django's own admin: staff only, its access is Django's and tests/web/test_admin.py",
}
SKIPPED_PREFIXES = {
    settings.STATIC_URL.lstrip("/"): "static files, served by the web server, not by a view",
    (settings.MEDIA_URL or "").lstrip("/")
    or "media/": "uploaded media, served by the web server, not by a view",
}


def parse_matrix(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """{row: {"GET": {visitor: code}, "POST": {visitor: code}}} from the table above."""
    rows = {}
    for line in text.strip().splitlines()[1:]:
        name, get, post = (part.split() for part in line.split("|"))
        assert len(get) == len(post) == len(VISITORS), f"row {name[0]} needs one code a visitor"
        rows[name[0]] = {
            "GET": dict(zip(VISITORS, get, strict=True)),
            "POST": dict(zip(VISITORS, post, strict=True)),
        }
    return rows


EXPECTED = parse_matrix(MATRIX)


def url_patterns() -> dict[str, tuple[str, list[str], object]]:
    """{name: (route, parameter names, view)} for every pattern the site serves, minus skips."""
    found: dict[str, tuple[str, list[str], object]] = {}

    def walk(patterns, prefix: str, params: list[str]) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if any(skip and route.startswith(skip) for skip in SKIPPED_PREFIXES):
                continue
            entry_params = [*params, *getattr(entry.pattern, "converters", {})]
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(entry.url_patterns, route, entry_params)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"the URL {route!r} has no name, so it cannot have a row"
                assert entry.name not in found, f"two URLs are named {entry.name!r}"
                found[entry.name] = (route, entry_params, entry.callback)

    walk(get_resolver().url_patterns, "", [])
    return found


def test_every_url_has_a_row():
    names = set(url_patterns())
    # A [variant] row adds to the plain row; it does not stand in for it.
    assert names - set(EXPECTED) == set(), "URLs without a row in MATRIX: add their statuses"
    rows = {row.split("[")[0] for row in EXPECTED}
    assert rows - names == set(), "rows in MATRIX for URLs that no longer exist"


def test_the_csrf_exempt_views_are_the_listed_ones():
    exempt = {
        name for name, (_, _, view) in url_patterns().items() if getattr(view, "csrf_exempt", False)
    }
    assert exempt == CSRF_EXEMPT


@pytest.fixture(autouse=True)
def no_login_failures():
    """The matrix posts empty log-in forms; failures are counted in the cache, which outlives
    a test, and would lock later tests out."""
    cache.clear()
    yield
    cache.clear()


# The world the matrix runs in -----------------------------------------------------------------


@pytest.fixture
def world(team, owner, editor, viewer, outsider, project, make_project):
    """Team A with a project, two finished estimates (one from a check-in), share links in each
    state, API tokens of team A and of the outsider's team, and the values of each URL part."""
    checkin, _ = checkins.record(
        project,
        date=datetime.date(2026, 3, 1),
        progress=normalise_progress({"weeks_elapsed": 2, "spent_usd": 20000}),
        author=owner,
    )
    first, second = Estimate.objects.filter(
        revision__project=project, status=Estimate.Status.DONE
    ).order_by("id")[:2]
    now = timezone.now()

    def link(**extra) -> ShareLink:
        return ShareLink.objects.create(project=project, token=new_token(), **extra)

    valid, to_revoke = link(label="board"), link(label="to revoke")
    revoked = link(revoked_at=now - datetime.timedelta(days=1))
    expired = link(expires_at=now - datetime.timedelta(days=1))
    other_team = Team.objects.get(memberships__user=outsider)
    _, token_a = ApiToken.issue(team, "pipeline", owner)
    to_revoke_token, _ = ApiToken.issue(team, "to revoke", owner)
    _, token_b = ApiToken.issue(other_team, "their pipeline", outsider)
    archived = make_project(team, owner, name="Done and dusted")
    archived.archived = True
    archived.save()
    # The other team's objects, to put in team A's URLs.
    theirs = make_project(other_team, outsider, name="Their project")
    their_estimate = Estimate.objects.get(revision__project=theirs)
    their_link = ShareLink.objects.create(project=theirs, token=new_token())
    their_token, _ = ApiToken.issue(other_team, "their other pipeline", outsider)

    def invite(**extra):
        invitation, token = Invitation.issue(team, "oscar", Membership.Role.VIEWER, owner)
        if extra:
            Invitation.objects.filter(pk=invitation.pk).update(**extra)
        return invitation, token

    to_revoke_invitation, invitation_token = invite()
    _, accepted = invite(accepted_at=now, accepted_by=outsider)
    _, revoked_invitation = invite(revoked_at=now)
    _, expired_invitation = invite(expires_at=now - datetime.timedelta(days=1))
    their_invitation, _ = Invitation.issue(other_team, "olivia", "viewer", outsider)
    their_checkin, _ = checkins.record(
        theirs,
        date=datetime.date(2026, 3, 1),
        progress=normalise_progress({"weeks_elapsed": 1, "spent_usd": 1000}),
        author=outsider,
    )
    outside = OutsideDigest.objects.create(team=team, email="ceo@example.com", created_by=owner)
    outside.links.set([valid])
    their_outside = OutsideDigest.objects.create(team=other_team, email="x@example.com")
    return {
        "users": {"owner": owner, "editor": editor, "viewer": viewer, "other": outsider},
        "tokens": {"api_a": token_a, "api_b": token_b},
        "share_url": reverse("shared_report", args=[valid.token]),
        "params": {
            "project_id": project.pk,
            "number": project.latest_revision().number,
            "estimate_id": second.pk,
            "link_id": to_revoke.pk,
            "team_id": team.pk,
            "membership_id": Membership.objects.get(team=team, user=viewer).pk,
            "token_id": to_revoke_token.pk,
            "invitation_id": to_revoke_invitation.pk,
            "checkin_id": checkin.pk,
            "digest_id": outside.pk,
            "uidb64": "MQ",
        },
        "variants": {
            "api_checkin_create[archived]": {"project_id": archived.pk},
            "estimate_status[foreign]": {"estimate_id": their_estimate.pk},
            "estimate_json[foreign]": {"estimate_id": their_estimate.pk},
            "estimate_csv[foreign]": {"estimate_id": their_estimate.pk},
            "share_revoke[foreign]": {"link_id": their_link.pk},
            "token_revoke[foreign]": {"token_id": their_token.pk},
            "invitation_revoke[foreign]": {"invitation_id": their_invitation.pk},
            "checkin_withdraw[foreign]": {"checkin_id": their_checkin.pk},
            "outside_digest_stop[foreign]": {"digest_id": their_outside.pk},
            "member_update[foreign]": {
                "membership_id": Membership.objects.get(team=other_team, user=outsider).pk
            },
        },
        "tokens_in_urls": {
            "shared_report": valid.token,
            "shared_report[revoked]": revoked.token,
            "shared_report[expired]": expired.token,
            "shared_report[unknown]": new_token(),
            "shared_csv": valid.token,
            "shared_csv[revoked]": revoked.token,
            "shared_csv[expired]": expired.token,
            "shared_csv[unknown]": new_token(),
            "invitation": invitation_token,
            "invitation[accepted]": accepted,
            "invitation[revoked]": revoked_invitation,
            "invitation[expired]": expired_invitation,
            "invitation[unknown]": new_token(),
            "password_reset_confirm": "set-password",
            "unsubscribe": outbox.unsubscribe_token("alert", project=project.pk, user=viewer.pk),
            "unsubscribe[unknown]": "not-a-signed-token",
        },
        "queries": {
            "portfolio": {"team": team.pk},
            "project_create": {"team": team.pk},
            "compare_estimates": {"before": first.pk, "after": second.pk},
            "compare_estimates[foreign]": {"before": their_estimate.pk, "after": second.pk},
        },
        "posts": {
            "member_update": {"role": Membership.Role.VIEWER},
            "member_update[foreign]": {"role": Membership.Role.VIEWER},
            "token_create": {"name": "matrix"},
            "team_settings": {"name": "Payments", "currency": "€"},
            "share_create": {"label": "matrix"},
            "outcome_reopen": {"reason": "matrix"},
            "api_outcome_create": json.dumps(
                {
                    "status": "shipped",
                    "started_on": "2026-01-05",
                    "date": "2026-06-30",
                    "cost_usd": 2e5,
                }
            ),
            "team_time_zone": {"time_zone": "Europe/Paris"},
            "outside_digest_create": {"email": "board@example.com", "links": [valid.pk]},
            "project_watch": {"watching": "yes"},
        },
        "checkin": checkin,
    }


def concrete_url(row: str, world: dict, patterns: dict) -> str:
    name = row.split("[")[0]
    _, params, _ = patterns[name]
    values = {
        **world["params"],
        "token": world["tokens_in_urls"].get(row),
        **world["variants"].get(row, {}),
    }
    missing = [param for param in params if values.get(param) is None]
    assert not missing, f"{row}: no value for the URL parts {missing}; add them to world()"
    url = reverse(name, kwargs={param: values[param] for param in params})
    query = world["queries"].get(row)
    return f"{url}?{urlencode(query)}" if query else url


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(client: Client) -> str:
    """A real token, read from the login form as a browser would."""
    page = client.get(reverse("login")).content.decode()
    match = CSRF_INPUT.search(page)
    assert match, "the login page has no CSRF token"
    return match.group(1)


def visitor_client(kind: str, world: dict) -> tuple[Client, dict]:
    client = Client(enforce_csrf_checks=True)
    headers = {}
    if kind in world["users"]:
        client.force_login(world["users"][kind])
    elif kind in world["tokens"]:
        headers["Authorization"] = f"Bearer {world['tokens'][kind]}"
    elif kind == "share":
        assert client.get(world["share_url"]).status_code == 200
    return client, headers


def status_of(client: Client, method: str, url: str, data, headers: dict) -> str:
    """The cell's code: "L" for a redirect to the login page, else the status. A request that
    raises (a server error) is reported as 500 with the exception. Nothing it does is kept."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url, headers=headers)
            elif isinstance(data, str):
                response = client.post(
                    url, data=data, content_type="application/json", headers=headers
                )
            else:
                response = client.post(url, data=data, headers=headers)
            transaction.set_rollback(True)
    except Exception as exc:  # a server error, reported in the cell rather than stopping the walk
        return f"500({exc.__class__.__name__}: {exc})"
    finally:
        # A logout deletes the session cookie; the next cell needs the visitor as they were.
        client.cookies = cookies
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "L"
    return str(response.status_code)


API_BODY = json.dumps({"weeks_elapsed": 6, "spent_usd": 84000, "note": "matrix"})


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_url_answers_each_visitor_as_expected(visitor, world):
    patterns = url_patterns()
    client, headers = visitor_client(visitor, world)
    token = csrf_token(client)
    wrong = []
    for row, expected in EXPECTED.items():
        url = concrete_url(row, world, patterns)
        post = world["posts"].get(row, API_BODY if row.startswith("api_") else {})
        if isinstance(post, dict):
            post = {**post, "csrfmiddlewaretoken": token}
        for method, data in (("GET", None), ("POST", post)):
            got = status_of(client, method, url, data, headers)
            assert not got.startswith("500"), f"{method} {url} as {visitor}: {got}"
            if got != expected[method][visitor]:
                wrong.append(
                    f"{method} {row} ({url}): expected {expected[method][visitor]}, got {got}"
                )
    assert wrong == [], f"{visitor}:\n" + "\n".join(wrong)


def test_every_post_without_a_csrf_token_is_refused(world):
    """Logged in as the owner, who may do anything, but posting as a forged form would."""
    patterns = url_patterns()
    client, _ = visitor_client("owner", world)
    wrong = []
    for row in EXPECTED:
        name = row.split("[")[0]
        url = concrete_url(row, world, patterns)
        got = status_of(client, "POST", url, world["posts"].get(row, {}), {})
        # An exempt view authenticates by token only, so a session cookie gets it nothing: the
        # API answers 401, the unsubscribe link what it answers anyone (its token decides).
        expected = "403"
        if name == "api_checkin_create":
            expected = "401"
        elif name in CSRF_EXEMPT:
            expected = EXPECTED[row]["POST"]["anon"]
        if got != expected:
            wrong.append(f"POST {row} ({url}) without a CSRF token: expected {expected}, got {got}")
    assert wrong == []
