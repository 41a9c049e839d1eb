"""The emails as a mail client shows them: the HTML part of the invitation, the alert, the
digest and the password reset, opened in Chromium with the network cut off. No email may load
anything (no remote images, fonts or trackers), each reads at a phone's width without a sideways
scroll, and with SAVE_SCREENSHOTS=1 the first three are saved as docs/screenshots/email-*.png."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import RequestFactory

from projects import alerts, digest, outbox
from projects.engine import normalise
from projects.engine.examples import load
from projects.estimates import queue_estimate
from projects.models import Estimate, Invitation, Membership, Project, Team

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MONDAY = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def emails(make_user, django_capture_on_commit_callbacks) -> dict[str, str]:
    """The HTML part of a real invitation, alert and digest of a demo team."""
    owner = make_user("olivia", "olivia@example.com")
    team = Team.objects.create(name="Customer analytics", time_zone="Europe/London")
    Membership.objects.create(team=team, user=owner, role=Membership.Role.OWNER, weekly_digest=True)
    churn = Project.objects.create(
        team=team, name="Churn prediction across three systems", created_by=owner
    )
    inputs = normalise({**load("churn_after_migration"), "trials": 5000, "seed": 101})
    first = queue_estimate(churn.add_revision(inputs, owner, note="First numbers"))
    Estimate.objects.filter(pk=first.pk).update(finished_at=MONDAY - timedelta(days=9))
    alerts.set_watching(churn, owner, True)
    other = Project.objects.create(team=team, name="Support ticket sentiment", created_by=owner)
    queue_estimate(
        other.add_revision(
            normalise({**load("ticket_sentiment_shift"), "trials": 5000, "seed": 5}), owner
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = Invitation.issue(team, "kim@example.org", "editor", owner)
        from projects import invitations

        invitations.email_invitation(invitation, outbox.absolute(f"/invitations/{token}/"))
        later = {**inputs, "deadline_weeks": inputs["deadline_weeks"] - 8}
        churn.add_revision(later, owner, note="The board wants it two months sooner")
        queue_estimate(churn.latest_revision())
        digest.send_due(MONDAY)
        from projects.forms import QueuedPasswordResetForm

        reset = QueuedPasswordResetForm({"email": "olivia@example.com"})
        assert reset.is_valid()
        reset.save(request=RequestFactory().get("/accounts/password/reset/"))
    by_kind = {}
    for sent in mail.outbox:
        kinds = {"invites you": "invitation", "this week": "digest", "password": "reset"}
        kind = next((k for words, k in kinds.items() if words in sent.subject), "alert")
        by_kind[kind] = sent.alternatives[0][0]
    assert set(by_kind) == {"invitation", "alert", "digest", "reset"}, [
        m.subject for m in mail.outbox
    ]
    return by_kind


def test_the_emails_load_nothing_and_read_on_a_phone(chromium, emails, tmp_path):
    save = os.environ.get("SAVE_SCREENSHOTS", "").lower() in ("1", "true", "yes")
    pictures = DOCS_SCREENSHOTS if save else tmp_path
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        for width, suffix in ((720, ""), (375, "-phone")):
            context = browser.new_context(viewport={"width": width, "height": 800})
            context.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
            page = context.new_page()
            for kind, html in emails.items():
                page.set_content(html, wait_until="load")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"the {kind} email scrolls sideways at {width} px"
                if not suffix and kind != "reset":
                    page.screenshot(path=pictures / f"email-{kind}.png", full_page=True)
            context.close()
        browser.close()
    assert requests == [], f"an email loaded {requests}"


@pytest.mark.django_db(transaction=True)
def test_the_email_settings_page(live_server, chromium, make_user, tmp_path):
    """The owner's "Email and time zone" page, used with the mouse as people do: watch a
    project, ask for the digest, pick a time zone."""
    save = os.environ.get("SAVE_SCREENSHOTS", "").lower() in ("1", "true", "yes")
    pictures = DOCS_SCREENSHOTS if save else tmp_path
    owner = make_user("olivia", "olivia@example.com")
    team = Team.objects.create(name="Customer analytics")
    Membership.objects.create(team=team, user=owner, role=Membership.Role.OWNER)
    for name, story in (
        ("Churn prediction across three systems", "churn_after_migration"),
        ("Support ticket sentiment", "ticket_sentiment_shift"),
    ):
        project = Project.objects.create(team=team, name=name, created_by=owner)
        inputs = normalise({**load(story), "trials": 2000, "seed": 5})
        queue_estimate(project.add_revision(inputs, owner))
    from projects.models import ShareLink
    from projects.models.tokens import new_token

    ShareLink.objects.create(project=project, token=new_token(), label="Board", created_by=owner)
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.set_default_timeout(20_000)
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("olivia")
        page.get_by_label("Password").fill("s3cret-pass-word")
        page.get_by_role("button", name="Log in").click()
        page.goto(live_server.url + f"/teams/{team.pk}/")
        page.get_by_role("link", name="Email and time zone").click()
        page.get_by_role("button", name="Watch Support ticket sentiment").click()
        expect(page.get_by_role("status").first).to_contain_text("You watch Support ticket")
        page.get_by_label("Send me this team's digest every Monday morning").check()
        page.locator("#digest").get_by_role("button", name="Save").click()
        page.get_by_label("Time zone").fill("Europe/Berlin")
        page.get_by_role("button", name="Save the time zone").click()
        expect(page.get_by_role("status").first).to_contain_text("Europe/Berlin")
        page.screenshot(path=pictures / "email-settings.png", full_page=True)
        browser.close()
    team.refresh_from_db()
    assert team.time_zone == "Europe/Berlin"
    assert Membership.objects.get(team=team, user=owner).weekly_digest
    assert alerts.is_watching(project, owner)
