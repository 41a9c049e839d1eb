"""Closing a project: record how it ended (shipped or stopped), correct it, reopen it, add its
production score months after launch; and the team's closed projects as the calibration core
reads them. The page (views/outcomes.py) and the API (api.py) both come through here, so they
check the same rules with the same words.

Nothing is overwritten: a correction adds a row and withdraws the old one, which points at it.
"""

from __future__ import annotations

import math
from datetime import date

from django.db import transaction
from django.utils import timezone

from projects.calibration import ClosedProject, StoredEstimate
from projects.models import ApiToken, Estimate, LaterScore, Outcome, Project, Team
from projects.models.outcomes import (
    EARLIEST_START,
    LATER_MONTHS,
    MAX_COST_USD,
    NOTE_MAX_LENGTH,
    OUTCOME_DATE_SLACK,
)

# How each field is named to people (the form's labels; the API names fields by key).
LABELS = {
    "status": "How it ended",
    "started_on": "Started on",
    "ended_on": "Launch or stop date",
    "cost_usd": "Actual cost",
    "production_score": "Production score at launch",
    "stop_reason": "Why it stopped",
    "note": "Note",
}


def default_start(project: Project) -> date:
    """The day a project's weeks are counted from unless told otherwise: the day it was created
    in Riskboard, which is when its first estimate counted from."""
    return timezone.localdate(project.created_at) if project.created_at else timezone.localdate()


def start_for(project: Project, given: date | None) -> date:
    """The start an outcome records: the one given, else the current outcome's (a correction
    keeps it), else the day the project was created."""
    if given is not None:
        return given
    current = project.current_outcome()
    return current.started_on if current else default_start(project)


def outcome_problems(fields: dict, project: Project) -> dict[str, str]:
    """What is wrong with an outcome's typed fields, by field key (empty when nothing is).

    `fields`: status, started_on and ended_on (dates; a missing start is `start_for`'s),
    cost_usd and production_score (floats or None), stop_reason and note (text). Rules that
    join two fields are reported on the field to change."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    status = fields.get("status")
    if status not in Outcome.Status.values:
        errors["status"] = "must be “shipped” or “stopped”"
    given = fields.get("started_on")
    started, ended = start_for(project, given), fields.get("ended_on")
    if given is not None:
        if started < EARLIEST_START:
            errors["started_on"] = f"must be after {EARLIEST_START.isoformat()}"
        elif started > today + OUTCOME_DATE_SLACK:
            errors["started_on"] = f"must not be in the future: today is {today.isoformat()}"
    if ended is None:
        errors["ended_on"] = "is required: the launch date, or the day it was stopped"
    elif ended > today + OUTCOME_DATE_SLACK:
        errors["ended_on"] = f"must not be in the future: today is {today.isoformat()}"
    elif ended < started:
        source = "" if given else ", the day the project was created; give the real start"
        errors["ended_on"] = f"must not be before the start ({started.isoformat()}{source})"
    cost = fields.get("cost_usd")
    if cost is None:
        errors["cost_usd"] = "is required: the actual total cost, or the money spent when stopped"
    elif not math.isfinite(cost) or not 0 <= cost <= MAX_COST_USD:
        errors["cost_usd"] = f"must be from 0 to {MAX_COST_USD:,.0f}, in the team's money"
    elif cost == 0 and status == Outcome.Status.SHIPPED:
        errors["cost_usd"] = "must be more than 0 for a project that shipped"
    score = fields.get("production_score")
    if score is not None:
        if not math.isfinite(score) or not 0 <= score <= 1:
            errors["production_score"] = "must be from 0 to 1 (0.83 for 83%)"
        elif status == Outcome.Status.STOPPED:
            errors["production_score"] = "must be empty: a stopped project has no production score"
    reason = fields.get("stop_reason") or ""
    if status == Outcome.Status.STOPPED and reason not in Outcome.StopReason.values:
        errors["stop_reason"] = "is required for a stopped project: one of " + ", ".join(
            Outcome.StopReason.values
        )
    elif status == Outcome.Status.SHIPPED and reason:
        errors["stop_reason"] = "must be empty: the project shipped"
    note = fields.get("note") or ""
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = f"must be at most {NOTE_MAX_LENGTH} characters, got {len(note)}"
    elif status == Outcome.Status.STOPPED and reason == "other" and not note.strip():
        errors["note"] = "is required when the reason is “other”: say why it stopped"
    return errors


def later_score_problem(months: int, score: float | None, outcome: Outcome | None) -> str:
    """Why a production score `months` after launch cannot be recorded (empty when it can)."""
    if months not in LATER_MONTHS:
        return "months must be 3, 6 or 12"
    if score is None or not math.isfinite(score) or not 0 <= score <= 1:
        return "must be from 0 to 1 (0.83 for 83%)"
    if outcome is None or not outcome.shipped:
        return "can only be added once the project is recorded as shipped"
    return ""


def record(
    project: Project,
    fields: dict,
    *,
    author=None,
    api_token: ApiToken | None = None,
    demo: bool = False,
) -> tuple[Outcome, str]:
    """Close the project with `fields` (checked by `outcome_problems`), or correct the outcome
    that stands: the old one is kept, withdrawn, pointing at the new one. Returns the outcome
    that stands now and what happened: "closed", "corrected" or "unchanged" (the same figures
    again add nothing)."""
    stopped = fields["status"] == Outcome.Status.STOPPED
    values = {
        "status": fields["status"],
        "started_on": start_for(project, fields.get("started_on")),
        "ended_on": fields["ended_on"],
        "cost_usd": float(fields["cost_usd"]),
        "production_score": None if stopped else fields.get("production_score"),
        "stop_reason": (fields.get("stop_reason") or "") if stopped else "",
        "note": fields.get("note") or "",
    }
    with transaction.atomic():
        # Lock the project row: two closes at once would both see no outcome.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        current = Outcome.objects.filter(project=project, withdrawn_at=None).first()
        if current is not None and current.fields() == values:
            return current, "unchanged"
        if current is not None:
            current.withdraw(author)
        outcome = Outcome.objects.create(
            project=project, author=author, api_token=api_token, demo=demo, **values
        )
        if current is not None:
            Outcome.objects.filter(pk=current.pk).update(replaced_by=outcome)
    return outcome, "corrected" if current is not None else "closed"


def reopen(outcome: Outcome, *, reason: str, by) -> bool:
    """Withdraw the outcome without a replacement: the project is open again. The reason is
    kept with it. False when it was withdrawn meanwhile."""
    with transaction.atomic():
        if not outcome.withdraw(by):
            return False
        Outcome.objects.filter(pk=outcome.pk).update(reopen_reason=reason)
        outcome.reopen_reason = reason
    return True


def record_later_score(
    project: Project, months: int, score: float, *, author=None, api_token=None
) -> tuple[LaterScore, str]:
    """Record the production score `months` after launch, or correct the one recorded (kept,
    withdrawn). Returns it and "added", "corrected" or "unchanged"."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        current = LaterScore.objects.filter(
            project=project, months=months, withdrawn_at=None
        ).first()
        if current is not None and current.score == score:
            return current, "unchanged"
        if current is not None:
            current.withdraw(author)
        later = LaterScore.objects.create(
            project=project, months=months, score=score, author=author, api_token=api_token
        )
        if current is not None:
            LaterScore.objects.filter(pk=current.pk).update(replaced_by=later)
    return later, "corrected" if current is not None else "added"


