"""What an email's unsubscribe link stops, read from its signed token (outbox.unsubscribe_token):

- alert (project, user): the user stops watching the project, even when the team watches it;
- digest (team, user): the member's weekly digest of the team;
- outside (digest): an outside digest an owner set up;
- invitation, reset (email): every later email of that kind to the address (models.EmailOptOut).

`describe` says what a link would stop, for the page that asks to confirm; `stop` does it, and
doing it twice changes nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from projects import alerts, digest
from projects.models import EmailOptOut, Membership, OutboundEmail, OutsideDigest, Project

KINDS = {"invitation": OutboundEmail.Kind.INVITATION, "reset": OutboundEmail.Kind.PASSWORD_RESET}


def describe(payload: dict) -> str | None:
    """What the link stops, in words; None when it names nothing that exists any more."""
    what = payload.get("what")
    if what == "alert":
        project = Project.objects.filter(pk=payload.get("project")).first()
        return f"alerts about {project.name}" if project else None
    if what == "digest":
        membership = _membership(payload)
        return f"the weekly digest of {membership.team.name}" if membership else None
    if what == "outside":
        found = OutsideDigest.objects.select_related("team").filter(pk=payload.get("digest"))
        found = found.first()
        return f"the weekly digest of {found.team.name}" if found else None
    if what in KINDS and isinstance(payload.get("email"), str):
        kind = "invitations" if what == "invitation" else "password-reset emails"
        return f"{kind} to {payload['email']}"
    return None


def stop(payload: dict) -> bool:
    """Stop what the link names; False when it names nothing that exists any more."""
    what = payload.get("what")
    if what == "alert":
        project = Project.objects.filter(pk=payload.get("project")).first()
        user = get_user_model().objects.filter(pk=payload.get("user")).first()
        if project is None or user is None:
            return False
        alerts.set_watching(project, user, False)
        return True
    if what == "digest":
        membership = _membership(payload)
        if membership is None:
            return False
        Membership.objects.filter(pk=membership.pk).update(weekly_digest=False)
        return True
    if what == "outside":
        found = OutsideDigest.objects.filter(pk=payload.get("digest")).first()
        if found is None:
            return False
        digest.stop_outside(found)
        return True
    if what in KINDS and isinstance(payload.get("email"), str):
        EmailOptOut.objects.get_or_create(email=payload["email"].lower(), kind=KINDS[what])
        return True
    return False


def _membership(payload: dict) -> Membership | None:
    return (
        Membership.objects.select_related("team")
        .filter(team_id=payload.get("team"), user_id=payload.get("user"))
        .first()
    )
