"""URLs of the projects app: portfolio, projects and teams."""

from django.urls import path

from projects import views

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
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/",
        views.member_update,
        name="member_update",
    ),
]
