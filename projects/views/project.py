"""A project's life: create it with the guided form, edit it (each save a new revision),
re-estimate, archive and restore, and download a revision's inputs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import estimates
from projects.engine.examples import STORIES, load
from projects.forms import ProjectForm
from projects.models import Estimate, Project
from projects.presenters.project import save_conflict
from projects.views.access import (
    chosen_membership,
    editable_project,
    limit_estimates,
    not_found,
    project_for,
    require_editor,
    too_many,
)


def flash_estimate(request: HttpRequest, estimate: Estimate, done: str) -> None:
    """Tell the user how the estimate they asked for went; `done` says what they did."""
    if getattr(estimate, "reused", False):
        # The project had an estimate pending already: no second one runs beside it.
        then = "; the latest revision is estimated next" if estimate.rerun_requested else ""
        messages.success(
            request,
            f"{done}. An estimate of revision {estimate.revision.number} was already "
            f"{estimate.get_status_display().lower()}, so no new one was started{then}; "
            "this page updates.",
        )
    elif estimate.status == Estimate.Status.FAILED:
        messages.error(request, f"{done}, but its estimate failed; the reason is shown below.")
    elif estimate.status == Estimate.Status.DONE:
        messages.success(request, f"{done} and estimated.")
    else:
        # A large estimate went to a background worker; the page follows it as it runs.
        messages.success(
            request, f"{done}. Its estimate is queued for a background worker; this page updates."
        )


def refuse_large(form: ProjectForm) -> bool:
    """Mark "Simulated scenarios" when this site cannot run that many in a request."""
    problem = estimates.too_large_here(form.inputs.get("trials") if form.inputs else None)
    if problem:
        form.add_error("trials", f"{form.fields['trials'].label}: {problem}.")
    return bool(problem)


def _example(slug: str) -> dict | None:
    """A demo story to start a new project from, or None."""
    story = next((story for story in STORIES if story["slug"] == slug), None)
    if story is None:
        return None
    return {**story, "inputs": load(slug)}


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    membership = chosen_membership(request)
    require_editor(membership)
    example = _example(request.GET.get("example", ""))
    form = ProjectForm(
        request.POST or None,
        inputs=example["inputs"] if example else None,
        initial={"name": example["title"], "description": example["description"]}
        if example
        else None,
    )
    wait = 0
    if request.method == "POST" and form.is_valid() and not refuse_large(form):
        wait, _ = limit_estimates(request, membership.team)
    if request.method == "POST" and form.is_valid() and not wait:
        revision = Project.start(
            membership.team,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            inputs=form.inputs,
            author=request.user,
            note=form.cleaned_data["note"],
        )
        flash_estimate(request, estimates.queue_estimate(revision), "Project created")
        return redirect(revision.project)
    response = render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "team": membership.team,
            "project": None,
            "examples": [(story["slug"], story["title"]) for story in STORIES],
            "example": example,
        },
    )
    return too_many(response, wait) if wait else response


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = editable_project(request, project_id)
    latest = project.latest_revision()
    initial = {
        "name": project.name,
        "description": project.description,
        "based_on": latest.number if latest else None,
    }
    inputs = latest.inputs if latest else None
    form = ProjectForm(request.POST or None, inputs=inputs, initial=initial)
    conflict = None
    wait = 0
    if request.method == "POST" and form.is_valid() and not refuse_large(form):
        wait, _ = limit_estimates(request, project.team)
    if request.method == "POST" and form.is_valid() and not wait:
        based_on = form.cleaned_data["based_on"]
        revision = project.revise(
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            inputs=form.inputs,
            author=request.user,
            note=form.cleaned_data["note"],
            based_on=based_on,
        )
        if revision is not None:
            estimate = estimates.queue_estimate(revision)
            flash_estimate(request, estimate, f"Saved revision {revision.number}")
            return redirect(project)
        # Someone saved while this form was open: show what they changed, keep what this user
        # typed, and let a second save make it the next revision.
        latest = project.latest_revision()
        conflict = save_conflict(project, based_on, latest)
        data = request.POST.copy()
        data["based_on"] = str(latest.number)
        form = ProjectForm(data, inputs=inputs, initial=initial)
    response = render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "team": project.team,
            "project": project,
            "revision": latest,
            "conflict": conflict,
        },
    )
    return too_many(response, wait) if wait else response


@login_required
@require_POST
def project_archive(request: HttpRequest, project_id: int) -> HttpResponse:
    project = editable_project(request, project_id)
    project.archived = not project.archived
    project.save(update_fields=["archived", "updated_at"])
    if project.archived:
        messages.success(request, f"Archived {project}. It stays readable; restore it any time.")
    else:
        messages.success(request, f"Restored {project}.")
    return redirect(project)


@login_required
@require_POST
def project_estimate(request: HttpRequest, project_id: int) -> HttpResponse:
    project = editable_project(request, project_id)
    revision = project.latest_revision()
    if revision is None:
        not_found()
    problem = estimates.too_large_here(revision.inputs.get("trials"))
    if problem:
        messages.error(
            request,
            f"Re-estimate: Simulated scenarios {problem}. Change it with Edit inputs.",
        )
        return redirect(project)
    wait, _ = limit_estimates(request, project.team)
    if wait:
        page = render(request, "429.html", {"team": project.team, "back": project}, status=429)
        return too_many(page, wait)
    estimate = estimates.queue_estimate(revision, trigger=Estimate.Trigger.MANUAL)
    flash_estimate(request, estimate, f"Re-ran revision {revision.number}")
    return redirect(project)


@login_required
@require_GET
def revision_inputs(request: HttpRequest, project_id: int, number: int) -> JsonResponse:
    """A revision's inputs as JSON, ready for the engine's command line."""
    project, _ = project_for(request, project_id)
    revision = get_object_or_404(project.revisions, number=number)
    response = JsonResponse(revision.inputs, json_dumps_params={"indent": 2})
    filename = f"{slugify(project.name) or 'project'}-revision-{revision.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
