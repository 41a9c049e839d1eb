"""The site's URLs: accounts, the admin, and the projects app with its API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from projects.views import accounts
from riskboard.security import RateLimitedLoginView, RateLimitedPasswordChangeView

urlpatterns = [
    path("accounts/login/", RateLimitedLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/password/", RateLimitedPasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Password reset: Django's views at their usual names; the request is rate-limited and its
    # email goes through the outbox (projects/views/accounts.py).
    path(
        "accounts/password/reset/",
        accounts.RateLimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),
]

# 503 with Retry-After while the database is unreachable; the plain 500 page otherwise.
handler500 = "riskboard.errors.server_error"
handler404 = "riskboard.errors.not_found"
