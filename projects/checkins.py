"""Check-ins: where a running project stands, recorded through the page or posted by a pipeline,
corrected or withdrawn. Each re-estimates the project's latest revision from where it now stands.

The fields come from the engine's `PROGRESS` (labels, help, units, ranges), so the form, the JSON
endpoint and the engine never disagree.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from projects import estimates
from projects.engine.inputs import PROGRESS
from projects.models import ApiToken, CheckIn, Estimate, Project


def record(
    project: Project,
    *,
    date: datetime.date,
    progress: dict,
    note: str = "",
    author=None,
    api_token: ApiToken | None = None,
    background: bool | None = None,
    estimate: bool = True,
) -> tuple[CheckIn, Estimate | None]:
    """Save a check-in and queue an estimate of the latest revision that starts from it
    (unless `estimate` is False)."""
    with transaction.atomic():
        checkin = CheckIn.objects.create(
            project=project,
            date=date,
            note=note,
            author=author,
            api_token=api_token,
            **{spec.key: progress[spec.key] for spec in PROGRESS},
        )
    revision = project.latest_revision()
    if revision is None or not estimate:
        return checkin, None
    queued = estimates.queue_estimate(
        revision, trigger=Estimate.Trigger.CHECKIN, checkin=checkin, background=background
    )
    return checkin, queued


def correct(
    checkin: CheckIn, *, date: datetime.date, progress: dict, note: str, author
) -> tuple[CheckIn, Estimate | None]:
    """Replace a check-in by a corrected one: the old one is withdrawn and points to the new
    one, and the project is re-estimated from where it now stands."""
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.withdrawn_at is not None:
            raise ValueError("This check-in was withdrawn meanwhile; it cannot be corrected.")
        corrected, _ = record(
            checkin.project, date=date, progress=progress, note=note, author=author, estimate=False
        )
        locked.withdraw(author, replaced_by=corrected)
    return corrected, reestimate(checkin.project)


def reestimate(project: Project) -> Estimate | None:
    """Estimate the latest revision from the check-in that stands now (after a correction or a
    withdrawal); None when the project has no revision."""
    revision = project.latest_revision()
    if revision is None:
        return None
    return estimates.queue_estimate(revision, trigger=Estimate.Trigger.CHECKIN)
