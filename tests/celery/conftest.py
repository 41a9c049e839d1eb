"""Fixtures for the background-estimate tests: a real Celery worker on the local Redis, using
the test database.

The worker is a separate process (`celery -A riskboard worker --pool=prefork`), so it sees only
committed rows: tests that use it take `transactional_db`, and the worker is pointed at the
test database (pytest-django's `test_…` copy) through DATABASE_URL. It listens on a queue of
its own, so parallel runs and other users of the same Redis never take its tasks.

These tests need PostgreSQL (a database two processes share) and CELERY_TEST_BROKER_URL (CI sets
redis://127.0.0.1:6379/15). They skip with the reason when either is missing, except that
under CI=true a PostgreSQL run without a reachable broker is a failure.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from projects.engine import normalise
from projects.models import Estimate, Membership, Project, Team

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "").strip()
# Small but real simulations keep the suite quick.
FAST = {"trials": 2000, "seed": 11}


def _broker_answers(url: str) -> str:
    """'' when the broker answers, else why not."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"{exc.__class__.__name__}: {exc}"
    return ""


@pytest.fixture(scope="session")
def worker_database(django_db_setup, django_db_blocker, require) -> str:
    """DATABASE_URL of the test database, for worker processes; skips unless PostgreSQL."""
    with django_db_blocker.unblock():
        vendor = connection.vendor
        settings = connection.settings_dict
    if vendor != "postgresql":
        pytest.skip(
            "Background-estimate tests need PostgreSQL, which the worker process shares with "
            "the tests (set DATABASE_URL=postgres://…; .ci/run's PostgreSQL pass runs them)."
        )
    require(
        bool(BROKER_URL),
        "Background-estimate tests need a Redis broker: set "
        "CELERY_TEST_BROKER_URL=redis://127.0.0.1:6379/15",
    )
    problem = _broker_answers(BROKER_URL)
    require(not problem, f"The broker at {BROKER_URL} does not answer: {problem}")
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture(scope="session")
def queue_name() -> str:
    return f"riskboard-test-{uuid.uuid4().hex[:10]}"


class Worker:
    """A `celery worker` process of its own group, so that SIGKILL takes it and its children."""

    def __init__(self, database_url: str, queue: str, log: Path, extra_env: dict):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_QUEUE": queue,
            "DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        self.log_path = log
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "riskboard", "worker",
                "--pool=prefork", "--concurrency=1", "-Q", queue,
                "--hostname", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
                "--without-gossip", "--without-mingle", "--loglevel=INFO",
            ],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"The worker exited early:\n{self.output()[-3000:]}")
            if " ready." in self.output():
                return
            time.sleep(0.2)
        raise AssertionError(f"The worker did not start in {timeout} s:\n{self.output()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes: no clean-up, no acknowledgement."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def start_worker(worker_database, queue_name, tmp_path, settings):
    """start_worker(**env) -> a ready Worker on the test queue; all are stopped afterwards.

    The test process queues through the same broker and queue (its settings are overridden).
    """
    settings.CELERY_BROKER_URL = BROKER_URL
    settings.CELERY_TASK_DEFAULT_QUEUE = queue_name
    started: list[Worker] = []

    def start(**extra_env) -> Worker:
        worker = Worker(
            worker_database, queue_name, tmp_path / f"worker-{len(started)}.log", extra_env
        )
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
    import redis

    redis.Redis.from_url(BROKER_URL).delete(queue_name)


def _wait_for(estimate_id: int, statuses: set[str], timeout: float, worker=None) -> Estimate:
    """Poll the database until the estimate reaches one of `statuses`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        estimate = Estimate.objects.get(pk=estimate_id)
        if estimate.status in statuses:
            return estimate
        time.sleep(0.2)
    log = worker.output()[-4000:] if worker else ""
    raise AssertionError(
        f"Estimate {estimate_id} is {estimate.status}, not {statuses}, after {timeout} s.\n{log}"
    )


@pytest.fixture
def wait_for():
    """wait_for(estimate_id, statuses, timeout, worker=None) -> the estimate once it gets there."""
    return _wait_for


@pytest.fixture
def owner(transactional_db):
    return get_user_model().objects.create_user("olivia", "olivia@example.com", "s3cret-pass-word")


@pytest.fixture
def team(owner) -> Team:
    team = Team.objects.create(name="Payments")
    Membership.objects.create(team=team, user=owner, role=Membership.Role.OWNER)
    return team


@pytest.fixture
def make_project(team, owner):
    """make_project(name=..., **inputs): a project with one revision and no estimate yet."""

    def make(name: str = "Fraud alerts", **inputs) -> Project:
        project = Project.objects.create(team=team, name=name, created_by=owner)
        project.add_revision(normalise({**FAST, **inputs}), owner, note="First numbers")
        return project

    return make
