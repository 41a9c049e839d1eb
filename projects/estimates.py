"""The one path from a saved revision to a saved Estimate; views, commands and tasks all use it.

`queue_estimate` records a queued Estimate. Small ones run here, in this process, so the page
shows the result at once. When CELERY_BROKER_URL is set, large ones (more scenarios than
INTERACTIVE_TRIALS) and every scheduled one go to a worker instead (`projects.tasks`), which
calls `run_estimate` with the estimate's id. If the broker cannot be reached the estimate runs
here after all: it is never lost.

`run_estimate` is idempotent: a finished estimate is left alone, and a re-delivered task for an
estimate whose worker died runs it again to the end, once (see `_claim`).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from projects.models import CheckIn, Estimate, Project, Revision

logger = logging.getLogger(__name__)

# Seeds are drawn small enough to read out and type back in to reproduce a result.
SEED_LIMIT = 2**31
# Scheduled estimates are queued this many projects to a transaction.
QUEUE_BATCH = 200
# PostgreSQL advisory locks are keyed by two numbers: this one ("RB") and the estimate's id.
LOCK_NAMESPACE = 0x5242


class BrokerUnavailable(Exception):
    """The message broker could not take the task (stopped, unreachable, misconfigured)."""


def background_available() -> bool:
    """True when a broker is configured, so that workers can run estimates."""
    return bool(settings.CELERY_BROKER_URL)


def runs_in_background(trials: int, trigger: str) -> bool:
    """Whether an estimate of this size and cause goes to a worker (when there is a broker)."""
    if not background_available():
        return False
    return trigger == Estimate.Trigger.SCHEDULE or trials > settings.INTERACTIVE_TRIALS


def latest_checkin(project: Project) -> CheckIn | None:
    """Where the project stands now: its most recent check-in, or None before the first."""
    return project.checkins.order_by("-date", "-created_at", "-id").first()


def create_estimate(
    revision: Revision,
    *,
    trigger: str = Estimate.Trigger.REVISION,
    checkin: CheckIn | None = None,
) -> Estimate:
    """Record a queued estimate of `revision`, starting from `checkin` (default: the latest)."""
    inputs = revision.inputs if isinstance(revision.inputs, dict) else {}
    seed = inputs.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        seed = secrets.randbelow(SEED_LIMIT)
    trials = inputs.get("trials")
    if checkin is None:
        checkin = latest_checkin(revision.project)
    return Estimate.objects.create(
        revision=revision,
        status=Estimate.Status.QUEUED,
        seed=seed,
        trials=trials if isinstance(trials, int) and not isinstance(trials, bool) else 0,
        trigger=trigger,
        checkin=checkin,
    )


def queue_estimate(
    revision: Revision,
    *,
    trigger: str = Estimate.Trigger.REVISION,
    checkin: CheckIn | None = None,
    background: bool | None = None,
) -> Estimate:
    """Record an estimate of `revision` and run it here or hand it to a worker.

    `background=None` decides by size and trigger (`runs_in_background`); True sends it to a
    worker whatever its size (it still runs here when there is no broker). Returns the estimate:
    finished when it ran here, queued when a worker has it.
    """
    estimate = create_estimate(revision, trigger=trigger, checkin=checkin)
    if background is None:
        background = runs_in_background(estimate.trials, trigger)
    if background and background_available():
        transaction.on_commit(lambda: send_or_run(estimate.pk))
        if connection.in_atomic_block:
            return estimate
        return Estimate.objects.get(pk=estimate.pk)
    return run_estimate(estimate.pk)


def send_or_run(estimate_id: int) -> None:
    """Give the estimate to a worker; if the broker is down, run it here so it is not lost."""
    try:
        send_to_worker(estimate_id)
    except BrokerUnavailable as exc:
        logger.warning("Running estimate %s in this process: %s", estimate_id, exc)
        run_estimate(estimate_id)


def send_to_worker(estimate_id: int) -> None:
    """Publish the task for one estimate; raises BrokerUnavailable when the broker is not there."""
    from kombu import pools
    from kombu.exceptions import KombuError, OperationalError

    from projects.tasks import run_estimate_task
    from riskboard.celery import app

    try:
        # A pool per broker URL (settings may change it, as the tests do) keeps connections
        # open between estimates: queueing a thousand costs a thousand messages, not
        # a thousand connections.
        connection = app.connection_for_write(settings.CELERY_BROKER_URL)
        with pools.connections[connection].acquire(block=True, timeout=10) as broker:
            run_estimate_task.apply_async(
                args=[estimate_id],
                connection=broker,
                queue=settings.CELERY_TASK_DEFAULT_QUEUE,
                # The message carries the limits: the sender's settings decide them.
                soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
                time_limit=settings.CELERY_TASK_TIME_LIMIT,
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
            )
    except (OperationalError, KombuError, OSError) as exc:
        raise BrokerUnavailable(
            f"the message broker at {_safe_url(settings.CELERY_BROKER_URL)} did not answer "
            f"({exc.__class__.__name__}: {exc})"
        ) from exc


def _safe_url(url: str) -> str:
    """The broker URL without its password, for messages."""
    from kombu.utils.url import maybe_sanitize_url

    return maybe_sanitize_url(url)


@contextlib.contextmanager
def _exclusive(estimate_id: int) -> Iterator[bool]:
    """Hold a PostgreSQL session lock on the estimate while it runs; yields False if another
    live process holds it. The lock dies with its connection, so a killed worker's lock is
    gone and a re-delivered task may take over. Other databases (SQLite, one process) always
    yield True."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = (LOCK_NAMESPACE, estimate_id % 2**31)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def _claim(estimate_id: int, *, take_over_running: bool) -> bool:
    """Move the estimate to running, atomically; False when it is finished or not ours.

    A queued estimate is claimed by the first caller only. A running one is claimed only with
    `take_over_running`: its worker died (the caller holds the estimate's lock, so nobody else
    is running it) and the task came back.
    """
    claimable = [Estimate.Status.QUEUED]
    if take_over_running:
        claimable.append(Estimate.Status.RUNNING)
    return bool(
        Estimate.objects.filter(pk=estimate_id, status__in=claimable).update(
            status=Estimate.Status.RUNNING, started_at=timezone.now(), progress=0
        )
    )


