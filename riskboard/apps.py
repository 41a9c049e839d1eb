"""Riskboard's configuration of Django's admin app."""

from django.contrib.admin.apps import AdminConfig


class RiskboardAdminConfig(AdminConfig):
    """Django's admin, with `admin.site` the site whose log-in page limits failed attempts.

    Choosing the default site here, rather than routing /admin/login/ to another view, keeps
    the limit on `admin:login` itself and on every redirect the admin makes to it.
    """

    default_site = "riskboard.security.RateLimitedAdminSite"
