"""Read-only share links: owners and editors create and revoke them; anyone holding one reads
the project's current report, without an account, with nothing editable."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from projects.charts.report import figures_or_none
from projects.formatting import date_text, use_currency
from projects.forms import ShareForm
from projects.models import ShareLink
from projects.presenters.outcome import outcome_panel
from projects.presenters.report import report_or_failure
from projects.views.access import editable_project, keep_private


@login_required
@require_POST
def share_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = editable_project(request, project_id)
    form = ShareForm(request.POST)
    if not form.is_valid():
        # The form again, with each message beside its field and what was typed kept.
        return render(
            request,
            "projects/share_new.html",
            {"project": project, "team": project.team, "share_form": form},
            status=400,
        )
    link = ShareLink.issue(
        project,
        label=form.cleaned_data["label"],
        expires_in_days=form.cleaned_data["expires_in_days"],
        created_by=request.user,
    )
    messages.success(
        request,
        "Created a read-only link"
        + (f" for {link.label}" if link.label else "")
        + ". Copy it from the list below; anyone with it can read this report.",
    )
    return redirect(f"{project.get_absolute_url()}#share")


@login_required
@require_POST
def share_revoke(request: HttpRequest, project_id: int, link_id: int) -> HttpResponse:
    project = editable_project(request, project_id)
    link = get_object_or_404(ShareLink, pk=link_id, project=project)
    if link.revoke():
        messages.success(request, "Revoked the link: it no longer opens the report.")
    return redirect(f"{project.get_absolute_url()}#share")


def active_link_or_gone(
    request: HttpRequest, token: str
) -> tuple[ShareLink, None] | tuple[None, HttpResponse]:
    """(the link, None) when `token` opens an active share link, whose team's currency the page
    then writes money in; else (None, the page that says the link is unknown (404), revoked or
    expired (410)). The shared page and its download give the same answer."""
    link = ShareLink.for_token(token)
    if link is None:
        response = render(request, "projects/shared_gone.html", {"reason": "unknown"}, status=404)
        return None, keep_private(response)
    if not link.is_active(timezone.now()):
        context = {
            "reason": "revoked" if link.revoked_at else "expired",
            "when": date_text(link.revoked_at or link.expires_at),
        }
        response = render(request, "projects/shared_gone.html", context, status=410)
        return None, keep_private(response)
    use_currency(link.project.team.currency)
    return link, None


@require_GET
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """The current report for someone holding a share link: no login, nothing editable."""
    link, gone = active_link_or_gone(request, token)
    if gone is not None:
        return gone
    project = link.project
    shown = project.shown_estimate()
    report, failure = report_or_failure(shown)
    context = {
        "project": project,
        "report": report,
        "report_error": "This report cannot be shown right now. Ask whoever sent the link."
        if failure
        else "",
        "charts": figures_or_none(shown.result if report else None),
        "shown": shown,
        "revision_number": shown.revision.number if shown else None,
        "estimated": date_text(shown.finished_at, with_time=True) if shown else "",
        "expires": date_text(link.expires_at) if link.expires_at else "",
        "csv_url": reverse("shared_csv", args=[token]),
        # A closed project's outcome, as its report shows it, without the team's links.
        "outcome": outcome_panel(project, project.current_outcome()),
        "shared": True,
    }
    return keep_private(render(request, "projects/shared.html", context))
