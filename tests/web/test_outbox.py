"""The outbox: EMAIL_URL and friends, emails as rows sent by a task with retries, the headers and
parts every email has, and one real SMTP conversation with a server on loopback."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from projects import outbox, tasks
from projects.models import OutboundEmail
from riskboard.mailsettings import email_settings, from_address, site_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


# Settings -------------------------------------------------------------------------------------


def test_email_url_selects_the_backend():
    assert email_settings("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert email_settings("locmem:")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")
    smtp = email_settings("smtp://kim%40x.org:p%3Ass%2Fw@mail.example.com")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"]) == ("mail.example.com", 587)
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("kim@x.org", "p:ss/w")
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    ssl = email_settings("smtps://u:p@mail.example.com:2465")
    assert ssl["EMAIL_PORT"] == 2465 and ssl["EMAIL_USE_SSL"] and not ssl["EMAIL_USE_TLS"]
    assert email_settings("smtps://mail.example.com")["EMAIL_PORT"] == 465


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mail.example.com", "must look like"),
        ("http://mail.example.com", "must start with smtp://"),
        ("smtp://", "names no mail server"),
        ("smtp://mail.example.com:99999", "port"),
        ("smtp://mail.example.com:25/inbox", "no path"),
        ("console:yes", "takes nothing after the colon"),
    ],
)
def test_a_bad_email_url_is_refused_with_a_message(url, words):
    with pytest.raises(ImproperlyConfigured, match=words):
        email_settings(url)


def test_site_url_and_sender_are_checked():
    assert site_url("https://riskboard.example.com/") == "https://riskboard.example.com"
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        site_url("riskboard.example.com")
    assert from_address("Riskboard <r@example.com>") == "Riskboard <r@example.com>"
    with pytest.raises(ImproperlyConfigured, match="DEFAULT_FROM_EMAIL"):
        from_address("nobody")


def test_a_bad_email_url_stops_start_up_naming_the_variable():
    env = {**os.environ, "DEBUG": "1", "EMAIL_URL": "smtp//mail.example.com"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr


# Queueing and sending -------------------------------------------------------------------------


def queue_one(**extra) -> OutboundEmail | None:
    return outbox.queue(
        OutboundEmail.Kind.INVITATION,
        "kim@example.com",
        "Kim, join us",
        "invitation",
        {
            "by": "olivia",
            "team": "Payments <&>",
            "role": "editor",
            "link": "https://r.example/i/x",
            "expires": "8 Dec",
        },
        unsubscribe=outbox.unsubscribe_token("invitation", email="kim@example.com"),
        **extra,
    )


def test_an_email_is_a_row_first_and_is_sent_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = queue_one()
    assert row.status == OutboundEmail.Status.QUEUED and mail.outbox == []
    for callback in callbacks:  # the commit: no broker, so it is sent here
        callback()
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT and row.attempts == 1
    [sent] = mail.outbox
    assert sent.to == ["kim@example.com"] and sent.subject == "Kim, join us"


def test_every_email_has_both_parts_and_one_click_unsubscribe(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_one()
    [sent] = mail.outbox
    parsed = message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = parsed["List-Unsubscribe"].strip().strip("<>")  # a long header may be folded
    assert link.startswith("http://localhost:8000/unsubscribe/")
    assert parsed["Message-ID"] == row.headers["Message-ID"]
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert link in text and link in html
    # Escaped in HTML, as typed in the text part; nothing remote, nothing that tracks.
    assert "Payments &lt;&amp;&gt;" in html and "Payments <&>" in text
    assert "<img" not in html and "<script" not in html and "<link" not in html


def test_a_refused_email_stays_queued_and_the_task_retries_it(
    monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("try later")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_one()
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.QUEUED and row.attempts == 1
    assert "SMTPServerDisconnected: try later" in row.last_error
    with pytest.raises(outbox.EmailNotSent):
        outbox.deliver(row.pk, raise_on_failure=True)
    assert tasks.send_email_task.autoretry_for[0] is outbox.EmailNotSent
    assert tasks.send_email_task.retry_backoff == 30
    monkeypatch.undo()
    assert tasks.send_email_task.run(row.pk) == OutboundEmail.Status.SENT
    # Sent once: running the task again sends nothing more.
    assert tasks.send_email_task.run(row.pk) == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_an_email_is_given_up_on_after_the_last_attempt(monkeypatch):
    with transaction.atomic():
        row = queue_one()
    OutboundEmail.objects.filter(pk=row.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)

    def refuse(self, messages):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert outbox.deliver(row.pk, raise_on_failure=True) == OutboundEmail.Status.FAILED


def test_with_a_broker_the_request_only_queues(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    sent_tasks = []
    monkeypatch.setattr(outbox.app, "send_task", lambda name, **kw: sent_tasks.append((name, kw)))
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_one()
    assert mail.outbox == []
    assert sent_tasks and sent_tasks[0][0] == outbox.SEND_EMAIL_TASK
    assert sent_tasks[0][1]["args"] == [row.pk]


def test_an_email_the_broker_did_not_take_is_sent_later_by_beat(
    settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # refused: the row waits
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_one()
    assert mail.outbox == []
    OutboundEmail.objects.filter(pk=row.pk).update(
        created_at=row.created_at - outbox.timedelta(minutes=2)
    )
    settings.CELERY_BROKER_URL = ""
    assert tasks.send_waiting_emails.run() == 1
    assert len(mail.outbox) == 1


def test_a_dedupe_key_sends_at_most_one(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_one(dedupe_key="once") is not None
        assert queue_one(dedupe_key="once") is None
    assert len(mail.outbox) == 1


def test_unsubscribe_tokens_are_signed():
    token = outbox.unsubscribe_token("digest", team=3, user=4)
    assert outbox.read_unsubscribe_token(token) == {"what": "digest", "team": 3, "user": 4}
    assert outbox.read_unsubscribe_token(token[:-2] + "xx") is None
    assert outbox.read_unsubscribe_token("x" * 600) is None


# Through a real SMTP server -------------------------------------------------------------------


def test_an_email_goes_through_a_real_smtp_server_with_starttls(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    port, received = smtp_server.port, smtp_server.received
    for name, value in email_settings(f"smtp://riskboard:p%40ss%3Aword@127.0.0.1:{port}").items():
        setattr(settings, name, value)
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Riskboard <riskboard@example.com>"
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_one()
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT, row.last_error
    [envelope] = received
    assert envelope.rcpt_tos == ["kim@example.com"]
    assert envelope.mail_from == "riskboard@example.com"
    parsed = message_from_bytes(envelope.content, policy=policy.default)
    assert parsed["From"] == "Riskboard <riskboard@example.com>"
    assert parsed["Subject"] == "Kim, join us"
    assert parsed["List-Unsubscribe"].strip().startswith("<http://localhost:8000/unsubscribe/")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "olivia invites you to join the team Payments <&>" in text
    assert "Accept the invitation" in html and "https://r.example/i/x" in html


def test_the_admin_lists_the_outbox(admin_client):
    from django.urls import reverse

    with transaction.atomic():
        row = queue_one()
    for name in ("outboundemail", "watch", "outsidedigest", "emailoptout"):
        assert admin_client.get(reverse(f"admin:projects_{name}_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:projects_outboundemail_change", args=[row.pk]))
    assert page.status_code == 200 and "kim@example.com" in page.content.decode()


def test_a_subject_with_line_breaks_is_one_line(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.queue(
            OutboundEmail.Kind.ALERT,
            "kim@example.com",
            "Fraud\r\nBcc: victim@example.com",
            "invitation",
            {"by": "o", "team": "t", "role": "r", "link": "l", "expires": "e"},
            unsubscribe="x",
        )
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert mail.outbox[0].subject == "Fraud Bcc: victim@example.com"
    assert "victim" not in str(mail.outbox[0].recipients())
