"""How a team's forecasts have done (the calibration page), and a new estimate calibrated for the
team's track record beside the model's own numbers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from projects.views.access import not_found


@login_required
@require_GET
def team_calibration(request: HttpRequest, team_id: int) -> HttpResponse:
    not_found()  # built in the next step


@login_required
@require_GET
def project_calibrated(request: HttpRequest, project_id: int) -> HttpResponse:
    not_found()  # built in the next step
