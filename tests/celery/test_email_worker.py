"""Email through the broker: the web process only writes the row and queues the task; a real
Celery worker sends it to a real SMTP server, and retries with backoff when the server answers
"try again later"."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import transaction

from projects import outbox
from projects.models import OutboundEmail

pytestmark = [pytest.mark.celery, pytest.mark.redis, pytest.mark.postgres]


def test_a_worker_sends_the_email_and_retries_a_temporary_refusal(start_worker, smtp_server, owner):
    smtp_server.refuse = 1  # the first try is answered 451: the task must retry it
    worker = start_worker(
        EMAIL_URL=f"smtp://riskboard:p%40ss%3Aword@127.0.0.1:{smtp_server.port}",
        SSL_CERT_FILE=str(smtp_server.cert),
        DEFAULT_FROM_EMAIL="Riskboard <riskboard@example.com>",
    )
    with transaction.atomic():
        row = outbox.queue(
            OutboundEmail.Kind.ALERT,
            "kim@example.com",
            "Fraud alerts: the chances moved",
            "invitation",
            {"by": "olivia", "team": "Payments", "role": "editor", "link": "L", "expires": "E"},
            unsubscribe=outbox.unsubscribe_token("invitation", email="kim@example.com"),
        )
    assert mail.outbox == []  # this process sent nothing itself
    deadline = time.monotonic() + 90  # the retry waits up to 30 s (backoff with jitter)
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.status != OutboundEmail.Status.QUEUED:
            break
        time.sleep(0.3)
    assert row.status == OutboundEmail.Status.SENT, worker.output()[-3000:]
    assert row.attempts == 2 and smtp_server.refused == 1
    [envelope] = smtp_server.received
    assert envelope.rcpt_tos == ["kim@example.com"]
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in envelope.content
    assert "Retry in" in worker.output()
