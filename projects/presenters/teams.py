"""The team page: the invitations still waiting for an answer."""

from __future__ import annotations

from django.utils import timezone

from projects.formatting import date_text
from projects.models import Team


def invitation_rows(team: Team) -> list[dict]:
    """The team's invitations still waiting for an answer, for its owners."""
    rows = []
    for invitation in team.invitations.filter(
        accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).select_related("created_by"):
        rows.append(
            {
                "invitation": invitation,
                "role": invitation.get_role_display().lower(),
                "by": invitation.created_by.get_username() if invitation.created_by else "",
                "expires": date_text(invitation.expires_at, with_time=True),
            }
        )
    return rows
