"""Sign-up: a new account with its personal team, joining an invited team too when it comes from
an invitation's link; and the password-reset request, limited as the log-in is. The log-in and
password-change pages are Django's, limited in riskboard/security.py, which the admin's log-in
shares; the rest of the password reset is Django's own views with the site's templates."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from projects.forms import QueuedPasswordResetForm, SignupForm
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


# Password reset: Django's views, the request limited per address ------------------------------

# Password-reset requests per address are counted over an hour (PASSWORD_RESETS_PER_ADDRESS); an
# email address gets at most RESETS_PER_EMAIL emails an hour, silently, whoever asks.
RESET_WINDOW_SECONDS = 60 * 60
RESETS_PER_EMAIL = 3


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's password-reset request, in the house style, its email sent through the outbox.

    Its answer is the same page whether or not an account has the address, and so is the wait
    when one visitor asks too often (429, like the log-in). The emails one address receives are
    limited too, without saying so: a stranger cannot fill someone's inbox."""

    form_class = QueuedPasswordResetForm
    template_name = "registration/password_reset_form.html"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = count_request(
            "password-reset",
            client_address(request),
            settings.PASSWORD_RESETS_PER_ADDRESS,
            RESET_WINDOW_SECONDS,
        )
        if wait:
            form = self.get_form_class()(initial={"email": request.POST.get("email", "")[:254]})
            context = self.get_context_data(
                form=form,
                locked_out=(
                    "Too many password-reset requests from this address. Please wait "
                    f"{wait_text(wait)} and try again, or ask a team owner for help."
                ),
            )
            return too_many(self.render_to_response(context), wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        address = form.cleaned_data["email"].casefold()
        if count_request("password-reset-email", address, RESETS_PER_EMAIL, RESET_WINDOW_SECONDS):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
