"""The report page's charts and the live what-if: fragments for htmx, full pages without it."""

from __future__ import annotations

import json
import re
from html import unescape

from django.urls import reverse

from projects.forms import WhatIfForm
from projects.models import Estimate
from projects.whatif import WHATIF_KEYS


def _panel_values(revision, **changes) -> dict:
    """What the panel's form sends: every field as the browser shows it, with `changes`."""
    form = WhatIfForm(base_inputs=revision.inputs)
    data = {"based_on": str(revision.number)}
    for key in WHATIF_KEYS:
        bound = form[key]
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        data[key] = str(bound.field.prepare_value(value))
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _text(html: str) -> str:
    """The words of an HTML page, as a person reads them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _whatif_url(project) -> str:
    return reverse("project_whatif", args=[project.pk])


def test_the_report_page_has_its_charts_and_the_scripts_that_draw_them(client, owner, project):
    client.force_login(owner)
    page = client.get(project.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    for key in ("cost", "duration", "metric", "test-vs-production", "by-month", "phases"):
        assert f'data-figure="report-{key}-data"' in html
        data = re.search(
            rf'<script id="report-{key}-data" type="application/json">(.*?)</script>', html
        )
        figure = json.loads(data.group(1))
        assert figure["data"] and figure["alt"]
    assert 'data-figure="report-risk-matrix-data"' in html
    assert 'data-figure="report-levers-data"' in html
    # plotly.js and the chart script come from this server, never from a CDN.
    assert '<script src="/static/vendor/plotly.min.js"></script>' in html
    assert '<script src="/static/js/charts.js"></script>' in html
    assert "cdn" not in html.lower()
    # Every chart carries its text alternative for screen readers.
    assert html.count('role="img" aria-label="') >= 11


def test_plotly_js_is_served_from_the_plotly_package(client):
    from projects.staticfinders import plotly_js_path

    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == plotly_js_path().read_bytes()
    assert b"plotly.js" in body[:200]


def test_plotly_js_is_collected_compressed_with_a_hashed_name(tmp_path, settings):
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    finders.get_finder.cache_clear()
    call_command("collectstatic", interactive=False, verbosity=0)
    vendor = {path.name for path in (tmp_path / "vendor").iterdir()}
    assert "plotly.min.js" in vendor
    hashed = [name for name in vendor if re.fullmatch(r"plotly\.min\.[0-9a-f]{12}\.js", name)]
    assert hashed and f"{hashed[0]}.gz" in vendor
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert manifest["paths"]["vendor/plotly.min.js"] == f"vendor/{hashed[0]}"


def test_the_panel_shows_the_controllable_inputs_with_the_saved_values(client, owner, project):
    client.force_login(owner)
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'id="whatif"' in html
    assert f'hx-post="{_whatif_url(project)}"' in html
    assert f'action="{_whatif_url(project)}#whatif"' in html
    assert 'hx-trigger="input changed delay:400ms, change"' in html
    for key in WHATIF_KEYS:
        assert f'name="{key}"' in html
    assert 'name="budget_usd" value="500,000"' in html
    assert "Save as revision 2" in html


def test_an_htmx_whatif_gets_only_the_result_fragment(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    response = client.post(
        _whatif_url(project),
        _panel_values(revision, budget_usd="900,000", senior_ml="3"),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="whatif-title"' not in html
    assert html.lstrip().startswith('<div id="whatif-result"')
    assert "Budget $500,000 → $900,000" in _text(html)
    assert "Experienced ML engineers 1 person → 3 people" in _text(html)
    assert "Saved estimate" in html and "Chance: within budget" in html
    assert 'data-figure="whatif-cost-data"' in html
    assert "HX-Request" in response["Vary"]


def test_the_whatif_shows_each_change_with_an_arrow_and_the_difference(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    saved = revision.latest_estimate().result
    response = client.post(
        _whatif_url(project),
        _panel_values(revision, senior_ml="4"),
        headers={"HX-Request": "true"},
    )
    rows = response.context["whatif"]["differences"]
    weeks = next(row for row in rows if row.label == "Median weeks to production")
    assert weeks.arrow == "↓" and weeks.tone == "good" and weeks.change.startswith("−")
    deadline = next(row for row in rows if "deadline" in row.label)
    assert deadline.before == f"{round(saved['probability']['by_deadline'] * 100)}%"
    assert deadline.arrow == "↑" and deadline.change.startswith("+")
    # The table shows each row's figures: the saved estimate's, then the what-if's.
    assert (
        f'<th scope="row">{deadline.label}</th><td class="num">{deadline.before}</td>'
        f'<td class="num strong">{deadline.after}</td>'
    ) in response.content.decode()


def test_unchanged_values_reproduce_the_saved_estimate(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    response = client.post(
        _whatif_url(project), _panel_values(revision), headers={"HX-Request": "true"}
    )
    rows = response.context["whatif"]["differences"]
    # Same inputs, same seed, same number of scenarios: nothing moves.
    assert {row.change for row in rows} == {"no change"}
    assert {row.arrow for row in rows} == {"→"}


def test_a_whatif_starts_from_the_same_checkin_as_the_saved_estimate(client, owner, project):
    from projects.engine import estimate

    revision = project.latest_revision()
    progress = {
        "weeks_elapsed": 10,
        "spent_usd": 150_000,
        "labels_done": 0,
        "people_now": None,
        "offline_score": 0.8,
        "production_score": None,
    }
    saved = revision.latest_estimate()
    saved.result = estimate(
        {**revision.inputs, "seed": saved.seed, "trials": 1000}, progress=progress
    )
    saved.save(update_fields=["result"])
    client.force_login(owner)
    response = client.post(
        _whatif_url(project), _panel_values(revision), headers={"HX-Request": "true"}
    )
    # Unchanged values from the same check-in: nothing moves (without it, money spent would).
    assert {row.change for row in response.context["whatif"]["differences"]} == {"no change"}


def test_without_javascript_the_whatif_is_a_full_page(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    response = client.post(_whatif_url(project), _panel_values(revision, deadline_weeks="40"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'id="whatif-title"' in html
    assert 'name="deadline_weeks" value="40"' in html
    assert "Deadline 26 weeks → 40 weeks" in _text(html)
    assert '<script src="/static/js/charts.js"></script>' in html
    assert "HX-Request" in response["Vary"]


def test_a_bad_value_gets_its_message_next_to_the_field(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    values = _panel_values(revision, deadline_weeks="0", budget_usd="lots")
    page = client.post(_whatif_url(project), values)
    html = page.content.decode()
    assert page.status_code == 200
    error = re.search(r'id="id_deadline_weeks_error"[^>]*><p class="error">([^<]*)</p>', html)
    assert error.group(1) == "Must be a number from 1 up to 520, got 0"
    assert 'got "lots"' in _text(html)
    assert "The what-if did not run" in html
    # htmx: the messages arrive out of band, beside the fields the user is typing in.
    fragment = client.post(_whatif_url(project), values, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert 'id="id_deadline_weeks_error" aria-live="polite" hx-swap-oob="true"' in text
    assert "Must be a number from 1 up to 520, got 0" in text


def test_a_percentage_out_of_range_is_worded_in_percent(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    page = client.post(_whatif_url(project), _panel_values(revision, target_value="150"))
    assert "a percentage above 0% up to 100%, got 150%" in page.content.decode()


def test_viewers_may_explore_but_not_save(client, viewer, project):
    client.force_login(viewer)
    revision = project.latest_revision()
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'id="whatif"' in html and "Save as revision" not in html
    assert "You are a viewer" in html
    explored = client.post(_whatif_url(project), _panel_values(revision, budget_usd="1,000,000"))
    assert explored.status_code == 200 and "Saved estimate" in explored.content.decode()
    refused = client.post(
        reverse("project_whatif_save", args=[project.pk]),
        _panel_values(revision, budget_usd="1,000,000"),
    )
    assert refused.status_code == 403
    assert project.revisions.count() == 1


def test_outsiders_see_nothing(client, outsider, project):
    client.force_login(outsider)
    response = client.post(_whatif_url(project), {})
    assert response.status_code == 404


def test_saving_a_whatif_makes_the_next_revision_and_estimates_it(client, editor, project):
    client.force_login(editor)
    revision = project.latest_revision()
    response = client.post(
        reverse("project_whatif_save", args=[project.pk]),
        _panel_values(revision, budget_usd="750,000", has_monitoring="on"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    assert "Saved the what-if as revision 2 and estimated." in response.content.decode()
    saved = project.latest_revision()
    assert saved.number == 2 and saved.author == editor
    assert saved.inputs["budget_usd"] == 750_000 and saved.inputs["has_monitoring"] is True
    # Everything the panel does not show is kept from the revision it started from.
    unchanged = {
        k: v for k, v in revision.inputs.items() if k not in ("budget_usd", "has_monitoring")
    }
    assert {k: saved.inputs[k] for k in unchanged} == unchanged
    assert saved.note.startswith("What-if: Budget $500,000 → $750,000")
    assert saved.latest_estimate().status == Estimate.Status.DONE


def test_saving_refuses_bad_values_and_keeps_them(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    response = client.post(
        reverse("project_whatif_save", args=[project.pk]),
        _panel_values(revision, senior_ml="-2"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved: fix the values marked below." in html
    assert 'name="senior_ml" value="-2"' in html
    assert project.revisions.count() == 1


def test_saving_notices_a_revision_saved_meanwhile(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    values = _panel_values(revision, budget_usd="650,000")
    project.add_revision({**revision.inputs, "deadline_weeks": 40}, owner, note="Meanwhile")
    response = client.post(reverse("project_whatif_save", args=[project.pk]), values)
    assert response.status_code == 409
    assert "Revision 2 was saved while you explored" in response.content.decode()
    assert project.revisions.count() == 2


def test_saving_nothing_changed_saves_nothing(client, owner, project):
    client.force_login(owner)
    revision = project.latest_revision()
    response = client.post(
        reverse("project_whatif_save", args=[project.pk]), _panel_values(revision), follow=True
    )
    assert "changes nothing" in response.content.decode()
    assert project.revisions.count() == 1


def test_no_finished_estimate_means_no_whatif_yet(client, owner, project, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # queued for a worker, which has it
    client.force_login(owner)
    revision = project.add_revision(project.latest_revision().inputs, owner)
    Estimate.objects.create(revision=revision, status=Estimate.Status.QUEUED, trials=1000)
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'id="whatif"' not in html
    response = client.post(_whatif_url(project), _panel_values(revision))
    assert "needs a finished estimate of the latest revision" in response.content.decode()


def test_a_whatif_near_100_percent_keeps_its_digits_and_its_warning(
    client, owner, team, make_project
):
    from projects.engine.examples import load

    project = make_project(team, owner, **{**load("card_fraud_accuracy"), "trials": 2000})
    client.force_login(owner)
    revision = project.latest_revision()
    response = client.post(
        _whatif_url(project),
        _panel_values(revision, target_value="99.8"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    median = response.context["whatif"]["differences"][-1]
    assert median.label == "Median production accuracy"
    # Within a tenth of a point of 100%: "100%" would hide the difference from the target.
    assert median.before.startswith("99.9") and median.after.startswith("99.9")
    assert "100%" not in (median.before, median.after)
    text = _text(response.content.decode())
    assert "Target value in production 99.9% → 99.8%" in text
    assert 'Check this: Always answering "not fraud" already scores 99.' in text
