"""`manage.py reestimate_due`: queue the scheduled re-estimates that are due (for cron users).

It does what Celery beat does every hour: every project that is not archived, has a cadence,
and has had no estimate for that many days gets one of its latest revision. With
CELERY_BROKER_URL set the estimates go to the workers; without it they run here, one by one.
"""

from django.core.management.base import BaseCommand

from projects import estimates
from projects.models import Estimate, Project


class Command(BaseCommand):
    help = "Queue a re-estimate of every project whose scheduled re-estimate is due."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the projects that are due without queueing anything.",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        if dry_run:
            due = Project.objects.due()
            for project in due:
                self.stdout.write(f"Due: {project.pk} {project} ({project.team})")
            self.stdout.write(f"{len(due)} project(s) due; nothing queued (--dry-run).")
            return
        where = "for the workers" if estimates.background_available() else "and ran here"
        resumed = estimates.resume_orphans()
        if resumed:
            self.stdout.write(f"Resumed {len(resumed)} estimate(s) whose runner had died.")
        queued = estimates.queue_due()
        for estimate in queued:
            project = estimate.revision.project
            state = (
                estimate.get_status_display().lower()
                if estimate.status != Estimate.Status.DONE
                else "done"
            )
            self.stdout.write(
                f"Estimate {estimate.pk}: {project.pk} {project} ({project.team}), revision "
                f"{estimate.revision.number}, {state}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Queued {len(queued)} scheduled re-estimate(s) {where}.")
        )
