"""How a team's forecasts have done (the calibration page), and a new estimate calibrated for the
team's track record beside the model's own numbers. Both read stored results only: nothing is
re-run, and a team's scores take milliseconds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from projects.calibration import HORIZONS
from projects.charts.calibration import corrected_curves, summary_figures
from projects.presenters.calibration import calibrated_page, calibration_page
from projects.views.access import membership_for, not_found, project_for


@login_required
@require_GET
def team_calibration(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's track record at one horizon (`?horizon=first|halfway|last`)."""
    membership = membership_for(request, team_id)
    horizon = request.GET.get("horizon", "first")
    if horizon not in HORIZONS:
        not_found()
    page = calibration_page(membership.team, horizon)
    summaries = page.get("summaries")
    return render(
        request,
        "projects/calibration.html",
        {
            "team": membership.team,
            "membership": membership,
            "page": page,
            "charts": summary_figures(summaries, horizon) if summaries else [],
        },
    )


@login_required
@require_GET
def project_calibrated(request: HttpRequest, project_id: int) -> HttpResponse:
    """The project's current estimate beside the same estimate calibrated for the team's track
    record; the model's own numbers are never replaced."""
    project, membership = project_for(request, project_id)
    estimate = project.shown_estimate()
    page = calibrated_page(project, estimate)
    view = page.get("view")
    return render(
        request,
        "projects/calibrated.html",
        {
            "project": project,
            "team": project.team,
            "membership": membership,
            "page": page,
            "charts": corrected_curves(estimate.result, view) if view else [],
        },
    )
