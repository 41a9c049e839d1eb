"""The portfolio: a team's projects with their chances and how those moved."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from projects.models import Estimate, Membership, Outcome
from projects.presenters.portfolio import portfolio_row
from projects.views.access import SESSION_TEAM, chosen_membership


@login_required
@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    membership = chosen_membership(request)
    if request.session.get(SESSION_TEAM) != membership.team_id:
        request.session[SESSION_TEAM] = membership.team_id  # the choice sticks
    team = membership.team
    recent: dict[int, list[dict]] = {}
    for row in (
        Estimate.objects.done()
        .filter(project__team=team)
        .order_by("-finished_at", "-id")
        .values("project_id", "finished_at", "result__probability")
    ):
        estimates = recent.setdefault(row["project_id"], [])
        if len(estimates) < 2:
            estimates.append(row)
    rows = [
        portfolio_row(project, recent.get(project.pk, []))
        for project in team.projects.with_latest_status()
    ]
    closed = set(
        Outcome.objects.filter(project__team=team, withdrawn_at=None).values_list(
            "project_id", flat=True
        )
    )
    return render(
        request,
        "projects/portfolio.html",
        {
            "membership": membership,
            "team": team,
            "rows": [
                row for row in rows if not row.project.archived and row.project.pk not in closed
            ],
            "closed_rows": [
                row for row in rows if not row.project.archived and row.project.pk in closed
            ],
            "archived_rows": [row for row in rows if row.project.archived],
            "memberships": Membership.objects.filter(user=request.user).select_related("team"),
        },
    )
