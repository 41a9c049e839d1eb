"""Password reset: Django's views at their usual names, the email through the outbox, the same
answer whether or not an address has an account, and a limit like the log-in's."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from projects.models import EmailOptOut, OutboundEmail

pytestmark = pytest.mark.django_db


def ask(client, email: str):
    return client.post(reverse("password_reset"), {"email": email})


def test_the_urls_have_their_usual_names():
    assert reverse("password_reset") == "/accounts/password/reset/"
    assert reverse("password_reset_done") == "/accounts/password/reset/sent/"
    assert reverse("password_reset_complete") == "/accounts/password/reset/done/"
    assert reverse("password_reset_confirm", args=["MQ", "x-y"]).startswith("/accounts/")


def test_a_reset_from_request_to_new_password(client, owner, django_capture_on_commit_callbacks):
    page = client.get(reverse("login"))
    assert reverse("password_reset") in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "OLIVIA@example.com")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    [sent] = mail.outbox
    assert sent.to == ["olivia@example.com"] and sent.subject == "Reset your Riskboard password"
    assert OutboundEmail.objects.get().kind == OutboundEmail.Kind.PASSWORD_RESET
    html = sent.alternatives[0][0]
    assert "olivia" in sent.body and "Choose a new password" in html
    link = re.search(r"http://localhost:8000(/accounts/password/reset/\S+/)", sent.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "an0ther-long-phrase", "new_password2": "an0ther-long-phrase"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password("an0ther-long-phrase")
    # Used once: the link no longer works.
    again = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in again


def test_the_answer_does_not_tell_whether_an_address_has_an_account(client, owner):
    known = ask(client, "olivia@example.com")
    unknown = ask(client, "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert OutboundEmail.objects.count() == 1


def test_a_bad_address_is_named(client):
    page = ask(client, "not an address").content.decode()
    assert "Enter a valid email address" in page


def test_requests_are_limited_per_visitor_like_the_log_in(client, settings, owner):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    assert ask(client, "a@example.com").status_code == 302
    assert ask(client, "b@example.com").status_code == 302
    refused = ask(client, "olivia@example.com")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many password-reset requests" in refused.content.decode()
    assert OutboundEmail.objects.count() == 0


def test_one_address_gets_a_few_emails_an_hour_whoever_asks(client, owner, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 100
    for _ in range(5):
        assert ask(client, "olivia@example.com").status_code == 302
    assert OutboundEmail.objects.count() == 3


def test_an_address_that_unsubscribed_gets_no_more_reset_emails(client, owner):
    EmailOptOut.objects.create(email="olivia@example.com", kind=OutboundEmail.Kind.PASSWORD_RESET)
    assert ask(client, "olivia@example.com").status_code == 302
    assert OutboundEmail.objects.count() == 0
