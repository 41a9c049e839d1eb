"""The one path from a saved revision to a saved Estimate; views, commands and tasks all use it.

`queue_estimate` records a queued Estimate. Small ones run here, in this process, so the page
shows the result at once. When CELERY_BROKER_URL is set, large ones (more scenarios than
INTERACTIVE_TRIALS) and every scheduled one go to a worker instead (`projects.tasks`), which
calls `run_estimate` with the estimate's id. If the broker cannot be reached the estimate runs
here after all: it is never lost.

`run_estimate` is idempotent: a finished estimate is left alone, and a re-delivered task for an
estimate whose worker died runs it again to the end, once (see `_claim`).

This module sends the worker's task by name (RUN_ESTIMATE_TASK), so that `projects.tasks`
imports this module and never the other way round.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from kombu import pools
from kombu.exceptions import KombuError, OperationalError
from kombu.utils.url import maybe_sanitize_url

from projects import alerts
from projects.models import CheckIn, Estimate, Project, Revision
from riskboard.celery import app
from riskboard.security import count_request, wait_text

logger = logging.getLogger(__name__)

# Seeds are drawn small enough to read out and type back in to reproduce a result.
SEED_LIMIT = 2**31
# Scheduled estimates are queued this many projects to a transaction.
QUEUE_BATCH = 200
# PostgreSQL advisory locks are keyed by two numbers: this one ("RB") and the estimate's id.
LOCK_NAMESPACE = 0x5242
# The Celery task a worker runs an estimate with (projects.tasks.run_estimate_task).
RUN_ESTIMATE_TASK = "projects.tasks.run_estimate_task"


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


def too_large_here(trials: int | None) -> str:
    """Why an estimate of `trials` scenarios cannot run in a web request (empty when it can):
    without a broker every estimate runs in the request, so large ones are refused there."""
    limit = settings.MAX_INLINE_TRIALS
    if background_available() or not isinstance(trials, int) or trials <= limit:
        return ""
    return (
        f"must be at most {limit:,} here: this site has no background worker, so estimates run "
        f"while the page waits, and {trials:,} scenarios would keep it waiting. Use at most "
        f"{limit:,}, or ask the site's administrator to set up a worker (CELERY_BROKER_URL)"
    )


def request_wait(user_key: str, team, *, whatif: bool = False) -> tuple[int, str]:
    """Count one request for an estimate (a live what-if when `whatif`) by a user or API token
    and their team; (0, "") when allowed, else (seconds to wait, what to tell them).

    The user's count is checked first, and a user over their own limit does not use up the
    team's: one member cannot lock the rest of the team out."""
    window = settings.ESTIMATE_LIMIT_WINDOW_SECONDS
    kind, what = ("whatif", "what-ifs") if whatif else ("estimate", "estimates")
    per_user = settings.WHATIFS_PER_USER if whatif else settings.ESTIMATES_PER_USER
    per_team = settings.WHATIFS_PER_TEAM if whatif else settings.ESTIMATES_PER_TEAM
    minutes = f"{window // 60} minutes" if window % 60 == 0 else f"{window} seconds"
    wait = count_request(kind, f"user:{user_key}", per_user, window)
    if wait:
        who = f"You have asked for {per_user:,} {what} in {minutes}, the most one person may"
    else:
        wait = count_request(kind, f"team:{team.pk}", per_team, window)
        who = f"{team} has asked for {per_team:,} {what} in {minutes}, the most a team may"
    if not wait:
        return 0, ""
    return wait, f"{who}. Please try again in {wait_text(wait)}; nothing was saved."


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
        checkin = revision.project.latest_checkin()
    return Estimate.objects.create(
        revision=revision,
        status=Estimate.Status.QUEUED,
        seed=seed,
        trials=trials if isinstance(trials, int) and not isinstance(trials, bool) else 0,
        trigger=trigger,
        checkin=checkin,
    )


def pending_estimate(project_id: int) -> Estimate | None:
    """The project's queued or running estimate, if any (there is at most one)."""
    return (
        Estimate.objects.pending()
        .filter(project_id=project_id)
        .select_related("revision", "checkin")
        .first()
    )


