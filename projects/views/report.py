"""The project page: its report (summary, chances, charts, risks), the what-if panel, share links,
check-ins and revisions, and the one status poll that follows a running estimate."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from projects import alerts, estimates
from projects.charts.report import figures_or_none
from projects.formatting import date_text
from projects.forms import ShareForm, WhatIfForm
from projects.models import Estimate, Membership, Project, Revision
from projects.presenters.outcome import outcome_panel
from projects.presenters.project import revision_history, share_rows, tracking_panel
from projects.presenters.report import report_or_failure
from projects.views.access import not_found, project_for


def _followed_estimate(
    project: Project, viewed: Revision | None, latest: Revision | None
) -> Estimate | None:
    """The estimate the page follows for the revision `viewed`, moved on if it can be (an orphan
    resumed, a waiting one run): its newest, or while the latest revision has none yet, the
    project's pending one, after which the latest revision is estimated."""
    estimate = viewed.latest_estimate() if viewed else None
    if estimate is None and viewed is not None and viewed == latest:
        estimate = estimates.pending_estimate(project.pk)
    if estimate is None:
        return None
    estimate = estimates.advance(estimate)
    if viewed == latest and estimate.revision_id != viewed.pk:
        # That was an earlier revision's; this one's may have followed it.
        estimate = viewed.latest_estimate() or estimate
    return estimate


def _status_box(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    estimate: Estimate | None,
    shown: Estimate | None,
) -> HttpResponse:
    """The one answer to the status poll: the box that says how the followed estimate is
    going. When it finishes (or stalls), htmx is told to reload the page so that its report
    shows."""
    stalled = estimate is not None and estimate.is_stalled(timezone.now())
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
    if request.htmx and (estimate is None or estimate.is_finished or stalled):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def project_report(request: HttpRequest, project_id: int) -> HttpResponse:
    """The report of the latest revision, or of an earlier one with `?revision=`. An htmx
    request gets the status box only (the status poll)."""
    project, membership = project_for(request, project_id)
    revisions = list(project.revisions.select_related("author").order_by("-number"))
    latest = revisions[0] if revisions else None
    viewed = latest
    if "revision" in request.GET:
        number = request.GET["revision"]
        viewed = next((r for r in revisions if str(r.number) == number), None)
        if viewed is None:
            not_found()
    is_latest = viewed == latest
    estimate = _followed_estimate(project, viewed, latest)
    if is_latest:
        shown = project.shown_estimate()
    else:
        # An earlier revision's report shows its own estimate, or none.
        shown = estimate if estimate and estimate.status == Estimate.Status.DONE else None
    if request.htmx:
        return _status_box(request, project, membership, estimate, shown)
    report, failure = report_or_failure(shown)
    context = {
        "project": project,
        "team": project.team,
        "membership": membership,
        "estimate": estimate,
        "shown": shown,
        "viewed": viewed,
        "is_latest": is_latest,
        "viewed_date": date_text(viewed.created_at) if viewed else "",
        "stalled": estimate is not None and estimate.is_stalled(timezone.now()),
        "report": report,
        "report_error": f"This estimate's result could not be shown ({failure}). "
        "Re-estimating with the current engine usually fixes it."
        if failure
        else "",
        "charts": figures_or_none(shown.result if report else None),
        "history": revision_history(project, revisions),
        "tracking": tracking_panel(project),
        "outcome": outcome_panel(project, project.current_outcome()),
        "watching": alerts.is_watching(project, request.user),
    }
    if is_latest and report and shown.revision_id == latest.pk:
        # The what-if panel, on a report of the latest revision.
        context["whatif_form"] = WhatIfForm(base_inputs=latest.inputs)
        context["whatif_revision"] = latest
    if membership.can_edit:
        context["share_links"] = share_rows(project, request.build_absolute_uri)
        context["share_form"] = ShareForm()
    response = render(request, "projects/report.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def estimate_status(request: HttpRequest, project_id: int, estimate_id: int) -> HttpResponse:
    """The status poll of a queued or running estimate (htmx asks every 2 seconds)."""
    project, membership = project_for(request, project_id)
    estimate = get_object_or_404(project.estimates.select_related("revision"), pk=estimate_id)
    return _status_box(
        request, project, membership, estimates.advance(estimate), project.shown_estimate()
    )
