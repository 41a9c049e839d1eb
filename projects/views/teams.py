"""Teams: create one, its members and their roles, invitations (made by owners, accepted by the
invited person), leaving, and the API tokens pipelines post check-ins with.

Invitation links and API tokens are shown once, on the response that made them: only their
hashes are stored. The answer to an owner inviting someone is the same whether or not an
account has that name: nothing here tells who has an account.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from projects import invitations, outbox
from projects.formatting import currency_of, date_text, money
from projects.forms import InviteForm, SignupForm, TeamForm, TeamSettingsForm, TokenForm
from projects.models import ApiToken, Invitation, Membership, Team, TeamNeedsAnOwner
from projects.presenters.teams import invitation_rows
from projects.views.access import (
    SESSION_TEAM,
    keep_private,
    membership_for,
    not_found,
    require_owner,
    too_many,
)


def _owned(request: HttpRequest, team_id: int, model, object_id: int, action: str):
    """(team, its object of `model` with `object_id`) for one of the team's owners; `action`
    completes "Only a team owner can …" for anyone else."""
    membership = membership_for(request, team_id)
    require_owner(membership, action)
    return membership.team, get_object_or_404(model, pk=object_id, team=membership.team)


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = Team.create_owned(request.user, form.cleaned_data["name"])
        request.session[SESSION_TEAM] = team.pk
        messages.success(request, f"Created {team}. Add members below.")
        return redirect(team)
    return render(request, "teams/team_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's members; owners invite (a POST) and manage members and invitations here."""
    membership = membership_for(request, team_id)
    team = membership.team
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        require_owner(membership, "invite members")
        refused = invitations.refusal(team, request.user) if form.is_valid() else ""
        if refused:
            form.add_error("who", refused)
            page = render(request, "teams/team.html", _team_context(membership, form))
            return too_many(page, 60 * 60)
        if form.is_valid():
            invitation, token = Invitation.issue(
                team, form.cleaned_data["who"], form.cleaned_data["role"], request.user
            )
            path = reverse("invitation", args=[token])
            # Links in emails start with SITE_URL: an email has no request to take the host from.
            emailed = invitations.email_invitation(invitation, outbox.absolute(path))
            # Shown on this response only: the token is stored as a hash, nowhere else.
            response = render(
                request,
                "teams/invitation_created.html",
                {
                    "team": team,
                    "invitation": invitation,
                    "role": invitation.get_role_display().lower(),
                    "link": request.build_absolute_uri(path),
                    "emailed": emailed,
                    "expires": date_text(invitation.expires_at, with_time=True),
                },
            )
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "teams/team.html", _team_context(membership, form))


def _team_context(membership: Membership, form: InviteForm) -> dict:
    team = membership.team
    return {
        "team": team,
        "membership": membership,
        "members": team.memberships.select_related("user").order_by("user__username"),
        "owners": team.memberships.filter(role=Membership.Role.OWNER).count(),
        "form": form,
        "roles": Membership.Role.choices,
        "invitations": invitation_rows(team) if membership.can_manage else [],
    }


@login_required
@require_POST
def member_update(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    """An owner changes a member's role or removes them; a team always keeps an owner."""
    membership = membership_for(request, team_id)
    require_owner(membership, "change members")
    member = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, team_id=team_id
    )
    team = membership.team
    name = member.user.get_username()
    remove = request.POST.get("action") == "remove"
    role = request.POST.get("role", "")
    # Rejections are shown at the top of the team page, so each starts with what the page calls
    # the control it is about (teams/team.html): the "Role of <name>" list or the Remove button.
    if not remove and role not in Membership.Role.values:
        roles = ", ".join(Membership.Role.labels[:-1]) + f" or {Membership.Role.labels[-1]}"
        messages.error(request, f"Role of {name}: pick {roles} from the list, then press Change.")
        return redirect(team)
    try:
        member = team.change_member(membership_id, request.user, role=None if remove else role)
    except Membership.DoesNotExist:  # removed meanwhile
        not_found()
    except TeamNeedsAnOwner:
        control, then = (
            ("Remove", f"remove {name}") if remove else (f"Role of {name}", f"change {name}'s role")
        )
        messages.error(
            request,
            f"{control}: {name} is the team's only owner, and a team needs one. Make another "
            f"member Owner first, then {then}.",
        )
        return redirect(team)
    if not remove:
        messages.success(request, f"{name} is now {member.get_role_display().lower()}.")
        return redirect(team)
    messages.success(request, f"Removed {name} from {team}.")
    return redirect("portfolio" if member.user_id == request.user.pk else team)


