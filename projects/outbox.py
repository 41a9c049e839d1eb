"""The outbox: every email is first a row (models.OutboundEmail), then sent by a worker.

`queue` renders an email from its two templates (`templates/email/NAME.txt` and `.html`),
writes the row in the caller's transaction and, once that commits, hands it on: with a broker
(CELERY_BROKER_URL) to a Celery worker, whose task retries with exponential backoff, so no web
request ever waits for an SMTP server; without one (the embedded development mode, as for
estimates) it is sent in this process. A row the broker could not take stays queued, and Celery
beat's `send_waiting_emails` (or `manage.py send_emails`) sends it later: nothing is lost.

`deliver` is idempotent: a sent row is never sent again, and two workers cannot send one row at
once (the row is locked while it is sent).

Every email carries a one-click unsubscribe link (RFC 8058): a signed token naming what to stop,
in the body and in the `List-Unsubscribe` and `List-Unsubscribe-Post` headers.

This module sends the worker's task by name (SEND_EMAIL_TASK), so that `projects.tasks` imports
this module and never the other way round.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu import pools
from kombu.exceptions import KombuError, OperationalError

from projects.models import OutboundEmail
from riskboard.celery import app

logger = logging.getLogger(__name__)

SEND_EMAIL_TASK = "projects.tasks.send_email_task"
# A row is given up on after this many failed attempts (about a day of backoff on a worker).
MAX_ATTEMPTS = 10
UNSUBSCRIBE_SALT = "riskboard.unsubscribe"


class EmailNotSent(Exception):
    """The SMTP server did not take the email; the worker retries later."""


def absolute(path: str) -> str:
    """A link for an email: SITE_URL and `path`."""
    return settings.SITE_URL + path


def unsubscribe_token(what: str, **ids: int | str) -> str:
    """A signed token that stops one kind of email: `what` is alert (project, user), digest
    (team, user), outside (digest), invitation or reset (email). It does not expire: an old
    email's link must still work."""
    return signing.dumps({"what": what, **ids}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict | None:
    if len(token) > 500:
        return None
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("what"), str) else None


def queue(
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    *,
    unsubscribe: str,
    dedupe_key: str | None = None,
) -> OutboundEmail | None:
    """Write one email to `to` in the outbox and send it once the transaction commits.

    `unsubscribe` is a token from `unsubscribe_token`. With a `dedupe_key` already used, nothing
    is written and None is returned: "at most one" rules are kept by a unique constraint."""
    unsubscribe_url = absolute(reverse("unsubscribe", args=[unsubscribe]))
    context = {
        **context,
        "subject": subject,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
    }
    domain = urlsplit(settings.SITE_URL).hostname or "riskboard.local"
    headers = {
        "Message-ID": make_msgid(domain=domain),
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # Tell auto-responders (out of office) not to answer.
        "Auto-Submitted": "auto-generated",
    }
    try:
        with transaction.atomic():
            row = OutboundEmail.objects.create(
                kind=kind,
                to=to,
                # One line: a name with a line break must not break the header (or inject one).
                subject=" ".join(subject.split())[:300],
                text=render_to_string(f"email/{template}.txt", context),
                html=render_to_string(f"email/{template}.html", context),
                headers=headers,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and OutboundEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: dispatch(row.pk))
    return row


def dispatch(email_id: int) -> None:
    """Hand a queued email to a worker; without a broker, send it here."""
    if not settings.CELERY_BROKER_URL:
        deliver(email_id)
        return
    try:
        connection = app.connection_for_write(settings.CELERY_BROKER_URL)
        with pools.connections[connection].acquire(block=True, timeout=10) as broker:
            app.send_task(
                SEND_EMAIL_TASK,
                args=[email_id],
                connection=broker,
                queue=settings.CELERY_TASK_DEFAULT_QUEUE,
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
            )
    except (OperationalError, KombuError, OSError) as exc:
        # Never sent from the web request: the row waits for send_waiting_emails.
        logger.warning("Email %s waits in the outbox; the broker did not answer: %s", email_id, exc)


def message(row: OutboundEmail) -> EmailMultiAlternatives:
    """The email of a row: the plain-text part, the HTML part and the row's headers."""
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        headers=row.headers,
    )
    email.attach_alternative(row.html, "text/html")
    return email


def deliver(email_id: int, *, raise_on_failure: bool = False) -> str:
    """Send one queued email; returns its status afterwards ("sent", "queued", "failed", or
    "gone"). A failure is recorded on the row (attempts, last error); with `raise_on_failure`
    it raises EmailNotSent after that, so that the Celery task retries."""
    error = ""
    with transaction.atomic():
        row = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.QUEUED)
            .first()
        )
        if row is None:
            found = OutboundEmail.objects.filter(pk=email_id).values_list("status", flat=True)
            return found.first() or "gone"
        try:
            with get_connection(fail_silently=False) as connection:
                connection.send_messages([message(row)])
        except Exception as exc:  # SMTP errors, refused connections, timeouts, bad addresses
            error = f"{exc.__class__.__name__}: {exc}"[:2000]
            row.attempts += 1
            row.last_error = error
            if row.attempts >= MAX_ATTEMPTS:
                row.status = OutboundEmail.Status.FAILED
            row.save(update_fields=["attempts", "last_error", "status"])
            logger.warning("Email %s not sent (attempt %s): %s", row.pk, row.attempts, error)
        else:
            row.status = OutboundEmail.Status.SENT
            row.sent_at = timezone.now()
            row.attempts += 1
            row.last_error = ""
            row.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    if error and raise_on_failure and row.status == OutboundEmail.Status.QUEUED:
        raise EmailNotSent(error)
    return row.status


def send_waiting(limit: int = 200) -> list[int]:
    """Send emails still queued a minute after they were written (their task was lost, or the
    broker was down); returns the ids sent. Celery beat and `manage.py send_emails` call it."""
    sent = []
    waiting = OutboundEmail.objects.waiting(timedelta(minutes=1)).order_by("created_at", "id")
    for email_id in waiting.values_list("pk", flat=True)[:limit]:
        if deliver(email_id) == OutboundEmail.Status.SENT:
            sent.append(email_id)
    return sent
