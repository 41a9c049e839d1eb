"""The project page around its report: what changed between revisions (and in a conflicting
save), the revision history, the check-ins with the re-estimate cadence, and the share links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from projects.engine.inputs import INPUTS, PROGRESS
from projects.formatting import date_text, input_value_text, percent
from projects.models import CheckIn, Estimate, Project, Revision
from projects.vocabulary import ALL_TARGETS, all_targets_pill


@dataclass
class Change:
    label: str
    old: str
    new: str


def revision_changes(
    old_inputs: dict | None, new_inputs: dict, keys: tuple[str, ...] | None = None
) -> list[Change]:
    """The inputs that differ between two revisions (only those of `keys`, if given), in form
    order."""
    if old_inputs is None:
        return []
    changes = []
    for spec in INPUTS:
        if keys is not None and spec.key not in keys:
            continue
        old = old_inputs.get(spec.key, spec.default)
        new = new_inputs.get(spec.key, spec.default)
        if old != new:
            changes.append(
                Change(spec.label, input_value_text(spec, old), input_value_text(spec, new))
            )
    return changes


def revision_history(project: Project, revisions: list[Revision]) -> list[dict]:
    """Each revision (newest first) with what changed since the one before and the chance of
    shipping on time, within budget and on target, from its latest estimate."""
    latest_estimates: dict[int, dict] = {}
    for row in project.estimates.order_by("-created_at", "-id").values(
        "revision_id", "status", "result__probability"
    ):
        latest_estimates.setdefault(row["revision_id"], row)
    history = []
    for index, revision in enumerate(revisions):
        previous = revisions[index + 1] if index + 1 < len(revisions) else None
        estimate = latest_estimates.get(revision.pk)
        probability = (estimate or {}).get("result__probability") or {}
        history.append(
            {
                "revision": revision,
                "created": date_text(revision.created_at, with_time=True),
                "changes": revision_changes(previous.inputs if previous else None, revision.inputs),
                "first": previous is None,
                "status": estimate["status"] if estimate else None,
                "all_targets": all_targets_pill(percent(probability.get(ALL_TARGETS)))
                if probability
                else "",
            }
        )
    return history


def save_conflict(project: Project, based_on: int | None, latest: Revision) -> dict:
    """What someone else saved (revision `latest`) while a form based on `based_on` was open."""
    earlier = project.revisions.filter(number=based_on).first()
    return {
        "revision": latest,
        "changes": revision_changes(earlier.inputs if earlier else None, latest.inputs),
    }


def tracking_panel(project: Project) -> dict:
    """The check-ins of a project (newest first, the latest 20) and its re-estimate cadence."""
    rows = checkin_rows(project)
    days = project.reestimate_every_days
    if project.archived:
        cadence = "Archived projects are never re-estimated on a schedule."
    elif days == 0:
        cadence = "Scheduled re-estimates are off."
    else:
        cadence = "Re-estimated every day." if days == 1 else f"Re-estimated every {days} days."
    return {"rows": rows, "more": project.checkins.count() > len(rows), "cadence": cadence}


@dataclass
class CheckInRow:
    checkin: CheckIn
    date: str
    figures: list[tuple[str, str]]
    by: str
    estimate: Estimate | None
    all_targets: str


def checkin_rows(project: Project, limit: int = 20) -> list[CheckInRow]:
    """The project's latest check-ins, newest first, in the form's words and units."""
    found = []
    checkins = (
        project.checkins.select_related("author", "api_token")
        .prefetch_related("estimates")
        .order_by("-date", "-created_at", "-id")[:limit]
    )
    for checkin in checkins:
        values = checkin.progress()
        figures = [
            (spec.label, input_value_text(spec, values[spec.key]))
            for spec in PROGRESS
            if values[spec.key] is not None or spec.key in CheckIn.REQUIRED
        ]
        if checkin.api_token_id:
            by = f"posted with the token {checkin.api_token.name}"
        elif checkin.author_id:
            by = f"by {checkin.author.get_username()}"
        else:
            by = ""
        mine = sorted(checkin.estimates.all(), key=lambda e: (e.created_at, e.pk))
        first = mine[0] if mine else None
        found.append(
            CheckInRow(
                checkin=checkin,
                date=date_text(checkin.date),
                figures=figures,
                by=by,
                estimate=first,
                all_targets=all_targets_pill(
                    percent(((first.result or {}).get("probability") or {}).get(ALL_TARGETS))
                )
                if first is not None and first.status == Estimate.Status.DONE
                else "",
            )
        )
    return found


def share_rows(project: Project, absolute_url: Callable[[str], str]) -> list[dict]:
    """The project's share links for its owners and editors; `absolute_url(path)` makes the
    link people copy (request.build_absolute_uri)."""
    now = timezone.now()
    rows = []
    for link in project.share_links.select_related("created_by"):
        active = link.is_active(now)
        if link.revoked_at:
            state = f"Revoked {date_text(link.revoked_at)}"
        elif not active:
            state = f"Expired {date_text(link.expires_at)}"
        elif link.expires_at:
            state = f"Expires {date_text(link.expires_at, with_time=True)}"
        else:
            state = "Never expires"
        rows.append(
            {
                "link": link,
                "active": active,
                "url": absolute_url(reverse("shared_report", args=[link.token])),
                "created": date_text(link.created_at, with_time=True),
                "by": link.created_by.get_username() if link.created_by else "a deleted user",
                "state": state,
            }
        )
    return rows
