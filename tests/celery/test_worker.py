"""Estimates through the broker, run by a real Celery worker on the test database."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from projects import engine, estimates
from projects.models import Estimate

pytestmark = [pytest.mark.celery, pytest.mark.redis, pytest.mark.postgres]


def test_an_estimate_queued_through_the_broker_completes(wait_for, start_worker, make_project):
    worker = start_worker()
    project = make_project()
    revision = project.latest_revision()

    queued = estimates.queue_estimate(revision, background=True)

    assert queued.status == Estimate.Status.QUEUED  # handed over, not run here
    done = wait_for(queued.pk, {"done", "failed"}, timeout=60, worker=worker)
    assert done.status == Estimate.Status.DONE, done.error
    assert done.progress == 100
    assert done.started_at >= queued.created_at
    # The worker computed what this process computes from the same seed.
    here = engine.estimate({**revision.inputs, "seed": queued.seed})
    assert done.result["cost_usd"]["p50"] == here["cost_usd"]["p50"]
    assert done.result["probability"] == here["probability"]
    assert revision.estimates.count() == 1


def test_a_large_estimate_from_the_page_runs_on_the_worker_while_the_page_polls(
    wait_for, start_worker, make_project, owner, client, settings
):
    worker = start_worker()
    settings.INTERACTIVE_TRIALS = 1000
    project = make_project(trials=2000)
    client.force_login(owner)

    response = client.post(reverse("project_estimate", args=[project.pk]), follow=True)

    assert b"queued for a background worker" in response.content
    estimate = project.latest_revision().latest_estimate()
    assert estimate.trigger == Estimate.Trigger.MANUAL
    status_url = reverse("estimate_status", args=[project.pk, estimate.pk])
    assert status_url.encode() in response.content  # the status box polls this address
    wait_for(estimate.pk, {"done"}, timeout=60, worker=worker)
    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"  # finished: polling stops and the page reloads


def test_a_worker_killed_mid_task_and_restarted_completes_the_estimate_once(
    wait_for, start_worker, make_project
):
    # Redis gives an unacknowledged message back after the visibility timeout; a short one
    # keeps the test quick (production keeps it above the task time limit).
    quick_redelivery = {"CELERY_VISIBILITY_TIMEOUT": "4", "CELERY_RESTORE_CHECK_SECONDS": "1"}
    first = start_worker(**quick_redelivery)
    project = make_project(trials=400_000)
    revision = project.latest_revision()
    queued = estimates.queue_estimate(revision, background=True)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = Estimate.objects.get(pk=queued.pk)
        if running.status == Estimate.Status.RUNNING and running.progress > 0:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"The estimate never got going:\n{first.output()[-3000:]}")
    first.kill()
    killed_at = timezone.now()
    time.sleep(1)
    stuck = Estimate.objects.get(pk=queued.pk)
    assert stuck.status == Estimate.Status.RUNNING
    assert stuck.progress < 100

    second = start_worker(**quick_redelivery)
    done = wait_for(queued.pk, {"done", "failed"}, timeout=150, worker=second)

    assert done.status == Estimate.Status.DONE, done.error
    assert done.started_at > killed_at  # the second worker ran it again from the start
    assert done.trials == 400_000 and done.progress == 100
    assert revision.estimates.count() == 1  # exactly one estimate, finished once
    # With so short a visibility timeout Redis usually hands the message out once more while
    # the second worker runs it; that delivery must find the estimate done and change nothing.
    time.sleep(3)
    again = Estimate.objects.get(pk=queued.pk)
    assert (again.finished_at, again.result) == (done.finished_at, done.result)
    assert revision.estimates.count() == 1
    assert second.output().count("succeeded") >= 1


def test_running_the_same_task_twice_yields_one_estimate(wait_for, start_worker, make_project):
    worker = start_worker()
    project = make_project()
    estimate = estimates.create_estimate(project.latest_revision())
    for _ in range(2):
        estimates.send_to_worker(estimate.pk)
    done = wait_for(estimate.pk, {"done"}, timeout=60, worker=worker)
    time.sleep(1.5)
    again = Estimate.objects.get(pk=estimate.pk)
    assert again.finished_at == done.finished_at
    assert Estimate.objects.filter(revision__project=project).count() == 1
    assert worker.output().count("succeeded") == 2  # both ran; the second changed nothing


def test_manage_py_estimate_async_queues_for_the_worker(wait_for, start_worker, make_project):
    worker = start_worker()
    project = make_project()
    out = StringIO()

    call_command("estimate", str(project.pk), "--async", stdout=out)

    estimate = project.latest_revision().latest_estimate()
    assert f"Queued estimate {estimate.pk} of {project}" in out.getvalue()
    assert wait_for(estimate.pk, {"done"}, timeout=60, worker=worker).trigger == "manual"


def test_scheduled_re_estimates_run_on_the_worker(wait_for, start_worker, make_project):
    worker = start_worker()
    projects = [make_project(name=f"Project {n}") for n in range(3)]
    out = StringIO()

    call_command("reestimate_due", stdout=out)

    queued = list(Estimate.objects.filter(revision__project__in=projects))
    assert len(queued) == 3
    assert {estimate.trigger for estimate in queued} == {"schedule"}
    assert "Queued 3 scheduled re-estimate(s) for the workers." in out.getvalue()
    for estimate in queued:
        wait_for(estimate.pk, {"done"}, timeout=60, worker=worker)


def test_an_estimate_over_the_soft_time_limit_fails_with_a_message(
    wait_for, start_worker, make_project, settings
):
    worker = start_worker()
    # The limits travel in the message, so the sender's settings decide them.
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 1
    project = make_project(trials=1_000_000)

    queued = estimates.queue_estimate(project.latest_revision(), background=True)

    failed = wait_for(queued.pk, {"failed", "done"}, timeout=60, worker=worker)
    assert failed.status == Estimate.Status.FAILED, worker.output()[-3000:]
    # The seconds named are the worker's settings; in production both sides share them.
    assert "took longer than" in failed.error and "Fewer scenarios" in failed.error
