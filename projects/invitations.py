"""Invitations by email: the cap on how many an owner and a team may have out, and the email.

The invitation itself (its single-use link, its 7 days, accepting and revoking) is
models.Invitation; this sends its link to the invited address through the outbox, unless the
address asked for no more invitations.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from projects import formatting, outbox
from projects.alerts import team_zone
from projects.models import EmailOptOut, Invitation, OutboundEmail, Team


def refusal(team: Team, owner) -> str:
    """Why `owner` may not invite anyone more now (empty when they may): a team has at most
    PENDING_INVITATIONS_PER_TEAM invitations waiting, and an owner sends at most
    INVITATIONS_PER_OWNER_PER_DAY a day, so that nobody uses Riskboard to send mail in bulk."""
    now = timezone.now()
    waiting = team.invitations.filter(accepted_at=None, revoked_at=None, expires_at__gt=now)
    if waiting.count() >= settings.PENDING_INVITATIONS_PER_TEAM:
        return (
            f"Username or email: {team} already has {settings.PENDING_INVITATIONS_PER_TEAM} "
            "invitations waiting for an answer, the most a team may have. Revoke some below, or "
            "wait until they are accepted or expire."
        )
    today = Invitation.objects.filter(created_by=owner, created_at__gt=now - timedelta(days=1))
    if today.count() >= settings.INVITATIONS_PER_OWNER_PER_DAY:
        return (
            f"Username or email: you have sent {settings.INVITATIONS_PER_OWNER_PER_DAY} "
            "invitations in the last 24 hours, the most one owner may. Please try again tomorrow."
        )
    return ""


def email_invitation(invitation: Invitation, link: str) -> bool:
    """Send the invitation's link to its address; False when it names a username, or the
    address asked for no more invitations."""
    if not invitation.email or EmailOptOut.has(invitation.email, OutboundEmail.Kind.INVITATION):
        return False
    by = invitation.created_by.get_username() if invitation.created_by else "A team owner"
    with timezone.override(team_zone(invitation.team)):
        _queue(invitation, link, by)
    return True


def _queue(invitation: Invitation, link: str, by: str) -> None:
    outbox.queue(
        OutboundEmail.Kind.INVITATION,
        invitation.email,
        f"{by} invites you to {invitation.team} on Riskboard",
        "invitation",
        {
            "by": by,
            "team": invitation.team.name,
            "role": invitation.get_role_display().lower(),
            "link": link,
            "expires": formatting.date_text(invitation.expires_at, with_time=True),
        },
        unsubscribe=outbox.unsubscribe_token("invitation", email=invitation.email.lower()),
    )
