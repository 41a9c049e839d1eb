"""Check-ins through the page: the form generated from the engine's PROGRESS, the list on the
project page, the estimate each one queues, and the re-estimate cadence."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import checkins
from projects.engine.inputs import PROGRESS
from projects.models import CheckIn, Estimate

pytestmark = pytest.mark.django_db

# Check-ins may not be dated in the future, nor before the project was created (just now).
TODAY = timezone.localdate()


def form_data(**overrides) -> dict:
    data = {
        "date": TODAY.isoformat(),
        "weeks_elapsed": "8",
        "spent_usd": "$120,000",
        "labels_done": "",
        "people_now": "",
        "offline_score": "78",
        "production_score": "",
        "note": "Pilot done",
    }
    data.update(overrides)
    return data


def test_the_form_has_every_progress_field_with_its_label_and_unit(client, project, owner):
    client.force_login(owner)
    response = client.get(reverse("checkin_create", args=[project.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for spec in PROGRESS:
        assert f'name="{spec.key}"' in page
        assert spec.label in page
    assert 'type="date"' in page and 'name="note"' in page


def test_it_works(client, project, owner):
    client.force_login(owner)

    response = client.post(reverse("checkin_create", args=[project.pk]), form_data())

    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#checkin-{checkin.pk}")
    assert checkin.date == TODAY
    assert (checkin.weeks_elapsed, checkin.spent_usd, checkin.offline_score) == (8, 120000, 0.78)
    assert (checkin.labels_done, checkin.people_now, checkin.production_score) == (0, None, None)
    assert checkin.author == owner and checkin.note == "Pilot done"
    estimate = project.latest_revision().latest_estimate()
    assert (estimate.trigger, estimate.checkin, estimate.status) == ("checkin", checkin, "done")
    assert estimate.result["progress"] == checkin.progress() | {"offline_score": 0.78}
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'id="checkin-{checkin.pk}"' in page
    assert "$120,000" in page and "78%" in page and "Pilot done" in page


def test_it_rejects_values_out_of_range_in_the_forms_terms(client, project, owner):
    client.force_login(owner)
    data = form_data(offline_score="140", weeks_elapsed="", people_now="0")

    response = client.post(reverse("checkin_create", args=[project.pk]), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "percentage above 0% up to 100%" in errors["offline_score"][0]
    assert "got 140%" in errors["offline_score"][0]
    assert "required" in errors["weeks_elapsed"][0]
    assert "from 1 up to 4,000" in errors["people_now"][0]
    assert not CheckIn.objects.exists()
    # What was typed stays in the form.
    assert 'value="140"' in response.content.decode()


def test_viewers_cannot_check_in_and_outsiders_see_nothing(client, project, viewer, outsider):
    url = reverse("checkin_create", args=[project.pk])
    client.force_login(viewer)
    assert client.post(url, form_data()).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert not CheckIn.objects.exists()


def test_later_estimates_start_from_the_latest_checkin(project, owner):
    revision = project.latest_revision()
    checkins.record(project, date=datetime.date(2026, 10, 1), progress=progress(weeks=2))
    latest, _ = checkins.record(
        project, date=datetime.date(2026, 11, 1), progress=progress(weeks=6)
    )
    from projects.estimates import queue_estimate

    scheduled = queue_estimate(revision, trigger=Estimate.Trigger.SCHEDULE)

    assert scheduled.checkin == latest
    assert scheduled.result["progress"]["weeks_elapsed"] == 6


def progress(weeks: float = 0, spent: float = 0, **measured) -> dict:
    values = {spec.key: spec.default for spec in PROGRESS}
    return values | {"weeks_elapsed": weeks, "spent_usd": spent} | measured


# Direction: a check-in moves the next estimate the way the facts say ------------------------


@pytest.fixture
def steady(make_project, team, owner):
    """A project estimated with enough scenarios that medians are steady, and its estimate."""
    project = make_project(team, owner, name="Steady", trials=8000, seed=3)
    return project, project.latest_revision().latest_estimate().result


def estimate_from(project, **measured) -> dict:
    _, estimate = checkins.record(
        project, date=datetime.date(2026, 11, 1), progress=progress(**measured)
    )
    assert estimate.status == Estimate.Status.DONE, estimate.error
    return estimate.result


def test_money_already_spent_raises_the_cost_median(steady):
    project, before = steady
    spent = before["cost_usd"]["p50"]

    after = estimate_from(project, weeks=4, spent=spent)

    assert after["cost_usd"]["p10"] >= spent  # spent money is fixed
    assert after["cost_usd"]["p50"] > before["cost_usd"]["p50"] * 1.2


def test_a_low_measured_production_score_lowers_the_production_metric(steady):
    project, before = steady
    before_p50 = before["production_metric"]["p50"]

    after = estimate_from(project, weeks=10, spent=50_000, production_score=0.35)

    assert after["production_metric"]["p50"] < before_p50 - 0.1
    assert after["probability"]["meets_target"] <= before["probability"]["meets_target"]


def test_time_already_spent_sets_a_floor_on_the_weeks(steady):
    project, before = steady
    elapsed = before["duration_weeks"]["p90"] + 5

    after = estimate_from(project, weeks=elapsed, spent=10_000)

    assert after["duration_weeks"]["p10"] >= elapsed


# Cadence --------------------------------------------------------------------------------------


def test_editors_set_the_cadence_on_the_project_page(client, project, editor):
    client.force_login(editor)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'name="reestimate_every_days"' in page and "Re-estimated every 7 days." in page

    response = client.post(
        reverse("project_cadence", args=[project.pk]), {"reestimate_every_days": "14"}, follow=True
    )

    project.refresh_from_db()
    assert project.reestimate_every_days == 14
    assert b"re-estimated every 14 days" in response.content
    client.post(reverse("project_cadence", args=[project.pk]), {"reestimate_every_days": "0"})
    project.refresh_from_db()
    assert project.reestimate_every_days == 0


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-1", "“-1” is outside 0 to 365 days"),
        ("366", "“366” is outside 0 to 365 days"),
        ("weekly", "“weekly” is not a whole number of days"),
        ("", "no number of days was given"),
        # Not quoted back: a right-to-left override would scramble the message around it.
        ("\u202e7", "what was entered is not a whole number of days"),
    ],
)
def test_it_rejects_a_cadence_that_is_not_0_to_365_days(client, project, owner, value, problem):
    client.force_login(owner)
    response = client.post(
        reverse("project_cadence", args=[project.pk]), {"reestimate_every_days": value}, follow=True
    )
    project.refresh_from_db()
    assert project.reestimate_every_days == 7
    [message] = [str(m) for m in response.context["messages"]]
    assert message == (
        f"Re-estimate every: {problem}. Enter a whole number of days from 1 to 365, "
        "or 0 to turn scheduled re-estimates off."
    )
    assert message in response.content.decode()


def test_viewers_cannot_change_the_cadence(client, project, viewer):
    client.force_login(viewer)
    url = reverse("project_cadence", args=[project.pk])
    assert client.post(url, {"reestimate_every_days": "1"}).status_code == 403
    project.refresh_from_db()
    assert project.reestimate_every_days == 7


def test_archived_projects_take_no_checkins(client, project, owner):
    project.archived = True
    project.save()
    client.force_login(owner)
    response = client.post(reverse("checkin_create", args=[project.pk]), form_data(), follow=True)
    assert b"is archived; restore it before checking in" in response.content
    assert not CheckIn.objects.exists()
