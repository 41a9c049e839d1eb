"""Pages that follow a running project: check-ins, the estimate's status while it runs, the
re-estimate cadence, the history of the risk with its comparisons, and the team's API tokens.
"""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import checkins, estimates, history
from projects.converters import parse_id
from projects.models import ApiToken, CheckIn, Estimate
from projects.views import (
    limit_estimates,
    membership_for,
    project_for,
    raise_not_found,
    require_editor,
    too_many,
)

# The longest cadence the page offers to set: a year.
MAX_CADENCE_DAYS = 365


# Check-ins ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def checkin_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    require_editor(membership)
    if project.archived:
        messages.error(request, f"{project} is archived; restore it before checking in.")
        return redirect(project)
    form = checkins.CheckInForm(request.POST or None, project=project)
    wait = 0
    if request.method == "POST" and form.is_valid():
        revision = project.latest_revision()
        problem = estimates.too_large_here(revision.inputs.get("trials") if revision else None)
        if problem:
            form.add_error(
                None,
                f"Nothing was saved: this project's Simulated scenarios {problem}. Change it "
                "with Edit inputs, then check in.",
            )
        else:
            wait, _ = limit_estimates(request, project.team)
    if request.method == "POST" and form.is_valid() and not wait:
        checkin, estimate = checkins.record(
            project,
            date=form.cleaned_data["date"],
            progress=form.progress,
            note=form.cleaned_data["note"],
            author=request.user,
        )
        if estimate is None:
            messages.success(request, "Check-in saved. Add the project's inputs to estimate it.")
        elif estimate.status == Estimate.Status.FAILED:
            messages.error(
                request, "Check-in saved, but its estimate failed; the reason is shown below."
            )
        elif estimate.status == Estimate.Status.DONE:
            messages.success(request, "Check-in saved and the project re-estimated from it.")
        else:
            messages.success(
                request, "Check-in saved. The estimate from it is queued; this page updates."
            )
        return redirect(f"{project.get_absolute_url()}#checkin-{checkin.pk}")
    response = render(
        request,
        "projects/checkin_form.html",
        {
            "project": project,
            "team": project.team,
            "form": form,
            "last": project.checkins.order_by("-date", "-id").first(),
        },
    )
    return too_many(response, wait) if wait else response


def _editable_checkin(request: HttpRequest, project_id: int, checkin_id: int):
    project, membership = project_for(request, project_id)
    require_editor(membership)
    checkin = get_object_or_404(CheckIn, pk=checkin_id, project=project)
    return project, checkin


@login_required
@require_http_methods(["GET", "POST"])
def checkin_correct(request: HttpRequest, project_id: int, checkin_id: int) -> HttpResponse:
    """Correct a check-in: the form starts from its figures, and saving replaces it by the
    corrected one (the old one is kept, marked withdrawn)."""
    project, checkin = _editable_checkin(request, project_id, checkin_id)
    if checkin.withdrawn_at is not None:
        messages.error(request, "That check-in was withdrawn; correct the one that replaced it.")
        return redirect(f"{project.get_absolute_url()}#checkins")
    initial = {"date": checkin.date, "note": checkin.note, **checkin.progress()}
    form = checkins.CheckInForm(request.POST or None, project=project, initial=initial)
    wait = 0
    if request.method == "POST" and form.is_valid():
        wait, _ = limit_estimates(request, project.team)
    if request.method == "POST" and form.is_valid() and not wait:
        try:
            corrected, estimate = checkins.correct(
                checkin,
                date=form.cleaned_data["date"],
                progress=form.progress,
                note=form.cleaned_data["note"],
                author=request.user,
            )
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect(f"{project.get_absolute_url()}#checkins")
        messages.success(
            request,
            f"Corrected the check-in of {checkin.date:%-d %b %Y}; the old figures are kept, "
            "marked withdrawn." + (" The project was re-estimated." if estimate else ""),
        )
        return redirect(f"{project.get_absolute_url()}#checkin-{corrected.pk}")
    response = render(
        request,
        "projects/checkin_form.html",
        {"project": project, "team": project.team, "form": form, "correcting": checkin},
    )
    return too_many(response, wait) if wait else response


@login_required
@require_POST
def checkin_withdraw(request: HttpRequest, project_id: int, checkin_id: int) -> HttpResponse:
    """Withdraw a wrong check-in: it stays in the list, marked, and no longer counts."""
    project, checkin = _editable_checkin(request, project_id, checkin_id)
    if not checkins.withdraw(checkin, request.user):
        return redirect(f"{project.get_absolute_url()}#checkins")
    text = f"Withdrew the check-in of {checkin.date:%-d %b %Y}. It stays listed, marked withdrawn"
    revision = project.latest_revision()
    if revision is None:
        messages.success(request, text + ".")
        return redirect(f"{project.get_absolute_url()}#checkins")
    too_large = estimates.too_large_here(revision.inputs.get("trials"))
    wait = 0 if too_large else estimates.request_wait(f"user:{request.user.pk}", project.team)[0]
    if too_large or wait:
        messages.success(request, text + "; re-estimate to start from the check-in before it.")
    else:
        checkins.reestimate_after_withdrawal(project)
        messages.success(request, text + ", and the project was re-estimated without it.")
    return redirect(f"{project.get_absolute_url()}#checkins")


