"""Test set-up shared by the whole suite.

The suite runs Riskboard's real settings module with the development defaults (DEBUG=1 when
importing settings: a throwaway SECRET_KEY and plain HTTP, since the test client and the live
server speak no TLS). Django's test runner still runs every test with DEBUG off. The production
settings are checked separately, in subprocesses, by tests/web/test_settings.py.

Engine tests (tests/engine) import no Django and touch no database; configuring Django here
costs them nothing.
"""

import os

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskboard.settings")
os.environ.setdefault("DEBUG", "1")

# pytest-django finishes the set-up (database blocking, fixtures) in its own pytest_configure.
django.setup()


@pytest.fixture(scope="session")
def require():
    """require(condition, reason): skip when an outside part (Chromium, PostgreSQL, Redis) is
    missing, except under CI=true, where a missing part is a failure. Session-scoped, so that
    fixtures of any scope may use it."""

    def check(condition: bool, reason: str) -> None:
        if condition:
            return
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true, so this is required)")
        pytest.skip(reason)

    return check
