"""The weekly digest: Monday from 07:00 in the team's time zone, once a week per person however
often beat runs, the projects needing attention first, arrows for the week, outside addresses
through share links (revoking stops them), and `send_digest --dry-run`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from projects import digest, tasks
from projects.models import Estimate, Membership, OutboundEmail, OutsideDigest, ShareLink, Team
from projects.models.tokens import new_token

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 07:30 in UTC.
MONDAY = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)


@pytest.fixture
def opted_in(team, owner, viewer, project, make_project):
    Membership.objects.filter(team=team).update(weekly_digest=True)
    make_project(team, owner, name="Support triage", deadline_weeks=2)
    return team


def run(now, **kwargs):
    return digest.send_due(now, **kwargs)


def test_due_on_monday_morning_in_the_teams_time_zone(team):
    assert digest.is_due(team, MONDAY)
    assert not digest.is_due(team, MONDAY - timedelta(hours=1))  # 06:30
    assert not digest.is_due(team, MONDAY + timedelta(days=1))  # Tuesday
    team.time_zone = "America/New_York"  # 02:30 there
    assert not digest.is_due(team, MONDAY)
    assert digest.is_due(team, MONDAY + timedelta(hours=5))
    team.time_zone = "Asia/Tokyo"  # 16:30 on Monday there: still Monday, catch up
    assert digest.is_due(team, MONDAY)
    team.time_zone = "Pacific/Kiritimati"  # 21:30 on Monday there
    assert digest.is_due(team, MONDAY - timedelta(hours=12))


def test_each_member_who_asked_gets_one_email_a_week(
    opted_in, owner, viewer, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = run(MONDAY)
        # Beat runs every hour; again the same Monday, and twice at once: nothing more.
        assert run(MONDAY + timedelta(hours=1)) == []
        assert tasks.send_due_digests.run() >= 0
    assert sorted(item.to for item in queued) == [owner.email, viewer.email]
    assert len(mail.outbox) == 2 and editor.email not in [m.to[0] for m in mail.outbox]
    # Next Monday: again.
    with django_capture_on_commit_callbacks(execute=True):
        assert len(run(MONDAY + timedelta(days=7))) == 2


def test_the_digest_lists_attention_first_with_arrows(
    opted_in, owner, project, django_capture_on_commit_callbacks
):
    # The main project's first estimate is over a week old; a newer one moved its chances.
    Estimate.objects.filter(project=project).update(finished_at=MONDAY - timedelta(days=8))
    from projects.engine import normalise
    from projects.estimates import queue_estimate

    newer = queue_estimate(
        project.add_revision(normalise({"trials": 1000, "seed": 7, "deadline_weeks": 3}), owner)
    )
    Estimate.objects.filter(pk=newer.pk).update(finished_at=MONDAY - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        run(MONDAY)
    sent = next(m for m in mail.outbox if m.to == [owner.email])
    body = sent.body
    assert sent.subject.startswith("Payments this week: 2 projects, ")
    assert body.index("NEEDS ATTENTION") < body.index("Fraud alerts")
    assert ": down " in body and "↓" in body
    assert "new" in body  # the project with no estimate a week ago
    html = sent.alternatives[0][0]
    assert "Needs attention" in html and "Open the portfolio" in html
    assert "<img" not in html


def test_an_outside_address_gets_projects_through_share_links_until_revoked(
    opted_in, owner, project, django_capture_on_commit_callbacks
):
    Membership.objects.update(weekly_digest=False)
    link = ShareLink.objects.create(project=project, token=new_token(), created_by=owner)
    outside = OutsideDigest.objects.create(team=opted_in, email="ceo@example.org")
    outside.links.set([link])
    with django_capture_on_commit_callbacks(execute=True):
        [item] = run(MONDAY)
    assert item.to == "ceo@example.org" and item.projects == ["Fraud alerts"]
    [sent] = mail.outbox
    assert f"http://localhost:8000/shared/{link.token}/" in sent.body
    assert f"/projects/{project.pk}/" not in sent.body  # they have no account
    assert "Open the portfolio" not in sent.alternatives[0][0]
    link.revoke()
    assert run(MONDAY + timedelta(days=7)) == []


def test_dry_run_prints_and_queues_nothing(opted_in):
    out = StringIO()
    call_command("send_digest", "--dry-run", "--now", "2026-12-07T07:30Z", stdout=out)
    text = out.getvalue()
    assert "To olivia@example.com: “Payments this week: 2 projects" in text
    assert "2 digest email(s) would be queued (--dry-run; nothing queued)." in text
    assert OutboundEmail.objects.count() == 0
    call_command("send_digest", "--now", "2026-12-07T07:30Z", stdout=StringIO())
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.DIGEST).count() == 2
    out = StringIO()
    call_command("send_digest", "--dry-run", "--now", "2026-12-07T08:30Z", stdout=out)
    assert "0 digest email(s)" in out.getvalue()


def test_the_command_names_a_bad_option(opted_in):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--now"):
        call_command("send_digest", "--now", "monday")
    with pytest.raises(CommandError, match="--team"):
        call_command("send_digest", "--team", "99999")


def test_beat_schedules_the_digest_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-weekly-digests"]
    assert entry["task"] == "projects.tasks.send_due_digests" and entry["schedule"] == 3600


def test_a_team_without_projects_or_readers_sends_nothing(owner):
    Team.create_owned(owner, "Empty")
    assert run(MONDAY) == []
