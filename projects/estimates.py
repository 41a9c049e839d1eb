"""The one path from a saved revision to a saved Estimate; views, commands and tasks all use it.

`queue_estimate` records a queued Estimate and runs it here, in this process. The Celery issue
makes it hand the estimate's id to a worker task calling `run_estimate` when CELERY_BROKER_URL
is set; with no broker it keeps running in-process.
"""

from __future__ import annotations

import logging
import secrets

from django.utils import timezone

from projects.models import Estimate, Revision

logger = logging.getLogger(__name__)

# Seeds are drawn small enough to read out and type back in to reproduce a result.
SEED_LIMIT = 2**31


def queue_estimate(revision: Revision) -> Estimate:
    """Record a queued estimate of `revision` and run it; returns the (finished) estimate."""
    inputs = revision.inputs if isinstance(revision.inputs, dict) else {}
    seed = inputs.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        seed = secrets.randbelow(SEED_LIMIT)
    trials = inputs.get("trials")
    estimate = Estimate.objects.create(
        revision=revision,
        status=Estimate.Status.QUEUED,
        seed=seed,
        trials=trials if isinstance(trials, int) and not isinstance(trials, bool) else 0,
    )
    return run_estimate(estimate.pk)


def run_estimate(estimate_id: int) -> Estimate:
    """Run the engine for a queued estimate and save the outcome, success or failure."""
    estimate = Estimate.objects.select_related("revision").get(pk=estimate_id)
    estimate.status = Estimate.Status.RUNNING
    estimate.started_at = timezone.now()
    estimate.save(update_fields=["status", "started_at"])

    try:
        inputs = estimate.revision.inputs
        if isinstance(inputs, dict):
            inputs = {**inputs, "seed": estimate.seed}
            if estimate.trials:
                inputs["trials"] = estimate.trials
        # Imported here so that the web app starts, and records a clear failure, even when
        # the engine cannot be imported.
        from projects import engine

        estimate.engine_version = str(getattr(engine, "ENGINE_VERSION", ""))
        result = engine.estimate(inputs)
    except Exception as exc:  # any engine failure is recorded on the estimate, never raised
        logger.exception("Estimate %s failed", estimate.pk)
        estimate.status = Estimate.Status.FAILED
        estimate.error = failure_message(exc)
    else:
        estimate.status = Estimate.Status.DONE
        estimate.result = result
        estimate.seed = result.get("seed", estimate.seed)
        estimate.trials = result.get("trials", estimate.trials)
        estimate.engine_version = str(result.get("engine_version", ""))
        estimate.error = ""
    estimate.finished_at = timezone.now()
    estimate.save()
    return estimate


def failure_message(exc: Exception) -> str:
    """What went wrong, in words a project owner can act on."""
    from projects.engine.inputs import INPUTS_BY_KEY, InputError

    if isinstance(exc, InputError):
        lines = []
        for key, message in exc.errors.items():
            spec = INPUTS_BY_KEY.get(key)
            lines.append(f"{spec.label if spec else key}: {message}")
        return "The engine rejected these inputs: " + "; ".join(lines) + "."
    return f"The engine failed: {exc.__class__.__name__}: {exc}"
