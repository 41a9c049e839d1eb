"""Pages: portfolio, project report and history, the guided form, teams, and sign-up.

Views stay thin: find what the user may see (404 otherwise), check they may change it (403 for
viewers), call `estimates.py`, and render what the presenters prepared.
"""

from __future__ import annotations

import logging
from typing import NoReturn

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import estimates, invitations, presenters
from projects.converters import parse_id
from projects.forms import InviteForm, ProjectForm, SignupForm, TeamForm
from projects.models import Estimate, Invitation, Membership, Project, Team
from riskboard.security import client_address, count_request, wait_text

logger = logging.getLogger(__name__)

SESSION_TEAM = "team_id"
# Sign-ups per address are counted over an hour (SIGNUPS_PER_ADDRESS).
SIGNUP_WINDOW_SECONDS = 60 * 60


# Who may see and change what ------------------------------------------------------------------


def current_membership(request: HttpRequest) -> Membership:
    """The team the user is looking at: the one picked last, else their first team."""
    memberships = Membership.objects.filter(user=request.user).select_related("team")
    chosen = memberships.filter(team_id=request.session.get(SESSION_TEAM)).first()
    if chosen is None:
        chosen = memberships.order_by("created_at", "id").first()
    if chosen is None:
        # Accounts made outside sign-up (createsuperuser, the admin) get their team here.
        team = Team.create_personal(request.user)
        chosen = memberships.get(team=team)
    if request.session.get(SESSION_TEAM) != chosen.team_id:
        request.session[SESSION_TEAM] = chosen.team_id
    return chosen


def membership_for(request: HttpRequest, team_id: int) -> Membership:
    """The user's membership of a team; 404 for anyone else, so nothing leaks."""
    return get_object_or_404(
        Membership.objects.select_related("team"), team_id=team_id, user=request.user
    )


def project_for(request: HttpRequest, project_id: int) -> tuple[Project, Membership]:
    project = get_object_or_404(Project.objects.select_related("team"), pk=project_id)
    membership = Membership.objects.filter(team=project.team, user=request.user).first()
    if membership is None:
        raise_not_found()
    return project, membership


def limit_estimates(request: HttpRequest, team: Team, *, whatif: bool = False) -> tuple[int, str]:
    """Count a request that asks for an estimate against the user's and team's limits; when over
    one, flash the message and return (seconds to wait, message) for a 429."""
    wait, message = estimates.request_wait(f"user:{request.user.pk}", team, whatif=whatif)
    if wait and not whatif:
        messages.error(request, message)
    return wait, message


