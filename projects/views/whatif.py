"""The live what-if: re-estimate with the panel's values, and save them as a revision.

A what-if changes nothing, so viewers may run one (a POST only for the CSRF token its form
carries). htmx gets the result fragment; without JavaScript the form posts and gets a full page
with the panel, its result and its charts.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from projects import estimates, whatif
from projects.charts.report import whatif_figures
from projects.forms import WhatIfForm
from projects.models import Membership, Project
from projects.views.access import (
    limit_estimates,
    not_found,
    project_for,
    require_editor,
    too_many,
)
from projects.views.project import flash_estimate

logger = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def project_whatif(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    if request.method == "POST":
        wait, message = limit_estimates(request, project.team, whatif=True)
        if wait:
            # The panel says when to try again, in place of the result (htmx swaps a 429 in:
            # base.html's htmx-config), and the form keeps what was typed.
            response = render_whatif(
                request, project, membership, None, limited=message, typed=request.POST
            )
            return too_many(response, wait)
    return render_whatif(request, project, membership, request.POST or None)


def render_whatif(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    data: QueryDict | None,
    *,
    status: int = 200,
    limited: str = "",
    typed: QueryDict | None = None,
) -> HttpResponse:
    """The panel (in _whatif.html, shared by the project page and the what-if page) with the
    result of `data`; `limited` says why it did not run, with the values `typed` kept."""
    revision = project.latest_revision()
    saved = revision.finished_estimate() if revision else None
    form = WhatIfForm(data, base_inputs=revision.inputs if revision else {})
    if typed is not None:
        # Refused unread: the panel shows the values as they were typed, without checking them.
        form.initial.update({key: typed.get(key) for key in form.fields if key in typed})
    context = {
        "project": project,
        "team": project.team,
        "membership": membership,
        "whatif_form": form,
        "whatif_revision": revision,
        "saved": saved,
        "oob_errors": bool(request.htmx),
    }
    if limited:
        context["whatif_limited"] = limited
    elif saved is None:
        context["whatif_unavailable"] = (
            "A what-if needs a finished estimate of the latest revision to compare with; "
            "there is none yet."
        )
    elif form.is_bound and form.is_valid():
        try:
            result = whatif.run(form.inputs, saved.result)
        except Exception as exc:  # the engine's failure is shown, never a server error
            logger.exception("What-if of project %s failed", project.pk)
            context["whatif_failure"] = estimates.failure_message(exc)
        else:
            context["whatif"] = {
                "differences": whatif.differences(result, saved.result),
                "changes": whatif.changes(form.base_inputs, form.inputs),
                "warnings": whatif.warnings(result),
                "figures": whatif_figures(result, saved.result),
            }
    template = "projects/_whatif.html#whatif-result" if request.htmx else "projects/whatif.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def project_whatif_save(request: HttpRequest, project_id: int) -> HttpResponse:
    """Save the what-if as the next revision and estimate it, as the edit form does."""
    project, membership = project_for(request, project_id)
    require_editor(membership)
    revision = project.latest_revision()
    if revision is None:
        not_found()
    if request.POST.get("based_on", "") != str(revision.number):
        messages.error(
            request,
            f"Revision {revision.number} was saved while you explored, so nothing was saved. "
            "The what-if below now starts from it, with your values: check them and save again.",
        )
        return render_whatif(request, project, membership, request.POST, status=409)
    form = WhatIfForm(request.POST, base_inputs=revision.inputs)
    if not form.is_valid():
        messages.error(request, "Nothing was saved: fix the values marked below.")
        return render_whatif(request, project, membership, request.POST, status=400)
    problem = estimates.too_large_here(form.inputs.get("trials"))
    if problem:
        messages.error(
            request,
            f"Nothing was saved: Simulated scenarios (saved in the revision) {problem}. "
            "Change it with Edit inputs.",
        )
        return render_whatif(request, project, membership, request.POST, status=400)
    wait, _ = limit_estimates(request, project.team)
    if wait:
        return too_many(render_whatif(request, project, membership, request.POST), wait)
    changes = whatif.changes(revision.inputs, form.inputs)
    if not changes:
        messages.info(request, "The what-if changes nothing, so no revision was saved.")
        return redirect(project)
    with transaction.atomic():
        new_revision = project.add_revision(
            form.inputs, request.user, whatif.revision_note(changes)
        )
    # The edit form's path and words: estimated here, or queued for a worker when large.
    estimate = estimates.queue_estimate(new_revision)
    flash_estimate(request, estimate, f"Saved the what-if as revision {new_revision.number}")
    return redirect(project)
