"""URLs of the projects app: portfolio, projects and teams."""

from django.urls import path

from projects import invitations, views, views_report

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:project_id>/", views.project_report, name="project"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:project_id>/archive/", views.project_archive, name="project_archive"),
    path(
        "projects/<int:project_id>/revisions/<int:number>/inputs.json",
        views.revision_inputs,
        name="revision_inputs",
    ),
    path("projects/<int:project_id>/estimate/", views.project_estimate, name="project_estimate"),
    path("projects/<int:project_id>/whatif/", views_report.project_whatif, name="project_whatif"),
    path(
        "projects/<int:project_id>/whatif/save/",
        views_report.project_whatif_save,
        name="project_whatif_save",
    ),
    path("projects/<int:project_id>/share/", views_report.share_create, name="share_create"),
    path(
        "projects/<int:project_id>/share/<int:link_id>/revoke/",
        views_report.share_revoke,
        name="share_revoke",
    ),
    path("shared/<str:token>/", views_report.shared_report, name="shared_report"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/",
        views.member_update,
        name="member_update",
    ),
    path("teams/<int:team_id>/leave/", views.team_leave, name="team_leave"),
    path(
        "teams/<int:team_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", invitations.invitation_detail, name="invitation"),
]
