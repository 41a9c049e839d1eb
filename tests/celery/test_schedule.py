"""Scheduled re-estimates (the due-selection, beat's task, `manage.py reestimate_due`) and the
idempotence of `run_estimate`; no worker needed, any database."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from projects import estimates
from projects.models import Estimate, Project
from projects.tasks import queue_due_reestimates
from riskboard.celery import app


def estimated(project: Project, days_ago: float) -> Estimate:
    estimate = estimates.queue_estimate(project.latest_revision())
    moment = timezone.now() - timedelta(days=days_ago)
    Estimate.objects.filter(pk=estimate.pk).update(created_at=moment)
    return estimate


@pytest.fixture
def portfolio(make_project, team, owner):
    """Projects on each side of every rule; returns (due, not due)."""
    never = make_project(name="Never estimated")
    week_old = make_project(name="Estimated 8 days ago")
    estimated(week_old, 8)
    daily = make_project(name="Daily, estimated 2 days ago")
    daily.reestimate_every_days = 1
    daily.save()
    estimated(daily, 2)
    recent = make_project(name="Estimated 3 days ago")
    estimated(recent, 3)
    twice = make_project(name="Old and recent estimates")
    estimated(twice, 20)
    estimated(twice, 1)
    monthly = make_project(name="Monthly, estimated 10 days ago")
    monthly.reestimate_every_days = 30
    monthly.save()
    estimated(monthly, 10)
    archived = make_project(name="Archived")
    estimated(archived, 40)
    archived.archived = True
    archived.save()
    off = make_project(name="Schedule off")
    off.reestimate_every_days = 0
    off.save()
    empty = Project.objects.create(team=team, name="No revision yet", created_by=owner)
    return [never, week_old, daily], [recent, twice, monthly, archived, off, empty]


def test_the_due_selection_picks_exactly_the_due_projects(portfolio):
    due, not_due = portfolio
    assert Project.objects.due() == due


def test_reestimate_due_queues_them_once_and_prints_what_it_queued(portfolio):
    due, not_due = portfolio
    out = StringIO()

    call_command("reestimate_due", stdout=out)

    printed = out.getvalue()
    for project in due:
        assert f"{project.pk} {project} ({project.team})" in printed
        newest = project.latest_revision().latest_estimate()
        assert (newest.trigger, newest.status) == ("schedule", "done")
    for project in not_due:
        assert f"{project.pk} {project} (" not in printed
    assert "Queued 3 scheduled re-estimate(s) and ran here." in printed
    again = StringIO()
    call_command("reestimate_due", stdout=again)
    assert "Queued 0 scheduled re-estimate(s)" in again.getvalue()


def test_reestimate_due_dry_run_changes_nothing(portfolio):
    due, _ = portfolio
    before = Estimate.objects.count()
    out = StringIO()
    call_command("reestimate_due", "--dry-run", stdout=out)
    assert f"{len(due)} project(s) due; nothing queued" in out.getvalue()
    assert Estimate.objects.count() == before


def test_beat_runs_the_due_task_every_hour(portfolio):
    due, _ = portfolio
    entry = app.conf.beat_schedule["queue-due-reestimates"]
    assert entry["task"] == queue_due_reestimates.name
    assert entry["schedule"] == 3600
    assert entry["task"] in app.tasks

    queued_ids = queue_due_reestimates.run()

    queued = Estimate.objects.filter(pk__in=queued_ids)
    assert sorted(e.revision.project_id for e in queued) == [p.pk for p in due]


def test_the_celery_settings_are_safe_for_lost_workers():
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


# Idempotence ---------------------------------------------------------------------------------


def test_running_a_finished_estimate_again_changes_nothing(make_project):
    project = make_project()
    estimate = estimates.queue_estimate(project.latest_revision())

    again = estimates.run_estimate(estimate.pk)

    assert (again.status, again.finished_at, again.result) == (
        "done",
        estimate.finished_at,
        estimate.result,
    )


def test_an_estimate_another_process_is_running_is_left_to_it(make_project, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("The run lock is a PostgreSQL advisory lock; SQLite has one process.")
    from django.db import connections

    project = make_project()
    estimate = estimates.create_estimate(project.latest_revision())
    Estimate.objects.filter(pk=estimate.pk).update(status="running")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # another worker, alive, holds the estimate's lock
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [estimates.LOCK_NAMESPACE, estimate.pk]
            )
        assert estimates.run_estimate(estimate.pk).status == "running"
    finally:
        other.close()  # its worker dies: the lock goes with the connection
    assert estimates.run_estimate(estimate.pk).status == "done"


# manage.py estimate --async without a usable broker ------------------------------------------


def test_estimate_async_says_a_broker_is_needed(make_project, settings):
    settings.CELERY_BROKER_URL = ""
    project = make_project()
    with pytest.raises(CommandError, match="--async needs a Celery broker: set CELERY_BROKER_URL"):
        call_command("estimate", str(project.pk), "--async", stdout=StringIO())
    assert not Estimate.objects.exists()


def test_estimate_async_queues_nothing_when_the_broker_does_not_answer(make_project, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    project = make_project()
    with pytest.raises(CommandError, match="Could not queue the estimate.*Nothing was queued"):
        call_command("estimate", str(project.pk), "--async", stdout=StringIO())
    assert not Estimate.objects.exists()


def test_a_task_killed_at_the_hard_time_limit_marks_its_estimate_failed(make_project):
    from celery.exceptions import TimeLimitExceeded

    from projects.tasks import run_estimate_task

    project = make_project()
    estimate = estimates.create_estimate(project.latest_revision())
    Estimate.objects.filter(pk=estimate.pk).update(status="running")

    # What the worker's main process calls when it kills a pool process at the hard limit.
    run_estimate_task.on_failure(TimeLimitExceeded(360), "task-id", (estimate.pk,), {}, None)

    failed = Estimate.objects.get(pk=estimate.pk)
    assert failed.status == "failed" and "took longer than 360 seconds" in failed.error
    done = estimates.queue_estimate(project.latest_revision())
    run_estimate_task.on_failure(TimeLimitExceeded(360), "task-id", (done.pk,), {}, None)
    assert Estimate.objects.get(pk=done.pk).status == "done"  # a finished one is left alone
