"""Check-ins on the project page: record where a running project stands, correct or withdraw a
wrong one (each re-estimates the project), and set how often it is re-estimated on a schedule.
Pipelines post check-ins through the JSON API instead (projects/api.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from projects import checkins, estimates
from projects.forms import CadenceForm, CheckInForm
from projects.models import CheckIn, Estimate, Project
from projects.views.access import editable_project, limit_estimates, too_many


def _checkins_url(project: Project, checkin: CheckIn | None = None) -> str:
    """The project page at its check-ins, or at one of them."""
    anchor = f"checkin-{checkin.pk}" if checkin else "checkins"
    return f"{project.get_absolute_url()}#{anchor}"


@login_required
@require_http_methods(["GET", "POST"])
def checkin_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = editable_project(request, project_id)
    if project.archived:
        messages.error(request, f"{project} is archived; restore it before checking in.")
        return redirect(project)
    form = CheckInForm(request.POST or None, project=project)
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
        checkin, estimate = checkins.record(project, **form.checkin(), author=request.user)
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
        return redirect(_checkins_url(project, checkin))
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


def _editable_checkin(
    request: HttpRequest, project_id: int, checkin_id: int
) -> tuple[Project, CheckIn]:
    project = editable_project(request, project_id)
    return project, get_object_or_404(CheckIn, pk=checkin_id, project=project)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_correct(request: HttpRequest, project_id: int, checkin_id: int) -> HttpResponse:
    """Correct a check-in: the form starts from its figures, and saving replaces it by the
    corrected one (the old one is kept, marked withdrawn)."""
    project, checkin = _editable_checkin(request, project_id, checkin_id)
    if checkin.withdrawn_at is not None:
        messages.error(request, "That check-in was withdrawn; correct the one that replaced it.")
        return redirect(_checkins_url(project))
    initial = {"date": checkin.date, "note": checkin.note, **checkin.progress()}
    form = CheckInForm(request.POST or None, project=project, initial=initial)
    wait = 0
    if request.method == "POST" and form.is_valid():
        wait, _ = limit_estimates(request, project.team)
    if request.method == "POST" and form.is_valid() and not wait:
        try:
            corrected, estimate = checkins.correct(checkin, **form.checkin(), author=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect(_checkins_url(project))
        messages.success(
            request,
            f"Corrected the check-in of {checkin.date:%-d %b %Y}; the old figures are kept, "
            "marked withdrawn." + (" The project was re-estimated." if estimate else ""),
        )
        return redirect(_checkins_url(project, corrected))
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
    if not checkin.withdraw(request.user):
        return redirect(_checkins_url(project))
    text = f"Withdrew the check-in of {checkin.date:%-d %b %Y}. It stays listed, marked withdrawn"
    revision = project.latest_revision()
    if revision is None:
        messages.success(request, text + ".")
        return redirect(_checkins_url(project))
    too_large = estimates.too_large_here(revision.inputs.get("trials"))
    wait = 0 if too_large else estimates.request_wait(f"user:{request.user.pk}", project.team)[0]
    if too_large or wait:
        messages.success(request, text + "; re-estimate to start from the check-in before it.")
    else:
        checkins.reestimate(project)
        messages.success(request, text + ", and the project was re-estimated without it.")
    return redirect(_checkins_url(project))


@login_required
@require_POST
def project_cadence(request: HttpRequest, project_id: int) -> HttpResponse:
    project = editable_project(request, project_id)
    form = CadenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reestimate_every_days"][0])
        return redirect(project)
    days = form.cleaned_data["reestimate_every_days"]
    project.reestimate_every_days = days
    project.save(update_fields=["reestimate_every_days", "updated_at"])
    if days == 0:
        messages.success(request, "Scheduled re-estimates are off for this project.")
    else:
        every = "every day" if days == 1 else f"every {days} days"
        messages.success(request, f"{project} will be re-estimated {every}.")
    return redirect(project)
