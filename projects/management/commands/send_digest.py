"""`manage.py send_digest`: queue the weekly digests that are due now (what Celery beat's hourly
task does), or with `--dry-run` print what would go out without queueing anything.

A team is due on Monday from 07:00 in its time zone until the end of that day; each digest goes
out once a week however often this runs. `--now 2026-12-07T07:30Z` pretends it is another
moment (to see what Monday would bring); `--team ID` looks at one team only.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects import digest
from projects.models import Team


class Command(BaseCommand):
    help = "Queue the weekly digests due now (Monday 07:00 in each team's time zone)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would go out; queue nothing."
        )
        parser.add_argument("--team", type=int, help="Only this team (its id).")
        parser.add_argument(
            "--now", help="Pretend it is this moment, ISO 8601 with a zone: 2026-12-07T07:30Z."
        )

    def handle(self, *args, dry_run=False, team=None, now=None, **options) -> None:
        moment = timezone.now()
        if now:
            try:
                moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
            except ValueError:
                raise CommandError(f"--now: {now!r} is not an ISO 8601 moment.") from None
            if timezone.is_naive(moment):
                raise CommandError("--now needs a time zone, such as Z or +01:00.")
        teams = Team.objects.filter(pk=team) if team else None
        if team and not teams.exists():
            raise CommandError(f"--team: there is no team {team}.")
        if dry_run:
            planned = [item for item, _, _ in digest.plan(moment, teams=teams)]
        else:
            planned = digest.send_due(moment, teams=teams)
        for item in planned:
            self.stdout.write(
                f"To {item.to}: “{item.subject}” ({item.team}, team {item.team.pk}): "
                + ", ".join(item.projects)
            )
        verb = "would be queued (--dry-run; nothing queued)" if dry_run else "queued"
        self.stdout.write(self.style.SUCCESS(f"{len(planned)} digest email(s) {verb}."))
