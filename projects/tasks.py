"""Celery tasks: run one queued estimate, queue the projects due for a scheduled one, and send
the outbox's emails and the weekly digests.

Only this module imports `projects.estimates`, never the reverse: the estimates module sends
`run_estimate_task` by its name (estimates.RUN_ESTIMATE_TASK). Tasks take ids, never model
instances, and are safe to run twice (`estimates.run_estimate` is idempotent). Transient
failures, a database or broker that is briefly away, are retried with exponential backoff;
engine failures are recorded on the estimate instead.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from projects import digest, estimates, outbox
from projects.models import Estimate

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError)


class EstimateTask(Task):
    """Records a task that gave up (the hard time limit, retries exhausted) on its estimate, so
    that the page says so instead of showing it running until it looks stalled."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if not args:
            return
        if isinstance(exc, TimeLimitExceeded):
            error = (
                f"The estimate took longer than {settings.CELERY_TASK_TIME_LIMIT} seconds and "
                "was stopped. Fewer scenarios (trials) make it faster."
            )
        else:
            error = f"The background worker gave up: {exc.__class__.__name__}: {exc}"
        try:
            Estimate.objects.filter(
                pk=args[0], status__in=[Estimate.Status.QUEUED, Estimate.Status.RUNNING]
            ).update(status=Estimate.Status.FAILED, error=error, finished_at=timezone.now())
        except DatabaseError:
            logger.exception("Could not record the failure of estimate %s", args[0])


@shared_task(
    base=EstimateTask,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
)
def run_estimate_task(estimate_id: int) -> str:
    """Run estimate `estimate_id`; does nothing if it is finished or running elsewhere."""
    estimate = estimates.run_estimate(estimate_id)
    # None: replaced by a newer estimate of its project before it started.
    return estimate.status if estimate else "replaced"


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def queue_due_reestimates() -> list[int]:
    """Celery beat's periodic task: queue a scheduled estimate of every project that is due,
    and resume the estimates whose runner died."""
    resumed = estimates.resume_orphans()
    if resumed:
        logger.warning("Resumed %d estimates whose runner had died", len(resumed))
    queued = estimates.queue_due()
    if queued:
        logger.info("Queued %d scheduled estimates", len(queued))
    return [estimate.pk for estimate in queued]


# Email ----------------------------------------------------------------------------------------


@shared_task(
    autoretry_for=(outbox.EmailNotSent, *TRANSIENT),
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=outbox.MAX_ATTEMPTS,
)
def send_email_task(email_id: int) -> str:
    """Send one email of the outbox; a refusal by the SMTP server is retried with exponential
    backoff (30 s, 1 min, 2 min … up to an hour), recorded on the row each time."""
    return outbox.deliver(email_id, raise_on_failure=True)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
def send_waiting_emails() -> int:
    """Celery beat: send the emails whose task was lost or whose broker was down."""
    return len(outbox.send_waiting())


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
def send_due_digests() -> int:
    """Celery beat, hourly: the weekly digests now due (Monday 07:00 in each team's time zone),
    each sent once a week whatever how often this runs."""
    return len(digest.send_due())
