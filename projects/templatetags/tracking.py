"""Template tags for the project page's tracking panel: check-ins and the re-estimate cadence."""

from django import template

from projects import checkins

register = template.Library()


@register.inclusion_tag("projects/_checkins.html")
def tracking_panel(project, membership) -> dict:
    """The check-ins of a project, newest first, and its re-estimate cadence."""
    rows = checkins.rows(project)
    days = project.reestimate_every_days
    if project.archived:
        cadence = "Archived projects are never re-estimated on a schedule."
    elif days == 0:
        cadence = "Scheduled re-estimates are off."
    else:
        cadence = "Re-estimated every day." if days == 1 else f"Re-estimated every {days} days."
    return {
        "project": project,
        "membership": membership,
        "rows": rows,
        "more": project.checkins.count() > len(rows),
        "cadence": cadence,
    }
