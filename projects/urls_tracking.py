"""URLs that follow a running project: check-ins, estimate status, cadence, history, API tokens,
and the JSON API for pipelines."""

from django.urls import path

import projects.converters  # noqa: F401  (registers the <id:…> converter)
from projects import api, views_tracking

urlpatterns = [
    path(
        "projects/<id:project_id>/checkins/new/",
        views_tracking.checkin_create,
        name="checkin_create",
    ),
    path(
        "projects/<id:project_id>/checkins/<id:checkin_id>/correct/",
        views_tracking.checkin_correct,
        name="checkin_correct",
    ),
    path(
        "projects/<id:project_id>/checkins/<id:checkin_id>/withdraw/",
        views_tracking.checkin_withdraw,
        name="checkin_withdraw",
    ),
    path(
        "projects/<id:project_id>/cadence/",
        views_tracking.project_cadence,
        name="project_cadence",
    ),
    path(
        "projects/<id:project_id>/estimates/<id:estimate_id>/status/",
        views_tracking.estimate_status,
        name="estimate_status",
    ),
    path(
        "projects/<id:project_id>/history/",
        views_tracking.project_history,
        name="project_history",
    ),
    path(
        "projects/<id:project_id>/history/compare/",
        views_tracking.compare_estimates,
        name="compare_estimates",
    ),
    path("teams/<id:team_id>/tokens/", views_tracking.token_create, name="token_create"),
    path(
        "teams/<id:team_id>/tokens/<id:token_id>/revoke/",
        views_tracking.token_revoke,
        name="token_revoke",
    ),
    path("api/projects/<id:project_id>/checkins/", api.checkin_create, name="api_checkin_create"),
]
