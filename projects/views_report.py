"""The report's extras: its charts, the live what-if, and read-only share links for executives.

`report_extras` adds the charts, the what-if panel and the share links to the project page's
context; the other views are the what-if (GET: a fragment for htmx, a full page without
JavaScript), saving a what-if as a revision, and creating, revoking and opening share links.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import charts, estimates, presenters, whatif
from projects.models import Estimate, Membership, Project, Revision, ShareLink
from projects.views import (
    _message_for,
    limit_estimates,
    project_for,
    raise_not_found,
    require_editor,
    too_many,
)

logger = logging.getLogger(__name__)

# 32 random bytes: 256 bits, far beyond guessing; URL-safe base64 gives 43 characters.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
MAX_EXPIRY_DAYS = 365


# The estimate a report shows ------------------------------------------------------------------


def shown_estimate(project: Project) -> Estimate | None:
    """The estimate the current report shows: the latest revision's if it finished, else the
    last successful one (as the project page does)."""
    latest = project.latest_revision()
    estimate = latest.latest_estimate() if latest else None
    if estimate is not None and estimate.status == Estimate.Status.DONE:
        return estimate
    return (
        Estimate.objects.filter(revision__project=project, status=Estimate.Status.DONE)
        .select_related("revision")
        .order_by("-finished_at", "-id")
        .first()
    )


def figures_for(result: dict | None) -> dict | None:
    """The report's charts, or None when the result cannot be drawn (an old engine's, say)."""
    if not result:
        return None
    try:
        return charts.report_figures(result)
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError):
        logger.exception("Charts of a result could not be drawn")
        return None


def report_extras(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    shown: Estimate | None,
    is_latest: bool,
) -> dict:
    """What the project page adds to the report: charts, the what-if panel and share links."""
    extras: dict = {"charts": figures_for(shown.result if shown else None)}
    latest = project.latest_revision()
    if is_latest and shown is not None and latest is not None and shown.revision_id == latest.pk:
        extras["whatif_form"] = whatif.WhatIfForm(base_inputs=latest.inputs)
        extras["whatif_revision"] = latest
    if membership.can_edit:
        extras["share_links"] = share_rows(project, request)
        extras["share_form"] = ShareForm()
    return extras


# What-if --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_whatif(request: HttpRequest, project_id: int) -> HttpResponse:
    """Re-estimate with the panel's values (a POST that changes nothing, so viewers may use
    it). htmx gets the result fragment; without JavaScript the form post gets a full page with
    the panel, its result and its charts."""
    project, membership = project_for(request, project_id)
    wait = 0
    if request.method == "POST":
        wait, message = limit_estimates(request, project.team, whatif=True)
        if wait:
            # The panel says when to try again, in place of the result (htmx swaps a 429 in:
            # base.html's htmx-config), and the form keeps what was typed.
            response = render_whatif(
                request, project, membership, None, limited=message, initial=request.POST
            )
            return too_many(response, wait)
    return render_whatif(request, project, membership, request.POST or None)


def render_whatif(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    data,
    status: int = 200,
    limited: str = "",
    initial=None,
) -> HttpResponse:
    revision, saved = _whatif_base(project)
    form = whatif.WhatIfForm(data, base_inputs=revision.inputs if revision else {})
    if initial is not None:
        # Refused unread: the panel shows the values as they were typed, without checking them.
        form.initial.update({key: initial.get(key) for key in form.fields if key in initial})
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
    elif revision is None or saved is None:
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
                "changes": form.changes(),
                "figures": charts.whatif_figures(result, saved.result),
            }
    # The panel lives in _whatif.html, shared by the project page and the what-if page.
    template = "projects/_whatif.html#whatif-result" if request.htmx else "projects/whatif.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _whatif_base(project: Project) -> tuple[Revision | None, Estimate | None]:
    """The latest revision and its finished estimate, which a what-if starts from."""
    revision = project.latest_revision()
    if revision is None:
        return None, None
    estimate = revision.latest_estimate()
    if estimate is None or estimate.status != Estimate.Status.DONE or not estimate.result:
        return revision, None
    return revision, estimate


@login_required
@require_POST
def project_whatif_save(request: HttpRequest, project_id: int) -> HttpResponse:
    """Save the what-if as the next revision and estimate it, as the edit form does."""
    project, membership = project_for(request, project_id)
    require_editor(membership)
    revision = project.latest_revision()
    if revision is None:
        raise_not_found()
    if request.POST.get("based_on", "") != str(revision.number):
        messages.error(
            request,
            f"Revision {revision.number} was saved while you explored, so nothing was saved. "
            "The what-if below now starts from it, with your values: check them and save again.",
        )
        return render_whatif(request, project, membership, request.POST, status=409)
    form = whatif.WhatIfForm(request.POST, base_inputs=revision.inputs)
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
    changes = form.changes()
    if not changes:
        messages.info(request, "The what-if changes nothing, so no revision was saved.")
        return redirect(project)
    with transaction.atomic():
        new_revision = project.add_revision(
            form.inputs, request.user, whatif.revision_note(changes)
        )
    # The edit form's path and words: estimated here, or queued for a worker when large.
    estimate = estimates.queue_estimate(new_revision)
    _message_for(request, estimate, f"Saved the what-if as revision {new_revision.number}")
    return redirect(project)


# Share links ----------------------------------------------------------------------------------


class ShareForm(forms.Form):
    label = forms.CharField(
        label="Who is it for?",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Board meeting, 3 March"}),
    )
    expires_in_days = forms.IntegerField(
        label="Expires after",
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        widget=forms.TextInput(attrs={"placeholder": "never", "inputmode": "numeric"}),
        help_text=f"Days, 1 to {MAX_EXPIRY_DAYS}; leave empty for a link that lasts until revoked.",
        error_messages={
            "invalid": "Type a whole number of days, like 30, or leave it empty.",
            "min_value": "A link must last at least 1 day; leave it empty for no expiry.",
            "max_value": f"At most {MAX_EXPIRY_DAYS} days; leave it empty for no expiry.",
        },
    )


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def share_rows(project: Project, request: HttpRequest) -> list[dict]:
    now = timezone.now()
    rows = []
    for link in project.share_links.select_related("created_by"):
        active = link.is_active(now)
        if link.revoked_at:
            state = f"Revoked {presenters.date_text(link.revoked_at)}"
        elif not active:
            state = f"Expired {presenters.date_text(link.expires_at)}"
        elif link.expires_at:
            state = f"Expires {presenters.date_text(link.expires_at, with_time=True)}"
        else:
            state = "Never expires"
        rows.append(
            {
                "link": link,
                "active": active,
                "url": request.build_absolute_uri(reverse("shared_report", args=[link.token])),
                "created": presenters.date_text(link.created_at, with_time=True),
                "by": link.created_by.get_username() if link.created_by else "a deleted user",
                "state": state,
            }
        )
    return rows


@login_required
@require_POST
def share_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    require_editor(membership)
    form = ShareForm(request.POST)
    if not form.is_valid():
        # The form again, with each message beside its field and what was typed kept.
        return render(
            request,
            "projects/share_new.html",
            {"project": project, "team": project.team, "share_form": form},
            status=400,
        )
    days = form.cleaned_data["expires_in_days"]
    link = ShareLink.objects.create(
        project=project,
        token=new_token(),
        label=form.cleaned_data["label"],
        created_by=request.user,
        expires_at=timezone.now() + timedelta(days=days) if days else None,
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
    project, membership = project_for(request, project_id)
    require_editor(membership)
    link = get_object_or_404(ShareLink, pk=link_id, project=project)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        messages.success(request, "Revoked the link: it no longer opens the report.")
    return redirect(f"{project.get_absolute_url()}#share")


def _link_for(token: str) -> ShareLink | None:
    """The share link with this token, compared in constant time after the indexed lookup."""
    if not TOKEN_PATTERN.match(token):
        return None
    link = ShareLink.objects.select_related("project").filter(token=token).first()
    if link is None or not secrets.compare_digest(link.token.encode(), token.encode()):
        return None
    return link


def _no_index(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """The current report for someone holding a share link: no login, nothing editable."""
    link = _link_for(token)
    if link is None:
        response = render(request, "projects/shared_gone.html", {"reason": "unknown"}, status=404)
        return _no_index(response)
    now = timezone.now()
    if not link.is_active(now):
        reason = "revoked" if link.revoked_at else "expired"
        when = presenters.date_text(link.revoked_at or link.expires_at)
        response = render(
            request, "projects/shared_gone.html", {"reason": reason, "when": when}, status=410
        )
        return _no_index(response)
    project = link.project
    shown = shown_estimate(project)
    report, report_error = None, ""
    if shown is not None:
        try:
            report = presenters.report(shown.result)
        except (KeyError, TypeError, ValueError, AttributeError):
            logger.exception("Estimate %s could not be shown on a shared page", shown.pk)
            report_error = "This report cannot be shown right now. Ask whoever sent the link."
    context = {
        "project": project,
        "report": report,
        "report_error": report_error,
        "charts": figures_for(shown.result if report else None),
        "shown": shown,
        "revision_number": shown.revision.number if shown else None,
        "estimated": presenters.date_text(shown.finished_at, with_time=True) if shown else "",
        "expires": presenters.date_text(link.expires_at) if link.expires_at else "",
    }
    return _no_index(render(request, "projects/shared.html", context))