def too_many(response: HttpResponse, wait: int) -> HttpResponse:
    """A response refused by a rate limit: 429, with the seconds to wait in Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response


def raise_not_found() -> NoReturn:
    raise Http404("Nothing here, or not yours to see.")


def require_editor(membership: Membership) -> None:
    if not membership.can_edit:
        raise PermissionDenied(
            f"You are a viewer in {membership.team}: you can see its projects but not change "
            "them. Ask a team owner to make you an editor."
        )


# Portfolio ------------------------------------------------------------------------------------


@login_required
@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    if "team" in request.GET:
        team_id = parse_id(request.GET["team"])
        if team_id is None:
            raise_not_found()
        request.session[SESSION_TEAM] = membership_for(request, team_id).team_id
    membership = current_membership(request)
    newest = Estimate.objects.filter(revision__project=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    projects = list(
        membership.team.projects.annotate(latest_status=Subquery(newest.values("status")[:1]))
    )
    done = (
        Estimate.objects.filter(
            revision__project__team=membership.team, status=Estimate.Status.DONE
        )
        .order_by("-finished_at", "-id")
        .values("revision__project_id", "finished_at", "result__probability")
    )
    history: dict[int, list[dict]] = {}
    for row in done:
        recent = history.setdefault(row["revision__project_id"], [])
        if len(recent) < 2:
            recent.append(row)
    rows = []
    for project in projects:
        recent = history.get(project.pk, [])
        rows.append(
            presenters.portfolio_row(
                project,
                latest=recent[0]["result__probability"] if recent else None,
                previous=recent[1]["result__probability"] if len(recent) > 1 else None,
                finished_at=recent[0]["finished_at"] if recent else None,
                latest_status=project.latest_status,
            )
        )
    return render(
        request,
        "projects/portfolio.html",
        {
            "membership": membership,
            "team": membership.team,
            "rows": [row for row in rows if not row.project.archived],
            "archived_rows": [row for row in rows if row.project.archived],
            "memberships": Membership.objects.filter(user=request.user).select_related("team"),
        },
    )


# Projects -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    if "team" in request.GET:
        team_id = parse_id(request.GET["team"])
        if team_id is None:
            raise_not_found()
        membership = membership_for(request, team_id)
    else:
        membership = current_membership(request)
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
    if request.method == "POST" and form.is_valid() and not _refuse_large(form):
        wait, _ = limit_estimates(request, membership.team)
    if request.method == "POST" and form.is_valid() and not wait:
        with transaction.atomic():
            project = Project.objects.create(
                team=membership.team,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                created_by=request.user,
            )
            revision = project.add_revision(form.inputs, request.user, form.cleaned_data["note"])
        estimate = estimates.queue_estimate(revision)
        _message_for(request, estimate, "Project created")
        return redirect(project)
    response = render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "team": membership.team,
            "project": None,
            "examples": [(story["slug"], story["title"]) for story in _stories()],
            "example": example,
        },
    )
    return too_many(response, wait) if wait else response


def _refuse_large(form: ProjectForm) -> bool:
    """Mark "Simulated scenarios" when this site cannot run that many in a request."""
    problem = estimates.too_large_here(form.inputs.get("trials") if form.inputs else None)
    if problem:
        form.add_error("trials", f"{form.fields['trials'].label}: {problem}.")
    return bool(problem)


def _stories() -> list[dict]:
    from projects.engine.examples import STORIES

    return STORIES


def _example(slug: str) -> dict | None:
    """A demo story to start a new project from, or None."""
    story = next((story for story in _stories() if story["slug"] == slug), None)
    if story is None:
        return None
    from projects.engine.examples import load

    return {**story, "inputs": load(slug)}


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


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    require_editor(membership)
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
    if request.method == "POST" and form.is_valid() and not _refuse_large(form):
        wait, _ = limit_estimates(request, project.team)
    if request.method == "POST" and form.is_valid() and not wait:
        based_on = form.cleaned_data["based_on"]
        with transaction.atomic():
            # The revision this form started from is compared with the latest one under the
            # same lock of the project row that numbers the new revision: of two saves from the
            # same revision, the second waits here and is then shown the conflict.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            current = project.latest_revision()
            stale = current is not None and based_on and based_on != current.number
            if not stale:
                project.name = form.cleaned_data["name"]
                project.description = form.cleaned_data["description"]
                project.save(update_fields=["name", "description", "updated_at"])
                revision = project.add_revision(
                    form.inputs, request.user, form.cleaned_data["note"]
                )
        if not stale:
            estimate = estimates.queue_estimate(revision)
            _message_for(request, estimate, f"Saved revision {revision.number}")
            return redirect(project)
        # Someone saved while this form was open: show what they changed, keep what this user
        # typed, and let a second save make it the next revision.
        latest = current
        earlier = project.revisions.filter(number=based_on).first()
        conflict = {
            "revision": latest,
            "changes": presenters.revision_changes(
                earlier.inputs if earlier else None, latest.inputs
            ),
        }
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


def _message_for(request: HttpRequest, estimate: Estimate, done: str) -> None:
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


@login_required
@require_GET
def project_report(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    revisions = list(project.revisions.select_related("author").order_by("-number"))
    latest_revision = revisions[0] if revisions else None
    viewed = latest_revision
    if "revision" in request.GET:
        # An earlier revision's report, from the history.
        number = request.GET["revision"]
        viewed = next((r for r in revisions if str(r.number) == number), None)
        if viewed is None:
            raise_not_found()
    estimate = viewed.latest_estimate() if viewed else None
    if estimate is None and viewed is not None and viewed == latest_revision:
        # Saved while an earlier revision's estimate was pending: that one is followed, and
        # this revision is estimated when it finishes.
        estimate = estimates.pending_estimate(project.pk)
    if estimate is not None:
        estimate = estimates.run_if_waiting(estimates.resume_if_orphaned(estimate))
        if viewed == latest_revision and estimate.revision_id != viewed.pk:
            # That was an earlier revision's; this one's may have followed it.
            estimate = viewed.latest_estimate() or estimate
    shown = estimate
    if viewed == latest_revision and (estimate is None or estimate.status != Estimate.Status.DONE):
        # Keep showing the last good report beside a failed or pending one.
        shown = (
            Estimate.objects.filter(revision__project=project, status=Estimate.Status.DONE)
            .select_related("revision")
            .order_by("-finished_at", "-id")
            .first()
        )
    elif estimate is not None and estimate.status != Estimate.Status.DONE:
        shown = None
    report, report_error = None, ""
    if shown is not None:
        try:
            report = presenters.report(shown.result)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            logger.exception("Estimate %s could not be shown", shown.pk)
            report_error = (
                f"This estimate's result could not be shown ({exc.__class__.__name__}: {exc}). "
                "Re-estimating with the current engine usually fixes it."
            )
    context = {
        "project": project,
        "team": project.team,
        "membership": membership,
        "estimate": estimate,
        "shown": shown,
        "viewed": viewed,
        "is_latest": viewed == latest_revision,
        "viewed_date": presenters.date_text(viewed.created_at) if viewed else "",
        "stalled": estimate is not None and estimate.is_stalled(timezone.now()),
        "report": report,
        "report_error": report_error,
        "history": _history(project, revisions),
    }
    if not request.htmx:
        # Charts, the what-if panel and share links (imported here: that module imports this).
        from projects.views_report import report_extras

        context.update(
            report_extras(
                request, project, membership, shown if report else None, viewed == latest_revision
            )
        )
    template = "projects/report.html"
    if request.htmx:
        template += "#estimate-status"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    if request.htmx and (estimate is None or estimate.is_finished or context["stalled"]):
        # The status poll ends: reload the page so the finished report shows.
        response["HX-Refresh"] = "true"
    return response


def _history(project: Project, revisions: list) -> list[dict]:
    """Each revision with what changed since the one before and its latest estimate."""
    latest_estimates: dict[int, dict] = {}
    for row in (
        Estimate.objects.filter(revision__project=project)
        .order_by("-created_at", "-id")
        .values("revision_id", "status", "finished_at", "error", "result__probability")
    ):
        latest_estimates.setdefault(row["revision_id"], row)
    history = []
    for index, revision in enumerate(revisions):
        previous = revisions[index + 1] if index + 1 < len(revisions) else None
        estimate = latest_estimates.get(revision.pk)
        probability = (estimate or {}).get("result__probability") or {}
        history.append(
            {
                "revision": revision,
                "created": presenters.date_text(revision.created_at, with_time=True),
                "changes": presenters.revision_changes(
                    previous.inputs if previous else None, revision.inputs
                ),
                "first": previous is None,
                "status": estimate["status"] if estimate else None,
                "all_targets": presenters.percent(probability.get("all_targets"))
                if probability
                else "",
            }
        )
    return history


@login_required
@require_POST
def project_archive(request: HttpRequest, project_id: int) -> HttpResponse:
    project, membership = project_for(request, project_id)
    require_editor(membership)
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
    project, membership = project_for(request, project_id)
    require_editor(membership)
    revision = project.latest_revision()
    if revision is None:
        raise_not_found()
    problem = estimates.too_large_here(revision.inputs.get("trials"))
    if problem:
        messages.error(
            request,
            f"Re-estimate: Simulated scenarios {problem}. Change it with Edit inputs.",
        )
        return redirect(project)
    wait, message = limit_estimates(request, project.team)
    if wait:
        page = render(request, "429.html", {"team": project.team, "back": project}, status=429)
        return too_many(page, wait)
    estimate = estimates.queue_estimate(revision, trigger=Estimate.Trigger.MANUAL)
    _message_for(request, estimate, f"Re-ran revision {revision.number}")
    return redirect(project)


# Teams ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's members; owners invite (a POST) and manage members and invitations here."""
    membership = membership_for(request, team_id)
    team = membership.team
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not membership.can_manage:
            raise PermissionDenied("Only a team owner can invite members.")
        if form.is_valid():
            invitation, token = invitations.create(
                team, form.cleaned_data["who"], form.cleaned_data["role"], request.user
            )
            # Shown on this response only: the token is stored as a hash, nowhere else.
            response = render(
                request,
                "teams/invitation_created.html",
                {
                    "team": team,
                    "invitation": invitation,
                    "role": invitation.get_role_display().lower(),
                    "link": invitations.link(request, token),
                    "expires": presenters.date_text(invitation.expires_at, with_time=True),
                },
            )
            response["Cache-Control"] = "private, no-store"
            return response
    return render(
        request,
        "teams/team.html",
        {
            "team": team,
            "membership": membership,
            "members": team.memberships.select_related("user").order_by("user__username"),
            "owners": team.memberships.filter(role=Membership.Role.OWNER).count(),
            "form": form,
            "roles": Membership.Role.choices,
            "invitations": invitations.pending_rows(team) if membership.can_manage else [],
        },
    )


