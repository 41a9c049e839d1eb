"""URLs of the projects app: portfolio, projects and teams."""

from django.urls import path

import projects.converters  # noqa: F401  (registers the <id:…> converter)
from projects import invitations, views, views_report

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<id:project_id>/", views.project_report, name="project"),
    path("projects/<id:project_id>/edit/", views.project_edit, name="project_edit"),
    path("projects/<id:project_id>/archive/", views.project_archive, name="project_archive"),
    path(
        "projects/<id:project_id>/revisions/<id:number>/inputs.json",
        views.revision_inputs,
        name="revision_inputs",
    ),
    path("projects/<id:project_id>/estimate/", views.project_estimate, name="project_estimate"),
    path("projects/<id:project_id>/whatif/", views_report.project_whatif, name="project_whatif"),
    path(
        "projects/<id:project_id>/whatif/save/",
        views_report.project_whatif_save,
        name="project_whatif_save",
    ),
    path("projects/<id:project_id>/share/", views_report.share_create, name="share_create"),
    path(
        "projects/<id:project_id>/share/<id:link_id>/revoke/",
        views_report.share_revoke,
        name="share_revoke",
    ),
    path("shared/<str:token>/", views_report.shared_report, name="shared_report"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<id:team_id>/", views.team_detail, name="team"),
    path(
        "teams/<id:team_id>/members/<id:membership_id>/",
        views.member_update,
        name="member_update",
    ),
    path("teams/<id:team_id>/leave/", views.team_leave, name="team_leave"),
    path(
        "teams/<id:team_id>/invitations/<id:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", invitations.invitation_detail, name="invitation"),
]