def current_later_scores(project: Project) -> dict[int, LaterScore]:
    """The production scores after launch that stand now, by months."""
    rows = LaterScore.objects.filter(project=project, withdrawn_at=None).select_related(
        "author", "api_token"
    )
    return {row.months: row for row in rows}


def closed_project(outcome: Outcome, estimates: list[Estimate]) -> ClosedProject:
    """One closed project as the calibration core takes it (docs/calibration.md)."""
    return ClosedProject(
        key=str(outcome.project_id),
        started_on=outcome.started_on,
        ended_on=outcome.ended_on,
        shipped=outcome.shipped,
        actual_cost_usd=outcome.cost_usd,
        production_score=outcome.production_score if outcome.shipped else None,
        stop_reason=None if outcome.shipped else outcome.stop_reason,
        estimates=[StoredEstimate(e.finished_at, e.result) for e in estimates],
    )


def finished_estimates(project_ids: list[int]) -> dict[int, list[Estimate]]:
    """Each project's finished estimates with a result, oldest first."""
    found: dict[int, list[Estimate]] = {pk: [] for pk in project_ids}
    rows = (
        Estimate.objects.done()
        .filter(project_id__in=project_ids, result__isnull=False, finished_at__isnull=False)
        .only("id", "project_id", "finished_at", "result")
        .order_by("finished_at", "id")
    )
    for estimate in rows:
        found[estimate.project_id].append(estimate)
    return found


def team_closed_projects(team: Team) -> tuple[list[ClosedProject], list[Outcome]]:
    """The team's closed projects with every finished estimate, for scoring, and their outcomes,
    newest end first. Archived projects count: an outcome is a fact about the team's forecasts
    whether or not the project is still listed (reopening takes one out)."""
    outcomes = list(
        Outcome.objects.filter(project__team=team, withdrawn_at=None)
        .select_related("project")
        .order_by("-ended_on", "-id")
    )
    estimates = finished_estimates([outcome.project_id for outcome in outcomes])
    closed = [closed_project(o, estimates[o.project_id]) for o in outcomes]
    return closed, outcomes