@login_required
@require_POST
def member_update(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    """An owner changes a member's role or removes them; a team always keeps an owner."""
    membership = membership_for(request, team_id)
    if not membership.can_manage:
        raise PermissionDenied("Only a team owner can change members.")
    get_object_or_404(Membership, pk=membership_id, team_id=team_id)
    team = membership.team
    remove = request.POST.get("action") == "remove"
    role = request.POST.get("role", "")
    # Rejections are shown at the top of the team page, so each starts with what the page calls
    # the control it is about (teams/team.html): the "Role of <name>" list or the Remove button.
    with transaction.atomic():
        # The team's memberships are locked while the owners are counted and the change made,
        # so two owners demoting each other at once cannot leave the team without one.
        members = list(
            Membership.objects.select_for_update(of=("self",))
            .filter(team=team)
            .select_related("user")
        )
        member = next((m for m in members if m.pk == membership_id), None)
        if member is None:  # removed meanwhile
            raise_not_found()
        me = next((m for m in members if m.user_id == request.user.pk), None)
        if me is None or not me.can_manage:  # demoted or removed meanwhile
            raise PermissionDenied("Only a team owner can change members.")
        name = member.user.get_username()
        if not remove and role not in Membership.Role.values:
            roles = ", ".join(Membership.Role.labels[:-1]) + f" or {Membership.Role.labels[-1]}"
            messages.error(
                request, f"Role of {name}: pick {roles} from the list, then press Change."
            )
            return redirect(team)
        owners = sum(1 for m in members if m.role == Membership.Role.OWNER)
        losing_owner = member.role == Membership.Role.OWNER and (remove or role != member.role)
        if losing_owner and owners == 1:
            control, then = (
                ("Remove", f"remove {name}")
                if remove
                else (f"Role of {name}", f"change {name}'s role")
            )
            messages.error(
                request,
                f"{control}: {name} is the team's only owner, and a team needs one. Make another "
                f"member Owner first, then {then}.",
            )
            return redirect(team)
        if remove:
            member.delete()
        else:
            member.role = role
            member.save(update_fields=["role"])
    if remove:
        messages.success(request, f"Removed {name} from {team}.")
        if member.user_id == request.user.pk:
            return redirect("portfolio")
    else:
        messages.success(request, f"{name} is now {member.get_role_display().lower()}.")
    return redirect(team)


@login_required
@require_POST
def team_leave(request: HttpRequest, team_id: int) -> HttpResponse:
    """Any member leaves a team, whatever their role, unless they are its last owner."""
    team = membership_for(request, team_id).team
    with transaction.atomic():
        members = list(Membership.objects.select_for_update().filter(team=team))
        mine = next((m for m in members if m.user_id == request.user.pk), None)
        if mine is None:
            raise_not_found()
        owners = sum(1 for m in members if m.role == Membership.Role.OWNER)
        if mine.role == Membership.Role.OWNER and owners == 1:
            messages.error(
                request,
                f"Leave {team}: you are its only owner, and a team needs one. Make another "
                "member Owner first, then leave.",
            )
            return redirect(team)
        mine.delete()
    if request.session.get(SESSION_TEAM) == team.pk:
        del request.session[SESSION_TEAM]
    messages.success(request, f"You left {team}.")
    return redirect("portfolio")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, team_id: int, invitation_id: int) -> HttpResponse:
    """An owner withdraws an invitation that has not been accepted yet."""
    membership = membership_for(request, team_id)
    if not membership.can_manage:
        raise PermissionDenied("Only a team owner can revoke invitations.")
    invitation = get_object_or_404(Invitation, pk=invitation_id, team=membership.team)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        messages.success(request, f"Revoked the invitation of {invitation.invitee}.")
    return redirect(membership.team)


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            team = form.save()
            Membership.objects.create(team=team, user=request.user, role=Membership.Role.OWNER)
        request.session[SESSION_TEAM] = team.pk
        messages.success(request, f"Created {team}. Add members below.")
        return redirect(team)
    return render(request, "teams/team_form.html", {"form": form})