def create_or_reuse(
    revision: Revision,
    *,
    trigger: str = Estimate.Trigger.REVISION,
    checkin: CheckIn | None = None,
) -> tuple[Estimate, bool]:
    """A new queued estimate of `revision`, or the project's pending one; (estimate, created).

    A project has at most one queued-or-running estimate (a database constraint). A request
    while one is pending reuses it. When it asked for something else (a newer revision, another
    check-in), a pending estimate that has not started is replaced by the new one; a running
    one is marked, so that the project's latest state is estimated when it finishes
    (`queue_follow_up`). The project row is locked while this is decided, so two
    requests at once make one estimate; the constraint catches what a database without row
    locks (SQLite) lets through. A pending estimate so old that it was surely interrupted
    (models.STALLED_AFTER) is marked failed and replaced.
    """
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=revision.project_id).first()
        pending = pending_estimate(revision.project_id)
        now = timezone.now()
        if pending is not None and pending.is_stalled(now):
            Estimate.objects.pending().filter(pk=pending.pk).update(
                status=Estimate.Status.FAILED,
                error="Interrupted: it waited or ran for too long and was replaced by a new "
                "estimate.",
                finished_at=now,
            )
            pending = None
        if pending is None:
            try:
                with transaction.atomic():
                    return create_estimate(revision, trigger=trigger, checkin=checkin), True
            except IntegrityError:  # made by another request meanwhile
                pending = pending_estimate(revision.project_id)
                if pending is None:
                    raise
        wanted = checkin or revision.project.latest_checkin()
        if pending.revision_id == revision.pk and pending.checkin_id == getattr(wanted, "pk", None):
            return pending, False
        # Asked for something newer. A queued estimate that nobody has started is replaced (its
        # task, if any, finds no row and does nothing); the condition on its status makes a
        # worker's claim at the same moment win. A running one is left to finish.
        if Estimate.objects.filter(pk=pending.pk, status=Estimate.Status.QUEUED).delete()[0]:
            with transaction.atomic():
                return create_estimate(revision, trigger=trigger, checkin=checkin), True
        Estimate.objects.filter(pk=pending.pk).update(rerun_requested=True)
        return pending, False


def queue_estimate(
    revision: Revision,
    *,
    trigger: str = Estimate.Trigger.REVISION,
    checkin: CheckIn | None = None,
    background: bool | None = None,
) -> Estimate:
    """Record an estimate of `revision` and run it here or hand it to a worker; while the
    project has an estimate queued or running, return that one instead (`create_or_reuse`).

    `background=None` decides by size and trigger (`runs_in_background`); True sends it to a
    worker whatever its size (it still runs here when there is no broker). Returns the estimate:
    finished when it ran here, queued or running when a worker (or another request) has it.
    """
    estimate, created = create_or_reuse(revision, trigger=trigger, checkin=checkin)
    if not created:
        estimate.refresh_from_db()
        estimate.reused = True  # the pages say so
        return estimate
    if background is None:
        background = runs_in_background(estimate.trials, trigger)
    if background and background_available():
        transaction.on_commit(lambda: send_or_run(estimate.pk))
        if connection.in_atomic_block:
            return estimate
        return Estimate.objects.filter(pk=estimate.pk).first() or _replacement(revision)
    return run_estimate(estimate.pk) or _replacement(revision)


def _replacement(revision: Revision) -> Estimate:
    """The estimate that replaced one of `revision` before it ran (a newer request came in
    between), for the page that asked for the replaced one."""
    estimate = pending_estimate(revision.project_id) or (
        Estimate.objects.filter(project_id=revision.project_id).select_related("revision").first()
    )
    estimate.reused = True
    return estimate


def send_or_run(estimate_id: int) -> None:
    """Give the estimate to a worker; if the broker is down, run it here so it is not lost."""
    try:
        send_to_worker(estimate_id)
    except BrokerUnavailable as exc:
        logger.warning("Running estimate %s in this process: %s", estimate_id, exc)
        run_estimate(estimate_id)


