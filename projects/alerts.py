"""Alerts: who watches a project, and the email watchers get when a new estimate moves a chance.

A finished estimate is compared with the estimate the project showed before it. When any chance
(every one in vocabulary.CHANCES) moved by ALERT_POINTS or more, or crossed 50%, each watcher gets
one email with the chances before and after, the bottom line, the cause and a link. At most one
alert per project, watcher and day (in the team's time zone): the outbox's unique `dedupe_key`
keeps the rule, so a stream of re-estimates sends one email, the first significant one.

A member watches a project when they asked to, or when an owner made the whole team watch it
and they did not stop it (models.Watch).
"""

from __future__ import annotations

import logging
import math
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from projects import formatting, outbox
from projects.models import Estimate, Membership, OutboundEmail, Project, Watch
from projects.vocabulary import CHANCES, POOR_CHANCE, change_arrow, metric_name

logger = logging.getLogger(__name__)

# A chance that moves by this much (10 percentage points) or more is news.
ALERT_POINTS = 0.10
# Crossing this line, either way, is news whatever the size of the move.
CROSSING = 0.5

CAUSES = {
    Estimate.Trigger.REVISION: "a new revision of the project",
    Estimate.Trigger.CHECKIN: "a check-in of the project's progress",
    Estimate.Trigger.SCHEDULE: "the scheduled re-estimate",
    Estimate.Trigger.MANUAL: "a re-estimate someone asked for",
}


def team_zone(team) -> ZoneInfo:
    try:
        return ZoneInfo(team.time_zone or "UTC")
    except (ValueError, KeyError, OSError):  # a name no longer known to this machine
        return ZoneInfo("UTC")


def _chance(result: dict | None, key: str) -> float | None:
    value = ((result or {}).get("probability") or {}).get(key)
    finite = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if finite else None


def moves(before: dict, after: dict) -> list[dict]:
    """Each chance before and after, in words, and whether its move is news."""
    metric = metric_name(after.get("inputs"))
    rows = []
    for chance in CHANCES:
        old, new = _chance(before, chance.key), _chance(after, chance.key)
        delta = None if old is None or new is None else new - old
        crossed = delta is not None and (old < CROSSING) != (new < CROSSING)
        rows.append(
            {
                "label": chance.long_label(metric),
                "before": formatting.percent(old),
                "after": formatting.percent(new),
                "change": formatting.points_delta(delta),
                "arrow": change_arrow(delta, 0.005),
                "news": delta is not None and (round(abs(delta), 6) >= ALERT_POINTS or crossed),
                "crossed": crossed,
                "poor": new is not None and new < POOR_CHANCE,
            }
        )
    return rows


def watchers(project: Project) -> list:
    """The members of the project's team who get its alerts and have an email address."""
    members = Membership.objects.filter(team_id=project.team_id).values("user_id")
    stopped = Watch.objects.filter(project=project, watching=False).values("user_id")
    chosen = Watch.objects.filter(project=project, watching=True).values("user_id")
    wanted = Q(pk__in=chosen)
    if project.team_watches:
        wanted |= ~Q(pk__in=stopped)
    return list(
        get_user_model()
        .objects.filter(wanted, pk__in=members, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def is_watching(project: Project, user) -> bool:
    choice = Watch.objects.filter(project=project, user=user).first()
    if choice is not None:
        return choice.watching
    return project.team_watches


def set_watching(project: Project, user, watching: bool) -> None:
    Watch.objects.update_or_create(project=project, user=user, defaults={"watching": watching})


def previous_estimate(estimate: Estimate) -> Estimate | None:
    """The finished estimate the project showed before `estimate` finished."""
    return (
        Estimate.objects.done()
        .filter(project_id=estimate.project_id, finished_at__lte=estimate.finished_at)
        .exclude(pk=estimate.pk)
        .order_by("-finished_at", "-id")
        .first()
    )


def cause(estimate: Estimate) -> str:
    words = CAUSES.get(estimate.trigger, "a new estimate")
    revision = estimate.revision
    if estimate.trigger == Estimate.Trigger.REVISION:
        author = revision.author.get_username() if revision.author else "someone"
        words = f"revision {revision.number} by {author}" + (
            f" (“{revision.note}”)" if revision.note else ""
        )
    elif estimate.trigger == Estimate.Trigger.CHECKIN and estimate.checkin:
        words = f"the check-in of {formatting.date_text(estimate.checkin.date)}"
        if estimate.checkin.note:
            words += f" (“{estimate.checkin.note[:120]}”)"
    return words


def alert_context(estimate: Estimate, before: Estimate) -> dict | None:
    """What the alert says, or None when the estimate moved no chance enough."""
    rows = moves(before.result or {}, estimate.result or {})
    if not any(row["news"] for row in rows):
        return None
    project = estimate.revision.project
    summary = (estimate.result or {}).get("summary") or [""]
    return {
        "project": project,
        "rows": rows,
        "bottom_line": formatting.in_currency(summary[0], project.team.currency),
        "cause": cause(estimate),
        "when": formatting.date_text(estimate.finished_at, with_time=True),
        "before_when": formatting.date_text(before.finished_at),
        "link": outbox.absolute(project.get_absolute_url()),
        "history_link": outbox.absolute(f"{project.get_absolute_url()}history/"),
    }


def alert_subject(context: dict) -> str:
    news = next(row for row in context["rows"] if row["news"])
    return f"{context['project'].name}: {news['label'].lower()} {news['before']} → {news['after']}"


def after_estimate(estimate_id: int) -> list[OutboundEmail]:
    """Queue the alerts a just-finished estimate calls for; returns the emails queued.
    Never raises: an alert is not worth failing an estimate for."""
    try:
        return _queue_alerts(estimate_id)
    except Exception:
        logger.exception("Could not queue the alerts of estimate %s", estimate_id)
        return []


def _queue_alerts(estimate_id: int) -> list[OutboundEmail]:
    estimate = (
        Estimate.objects.select_related("revision__project__team", "revision__author", "checkin")
        .filter(pk=estimate_id, status=Estimate.Status.DONE)
        .first()
    )
    if estimate is None or not estimate.result or estimate.revision.project.archived:
        return []
    project = estimate.revision.project
    people = watchers(project)
    before = previous_estimate(estimate) if people else None
    if before is None:
        return []
    with timezone.override(team_zone(project.team)):  # its dates in the team's time zone
        return _queue(estimate, before, people)


def _queue(estimate: Estimate, before: Estimate, people: list) -> list[OutboundEmail]:
    context = alert_context(estimate, before)
    if context is None:
        return []
    project = context["project"]
    day = timezone.localtime(estimate.finished_at).date()
    queued = []
    for user in people:
        row = outbox.queue(
            OutboundEmail.Kind.ALERT,
            user.email,
            alert_subject(context),
            "alert",
            {**context, "user": user},
            unsubscribe=outbox.unsubscribe_token("alert", project=project.pk, user=user.pk),
            dedupe_key=f"alert:{project.pk}:{user.pk}:{day.isoformat()}",
        )
        if row is not None:
            queued.append(row)
    return queued