# Accounts -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A new account with its personal team; from an invitation's link, it joins that team too."""
    token = request.POST.get("invitation") or request.GET.get("invitation") or ""
    invitation = invitations.find(token) if token else None
    if invitation is not None and not invitation.is_pending(timezone.now()):
        invitation = None
    if request.user.is_authenticated:
        return redirect("invitation", token=token) if invitation else redirect("portfolio")
    initial = {}
    if invitation is not None:
        initial = (
            {"email": invitation.email} if invitation.email else {"username": invitation.username}
        )
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST":
        # Every attempt counts, as a log-in failure does, so that nobody makes accounts (or
        # tries passwords against the validators) by the thousand from one address.
        wait = count_request(
            "signup", client_address(request), settings.SIGNUPS_PER_ADDRESS, SIGNUP_WINDOW_SECONDS
        )
        if wait:
            form = SignupForm(initial={"username": request.POST.get("username", "")[:150]})
            response = render(
                request,
                "registration/signup.html",
                {
                    "form": form,
                    "invitation": invitation,
                    "token": token if invitation else "",
                    "locked_out": "Too many sign-ups from this address. Please wait "
                    f"{wait_text(wait)} and try again, or ask a team owner for help.",
                },
            )
            return too_many(response, wait)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            Team.create_personal(user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        joined = invitations.accept(invitation, user) if invitation is not None else None
        if joined is not None:
            request.session[SESSION_TEAM] = invitation.team_id
            messages.success(
                request,
                f"Welcome, {user.get_username()}. You joined {invitation.team} as "
                f"{joined.get_role_display().lower()}.",
            )
            return redirect("portfolio")
        if invitation is not None:
            messages.error(
                request,
                f"Your account was made, but the invitation to {invitation.team} is for "
                f"{invitation.invitee}, so you did not join it. Ask its owner for an invitation "
                "to your username.",
            )
        messages.success(request, f"Welcome, {user.get_username()}. This is your team's portfolio.")
        return redirect("portfolio")
    return render(
        request,
        "registration/signup.html",
        {"form": form, "invitation": invitation, "token": token if invitation else ""},
    )
