"""The projects app's configuration."""

from django.apps import AppConfig
from django.core.signals import request_finished, request_started


def _default_currency(**kwargs) -> None:
    # A thread serves many requests: each starts and ends with the default money, and the view
    # that resolves a team activates the team's (views/access.py) for the rest of its request.
    from projects.formatting import use_currency

    use_currency(None)


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        request_started.connect(_default_currency, dispatch_uid="projects.currency_at_start")
        request_finished.connect(_default_currency, dispatch_uid="projects.currency_at_end")

        from django.core import checks

        from riskboard.mailsettings import deploy_checks

        # Only with --deploy: development sends to the console and links to localhost.
        checks.register(deploy_checks, checks.Tags.security, deploy=True)
