"""Alerts: watchers get one email when a new estimate moves a chance by 10 points or more, or
across 50%, with the chances before and after, the bottom line, the cause and a link; at most
one per project, watcher and day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from projects import alerts
from projects.engine import normalise
from projects.estimates import queue_estimate
from projects.models import Estimate, OutboundEmail, Project
from projects.vocabulary import CHANCES

pytestmark = pytest.mark.django_db

FAST = {"trials": 1000, "seed": 7}


def result(**chances) -> dict:
    base = {chance.key: 0.6 for chance in CHANCES}
    return {"probability": {**base, **chances}, "summary": ["Bottom line: a fair chance."]}


def test_a_move_of_ten_points_is_news_and_nine_is_not():
    rows = alerts.moves(result(within_budget=0.62), result(within_budget=0.72))
    assert [row["news"] for row in rows if row["label"] == "Within budget"] == [True]
    rows = alerts.moves(result(within_budget=0.62), result(within_budget=0.71))
    assert not any(row["news"] for row in rows)


def test_crossing_fifty_percent_is_news_whatever_the_size():
    rows = alerts.moves(result(by_deadline=0.52), result(by_deadline=0.48))
    [row] = [row for row in rows if row["news"]]
    assert row["crossed"] and (row["before"], row["after"]) == ("52%", "48%")
    assert row["change"] == "−4 points" and row["arrow"] == "↓"


def test_every_chance_in_the_vocabulary_is_in_the_alert(monkeypatch):
    from projects import vocabulary

    fifth = vocabulary.Chance("reaches_production", "Reaches production", "Production", "#000")
    monkeypatch.setattr(alerts, "CHANCES", (*vocabulary.CHANCES, fifth))
    rows = alerts.moves(result(reaches_production=0.9), result(reaches_production=0.5))
    assert rows[-1]["label"] == "Reaches production" and rows[-1]["news"]


@pytest.fixture
def watched(project, owner, editor, viewer):
    alerts.set_watching(project, viewer, True)
    return project


def revise(project: Project, author, **inputs) -> Estimate:
    revision = project.add_revision(
        normalise({**FAST, **inputs}), author, note="Deadline moved to next month"
    )
    return queue_estimate(revision)


def test_a_watcher_gets_one_email_with_before_after_cause_and_link(
    watched, owner, viewer, django_capture_on_commit_callbacks
):
    watched.team.time_zone = "Asia/Tokyo"
    watched.team.save()
    with django_capture_on_commit_callbacks(execute=True):
        estimate = revise(watched, owner, deadline_weeks=4)
    assert estimate.status == Estimate.Status.DONE
    [sent] = mail.outbox
    assert " JST, after revision 2" in sent.body  # the team's time zone
    assert sent.to == [viewer.email]
    assert sent.subject.startswith("Fraud alerts: ")
    body = sent.body
    for chance in CHANCES:
        assert chance.long_label("accuracy") in body
    assert "revision 2 by olivia (“Deadline moved to next month”)" in body
    assert estimate.result["summary"][0] in body
    assert f"http://localhost:8000/projects/{watched.pk}/" in body
    html = sent.alternatives[0][0]
    assert "Before" in html and "Now" in html and "Open the report" in html
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http://localhost:8000/unsub")


def test_no_email_when_nothing_moved_enough(watched, owner):
    revise(watched, owner, **{"seed": 8})
    assert mail.outbox == []


def test_alerts_are_coalesced_to_one_a_day(watched, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        revise(watched, owner, deadline_weeks=4)
        revise(watched, owner, deadline_weeks=400)
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ALERT).count() == 1


def test_owners_make_the_whole_team_watch_and_a_member_can_stop(
    project, owner, editor, viewer, django_capture_on_commit_callbacks
):
    Project.objects.filter(pk=project.pk).update(team_watches=True)
    project.refresh_from_db()
    alerts.set_watching(project, editor, False)
    assert {user.username for user in alerts.watchers(project)} == {"olivia", "vera"}
    with django_capture_on_commit_callbacks(execute=True):
        revise(project, owner, deadline_weeks=4)
    assert sorted(sent.to[0] for sent in mail.outbox) == [owner.email, viewer.email]


def test_someone_who_left_the_team_gets_nothing(watched, viewer, owner):
    watched.team.memberships.filter(user=viewer).delete()
    assert alerts.watchers(watched) == []


def test_a_check_in_is_named_as_the_cause(watched, owner):
    from projects import checkins
    from projects.engine.inputs import normalise_progress

    previous = Estimate.objects.done().get(project=watched)
    checkin, estimate = checkins.record(
        watched,
        date=timezone.localdate() - timedelta(days=1),
        progress=normalise_progress({"weeks_elapsed": 30, "spent_usd": 900_000}),
        author=owner,
    )
    assert alerts.previous_estimate(estimate) == previous
    assert alerts.cause(estimate).startswith("the check-in of ")
