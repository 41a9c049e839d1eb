"""The site's URLs: accounts, the admin, and the projects app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from projects import views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),
]