# Re-estimate cadence --------------------------------------------------------------------------


@login_required
@require_POST
def project_cadence(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    require_editor(membership)
    text = request.POST.get("reestimate_every_days", "").strip()
    days = None
    if len(text) > 6:
        # Longer than any cadence: judged by its form, never converted.
        days = -1 if text.lstrip("+-").isdigit() else None
    else:
        with contextlib.suppress(ValueError):
            days = int(text)
    if days is None or not 0 <= days <= MAX_CADENCE_DAYS:
        messages.error(request, cadence_rejection(text, days))
        return redirect(project)
    project.reestimate_every_days = days
    project.save(update_fields=["reestimate_every_days", "updated_at"])
    if days == 0:
        messages.success(request, "Scheduled re-estimates are off for this project.")
    else:
        every = "every day" if days == 1 else f"every {days} days"
        messages.success(request, f"{project} will be re-estimated {every}.")
    return redirect(project)


def cadence_rejection(text: str, days: int | None) -> str:
    """Why a cadence was refused and what to enter instead, starting with the field's label
    on the project page ("Re-estimate every"): the message is shown at the top of the page,
    away from the field, so it has to say which field it means."""
    # The value is quoted back only when short and plain: a right-to-left mark or a control
    # character in a message would scramble the text around it.
    shown = f"“{text}”" if len(text) <= 20 and text.isprintable() else "what was entered"
    if not text:
        problem = "no number of days was given"
    elif days is None:
        problem = f"{shown} is not a whole number of days"
    else:
        problem = f"{shown} is outside 0 to {MAX_CADENCE_DAYS} days"
    return (
        f"Re-estimate every: {problem}. Enter a whole number of days from 1 to "
        f"{MAX_CADENCE_DAYS}, or 0 to turn scheduled re-estimates off."
    )


# The running estimate -------------------------------------------------------------------------


@login_required
@require_GET
def estimate_status(request: HttpRequest, project_id: int, estimate_id: int) -> HttpResponse:
    """The small status box htmx polls while an estimate is queued or running."""
    project, membership = project_for(request, project_id)
    estimate = get_object_or_404(
        Estimate.objects.select_related("revision"), pk=estimate_id, revision__project=project
    )
    estimate = estimates.run_if_waiting(estimates.resume_if_orphaned(estimate))
    stalled = estimate.is_stalled(timezone.now())
    # Meanwhile the page shows the last good report; the box says which one it is.
    shown = (
        Estimate.objects.filter(revision__project=project, status=Estimate.Status.DONE)
        .select_related("revision")
        .order_by("-finished_at", "-id")
        .first()
    )
    response = render(
        request,
        "projects/_estimate_status.html",
        {
            "project": project,
            "membership": membership,
            "estimate": estimate,
            "stalled": stalled,
            "shown": shown,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    if request.htmx and (estimate.is_finished or stalled):
        # Polling ends: reload the page so that the finished report shows.
        response["HX-Refresh"] = "true"
    return response


# History and comparison -----------------------------------------------------------------------


@login_required
@require_GET
def project_history(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    points = history.points(project)
    newest_first = list(reversed(points))
    return render(
        request,
        "projects/history.html",
        {
            "project": project,
            "team": project.team,
            "membership": membership,
            "points": newest_first,
            "figures": history.history_figures(points) if points else [],
            "default_before": newest_first[1].estimate.pk if len(points) > 1 else None,
            "default_after": newest_first[0].estimate.pk if points else None,
        },
    )


@login_required
@require_GET
def compare_estimates(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    done = Estimate.objects.filter(
        revision__project=project, status=Estimate.Status.DONE
    ).select_related("revision", "checkin")
    before_id = parse_id(request.GET.get("before", ""))
    after_id = parse_id(request.GET.get("after", ""))
    if before_id is None or after_id is None:
        messages.error(request, "Pick two estimates to compare.")
        return redirect("project_history", project.pk)
    before = done.filter(pk=before_id).first()
    after = done.filter(pk=after_id).first()
    if before is None or after is None:
        raise_not_found()
    if (before.finished_at, before.pk) > (after.finished_at, after.pk):
        before, after = after, before
    return render(
        request,
        "projects/compare.html",
        {
            "project": project,
            "team": project.team,
            "membership": membership,
            "comparison": history.compare(before, after),
        },
    )


# API tokens -----------------------------------------------------------------------------------


def _require_owner(membership) -> None:
    if not membership.can_manage:
        raise PermissionDenied("Only a team owner can create and revoke API tokens.")


@login_required
@require_POST
def token_create(request: HttpRequest, team_id: int) -> HttpResponse:
    membership = membership_for(request, team_id)
    _require_owner(membership)
    name = request.POST.get("name", "").strip()
    max_length = ApiToken._meta.get_field("name").max_length
    if not name or len(name) > max_length or not name.isprintable():
        messages.error(
            request,
            f"Name the token (1 to {max_length} printable characters), e.g. the pipeline that "
            "uses it.",
        )
        return redirect(membership.team)
    saved, token = checkins.create_token(membership.team, name, request.user)
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
    membership = membership_for(request, team_id)
    _require_owner(membership)
    token = get_object_or_404(ApiToken, pk=token_id, team=membership.team)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        messages.success(request, f"Revoked the token {token.name} ({token.prefix}…).")
    return redirect(membership.team)
