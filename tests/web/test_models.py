"""Revisions never change; estimates record what happened, failures included."""

from __future__ import annotations

import pytest

from projects.engine import ENGINE_VERSION, normalise
from projects.estimates import queue_estimate
from projects.models import Estimate, Project, Revision, RevisionIsImmutable

pytestmark = pytest.mark.django_db


def test_a_saved_revision_cannot_be_changed(project):
    revision = project.latest_revision()
    original = dict(revision.inputs)
    revision.inputs["deadline_weeks"] = 1
    revision.note = "rewritten"
    with pytest.raises(RevisionIsImmutable):
        revision.save()
    with pytest.raises(RevisionIsImmutable):
        Revision.objects.filter(pk=revision.pk).update(note="rewritten")
    with pytest.raises(RevisionIsImmutable):
        project.revisions.update(note="rewritten")
    stored = Revision.objects.get(pk=revision.pk)
    assert stored.inputs == original
    assert stored.note == "First numbers"


def test_revisions_number_up_per_project(team, owner):
    first = Project.objects.create(team=team, name="A")
    second = Project.objects.create(team=team, name="B")
    inputs = normalise({})
    numbers = [first.add_revision(inputs, owner).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert second.add_revision(inputs, owner).number == 1
    assert first.latest_revision().number == 3
    assert first.latest_revision().previous().number == 2


def test_project_url_is_its_report(project):
    assert project.get_absolute_url() == f"/projects/{project.pk}/"


def test_an_estimate_records_seed_trials_version_result_and_times(project):
    estimate = project.latest_revision().latest_estimate()
    assert estimate.status == Estimate.Status.DONE
    assert (estimate.seed, estimate.trials) == (7, 1000)
    assert estimate.engine_version == ENGINE_VERSION
    assert estimate.result["engine_version"] == ENGINE_VERSION
    assert set(estimate.result["probability"]) >= {"within_budget", "by_deadline", "all_targets"}
    assert estimate.error == ""
    assert estimate.created_at <= estimate.started_at <= estimate.finished_at


def test_a_random_seed_is_drawn_and_recorded(team, owner):
    project = Project.objects.create(team=team, name="Random")
    revision = project.add_revision(normalise({"trials": 1000}), owner)
    first, second = queue_estimate(revision), queue_estimate(revision)
    assert revision.inputs["seed"] is None
    assert first.seed is not None and first.seed == first.result["seed"]
    assert first.seed != second.seed


def test_a_failed_estimate_is_recorded_with_its_message(project, owner):
    # Inputs from an older engine version that this engine rejects: a real failure path.
    revision = Revision.objects.create(
        project=project, number=2, inputs={"deadline_weeks": 0, "colour": "blue"}, author=owner
    )
    estimate = queue_estimate(revision)
    estimate.refresh_from_db()
    assert estimate.status == Estimate.Status.FAILED
    assert estimate.result is None
    assert estimate.error.startswith("The engine rejected these inputs: ")
    assert "Deadline: must be a number from 1 up to 520, got 0" in estimate.error
    assert "colour: is not a known input; see the list of inputs" in estimate.error
    assert estimate.started_at and estimate.finished_at


def test_a_broken_revision_fails_its_estimate_without_raising(project, owner):
    revision = Revision.objects.create(project=project, number=2, inputs=["not", "a", "dict"])
    estimate = queue_estimate(revision)
    assert estimate.status == Estimate.Status.FAILED
    assert "must be a JSON object" in estimate.error


def test_the_report_page_shows_a_failure_and_the_last_good_report(client, project, owner):
    Revision.objects.create(project=project, number=2, inputs={"budget_usd": -1}, author=owner)
    queue_estimate(project.latest_revision())
    client.force_login(owner)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "The estimate of revision 2 failed." in html
    assert "Budget: must be a number above 0 up to 10^10, got -1" in html
    assert "the last successful estimate, of revision 1" in html
    assert "Risk register" in html


def test_the_report_page_survives_a_malformed_result(client, project, owner):
    Estimate.objects.create(
        revision=project.latest_revision(), status=Estimate.Status.DONE, trials=1000,
        result={"summary": ["Half a result"]},
    )  # fmt: skip
    client.force_login(owner)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert b"could not be shown" in response.content
