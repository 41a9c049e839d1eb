"""`manage.py estimate PROJECT_ID`: re-estimate a project's latest revision, print the summary."""

from django.core.management.base import BaseCommand, CommandError

from projects import presenters
from projects.estimates import queue_estimate
from projects.models import Estimate, Project


class Command(BaseCommand):
    help = "Re-estimate the latest revision of a project and print the summary."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project_id", type=int, help="The project's id, as in its URL.")

    def handle(self, *args, project_id: int, **options) -> None:
        project = Project.objects.select_related("team").filter(pk=project_id).first()
        if project is None:
            raise CommandError(f"There is no project with id {project_id}.")
        revision = project.latest_revision()
        if revision is None:
            raise CommandError(f"{project} has no revision to estimate yet.")
        estimate = queue_estimate(revision)
        if estimate.status != Estimate.Status.DONE:
            raise CommandError(
                f"The estimate of {project}, revision {revision.number}, failed: {estimate.error}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{project} ({project.team}), revision {revision.number}")
        )
        self.stdout.write(
            f"Estimate {estimate.pk}: {estimate.trials:,} scenarios, seed {estimate.seed}, "
            f"engine {estimate.engine_version}, finished "
            f"{presenters.date_text(estimate.finished_at, with_time=True)}"
        )
        self.stdout.write("")
        for sentence in estimate.result.get("summary", []):
            self.stdout.write(sentence)
