"""Sign-up: a new account with its personal team, joining an invited team too when it comes from
an invitation's link. The log-in and password pages are Django's, limited in
riskboard/security.py, which the admin's log-in shares."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from projects.forms import SignupForm
from projects.models import Invitation, Team
from projects.views.access import SESSION_TEAM, too_many
from riskboard.security import client_address, count_request, wait_text

# Sign-ups per address are counted over an hour (SIGNUPS_PER_ADDRESS).
SIGNUP_WINDOW_SECONDS = 60 * 60


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A new account with its personal team; from an invitation's link, it joins that team too."""
    token = request.POST.get("invitation") or request.GET.get("invitation") or ""
    invitation = Invitation.for_token(token) if token else None
    if invitation is not None and not invitation.is_pending(timezone.now()):
        invitation = None
    if request.user.is_authenticated:
        return redirect("invitation", token=token) if invitation else redirect("portfolio")
    initial = {}
    if invitation is not None:
        initial = (
            {"email": invitation.email} if invitation.email else {"username": invitation.username}
        )
    form = SignupForm(request.POST or None, initial=initial)
    context = {"form": form, "invitation": invitation, "token": token if invitation else ""}
    if request.method == "POST":
        # Every attempt counts, as a log-in failure does, so that nobody makes accounts (or
        # tries passwords against the validators) by the thousand from one address.
        wait = count_request(
            "signup", client_address(request), settings.SIGNUPS_PER_ADDRESS, SIGNUP_WINDOW_SECONDS
        )
        if wait:
            context["form"] = SignupForm(
                initial={"username": request.POST.get("username", "")[:150]}
            )
            context["locked_out"] = (
                "Too many sign-ups from this address. Please wait "
                f"{wait_text(wait)} and try again, or ask a team owner for help."
            )
            return too_many(render(request, "registration/signup.html", context), wait)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            Team.create_personal(user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        joined = invitation.accept(user) if invitation is not None else None
        if joined is not None:
            request.session[SESSION_TEAM] = invitation.team_id
            messages.success(
                request,
                f"Welcome, {user.get_username()}. You joined {invitation.team} as "
                f"{joined.get_role_display().lower()}.",
            )
            return redirect("portfolio")
        if invitation is not None:
            messages.error(
                request,
                f"Your account was made, but the invitation to {invitation.team} is for "
                f"{invitation.invitee}, so you did not join it. Ask its owner for an invitation "
                "to your username.",
            )
        messages.success(request, f"Welcome, {user.get_username()}. This is your team's portfolio.")
        return redirect("portfolio")
    return render(request, "registration/signup.html", context)
