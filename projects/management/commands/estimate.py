"""`manage.py estimate PROJECT_ID [--async]`: re-estimate a project's latest revision, print the
summary (or, with --async, hand it to a Celery worker and print the estimate's id)."""

from django.core.management.base import BaseCommand, CommandError

from projects import estimates, formatting
from projects.estimates import queue_estimate
from projects.models import Estimate, Project


class Command(BaseCommand):
    help = "Re-estimate the latest revision of a project and print the summary."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project_id", type=int, help="The project's id, as in its URL.")
        parser.add_argument(
            "--async",
            action="store_true",
            dest="in_background",
            help="Queue the estimate for a Celery worker instead of running it here "
            "(needs CELERY_BROKER_URL).",
        )

    def handle(self, *args, project_id: int, in_background: bool = False, **options) -> None:
        project = Project.objects.select_related("team").filter(pk=project_id).first()
        if project is None:
            raise CommandError(f"There is no project with id {project_id}.")
        revision = project.latest_revision()
        if revision is None:
            raise CommandError(f"{project} has no revision to estimate yet.")
        if in_background:
            self.queue(project, revision)
            return
        estimate = queue_estimate(revision, trigger=Estimate.Trigger.MANUAL, background=False)
        if getattr(estimate, "reused", False) and not estimate.is_finished:
            raise CommandError(
                f"{project} already has estimate {estimate.pk} {estimate.status} (revision "
                f"{estimate.revision.number}); a project has one at a time. Run this again "
                "once it has finished."
            )
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
            f"{formatting.date_text(estimate.finished_at, with_time=True)}"
        )
        self.stdout.write("")
        for sentence in estimate.result.get("summary", []):
            self.stdout.write(sentence)

    def queue(self, project: Project, revision) -> None:
        if not estimates.background_available():
            raise CommandError(
                "--async needs a Celery broker: set CELERY_BROKER_URL (for example "
                "redis://localhost:6379/0) and start a worker with "
                "`celery -A riskboard worker`. Without --async the estimate runs here."
            )
        estimate, created = estimates.create_or_reuse(revision, trigger=Estimate.Trigger.MANUAL)
        if not created:
            self.stdout.write(
                f"{project} already has estimate {estimate.pk} {estimate.status} (revision "
                f"{estimate.revision.number}); a project has one at a time, so nothing more was "
                "queued."
            )
            return
        try:
            estimates.send_to_worker(estimate.pk)
        except estimates.BrokerUnavailable as exc:
            estimate.delete()
            raise CommandError(
                f"Could not queue the estimate: {exc}. Nothing was queued; start the broker, "
                "or run the command without --async to estimate here."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued estimate {estimate.pk} of {project} ({project.team}), revision "
                f"{revision.number}, {estimate.trials:,} scenarios."
            )
        )
        self.stdout.write(f"Follow it at {project.get_absolute_url()} or in the admin.")
