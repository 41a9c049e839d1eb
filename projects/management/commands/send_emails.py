"""`manage.py send_emails`: send the emails still waiting in the outbox (for set-ups without
Celery beat, from cron; beat does it every five minutes)."""

from django.core.management.base import BaseCommand

from projects import outbox
from projects.models import OutboundEmail


class Command(BaseCommand):
    help = "Send the emails waiting in the outbox for more than a minute."

    def handle(self, *args, **options) -> None:
        sent = outbox.send_waiting()
        waiting = OutboundEmail.objects.waiting().count()
        failed = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sent {len(sent)} email(s); {waiting} still waiting; {failed} given up on."
            )
        )
