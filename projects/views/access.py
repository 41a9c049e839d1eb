"""Who may see and change what, and how often: the checks every view makes first.

A project or team the user is not a member of answers 404, so that nothing leaks; a viewer who
tries to change something gets 403 with what to ask for; a request over an estimate limit gets
429 with the wait in Retry-After.
"""

from __future__ import annotations

import zoneinfo
from typing import NoReturn

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from projects import estimates
from projects.converters import parse_id
from projects.formatting import use_currency
from projects.models import Membership, Project, Team

# The session key of the team the user looks at.
SESSION_TEAM = "team_id"


def not_found() -> NoReturn:
    raise Http404("Nothing here, or not yours to see.")


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
    use_team_time_zone(chosen.team)
    use_currency(chosen.team.currency)
    return chosen


def membership_for(request: HttpRequest, team_id: int) -> Membership:
    """The user's membership of a team; 404 for anyone else, so nothing leaks. The page then
    writes dates in the team's time zone and money in its currency."""
    membership = get_object_or_404(
        Membership.objects.select_related("team"), team_id=team_id, user=request.user
    )
    use_team_time_zone(membership.team)
    use_currency(membership.team.currency)
    return membership


def use_team_time_zone(team: Team) -> None:
    """Dates on this request's page are in the team's time zone (Team.time_zone); the
    riskboard.timezones middleware puts the site's back after the response."""
    try:
        timezone.activate(zoneinfo.ZoneInfo(team.time_zone or "UTC"))
    except (ValueError, KeyError, OSError):  # a name this machine no longer knows
        timezone.deactivate()


def chosen_membership(request: HttpRequest) -> Membership:
    """The membership of the team named in `?team=` (404 when it is not the user's), else the
    current one."""
    if "team" not in request.GET:
        return current_membership(request)
    team_id = parse_id(request.GET["team"])
    if team_id is None:
        not_found()
    return membership_for(request, team_id)


def project_for(request: HttpRequest, project_id: int) -> tuple[Project, Membership]:
    """The project and the user's membership of its team; 404 for anyone else. The page then
    writes money in the team's currency."""
    project = get_object_or_404(Project.objects.select_related("team"), pk=project_id)
    membership = Membership.objects.filter(team=project.team, user=request.user).first()
    if membership is None:
        not_found()
    use_team_time_zone(project.team)
    use_currency(project.team.currency)
    return project, membership


def editable_project(request: HttpRequest, project_id: int) -> Project:
    """The project, for a user who may change it: 404 for anyone outside its team, 403 for its
    viewers."""
    project, membership = project_for(request, project_id)
    require_editor(membership)
    return project


def require_editor(membership: Membership) -> None:
    if not membership.can_edit:
        raise PermissionDenied(
            f"You are a viewer in {membership.team}: you can see its projects but not change "
            "them. Ask a team owner to make you an editor."
        )


def require_owner(membership: Membership, action: str) -> None:
    """`action` completes "Only a team owner can …"."""
    if not membership.can_manage:
        raise PermissionDenied(f"Only a team owner can {action}.")


def limit_estimates(request: HttpRequest, team: Team, *, whatif: bool = False) -> tuple[int, str]:
    """Count a request that asks for an estimate against the user's and team's limits; when over
    one, flash the message (not for a what-if: its panel says it) and return (seconds to wait,
    message) for a 429."""
    wait, message = estimates.request_wait(f"user:{request.user.pk}", team, whatif=whatif)
    if wait and not whatif:
        messages.error(request, message)
    return wait, message


def keep_private(response: HttpResponse) -> HttpResponse:
    """A page reached through a secret link, or showing one: no cache keeps it, no search
    engine lists it."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def too_many(response: HttpResponse, wait: int) -> HttpResponse:
    """A response refused by a rate limit: 429, with the seconds to wait in Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response
