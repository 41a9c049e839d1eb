"""Settings from the environment, checked in fresh subprocesses as a server would start."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "x7" + uuid.uuid4().hex + uuid.uuid4().hex,
    "ALLOWED_HOSTS": "riskboard.example.com",
    "DATABASE_URL": "postgres://riskboard:secret@db.example.com:5432/riskboard",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
    "EMAIL_URL": "smtp://riskboard:secret@mail.example.com:587",
    "SITE_URL": "https://riskboard.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "EMAIL_URL",
            "SITE_URL",
            "DEFAULT_FROM_EMAIL",
        )
        and not key.startswith(("SECURE_", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(expression: str, **env: str) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_deploy_check_passes_with_the_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_in_debug_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key():
    result = manage("check", ALLOWED_HOSTS="riskboard.example.com")
    assert result.returncode != 0
    assert "The SECRET_KEY environment variable is not set" in result.stderr


def test_it_explains_an_unreadable_yes_no_variable():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of 1, true, yes, on, 0, false, no, off; got 'maybe'" in result.stderr


def test_debug_is_off_unless_set():
    assert settings_value("settings.DEBUG", SECRET_KEY=PRODUCTION["SECRET_KEY"]) == "False"
    assert settings_value("settings.DEBUG", DEBUG="1") == "True"


def test_database_defaults_to_sqlite_in_the_project_folder():
    engine = settings_value("settings.DATABASES['default']['ENGINE']", DEBUG="1")
    name = settings_value("settings.DATABASES['default']['NAME']", DEBUG="1")
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")


def test_postgres_urls_use_psycopg_3():
    code = (
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['HOST'], "
        "__import__('django.db', fromlist=['connection']).connection.Database.__name__"
    )
    printed = settings_value(code, **PRODUCTION)
    assert printed == "django.db.backends.postgresql db.example.com psycopg"


def test_allowed_hosts_and_broker_are_read():
    printed = settings_value("settings.ALLOWED_HOSTS, settings.CELERY_BROKER_URL", **PRODUCTION)
    assert printed == "['riskboard.example.com'] redis://redis.example.com:6379/0"
    assert settings_value("repr(settings.CELERY_BROKER_URL)", DEBUG="1") == "''"


@pytest.mark.postgres
def test_migrations_apply_on_postgresql(require):
    """The models migrate on a fresh PostgreSQL database through psycopg 3."""
    import psycopg

    server = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        require(False, f"no PostgreSQL server at {server} ({exc.__class__.__name__})")
    name = f"riskboard_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = server.rsplit("/", 1)[0] + f"/{name}"
        result = manage("migrate", "--noinput", DEBUG="1", DATABASE_URL=url)
        assert result.returncode == 0, result.stdout + result.stderr
        check = manage("makemigrations", "--check", "--dry-run", DEBUG="1", DATABASE_URL=url)
        assert check.returncode == 0, check.stdout + check.stderr
        with psycopg.connect(url) as connection:
            tables = {row[0] for row in connection.execute("SELECT tablename FROM pg_tables")}
        assert {"projects_team", "projects_revision", "projects_estimate"} <= tables
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_the_deploy_check_warns_of_emails_that_would_not_reach_anyone():
    env = {**PRODUCTION, "EMAIL_URL": "console:", "SITE_URL": "http://localhost:8000"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "riskboard.W001" in output and "SITE_URL" in output
    assert "riskboard.W002" in output and "EMAIL_URL" in output


def test_a_bad_email_setting_stops_start_up_naming_it():
    for name, value in (
        ("EMAIL_URL", "mail.example.com"),
        ("SITE_URL", "riskboard.example.com"),
        ("DEFAULT_FROM_EMAIL", "nobody"),
    ):
        result = manage("check", **{**PRODUCTION, name: value})
        assert result.returncode != 0 and name in result.stderr, name
