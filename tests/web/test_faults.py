"""Faults: the database going away, and estimates whose runner died.

The live test restarts a private PostgreSQL cluster under gunicorn and real HTTP load
(benchmarks/fault_postgres.py, which prints the same scenario's figures). The suite's own
database is never touched by it, so it runs in both CI passes. It needs the PostgreSQL server
binaries (initdb, pg_ctl), and skips without them except under CI=true.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import IntegrityError, OperationalError
from django.template import TemplateSyntaxError
from django.test import RequestFactory

from projects import estimates
from projects.models import Estimate
from riskboard.errors import database_unreachable, server_error

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import fault_postgres  # noqa: E402
from benchmarks.livestack import PostgresServer, scratch_dir  # noqa: E402


def _answer(exc: Exception):
    """What handler500 answers while `exc` is being handled (Django calls it in its except)."""
    request = RequestFactory().get("/")
    try:
        raise exc
    except Exception:
        return server_error(request)


def test_a_lost_database_connection_gets_503_with_retry_after():
    response = _answer(OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "back in a moment" in page
    assert "look at its history before you submit the change a second time" in page


def test_other_errors_stay_500_without_retry_after():
    for exc in (IntegrityError("duplicate key"), ValueError("a bug")):
        response = _answer(exc)
        assert response.status_code == 500
        assert "Retry-After" not in response
        assert "Something went wrong on our side" in response.content.decode()


def test_a_lost_connection_inside_a_template_still_counts():
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as cause:
        wrapped = TemplateSyntaxError("while rendering")
        wrapped.__cause__ = cause
    assert database_unreachable(wrapped)
    assert not database_unreachable(IntegrityError("duplicate key"))
    assert not database_unreachable(None)


# An estimate whose runner died ----------------------------------------------------------------


def _orphan(project) -> Estimate:
    estimate = estimates.create_estimate(project.latest_revision())
    Estimate.objects.filter(pk=estimate.pk).update(
        status=Estimate.Status.RUNNING, trials=1000, progress=30
    )
    estimate.refresh_from_db()
    return estimate


@pytest.fixture
def postgres_only(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "Telling a dead runner from a live one needs PostgreSQL's session locks; on SQLite "
            "an orphaned estimate shows as interrupted after STALLED_AFTER (tested in "
            "test_report.py). Run with DATABASE_URL=postgres://… (CI's PostgreSQL pass does)."
        )


def test_an_orphaned_estimate_resumes_when_its_page_is_opened(
    client, project, owner, postgres_only
):
    orphan = _orphan(project)
    client.force_login(owner)
    page = client.get(project.get_absolute_url())
    orphan.refresh_from_db()
    assert orphan.status == Estimate.Status.DONE
    assert page.context["estimate"].status == Estimate.Status.DONE


def test_the_status_poll_resumes_an_orphan_too(client, project, owner, postgres_only):
    from django.urls import reverse

    orphan = _orphan(project)
    client.force_login(owner)
    poll = client.get(
        reverse("estimate_status", args=[project.pk, orphan.pk]), headers={"HX-Request": "true"}
    )
    assert poll["HX-Refresh"] == "true"  # finished: the page reloads with the result
    orphan.refresh_from_db()
    assert orphan.status == Estimate.Status.DONE


def test_an_estimate_with_a_live_runner_is_left_alone(
    client, project, owner, live_runner, postgres_only
):
    running = _orphan(project)
    with live_runner(running):
        assert estimates.resume_if_orphaned(running).status == Estimate.Status.RUNNING
    running.refresh_from_db()
    assert running.status == Estimate.Status.RUNNING and running.progress == 30


def test_the_periodic_task_resumes_orphans_nobody_opens(
    project, owner, team, make_project, live_runner, postgres_only
):
    from projects import tasks

    # A project has one pending estimate at most, so the three are in three projects.
    earlier = _orphan(project)  # revision 1's: revision 2 is saved, and nobody opens the page
    project.add_revision(project.latest_revision().inputs, owner)
    later = _orphan(make_project(team, owner, name="Later"))
    alive = _orphan(make_project(team, owner, name="Alive"))
    with live_runner(alive):
        tasks.queue_due_reestimates()
    for estimate in (earlier, later, alive):
        estimate.refresh_from_db()
    assert earlier.status == later.status == Estimate.Status.DONE
    assert alive.status == Estimate.Status.RUNNING


def test_finished_and_queued_estimates_are_never_rerun(project, postgres_only):
    done = project.latest_revision().latest_estimate()
    finished_at = done.finished_at
    assert estimates.resume_if_orphaned(done).finished_at == finished_at
    queued = estimates.create_estimate(project.latest_revision())
    assert estimates.resume_if_orphaned(queued).status == Estimate.Status.QUEUED


# PostgreSQL restarted under load ---------------------------------------------------------------


@pytest.fixture(scope="module")
def live_site(require):
    reason = PostgresServer.unavailable_reason()
    require(not reason, f"The PostgreSQL restart test needs a private PostgreSQL cluster: {reason}")
    site = fault_postgres.Site(scratch_dir("riskboard-fault-test-"))
    yield site
    site.close()


@pytest.mark.postgres
@pytest.mark.parametrize("conn_max_age", [0, 60], ids=["new-connection", "persistent"])
def test_postgresql_restarted_under_load(live_site, conn_max_age):
    """Four users browse and save while PostgreSQL stops for 2 s and starts again: 503s with
    Retry-After meanwhile, never a 500; success right after; no saved revision lost."""
    outcome, log = fault_postgres.run_restart(
        live_site, clients=4, before=2.0, down=2.0, after=3.0, conn_max_age=conn_max_age
    )
    problems = outcome.problems()
    assert not problems, "\n".join([*problems, "", outcome.report(), "", log[-3000:]])
    assert outcome.confirmed, "no save succeeded: the scenario did not exercise saving"