def send_to_worker(estimate_id: int) -> None:
    """Publish the task for one estimate; raises BrokerUnavailable when the broker is not there."""
    try:
        # A pool per broker URL (settings may change it, as the tests do) keeps connections
        # open between estimates: queueing a thousand costs a thousand messages, not
        # a thousand connections.
        connection = app.connection_for_write(settings.CELERY_BROKER_URL)
        with pools.connections[connection].acquire(block=True, timeout=10) as broker:
            app.send_task(
                RUN_ESTIMATE_TASK,
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
        # The broker's URL is named without its password.
        broker_url = maybe_sanitize_url(settings.CELERY_BROKER_URL)
        raise BrokerUnavailable(
            f"the message broker at {broker_url} did not answer ({exc.__class__.__name__}: {exc})"
        ) from exc


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


def run_estimate(estimate_id: int, *, follow_up: bool = True) -> Estimate | None:
    """Run the engine for a queued estimate and save the outcome, success or failure.

    Idempotent: a finished estimate, or one another live process is running, is returned as it
    is; None when it was replaced before it started. Database errors propagate (the task retries
    them); engine errors are recorded on the estimate. Watchers hear of a moved chance (`alerts`);
    a newer estimate asked for meanwhile is queued next (run here when `follow_up`, no broker)."""
    ran = False
    with _exclusive(estimate_id) as mine:
        if mine and _claim(estimate_id, take_over_running=connection.vendor == "postgresql"):
            _run_claimed(estimate_id)
            ran = True
    estimate = Estimate.objects.select_related("revision").filter(pk=estimate_id).first()
    if ran and estimate is not None:
        alerts.after_estimate(estimate_id)
        if estimate.rerun_requested:
            queue_follow_up(estimate.project_id, run_here=follow_up)
    return estimate


def queue_follow_up(project_id: int, *, run_here: bool = False) -> Estimate | None:
    """Queue an estimate of the project's latest revision from its latest check-in, asked for
    while another estimate was running. It goes to a worker when there is a broker; without
    one it runs here when `run_here`, else it waits, queued, for the next page that shows it
    (`run_if_waiting`)."""
    project = Project.objects.filter(pk=project_id).first()
    revision = project.latest_revision() if project else None
    if revision is None:
        return None
    checkin = project.latest_checkin()
    trigger = Estimate.Trigger.CHECKIN if checkin else Estimate.Trigger.REVISION
    if revision.estimates.filter(checkin=checkin).exists():
        trigger = Estimate.Trigger.MANUAL
    estimate, created = create_or_reuse(revision, trigger=trigger, checkin=checkin)
    if created and background_available():
        transaction.on_commit(lambda: send_or_run(estimate.pk))
    elif created and run_here:
        return run_estimate(estimate.pk, follow_up=False)
    return estimate


def advance(estimate: Estimate) -> Estimate:
    """What a page does before it shows an estimate: resume it if its runner died, run it if
    nobody else will; the estimate as it now is."""
    return run_if_waiting(resume_if_orphaned(estimate))


def run_if_waiting(estimate: Estimate) -> Estimate:
    """Without a broker nobody else runs a queued estimate (a follow-up whose request did not
    run it, or one whose request died): the page that shows it runs it. With a broker, or for
    any other state, the estimate is returned as it is."""
    if estimate.status != Estimate.Status.QUEUED or background_available():
        return estimate
    return run_estimate(estimate.pk, follow_up=False) or estimate


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
    return Estimate.objects.filter(pk=estimate.pk).first() or estimate


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


def queue_due(now: datetime | None = None) -> list[Estimate]:
    """Queue a scheduled estimate of each due project's latest revision; returns them.

    Projects are locked while they are checked and queued, and those locked by someone else are
    skipped, so beat and a cron job running at once queue each project once. With a broker the
    estimates go to the workers, published in batches once each batch is committed; without
    one they run here, one project at a time so that no lock is held for long.
    """
    now = now or timezone.now()
    batch = QUEUE_BATCH if background_available() else 1
    due_ids = [project.pk for project in Project.objects.due(now)]
    queued = []
    for start in range(0, len(due_ids), batch):
        with transaction.atomic():
            locked = list(
                Project.objects.select_for_update(skip_locked=True)
                .filter(pk__in=due_ids[start : start + batch])
                .values_list("pk", flat=True)
            )
            for project in Project.objects.filter(pk__in=locked).due(now):
                revision = project.latest_revision()
                queued.append(queue_estimate(revision, trigger=Estimate.Trigger.SCHEDULE))
    return list(
        Estimate.objects.filter(pk__in=[e.pk for e in queued])
        .select_related("revision__project__team")
        .order_by("revision__project_id")
    )