@login_required
@require_POST
def team_leave(request: HttpRequest, team_id: int) -> HttpResponse:
    """Any member leaves a team, whatever their role, unless they are its last owner."""
    team = membership_for(request, team_id).team
    try:
        team.remove_member(request.user)
    except Membership.DoesNotExist:  # removed meanwhile
        not_found()
    except TeamNeedsAnOwner:
        messages.error(
            request,
            f"Leave {team}: you are its only owner, and a team needs one. Make another "
            "member Owner first, then leave.",
        )
        return redirect(team)
    if request.session.get(SESSION_TEAM) == team.pk:
        del request.session[SESSION_TEAM]
    messages.success(request, f"You left {team}.")
    return redirect("portfolio")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, team_id: int, invitation_id: int) -> HttpResponse:
    """An owner withdraws an invitation that has not been accepted yet."""
    team, invitation = _owned(request, team_id, Invitation, invitation_id, "revoke invitations")
    if invitation.revoke():
        messages.success(request, f"Revoked the invitation of {invitation.invitee}.")
    return redirect(team)


@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's page: who invites whom to which team; a POST accepts it."""
    invitation = Invitation.for_token(token)
    if invitation is None:
        page = render(request, "teams/invitation.html", {"state": "unknown"}, status=404)
        return keep_private(page)
    context = {
        "invitation": invitation,
        "team": None,  # not the visitor's team yet: the menu does not link to it
        "invited_team": invitation.team,
        "role": invitation.get_role_display().lower(),
        "by": invitation.created_by.get_username() if invitation.created_by else "a team owner",
        "token": token,
    }
    if not invitation.is_pending(timezone.now()):
        if invitation.accepted_at:
            state, when = "accepted", invitation.accepted_at
        elif invitation.revoked_at:
            state, when = "revoked", invitation.revoked_at
        else:
            state, when = "expired", invitation.expires_at
        context.update(state=state, when=date_text(when))
        return keep_private(render(request, "teams/invitation.html", context, status=410))
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not invitation.is_for(user):
            context["state"] = "not_for_you"
            return keep_private(render(request, "teams/invitation.html", context, status=403))
        membership = invitation.accept(user)
        if membership is None:
            return redirect("invitation", token=token)
        request.session[SESSION_TEAM] = invitation.team_id
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
    if not user.is_authenticated:
        # Sign-up on the invitation's page; the form posts to the sign-up view, which joins.
        named = (
            {"email": invitation.email} if invitation.email else {"username": invitation.username}
        )
        context["signup_form"] = SignupForm(initial=named)
    return keep_private(render(request, "teams/invitation.html", context))


@login_required
@require_POST
def token_create(request: HttpRequest, team_id: int) -> HttpResponse:
    membership = membership_for(request, team_id)
    require_owner(membership, "create and revoke API tokens")
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["name"][0])
        return redirect(membership.team)
    saved, token = ApiToken.issue(membership.team, form.cleaned_data["name"], request.user)
    # Shown on this response only: the token is not stored, in the session or anywhere else.
    response = render(
        request,
        "teams/token_created.html",
        {"team": membership.team, "saved": saved, "token": token},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, team_id: int, token_id: int) -> HttpResponse:
    team, token = _owned(request, team_id, ApiToken, token_id, "create and revoke API tokens")
    if token.revoke():
        messages.success(request, f"Revoked the token {token.name} ({token.prefix}…).")
    return redirect(team)


@login_required
@require_http_methods(["GET", "POST"])
def team_settings(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's name and currency symbol, for its owners."""
    membership = membership_for(request, team_id)
    require_owner(membership, "change the team's settings")
    # A copy for the form: an invalid name must not show in the menu and headings.
    form = TeamSettingsForm(request.POST or None, instance=Team.objects.get(pk=team_id))
    if request.method == "POST" and form.is_valid():
        team = form.save()
        with currency_of(team.currency):
            example = money(412_000)
        messages.success(request, f"Saved. Amounts of {team}'s projects now read {example}.")
        return redirect(team)
    return render(
        request,
        "teams/team_settings.html",
        {"team": membership.team, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )
