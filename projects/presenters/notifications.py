"""The email-settings page of a team: the projects a member may watch, and the outside digests."""

from __future__ import annotations

from django.utils import timezone

from projects.formatting import date_text
from projects.models import Project, Team, Watch


def watch_rows(team: Team, user) -> list[dict]:
    """Each live project of the team: whether the user gets its alerts, and why."""
    choices = dict(
        Watch.objects.filter(project__team=team, user=user).values_list("project_id", "watching")
    )
    rows = []
    for project in Project.objects.filter(team=team, archived=False).order_by("name"):
        chosen = choices.get(project.pk)
        watching = chosen if chosen is not None else project.team_watches
        if chosen is None and project.team_watches:
            why = "the whole team watches it"
        elif chosen is False and project.team_watches:
            why = "you stopped it; the rest of the team watches it"
        else:
            why = ""
        rows.append({"project": project, "watching": watching, "why": why})
    return rows


def outside_rows(team: Team) -> list[dict]:
    """The team's outside digests still going, with the projects each still covers."""
    rows = []
    now = timezone.now()
    for found in team.outside_digests.filter(stopped_at=None).prefetch_related("links__project"):
        links = list(found.links.all())
        live = [link.project.name for link in links if link.is_active(now)]
        rows.append(
            {
                "digest": found,
                "projects": live,
                "dropped": len(links) - len(live),
                "since": date_text(found.created_at),
            }
        )
    return rows
