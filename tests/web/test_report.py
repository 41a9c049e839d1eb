"""The report page: earlier revisions' reports, and the status poll of a running estimate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects import estimates
from projects.models import Estimate

pytestmark = pytest.mark.django_db


def test_report_polls_while_an_estimate_runs(client, project, owner, settings):
    # Queued for a worker (a broker is set; nothing is sent to it here). Without one the page
    # would run a queued estimate itself (estimates.run_if_waiting).
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    estimate = Estimate.objects.create(
        revision=project.latest_revision(), status=Estimate.Status.QUEUED, trials=1000
    )
    client.force_login(owner)
    page = client.get(project.get_absolute_url())
    assert b'hx-trigger="every 2s"' in page.content
    partial = client.get(project.get_absolute_url(), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b"Estimating" in partial.content
    assert "HX-Refresh" not in partial
    estimate.delete()
    done = client.get(project.get_absolute_url(), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "HX-Request" in done["Vary"]


def test_the_history_opens_an_earlier_revisions_report(client, project, owner):
    later = {**project.latest_revision().inputs, "deadline_weeks": 52}
    from projects.estimates import queue_estimate

    queue_estimate(project.add_revision(later, owner))
    client.force_login(owner)
    latest = client.get(project.get_absolute_url())
    assert latest.context["shown"].revision.number == 2
    assert b"?revision=1" in latest.content
    earlier = client.get(project.get_absolute_url(), {"revision": "1"})
    assert earlier.status_code == 200
    assert earlier.context["shown"].revision.number == 1
    assert b"You are looking at revision 1" in earlier.content
    assert b"52 weeks" not in earlier.content.split(b"History")[0]
    assert client.get(project.get_absolute_url(), {"revision": "9"}).status_code == 404


def test_a_stalled_estimate_stops_polling_and_says_so(client, project, owner, live_runner):
    from datetime import timedelta

    from django.utils import timezone

    from projects.models import STALLED_AFTER

    revision = project.add_revision(project.latest_revision().inputs, owner)
    stuck = Estimate.objects.create(revision=revision, status=Estimate.Status.RUNNING, trials=1000)
    Estimate.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    client.force_login(owner)
    with live_runner(stuck):  # hung, not dead: nothing can resume it
        page = client.get(project.get_absolute_url())
        poll = client.get(project.get_absolute_url(), headers={"HX-Request": "true"})
    assert b"never finished" in page.content
    assert b'hx-trigger="every 2s"' not in page.content
    assert poll["HX-Refresh"] == "true"


def test_the_status_box_polls_while_queued_and_stops_when_done(
    client, project, owner, live_runner, settings
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # queued for a worker, which has it
    client.force_login(owner)
    queued = estimates.create_estimate(project.latest_revision())
    url = reverse("estimate_status", args=[project.pk, queued.pk])

    waiting = client.get(url, headers={"HX-Request": "true"})
    page = client.get(project.get_absolute_url()).content.decode()

    assert "HX-Refresh" not in waiting
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "Estimating: queued." in waiting.content.decode()
    # The page still shows the last good report, and the box says so.
    assert "the last successful estimate, of revision 1" in waiting.content.decode()
    assert f'hx-get="{url}"' in page  # the project page polls the small status box
    Estimate.objects.filter(pk=queued.pk).update(status="running", progress=40)
    with live_runner(queued):
        running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "40% done" in running and 'value="40"' in running
    Estimate.objects.filter(pk=queued.pk).update(status="queued")
    assert estimates.run_estimate(queued.pk).status == "done"
    finished = client.get(url, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"
    assert "hx-trigger" not in finished.content.decode()


def _page_text(response) -> str:
    import re
    from html import unescape

    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_fraud_story_keeps_its_digits_and_warns_of_its_trivial_target(
    client, make_project, team, owner
):
    from projects.engine.examples import load

    project = make_project(team, owner, **{**load("card_fraud_accuracy"), "trials": 2000})
    client.force_login(owner)
    page = client.get(project.get_absolute_url())
    report = page.context["report"]
    metric = next(row for row in report.outcomes if row.label == "Production accuracy")
    # Every quantile of accuracy and the target would read "100%" and "99.9%" when rounded.
    assert metric.target == "99.9%"
    assert "100%" not in (metric.low, metric.middle, metric.high)
    assert metric.middle.startswith("99.9") and metric.middle != metric.target
    # Rare positives: recall and precision at the accuracy-best threshold, without targets.
    assert [row.label for row in report.outcomes[3:]] == [
        "Production recall",
        "Production precision",
    ]
    text = _page_text(page)
    assert "Inputs to check" in text
    assert "Target value in production:" in text
    assert 'Always answering "not fraud" already scores 99.9% accuracy' in text
    assert "Balanced accuracy: The average of the share of positive cases" in text
    assert "The share of fraud cases the model catches, at the threshold with the best" in text
    # Said once, in the box under the summary, not in the summary as well.
    assert text.split("Risk register")[0].count('Always answering "not fraud"') == 1
    assert report.summary == [
        sentence for sentence in project.shown_estimate().result["summary"]
        if not sentence.startswith("Always answering")
    ]  # fmt: skip


def test_a_target_out_of_reach_shows_the_one_you_can_promise(client, make_project, team, owner):
    from projects.engine.examples import load

    project = make_project(team, owner, **{**load("ticket_sentiment_shift"), "trials": 2000})
    client.force_login(owner)
    page = client.get(project.get_absolute_url())
    report = page.context["report"]
    estimate_result = project.shown_estimate().result
    promised = estimate_result["promisable_target"]
    assert promised < 0.9
    assert report.promise == f"{round(promised * 100)}% accuracy"
    assert (
        f"A quality target you can promise: {report.promise}, reached on real traffic in 4 "
        "scenarios out of 5 (the target asked for: 90%, reached in under 1%)."
    ) in _page_text(page)
    # Balanced classes and an accuracy target: no recall and precision rows, no warnings.
    assert len(report.outcomes) == 3
    assert "Inputs to check" not in _page_text(page)


def test_a_pilot_curve_that_falls_is_a_warning_on_the_report(client, make_project, team, owner):
    falling = [
        {"examples": 500, "score": 0.8},
        {"examples": 2000, "score": 0.75},
        {"examples": 8000, "score": 0.7},
    ]
    project = make_project(team, owner, pilot_curve=falling)
    client.force_login(owner)
    text = _page_text(client.get(project.get_absolute_url()))
    assert "Pilot learning curve: The pilot scores fall as labels grow" in text


@pytest.mark.parametrize("metric, name", [("f1", "F1"), ("pr_auc", "PR-AUC")])
def test_f1_and_pr_auc_targets_read_on_the_report(client, make_project, team, owner, metric, name):
    project = make_project(
        team, owner, target_metric=metric, target_value=0.5, positive_fraction=0.05
    )
    client.force_login(owner)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    report = page.context["report"]
    assert report.chances[2].label == f"Reaches the target {name}"
    labels = [row.label for row in report.outcomes]
    assert labels[2:] == [f"Production {name}", "Production recall", "Production precision"]
    assert "at the threshold with the best F1" in report.outcomes[3].note
