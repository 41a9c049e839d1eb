"""Downloads: the portfolio, an estimate's quantiles and the history as CSV, and an estimate's
engine result as JSON, for the team's members (viewers included); a share link downloads only
its own report's quantiles. docs/exports.md describes the formats."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from projects.presenters.exports import (
    Table,
    history_table,
    latest_estimates,
    portfolio_table,
    quantile_table,
)
from projects.presenters.history import points
from projects.spreadsheet import content_disposition, csv_text, filename
from projects.views.access import keep_private, membership_for, not_found, project_for
from projects.views.share import active_link_or_gone


def _csv(table: Table, name: str) -> HttpResponse:
    response = HttpResponse(
        csv_text(table.header, table.rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(name)
    return response


@login_required
@require_GET
def portfolio_csv(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's projects, one a row, with the chances, medians and P80s of their latest
    estimates."""
    team = membership_for(request, team_id).team
    table = portfolio_table(
        list(team.projects.with_latest_status()),
        latest_estimates(team),
        lambda project: request.build_absolute_uri(project.get_absolute_url()),
    )
    return _csv(table, filename(team.name, "portfolio", "csv", timezone.localdate()))


def _finished_estimate(request: HttpRequest, project_id: int, estimate_id: int):
    project, _ = project_for(request, project_id)
    estimate = get_object_or_404(project.estimates.done(), pk=estimate_id, result__isnull=False)
    return project, estimate


@login_required
@require_GET
def estimate_json(request: HttpRequest, project_id: int, estimate_id: int) -> JsonResponse:
    """A finished estimate's engine result, exactly as stored (MODEL.md section 3)."""
    project, estimate = _finished_estimate(request, project_id, estimate_id)
    response = JsonResponse(estimate.result, json_dumps_params={"indent": 1})
    response["Content-Disposition"] = content_disposition(
        filename(project.name, f"estimate-{estimate.pk}", "json")
    )
    return response


@login_required
@require_GET
def estimate_csv(request: HttpRequest, project_id: int, estimate_id: int) -> HttpResponse:
    """A finished estimate's quantiles: what each share of the scenarios stays at or below."""
    project, estimate = _finished_estimate(request, project_id, estimate_id)
    name = filename(project.name, f"estimate-{estimate.pk}-quantiles", "csv")
    return _csv(quantile_table(estimate.result), name)


@login_required
@require_GET
def history_csv(request: HttpRequest, project_id: int) -> HttpResponse:
    """The history page's table: every finished estimate with its cause, chances and medians."""
    project, _ = project_for(request, project_id)
    return _csv(history_table(points(project)), filename(project.name, "history", "csv"))


@require_GET
def shared_csv(request: HttpRequest, token: str) -> HttpResponse:
    """The quantiles of the report a share link shows, and nothing else; a revoked, expired or
    unknown link gets the answer the shared page gives."""
    link, gone = active_link_or_gone(request, token)
    if gone is not None:
        return gone
    shown = link.project.shown_estimate()
    if shown is None or not shown.result:
        not_found()
    name = filename(link.project.name, "quantiles", "csv")
    return keep_private(_csv(quantile_table(shown.result), name))
