"""Fixtures for the web app tests: users, teams with roles, and projects estimated for real.

Helpers are fixtures rather than imports: a `tests` package installed in some environments'
site-packages would shadow `tests.web`.
"""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model

from projects.engine import normalise
from projects.estimates import queue_estimate
from projects.models import Membership, Project, Team

# Small but real simulations keep the suite quick.
FAST = {"trials": 1000, "seed": 7}


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium(require):
    """launch(playwright) -> a headless Chromium browser, as every browser test starts it;
    skips when Chromium is missing (fails under CI=true)."""
    require(
        os.path.exists(CHROMIUM),
        f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)",
    )

    def launch(playwright):
        return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    return launch


@pytest.fixture
def live_runner():
    """live_runner(estimate): a context in which the estimate looks run by a live process.

    On PostgreSQL a running estimate whose session lock is free is an orphan, and the pages
    resume it (estimates.resume_if_orphaned). A test that shows a running estimate holds the
    lock from a second connection, as a live runner does. SQLite never resumes: a no-op.
    """
    import contextlib

    from django.db import connection

    from projects.estimates import LOCK_NAMESPACE

    @contextlib.contextmanager
    def hold(estimate):
        if connection.vendor != "postgresql":
            yield
            return
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, estimate.pk % 2**31))
            yield

    return hold


@pytest.fixture
def make_user(db):
    def make(username: str, email: str = ""):
        return get_user_model().objects.create_user(
            username=username,
            email=email or f"{username}@example.com",
            password="s3cret-pass-word",
        )

    return make


@pytest.fixture
def make_project(db):
    """make_project(team, author, name=..., **inputs): a project with one estimated revision."""

    def make(team: Team, author, name: str = "Fraud alerts", **inputs) -> Project:
        project = Project.objects.create(team=team, name=name, created_by=author)
        revision = project.add_revision(normalise({**FAST, **inputs}), author, note="First numbers")
        queue_estimate(revision)
        return project

    return make


def _member(make_user, team: Team | None, username: str, role: str | None):
    user = make_user(username)
    Team.create_personal(user)
    if team is not None:
        Membership.objects.create(team=team, user=user, role=role)
    return user


@pytest.fixture
def owner(make_user):
    return _member(make_user, None, "olivia", None)


@pytest.fixture
def team(owner) -> Team:
    team = Team.objects.create(name="Payments")
    Membership.objects.create(team=team, user=owner, role=Membership.Role.OWNER)
    return team


@pytest.fixture
def editor(make_user, team):
    return _member(make_user, team, "eddie", Membership.Role.EDITOR)


@pytest.fixture
def viewer(make_user, team):
    return _member(make_user, team, "vera", Membership.Role.VIEWER)


@pytest.fixture
def outsider(make_user):
    return _member(make_user, None, "oscar", None)


@pytest.fixture
def project(make_project, team, owner) -> Project:
    return make_project(team, owner)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache, which outlives a test (and ids repeat between tests):
    every test starts with no requests counted."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
