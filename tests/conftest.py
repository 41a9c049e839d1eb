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

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskboard.settings")
os.environ.setdefault("DEBUG", "1")

# pytest-django finishes the set-up (database blocking, fixtures) in its own pytest_configure.
django.setup()
