"""URLs of the projects app, grouped by feature as projects/views/ is."""

from django.urls import path

import projects.converters  # noqa: F401  (registers the <id:…> converter)
from projects import api
from projects.views import (
    calibration,
    checkins,
    exports,
    history,
    notifications,
    outcomes,
    portfolio,
    project,
    report,
    share,
    teams,
    whatif,
)

urlpatterns = [
    path("", portfolio.portfolio, name="portfolio"),
    # A project's life
    path("projects/new/", project.project_create, name="project_create"),
    path("projects/<id:project_id>/edit/", project.project_edit, name="project_edit"),
    path("projects/<id:project_id>/archive/", project.project_archive, name="project_archive"),
    path("projects/<id:project_id>/estimate/", project.project_estimate, name="project_estimate"),
    path(
        "projects/<id:project_id>/revisions/<id:number>/inputs.json",
        project.revision_inputs,
        name="revision_inputs",
    ),
    # The report, and the status poll of its running estimate
    path("projects/<id:project_id>/", report.project_report, name="project"),
    path(
        "projects/<id:project_id>/estimates/<id:estimate_id>/status/",
        report.estimate_status,
        name="estimate_status",
    ),
    # What-if
    path("projects/<id:project_id>/whatif/", whatif.project_whatif, name="project_whatif"),
    path(
        "projects/<id:project_id>/whatif/save/",
        whatif.project_whatif_save,
        name="project_whatif_save",
    ),
    # Share links
    path("projects/<id:project_id>/share/", share.share_create, name="share_create"),
    path(
        "projects/<id:project_id>/share/<id:link_id>/revoke/",
        share.share_revoke,
        name="share_revoke",
    ),
    path("shared/<str:token>/", share.shared_report, name="shared_report"),
    # Check-ins and the re-estimate cadence
    path("projects/<id:project_id>/checkins/new/", checkins.checkin_create, name="checkin_create"),
    path(
        "projects/<id:project_id>/checkins/<id:checkin_id>/correct/",
        checkins.checkin_correct,
        name="checkin_correct",
    ),
    path(
        "projects/<id:project_id>/checkins/<id:checkin_id>/withdraw/",
        checkins.checkin_withdraw,
        name="checkin_withdraw",
    ),
    path("projects/<id:project_id>/cadence/", checkins.project_cadence, name="project_cadence"),
    # History
    path("projects/<id:project_id>/history/", history.project_history, name="project_history"),
    path(
        "projects/<id:project_id>/history/compare/",
        history.compare_estimates,
        name="compare_estimates",
    ),
    # Outcomes, and how a team's forecasts have done
    path("projects/<id:project_id>/outcome/", outcomes.outcome_edit, name="outcome_edit"),
    path(
        "projects/<id:project_id>/outcome/reopen/", outcomes.outcome_reopen, name="outcome_reopen"
    ),
    path(
        "projects/<id:project_id>/calibrated/",
        calibration.project_calibrated,
        name="project_calibrated",
    ),
    path("teams/<id:team_id>/calibration/", calibration.team_calibration, name="team_calibration"),
    # Downloads: CSV and JSON
    path("teams/<id:team_id>/portfolio.csv", exports.portfolio_csv, name="portfolio_csv"),
    path(
        "projects/<id:project_id>/estimates/<id:estimate_id>/result.json",
        exports.estimate_json,
        name="estimate_json",
    ),
    path(
        "projects/<id:project_id>/estimates/<id:estimate_id>/quantiles.csv",
        exports.estimate_csv,
        name="estimate_csv",
    ),
    path("projects/<id:project_id>/history.csv", exports.history_csv, name="history_csv"),
    path("shared/<str:token>/quantiles.csv", exports.shared_csv, name="shared_csv"),
    # Teams: members, invitations and API tokens
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<id:team_id>/", teams.team_detail, name="team"),
    path(
        "teams/<id:team_id>/members/<id:membership_id>/",
        teams.member_update,
        name="member_update",
    ),
    path("teams/<id:team_id>/leave/", teams.team_leave, name="team_leave"),
    path("teams/<id:team_id>/settings/", teams.team_settings, name="team_settings"),
    path(
        "teams/<id:team_id>/invitations/<id:invitation_id>/revoke/",
        teams.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", teams.invitation_detail, name="invitation"),
    path("teams/<id:team_id>/tokens/", teams.token_create, name="token_create"),
    path(
        "teams/<id:team_id>/tokens/<id:token_id>/revoke/",
        teams.token_revoke,
        name="token_revoke",
    ),
    # Email: alerts, the weekly digest, the team's time zone, unsubscribing
    path("teams/<id:team_id>/email/", notifications.team_notifications, name="team_notifications"),
    path("teams/<id:team_id>/time-zone/", notifications.team_time_zone, name="team_time_zone"),
    path(
        "teams/<id:team_id>/outside-digests/",
        notifications.outside_digest_create,
        name="outside_digest_create",
    ),
    path(
        "teams/<id:team_id>/outside-digests/<id:digest_id>/stop/",
        notifications.outside_digest_stop,
        name="outside_digest_stop",
    ),
    path("projects/<id:project_id>/watch/", notifications.project_watch, name="project_watch"),
    path("unsubscribe/<str:token>/", notifications.unsubscribe_view, name="unsubscribe"),
    # The JSON API for pipelines
    path("api/projects/<id:project_id>/checkins/", api.checkin_create, name="api_checkin_create"),
    path("api/projects/<id:project_id>/outcome", api.outcome_create, name="api_outcome_create"),
]
