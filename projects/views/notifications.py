"""Email settings of a team: a member's weekly digest and the projects they watch; for owners,
the team's time zone, making the whole team watch a project, and digests for outside addresses
through share links. And the unsubscribe page every email links to (RFC 8058 one-click: a POST
without a session or CSRF token, from the mail client)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from projects import alerts, digest, outbox, unsubscribe
from projects.digest import active_links
from projects.forms import DigestChoiceForm, OutsideDigestForm, TimeZoneForm
from projects.forms.notifications import time_zone_names
from projects.models import Membership, OutsideDigest, Project, Team
from projects.presenters.notifications import outside_rows, watch_rows
from projects.views.access import keep_private, membership_for, project_for, require_owner


def _page(
    request: HttpRequest,
    membership: Membership,
    *,
    digest_form: DigestChoiceForm | None = None,
    zone_form: TimeZoneForm | None = None,
    outside_form: OutsideDigestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    team = membership.team
    links = active_links(team)
    context = {
        "team": team,
        "membership": membership,
        "digest_form": digest_form
        or DigestChoiceForm(initial={"weekly_digest": membership.weekly_digest}),
        "zone_form": zone_form or TimeZoneForm(instance=Team(time_zone=team.time_zone)),
        "outside_form": outside_form or OutsideDigestForm(links=links),
        "has_links": bool(links),
        "watches": watch_rows(team, request.user),
        "outside": outside_rows(team) if membership.can_manage else [],
        "has_email": bool(request.user.email),
        "zone_names": time_zone_names() if membership.can_manage else (),
    }
    return render(request, "teams/notifications.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def team_notifications(request: HttpRequest, team_id: int) -> HttpResponse:
    """The page; a POST is the member's own weekly-digest choice."""
    membership = membership_for(request, team_id)
    if request.method == "GET":
        return _page(request, membership)
    form = DigestChoiceForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" is no
    wanted = bool(form.cleaned_data.get("weekly_digest"))
    Membership.objects.filter(pk=membership.pk).update(weekly_digest=wanted)
    messages.success(
        request,
        f"You will get the digest of {membership.team} every Monday morning."
        if wanted
        else f"You will no longer get the weekly digest of {membership.team}.",
    )
    return redirect("team_notifications", team_id=team_id)


@login_required
@require_POST
def team_time_zone(request: HttpRequest, team_id: int) -> HttpResponse:
    membership = membership_for(request, team_id)
    require_owner(membership, "change the team's time zone")
    team = membership.team
    form = TimeZoneForm(request.POST, instance=Team(pk=team.pk, time_zone=team.time_zone))
    if not form.is_valid():
        return _page(request, membership, zone_form=form, status=400)
    Team.objects.filter(pk=team.pk).update(time_zone=form.cleaned_data["time_zone"])
    messages.success(request, f"The time zone of {team} is now {form.cleaned_data['time_zone']}.")
    return redirect("team_notifications", team_id=team_id)


@login_required
@require_POST
def outside_digest_create(request: HttpRequest, team_id: int) -> HttpResponse:
    membership = membership_for(request, team_id)
    require_owner(membership, "send the digest outside the team")
    team = membership.team
    form = OutsideDigestForm(request.POST, links=active_links(team))
    if not form.is_valid():
        return _page(request, membership, outside_form=form, status=400)
    refused = digest.outside_refusal(team)
    if refused:
        form.add_error("email", refused)
        return _page(request, membership, outside_form=form, status=400)
    found = digest.add_outside(
        team, form.cleaned_data["email"], form.cleaned_data["links"], request.user
    )
    messages.success(
        request,
        f"{found.email} will get the digest of {len(form.cleaned_data['links'])} project(s) every "
        "Monday morning, until the links are revoked or you stop it.",
    )
    return redirect(reverse("team_notifications", args=[team_id]) + "#outside")


@login_required
@require_POST
def outside_digest_stop(request: HttpRequest, team_id: int, digest_id: int) -> HttpResponse:
    membership = membership_for(request, team_id)
    require_owner(membership, "send the digest outside the team")
    found = get_object_or_404(OutsideDigest, pk=digest_id, team=membership.team)
    if digest.stop_outside(found):
        messages.success(request, f"Stopped the digest for {found.email}.")
    return redirect(reverse("team_notifications", args=[team_id]) + "#outside")


@login_required
@require_POST
def project_watch(request: HttpRequest, project_id: int) -> HttpResponse:
    """`watching=yes|no`: the member's own alerts; `team=yes|no` (owners): the whole team's.
    `back=report` returns to the project's report, where the watch button also is."""
    project, membership = project_for(request, project_id)
    choice = request.POST.get("team", request.POST.get("watching", ""))
    if choice not in ("yes", "no"):
        messages.error(request, "Alerts: choose to watch the project or to stop watching it.")
        return redirect("team_notifications", team_id=project.team_id)
    on = choice == "yes"
    if "team" in request.POST:
        require_owner(membership, "make the whole team watch a project")
        Project.objects.filter(pk=project.pk).update(team_watches=on)
        note = "The whole team now watches" if on else "The team no longer watches"
        messages.success(request, f"{note} {project.name}; each member can still stop it.")
    else:
        alerts.set_watching(project, request.user, on)
        note = "You watch" if on else "You no longer watch"
        messages.success(request, f"{note} {project.name}.")
    if request.POST.get("back") == "report":
        # The button on the report page brings the member back to it.
        return redirect(project.get_absolute_url())
    return redirect(reverse("team_notifications", args=[project.team_id]) + "#watch")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link checkers and previews open links; they must not unsubscribe
    anyone); POST stops it, from the page's button or from the mail client's one-click. The
    signed token is the only authority: no session, no CSRF token."""
    payload = outbox.read_unsubscribe_token(token)
    what = unsubscribe.describe(payload) if payload else None
    if what is None:
        page = render(request, "mail/unsubscribe.html", {"state": "unknown"}, status=404)
        return keep_private(page)
    if request.method == "POST":
        unsubscribe.stop(payload)
        page = render(request, "mail/unsubscribe.html", {"state": "done", "what": what})
        return keep_private(page)
    context = {"state": "ask", "what": what, "token": token}
    return keep_private(render(request, "mail/unsubscribe.html", context))
