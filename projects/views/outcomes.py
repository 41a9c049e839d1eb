"""Closing a project on its page: record how it ended (or correct it, keeping the old figures),
add its production score months after launch, and reopen it. Pipelines post outcomes through
the JSON API instead (projects/api.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from projects import outcomes
from projects.forms.outcome import OutcomeForm, ReopenForm, later_field
from projects.models.outcomes import LATER_MONTHS
from projects.presenters.outcome import outcome_history
from projects.views.access import editable_project

SAVED = {
    "closed": "Outcome saved: the project is closed, and its forecasts are now scored.",
    "corrected": "Outcome corrected; the old figures are kept in its history.",
    "unchanged": "Nothing changed in the outcome.",
}


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    """Close the project, or correct its outcome: the form starts from the figures that stand."""
    project = editable_project(request, project_id)
    current = project.current_outcome()
    later = outcomes.current_later_scores(project)
    initial = current.fields() if current else {}
    initial |= {later_field(months): row.score for months, row in later.items()}
    form = OutcomeForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        outcome, what = outcomes.record(project, form.outcome, author=request.user)
        added = [
            outcomes.record_later_score(project, months, score, author=request.user)[1]
            for months, score in form.later.items()
        ]
        text = SAVED[what]
        if what == "unchanged" and any(change != "unchanged" for change in added):
            text = "Production scores after launch saved."
        messages.success(request, text)
        return redirect(f"{project.get_absolute_url()}#outcome")
    return render(
        request,
        "projects/outcome_form.html",
        {
            "project": project,
            "team": project.team,
            "form": form,
            "current": current,
            "later_months": LATER_MONTHS,
            "history": outcome_history(project),
        },
    )


@login_required
@require_POST
def outcome_reopen(request: HttpRequest, project_id: int) -> HttpResponse:
    """Reopen a closed project: its outcome is withdrawn, with the reason, and kept."""
    project = editable_project(request, project_id)
    current = project.current_outcome()
    if current is None:
        messages.error(request, f"{project} is not closed, so there is nothing to reopen.")
        return redirect(project)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect(f"{project.get_absolute_url()}#outcome")
    if outcomes.reopen(current, reason=form.cleaned_data["reason"], by=request.user):
        messages.success(
            request,
            f"{project} is open again. Its outcome is kept in the history, marked withdrawn, "
            "and no longer counts on the calibration page.",
        )
    return redirect(project)
