"""The weekly digest: on Monday morning in each team's time zone, one email to each member who
asked for it, and one to each outside address an owner tied to share links.

It lists each project with its chances now and an arrow for the change over the week (against
the last estimate that had finished a week before), the projects that need attention first.

Scheduling: Celery beat runs `send_due` every hour. A team is due from 07:00 on Monday, its time,
to the end of that Monday; each email's `dedupe_key` names the team (or outside digest), the
person and the ISO week, so running it every hour, twice at once or again after a crash sends
each digest once. A beat that was down at 07:00 catches up later that Monday.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from projects import formatting, outbox
from projects.alerts import ALERT_POINTS, team_zone
from projects.models import Estimate, OutboundEmail, OutsideDigest, Project, ShareLink, Team
from projects.vocabulary import ALL_TARGETS, CHANCES, POOR_CHANCE, change_arrow, metric_name

# Monday, from this hour of the team's day.
DIGEST_HOUR = 7


@dataclass
class Planned:
    """One digest email: whom to, and what it is about (what --dry-run prints)."""

    to: str
    subject: str
    team: Team
    projects: list[str] = field(default_factory=list)
    dedupe_key: str = ""


def _chance(result: dict | None, key: str) -> float | None:
    value = ((result or {}).get("probability") or {}).get(key)
    finite = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if finite else None


def is_due(team: Team, now: datetime) -> bool:
    local = timezone.localtime(now, team_zone(team))
    return local.weekday() == 0 and local.hour >= DIGEST_HOUR


def week_of(team: Team, now: datetime) -> str:
    year, week, _ = timezone.localtime(now, team_zone(team)).isocalendar()
    return f"{year}-W{week:02d}"


def project_row(project: Project, now: datetime, link: str) -> dict:
    """One project of the digest: its chances now, the week's change, and whether it needs
    attention (a chance under 50% for all targets, a fall of ALERT_POINTS, or no estimate)."""
    shown = project.shown_estimate()
    week_ago = (
        Estimate.objects.done()
        .filter(project=project, finished_at__lte=now - timedelta(days=7))
        .order_by("-finished_at", "-id")
        .first()
    )
    now_result = shown.result if shown else None
    old_result = week_ago.result if week_ago else None
    metric = metric_name((now_result or {}).get("inputs"))
    chances, reasons = [], []
    for chance in CHANCES:
        new, old = _chance(now_result, chance.key), _chance(old_result, chance.key)
        delta = None if new is None or old is None else new - old
        if delta is not None and delta <= -ALERT_POINTS + 1e-9:
            points = formatting.points_delta(delta)[1:]
            reasons.append(f"{chance.long_label(metric).lower()}: down {points} this week")
        chances.append(
            {
                "label": chance.long_label(metric),
                "short": chance.short,
                "now": formatting.percent(new),
                "arrow": change_arrow(delta, 0.005) if delta is not None else "",
                "change": formatting.points_delta(delta) if delta is not None else "new",
            }
        )
    overall = _chance(now_result, ALL_TARGETS)
    if shown is None:
        reasons.insert(0, "no finished estimate yet")
    elif overall is not None and overall < POOR_CHANCE:
        reasons.insert(0, f"chance of meeting all targets at once: {formatting.percent(overall)}")
    summary = (now_result or {}).get("summary") or [""]
    return {
        "name": project.name,
        "link": link,
        "chances": chances,
        "attention": reasons,
        "bottom_line": formatting.in_currency(summary[0], project.team.currency),
        "estimated": formatting.date_text(shown.finished_at) if shown else "never",
        "overall": overall if overall is not None else -1.0,
    }


def order(rows: list[dict]) -> list[dict]:
    """Projects needing attention first, each group from the lowest chance of all targets."""
    return sorted(rows, key=lambda row: (not row["attention"], row["overall"], row["name"]))


def digest_context(team: Team, rows: list[dict], now: datetime, *, outside: bool) -> dict:
    local = timezone.localtime(now, team_zone(team))
    return {
        "team": team,
        "rows": rows,
        "attention": [row for row in rows if row["attention"]],
        "steady": [row for row in rows if not row["attention"]],
        "week": f"{local.day} {local:%b %Y}",
        "outside": outside,
        "portfolio_link": outbox.absolute(reverse("portfolio") + f"?team={team.pk}"),
        "settings_link": outbox.absolute(reverse("team_notifications", args=[team.pk])),
    }


def subject(team: Team, rows: list[dict]) -> str:
    needing = sum(1 for row in rows if row["attention"])
    count = f"{len(rows)} project{'s' if len(rows) != 1 else ''}"
    attention = f", {needing} need{'s' if needing == 1 else ''} attention" if needing else ""
    return f"{team.name} this week: {count}{attention}"


def plan(now: datetime | None = None, *, teams=None) -> list[tuple[Planned, dict, str]]:
    """The digests due now and not sent yet: (what, its context, its unsubscribe token)."""
    now = now or timezone.now()
    planned = []
    for team in teams if teams is not None else Team.objects.all():
        if not is_due(team, now):
            continue
        with timezone.override(team_zone(team)):  # the digest's dates in the team's time zone
            planned.extend(_team_digests(team, now))
    sent = set(
        OutboundEmail.objects.filter(
            dedupe_key__in=[item.dedupe_key for item, _, _ in planned]
        ).values_list("dedupe_key", flat=True)
    )
    return [entry for entry in planned if entry[0].dedupe_key not in sent]


def _team_digests(team: Team, now: datetime) -> list[tuple[Planned, dict, str]]:
    """A team's digests this week: its members' who asked, then its outside addresses'."""
    planned = []
    week = week_of(team, now)
    projects = list(team.projects.filter(archived=False).order_by("name"))
    members = team.memberships.filter(weekly_digest=True, user__is_active=True).exclude(
        user__email=""
    )
    if projects and members.exists():
        rows = order([project_row(p, now, outbox.absolute(p.get_absolute_url())) for p in projects])
        context = digest_context(team, rows, now, outside=False)
        for membership in members.select_related("user"):
            user = membership.user
            what = Planned(
                to=user.email,
                subject=subject(team, rows),
                team=team,
                projects=[row["name"] for row in rows],
                dedupe_key=f"digest:{team.pk}:{user.pk}:{week}",
            )
            token = outbox.unsubscribe_token("digest", team=team.pk, user=user.pk)
            planned.append((what, {**context, "user": user}, token))
    for outside in team.outside_digests.filter(stopped_at=None):
        links = outside.active_links()
        if not links:  # every link revoked or expired: the digest stops
            continue
        rows = order(
            [
                project_row(
                    link.project, now, outbox.absolute(reverse("shared_report", args=[link.token]))
                )
                for link in links
            ]
        )
        what = Planned(
            to=outside.email,
            subject=subject(team, rows),
            team=team,
            projects=[row["name"] for row in rows],
            dedupe_key=f"outside:{outside.pk}:{week}",
        )
        context = digest_context(team, rows, now, outside=True)
        planned.append((what, context, outbox.unsubscribe_token("outside", digest=outside.pk)))
    return planned