def run_estimate(estimate_id: int) -> Estimate:
    """Run the engine for a queued estimate and save the outcome, success or failure.

    Idempotent: a finished estimate, or one another live process is running, is returned as
    it is. Database errors propagate (the task retries them); engine errors are recorded on
    the estimate and never raised.
    """
    with _exclusive(estimate_id) as mine:
        if mine and _claim(estimate_id, take_over_running=connection.vendor == "postgresql"):
            _run_claimed(estimate_id)
    return Estimate.objects.select_related("revision").get(pk=estimate_id)


def resume_if_orphaned(estimate: Estimate) -> Estimate:
    """Run again a running estimate whose runner died; return the estimate as it now is.

    A web process that runs an estimate in its request dies with the request when the database
    goes away mid-estimate (a restart), and a worker may be killed. Their estimate stays
    "running" with nobody running it. On PostgreSQL a live runner holds the estimate's session
    lock (`_exclusive`), so a free lock means an orphan: it goes back to queued and runs again,
    on a worker when it is a background-sized one and a broker is set, else here. The pages
    that show an estimate call this, so an orphan resumes as soon as someone looks. Other
    databases (SQLite: one process) cannot tell; their orphans show as interrupted after
    models.STALLED_AFTER.
    """
    if estimate.status != Estimate.Status.RUNNING or connection.vendor != "postgresql":
        return estimate
    with _exclusive(estimate.pk) as free:
        requeued = free and Estimate.objects.filter(
            pk=estimate.pk, status=Estimate.Status.RUNNING
        ).update(status=Estimate.Status.QUEUED, progress=0)
    if not requeued:
        return estimate
    logger.warning("Estimate %s was running with nobody running it; running it again", estimate.pk)
    if runs_in_background(estimate.trials, estimate.trigger):
        send_or_run(estimate.pk)
    else:
        run_estimate(estimate.pk)
    estimate.refresh_from_db()
    return estimate


def resume_orphans() -> list[int]:
    """Resume every orphaned estimate (see resume_if_orphaned); returns the ids resumed.

    The pages resume the estimate they show; this catches the rest, such as an earlier
    revision's estimate that nobody opens. Celery beat's periodic task and `reestimate_due`
    call it. PostgreSQL only; elsewhere it does nothing.
    """
    if connection.vendor != "postgresql":
        return []
    resumed = []
    for estimate in Estimate.objects.filter(status=Estimate.Status.RUNNING).order_by("pk"):
        if resume_if_orphaned(estimate).status != Estimate.Status.RUNNING:
            resumed.append(estimate.pk)
    return resumed


