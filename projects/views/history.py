"""How a project's estimates moved: charts of every finished estimate, and "what changed and
why" between any two of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from projects.charts.history import history_figures
from projects.converters import parse_id
from projects.presenters.history import points, what_changed
from projects.views.access import not_found, project_for


@login_required
@require_GET
def project_history(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    found = points(project)
    newest_first = list(reversed(found))
    return render(
        request,
        "projects/history.html",
        {
            "project": project,
            "team": project.team,
            "membership": membership,
            "points": newest_first,
            "figures": history_figures(found) if found else [],
            "default_before": newest_first[1].estimate.pk if len(found) > 1 else None,
            "default_after": newest_first[0].estimate.pk if found else None,
        },
    )


@login_required
@require_GET
def compare_estimates(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    before_id = parse_id(request.GET.get("before", ""))
    after_id = parse_id(request.GET.get("after", ""))
    if before_id is None or after_id is None:
        messages.error(request, "Pick two estimates to compare.")
        return redirect("project_history", project.pk)
    done = project.estimates.done().select_related("revision", "checkin")
    before = done.filter(pk=before_id).first()
    after = done.filter(pk=after_id).first()
    if before is None or after is None:
        not_found()
    if (before.finished_at, before.pk) > (after.finished_at, after.pk):
        before, after = after, before
    return render(
        request,
        "projects/compare.html",
        {
            "project": project,
            "team": project.team,
            "membership": membership,
            "comparison": what_changed(before, after),
        },
    )