def send_due(now: datetime | None = None, *, teams=None) -> list[Planned]:
    """Queue every digest due now and not sent yet; returns what was queued."""
    queued = []
    for item, context, token in plan(now, teams=teams):
        with timezone.override(team_zone(item.team)):  # its dates in the team's time zone
            row = outbox.queue(
                OutboundEmail.Kind.DIGEST,
                item.to,
                item.subject,
                "digest",
                context,
                unsubscribe=token,
                dedupe_key=item.dedupe_key,
            )
        if row is not None:
            queued.append(item)
    return queued


def stop_outside(digest: OutsideDigest) -> bool:
    changed = OutsideDigest.objects.filter(pk=digest.pk, stopped_at=None).update(
        stopped_at=timezone.now()
    )
    return bool(changed)


# Digests for outside addresses -----------------------------------------------------------------

# Outside addresses one team may send its digest to.
OUTSIDE_PER_TEAM = 20


def active_links(team: Team) -> list[ShareLink]:
    """The team's share links that work now, of projects not archived: what an outside digest
    may be tied to."""
    now = timezone.now()
    links = ShareLink.objects.filter(
        project__team=team, project__archived=False, revoked_at=None
    ).select_related("project")
    return [link for link in links.order_by("project__name", "-created_at") if link.is_active(now)]


def outside_refusal(team: Team) -> str:
    if team.outside_digests.filter(stopped_at=None).count() >= OUTSIDE_PER_TEAM:
        return (
            f"Their email: {team} already sends its digest to {OUTSIDE_PER_TEAM} outside "
            "addresses, the most a team may. Stop one below first."
        )
    return ""


def add_outside(team: Team, email: str, links, by) -> OutsideDigest:
    """The digest for `email` of the projects of `links`; an address already receiving the team's
    digest gets these links instead of its old ones."""
    found = team.outside_digests.filter(stopped_at=None, email__iexact=email).first()
    if found is None:
        found = OutsideDigest.objects.create(team=team, email=email, created_by=by)
    found.links.set(links)
    return found
