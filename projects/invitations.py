"""Team invitations: an owner invites someone by email or username, and they become a member
only when they accept, signed in as that account (or signing up from the link).

The link carries 256 random bits; only their SHA-256 hash is stored, so the owner sees the link
once, when the invitation is made. The answer to the owner is the same whether or not an
account has that name: nothing here tells who has an account.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from projects import presenters
from projects.models import INVITATION_VALID_FOR, Invitation, Membership, Team

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(team: Team, invitee: str, role: str, created_by) -> tuple[Invitation, str]:
    """A new invitation and the token of its link, which is shown only this once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    by_email = "@" in invitee
    invitation = Invitation.objects.create(
        team=team,
        email=invitee if by_email else "",
        username="" if by_email else invitee,
        role=role,
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    return invitation, token


def find(token: str) -> Invitation | None:
    """The invitation whose link carries `token`, whatever its state; None if there is none."""
    if not 20 <= len(token) <= 100:
        return None
    wanted = hash_token(token)
    found = (
        Invitation.objects.select_related("team", "created_by").filter(token_hash=wanted).first()
    )
    if found is None or not secrets.compare_digest(found.token_hash, wanted):
        return None
    return found


def accept(invitation: Invitation, user) -> Membership | None:
    """Make `user` a member as the invitation says, once: the invitation is locked and marked
    accepted in the same transaction. None when it was used, revoked or expired meanwhile.
    Someone who is a member already keeps their role."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending(timezone.now()) or not locked.is_for(user):
            return None
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        membership, _ = Membership.objects.get_or_create(
            team=locked.team, user=user, defaults={"role": locked.role}
        )
    return membership


def link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("invitation", args=[token]))


def pending_rows(team: Team) -> list[dict]:
    """The team's invitations still waiting for an answer, for its owners."""
    now = timezone.now()
    rows = []
    for invitation in team.invitations.filter(
        accepted_at=None, revoked_at=None, expires_at__gt=now
    ).select_related("created_by"):
        rows.append(
            {
                "invitation": invitation,
                "role": invitation.get_role_display().lower(),
                "by": invitation.created_by.get_username() if invitation.created_by else "",
                "expires": presenters.date_text(invitation.expires_at, with_time=True),
            }
        )
    return rows


def _private(response: HttpResponse) -> HttpResponse:
    """The link is a secret: no cache keeps the page, no search engine lists it."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Views ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's page: who invites whom to which team; a POST accepts it."""
    invitation = find(token)
    if invitation is None:
        page = render(request, "teams/invitation.html", {"state": "unknown"}, status=404)
        return _private(page)
    now = timezone.now()
    context = {
        "invitation": invitation,
        "team": None,  # not the visitor's team yet: the menu does not link to it
        "invited_team": invitation.team,
        "role": invitation.get_role_display().lower(),
        "by": invitation.created_by.get_username() if invitation.created_by else "a team owner",
        "token": token,
    }
    if not invitation.is_pending(now):
        if invitation.accepted_at:
            state, when = "accepted", invitation.accepted_at
        elif invitation.revoked_at:
            state, when = "revoked", invitation.revoked_at
        else:
            state, when = "expired", invitation.expires_at
        context.update(state=state, when=presenters.date_text(when))
        return _private(render(request, "teams/invitation.html", context, status=410))
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not invitation.is_for(user):
            context["state"] = "not_for_you"
            return _private(render(request, "teams/invitation.html", context, status=403))
        membership = accept(invitation, user)
        if membership is None:
            return redirect("invitation", token=token)
        request.session["team_id"] = invitation.team_id
        messages.success(
            request,
            f"Welcome to {invitation.team}. You are {membership.get_role_display().lower()} "
            "here; you can leave the team from its page at any time.",
        )
        return redirect(invitation.team)
    if user.is_authenticated and not invitation.is_for(user):
        context["state"] = "not_for_you"
    else:
        context["state"] = "pending"
    return _private(render(request, "teams/invitation.html", context))
