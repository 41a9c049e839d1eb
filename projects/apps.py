"""The projects app's configuration."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from django.core import checks

        from riskboard.mailsettings import deploy_checks

        # Only with --deploy: development sends to the console and links to localhost.
        checks.register(deploy_checks, checks.Tags.security, deploy=True)