def _run_claimed(estimate_id: int) -> None:
    estimate = Estimate.objects.select_related("revision", "checkin").get(pk=estimate_id)
    fields: dict = {}
    try:
        inputs = estimate.revision.inputs
        if isinstance(inputs, dict):
            inputs = {**inputs, "seed": estimate.seed}
            if estimate.trials:
                inputs["trials"] = estimate.trials
        progress = estimate.checkin.progress() if estimate.checkin else None
        # Imported here so that the web app starts, and records a clear failure, even when
        # the engine cannot be imported.
        from projects import engine

        fields["engine_version"] = str(getattr(engine, "ENGINE_VERSION", ""))
        result = engine.estimate(
            inputs, progress=progress, on_progress=_progress_saver(estimate_id)
        )
    except Exception as exc:  # any engine failure is recorded on the estimate, never raised
        logger.exception("Estimate %s failed", estimate_id)
        fields.update(status=Estimate.Status.FAILED, error=failure_message(exc))
    else:
        fields.update(
            status=Estimate.Status.DONE,
            result=result,
            seed=result.get("seed", estimate.seed),
            trials=result.get("trials", estimate.trials),
            engine_version=str(result.get("engine_version", "")),
            error="",
            progress=100,
        )
    fields["finished_at"] = timezone.now()
    # Only a running estimate is finished: a second run never overwrites the first outcome.
    Estimate.objects.filter(pk=estimate_id, status=Estimate.Status.RUNNING).update(**fields)


def _progress_saver(estimate_id: int):
    """An `on_progress` callback that stores the percentage done (best effort)."""
    last = {"percent": 0}

    def save(fraction: float) -> None:
        percent = max(0, min(99, int(fraction * 100)))
        if percent <= last["percent"]:
            return
        last["percent"] = percent
        try:
            Estimate.objects.filter(pk=estimate_id, status=Estimate.Status.RUNNING).update(
                progress=percent
            )
        except DatabaseError:  # a progress bar is not worth failing the estimate for
            logger.warning("Could not save the progress of estimate %s", estimate_id)

    return save


def failure_message(exc: Exception) -> str:
    """What went wrong, in words a project owner can act on."""
    from celery.exceptions import SoftTimeLimitExceeded

    from projects.engine.inputs import INPUTS_BY_KEY, PROGRESS_BY_KEY, InputError

    if isinstance(exc, InputError):
        lines = []
        for key, message in exc.errors.items():
            spec = INPUTS_BY_KEY.get(key) or PROGRESS_BY_KEY.get(key)
            lines.append(f"{spec.label if spec else key}: {message}")
        return "The engine rejected these inputs: " + "; ".join(lines) + "."
    if isinstance(exc, SoftTimeLimitExceeded):
        return (
            f"The estimate took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} seconds and "
            "was stopped. Fewer scenarios (trials) make it faster."
        )
    return f"The engine failed: {exc.__class__.__name__}: {exc}"


# Scheduled re-estimates ------------------------------------------------------------------------


def due_projects(now: datetime | None = None, among: list[int] | None = None) -> list[Project]:
    """Projects due for a scheduled re-estimate: not archived, with a cadence (days > 0), with a
    revision, and with no estimate started (queued) within the last `reestimate_every_days`.
    `among` limits the answer to these project ids."""
    now = now or timezone.now()
    projects = Project.objects.all() if among is None else Project.objects.filter(pk__in=among)
    candidates = (
        projects.filter(archived=False, reestimate_every_days__gt=0)
        .filter(models.Exists(Revision.objects.filter(project=models.OuterRef("pk"))))
        .annotate(last_estimate_at=models.Max("revisions__estimates__created_at"))
        .order_by("id")
    )
    return [
        project
        for project in candidates
        if project.last_estimate_at is None
        or project.last_estimate_at <= now - timedelta(days=project.reestimate_every_days)
    ]


def queue_due(now: datetime | None = None) -> list[Estimate]:
    """Queue a scheduled estimate of each due project's latest revision; returns them.

    Projects are locked while they are checked and queued, and those locked by someone else are
    skipped, so beat and a cron job running at once queue each project once. With a broker the
    estimates go to the workers, published in batches once each batch is committed; without
    one they run here, one project at a time so that no lock is held for long.
    """
    now = now or timezone.now()
    batch = QUEUE_BATCH if background_available() else 1
    due_ids = [project.pk for project in due_projects(now)]
    queued = []
    for start in range(0, len(due_ids), batch):
        with transaction.atomic():
            locked = list(
                Project.objects.select_for_update(skip_locked=True)
                .filter(pk__in=due_ids[start : start + batch])
                .values_list("pk", flat=True)
            )
            for project in due_projects(now, among=locked):
                revision = project.latest_revision()
                queued.append(queue_estimate(revision, trigger=Estimate.Trigger.SCHEDULE))
    return list(
        Estimate.objects.filter(pk__in=[e.pk for e in queued])
        .select_related("revision__project__team")
        .order_by("revision__project_id")
    )
