"""Celery tasks: run one queued estimate, and queue the projects due for a scheduled one.

Tasks take ids, never model instances, and are safe to run twice (`estimates.run_estimate` is
idempotent). Transient failures, a database or broker that is briefly away, are retried with
exponential backoff; engine failures are recorded on the estimate instead.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from projects import estimates

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError)


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
)
def run_estimate_task(estimate_id: int) -> str:
    """Run estimate `estimate_id`; does nothing if it is finished or running elsewhere."""
    estimate = estimates.run_estimate(estimate_id)
    return estimate.status


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def queue_due_reestimates() -> list[int]:
    """Celery beat's periodic task: queue a scheduled estimate of every project that is due."""
    queued = estimates.queue_due()
    if queued:
        logger.info("Queued %d scheduled estimates", len(queued))
    return [estimate.pk for estimate in queued]
