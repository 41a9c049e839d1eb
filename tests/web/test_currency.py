"""The team's currency symbol: set by owners on the team settings page, written before every
amount of the team's projects (pages, charts, the engine's sentences), never converted."""

from __future__ import annotations

import ast
import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import formatting
from projects.charts.history import median_figure
from projects.charts.outcomes import cost_curve
from projects.engine.inputs import INPUTS_BY_KEY
from projects.forms import WhatIfForm, parse_number
from projects.models import ShareLink, Team
from projects.models.teams import normal_currency
from projects.models.tokens import new_token
from projects.presenters.history import points
from projects.presenters.report import report
from projects.whatif import WHATIF_KEYS

ENGINE = Path(__file__).resolve().parents[2] / "projects" / "engine"
# A "$" amount, but not "US$" (the published figures the engine quotes stay dollars).
DOLLAR_AMOUNT = re.compile(r"(?<![A-Za-z])\$\s?\d")


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _euro(team: Team) -> Team:
    team.currency = "€"
    team.save(update_fields=["currency"])
    return team


# Formatting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "amount", "expected"),
    [
        ("€", 412_300, "€412k"),
        ("€", 850, "€850"),
        ("£", 1_250_000, "£1.2M"),
        ("CHF ", 4_812, "CHF 4,812"),
        ("CHF ", -13_000, "−CHF 13k"),
        (None, 412_300, "$412k"),
    ],
)
def test_money_is_written_in_the_active_currency(symbol, amount, expected):
    with formatting.currency_of(symbol):
        assert formatting.money(amount) == expected
    assert formatting.money(amount).startswith(("$", "−$"))  # back to the default after


def test_money_deltas_and_input_values_use_it_too():
    with formatting.currency_of("€"):
        assert formatting.money_delta(-13_006) == "−€13k"
        assert formatting.money_delta(40_000) == "+€40k"
        assert formatting.input_value_text(INPUTS_BY_KEY["budget_usd"], 750000.0) == "€750,000"
        assert formatting.input_value_text(INPUTS_BY_KEY["gpu_hourly_usd"], 2.5) == "€2.50 an hour"
        assert formatting.money_unit("USD/month") == "€/month"
        assert formatting.money_unit("weeks") == "weeks"
    assert formatting.money_unit("USD/month") == "USD/month"


@pytest.mark.parametrize(
    ("symbol", "sentence", "expected"),
    [
        (
            "€",
            "About a 1 in 4 chance of costing less than $520k; −$40k if you turn on auto-stop.",
            "About a 1 in 4 chance of costing less than €520k; −€40k if you turn on auto-stop.",
        ),
        (
            "CHF ",
            "A job left running costs about $4,800.",
            "A job left running costs about CHF 4,800.",
        ),
        ("€", "less than $1, and US$3 stays", "less than €1, and US$3 stays"),
        ("€", "No amount here, and a lone $ sign.", "No amount here, and a lone $ sign."),
        # Published figures are US dollars whatever the team's money: said so, not relabelled.
        (
            "€",
            "A breach costs $4.88M on average and $9.77M in healthcare (IBM 2024); yours $52k.",
            "A breach costs US$4.88M on average and US$9.77M in healthcare (IBM 2024); yours €52k.",
        ),
        ("$", "A breach costs $4.88M; yours $52k.", "A breach costs $4.88M; yours $52k."),
        (
            "€",
            "The user fees run from about $24,000 to $162,000 (2025); yours $24k.",
            "The user fees run from about US$24,000 to US$162,000 (2025); yours €24k.",
        ),
    ],
)
def test_the_engines_sentences_are_rewritten_in_the_teams_money(symbol, sentence, expected):
    with formatting.currency_of(symbol):
        assert formatting.in_currency(sentence) == expected


def test_every_dollar_amount_written_in_the_engine_is_one_it_computes_or_a_cited_one():
    """Amounts the engine computes are written by engine/words.py; a "$" and a digit in the text
    of any other engine module is a published figure, which must be listed in
    CITED_DOLLAR_AMOUNTS so that other currencies say US$ instead of relabelling it. The inputs'
    help texts (inputs.py) quote today's prices too, but only on the forms, never in a result."""
    literal = re.compile(r"\$\d+(?:[.,]\d+)*[kMB]?")
    found = set()
    for path in ENGINE.glob("*.py"):
        if path.name in ("words.py", "inputs.py"):
            continue
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        for node in ast.walk(tree):
            sentence = isinstance(node, ast.Constant) and " " in str(node.value)
            if sentence and isinstance(node.value, str) and id(node) not in docstrings:
                found |= set(literal.findall(node.value))
    assert found == set(formatting.CITED_DOLLAR_AMOUNTS)


def test_a_result_is_rewritten_without_changing_the_stored_one(project):
    result = project.shown_estimate().result
    stored = json.dumps(result, sort_keys=True)
    with formatting.currency_of("€"):
        shown = report(result)
    assert json.dumps(result, sort_keys=True) == stored
    sentences = shown.summary + [risk.impact for risk in shown.risks]
    assert any("€" in sentence for sentence in sentences)
    assert not any(DOLLAR_AMOUNT.search(sentence) for sentence in sentences)
    assert "€" in shown.outcomes[0].target


def test_charts_label_their_money_axes_and_hovers(project):
    result = project.shown_estimate().result
    with formatting.currency_of("£"):
        figure = cost_curve(result)
        history = median_figure(points(project), "cost")
    assert figure["layout"]["xaxis"]["tickprefix"] == "£"
    assert figure["layout"]["xaxis"]["title"]["text"] == "Total cost (£)"
    assert "chance of £%{x:,.3s} or less" in figure["data"][0]["hovertemplate"]
    assert "£" in figure["note"] and "$" not in json.dumps(figure)
    assert history["layout"]["yaxis"]["tickprefix"] == "£"


def test_forms_show_the_unit_and_read_amounts_typed_with_the_symbol(project):
    revision = project.latest_revision()
    with formatting.currency_of("CHF "):
        form = WhatIfForm(base_inputs=revision.inputs)
        units = {row.spec.key: row.unit for row in form.rows() if row.spec.key in WHATIF_KEYS}
        assert units["budget_usd"] == "CHF"
        assert parse_number(INPUTS_BY_KEY["budget_usd"], "CHF 600,000") == 600000
        # A dollar sign is not this team's money: it is left for the engine to refuse.
        assert parse_number(INPUTS_BY_KEY["budget_usd"], "$600,000") == "$600,000"
    assert parse_number(INPUTS_BY_KEY["budget_usd"], "$600,000") == 600000


# The setting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("$", "$"), ("€", "€"), (" £ ", "£"), ("CHF", "CHF "), ("CHF ", "CHF "), ("R$", "R$"),
     ("kr", "kr "), ("Fr.", "Fr. "), ("zł", "zł ")],
)  # fmt: skip
def test_a_currency_symbol_is_stored_normalised(typed, stored):
    assert normal_currency(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "type the symbol"),
        ("   ", "type the symbol"),
        ("EURO€", "5 characters long"),
        ("12", "“1” cannot be part"),
        ("=1+1", "“=” cannot be part"),
        ("-€", "“-” cannot be part"),
        ("<b>", "“<” cannot be part"),
        ("C F", "“space” cannot be part"),
        ("%{x}", "“%” cannot be part"),
    ],
)
def test_a_bad_currency_symbol_is_refused_naming_the_field(typed, says):
    with pytest.raises(ValidationError) as refused:
        normal_currency(typed)
    message = refused.value.messages[0]
    assert message.startswith("Currency symbol:") and says in message


def test_owners_change_the_currency_on_the_settings_page(client, owner, team):
    client.force_login(owner)
    url = reverse("team_settings", args=[team.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="currency"' in page.content.decode() and 'value="$"' in page.content.decode()
    response = client.post(url, {"name": "Payments", "currency": "CHF"})
    assert response.status_code == 302 and response["Location"] == reverse("team", args=[team.pk])
    team.refresh_from_db()
    assert team.currency == "CHF "
    assert "CHF 412k" in _text(client.get(response["Location"]).content.decode())


def test_a_bad_symbol_is_explained_beside_the_field_and_nothing_is_saved(client, owner, team):
    client.force_login(owner)
    response = client.post(
        reverse("team_settings", args=[team.pk]), {"name": "Renamed", "currency": "=HYPERLINK"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Currency symbol: “=HYPERLINK” is 10 characters long" in _text(html)
    assert 'value="=HYPERLINK"' in html  # what was typed is kept
    team.refresh_from_db()
    assert (team.name, team.currency) == ("Payments", "$")
    assert "<title>Settings: Payments" in html  # the invalid name shows nowhere but the field


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_owners_see_or_change_the_settings(client, team, who, request):
    client.force_login(request.getfixturevalue(who))
    url = reverse("team_settings", args=[team.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Mine", "currency": "€"}).status_code == 403
    team.refresh_from_db()
    assert team.currency == "$"
    assert "Settings</a>" not in client.get(reverse("team", args=[team.pk])).content.decode()


def test_the_model_refuses_a_symbol_the_form_would_not_store(team):
    team.currency = "CHF"  # the settings page stores "CHF "
    with pytest.raises(ValidationError) as refused:
        team.full_clean()
    assert "currency" in refused.value.message_dict


# Every page of the team's projects ------------------------------------------------------------


def test_every_page_of_a_euro_teams_project_writes_euros(client, owner, team, project):
    _euro(team)
    revision = project.latest_revision()
    estimates = list(project.estimates.done().order_by("id"))
    link = ShareLink.objects.create(project=project, token=new_token())
    client.force_login(owner)
    whatif_data = {"based_on": str(revision.number), "budget_usd": "€450,000"}
    form = WhatIfForm(base_inputs=revision.inputs)
    for key in WHATIF_KEYS:
        value = form[key].value()
        if key != "budget_usd" and not isinstance(value, bool):
            whatif_data[key] = str(form[key].field.prepare_value(value))
        elif value is True:
            whatif_data[key] = "on"
    pages = {
        "report": client.get(project.get_absolute_url()),
        "what-if": client.post(reverse("project_whatif", args=[project.pk]), whatif_data),
        "history": client.get(reverse("project_history", args=[project.pk])),
        "compare": client.get(
            reverse("compare_estimates", args=[project.pk]),
            {"before": estimates[0].pk, "after": estimates[-1].pk},
        ),
        "shared": client.get(reverse("shared_report", args=[link.token])),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        html = page.content.decode()
        assert "€" in _text(html), f"{name} shows no euro amount"
        dollars = DOLLAR_AMOUNT.findall(_text(html)) + DOLLAR_AMOUNT.findall(html)
        assert dollars == [], f"{name} still writes dollars: {dollars}"
    # The charts' JSON (json_script writes "€" as \u20ac).
    assert "Total cost (\\u20ac)" in pages["report"].content.decode()


def test_the_currency_of_one_team_never_leaks_into_another_teams_page(
    client, owner, team, project, make_project
):
    _euro(team)
    mine = Team.create_owned(owner, "Dollars")
    theirs = make_project(mine, owner, name="In dollars")
    client.force_login(owner)
    assert "€" in client.get(project.get_absolute_url()).content.decode()
    html = client.get(theirs.get_absolute_url()).content.decode()
    assert "€" not in html and DOLLAR_AMOUNT.search(_text(html))
    assert formatting.currency() == "$"  # nothing stays active after a request


# In a real browser -----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_euro_report_in_chromium(live_server, chromium, make_user, tmp_path):
    """The report of a € team as people see it: the charts' axes, notes and hovers, the
    sentences, and the what-if reading "€325,000". SAVE_SCREENSHOTS=1 keeps the picture in
    docs/screenshots/report-euro.png."""
    import os

    from playwright.sync_api import expect, sync_playwright

    from projects.engine import normalise
    from projects.engine.examples import load
    from projects.estimates import queue_estimate
    from projects.models import Membership, Project

    owner = make_user("olivia")
    team = Team.objects.create(name="Kundenanalyse", currency="€")
    Membership.objects.create(team=team, user=owner, role=Membership.Role.OWNER)
    project = Project.objects.create(
        team=team, name="Churn prediction across three systems", created_by=owner
    )
    inputs = normalise({**load("churn_after_migration"), "seed": 101})
    queue_estimate(project.add_revision(inputs, owner, note="First numbers"))
    save = os.environ.get("SAVE_SCREENSHOTS", "").lower() in ("1", "true", "yes")
    pictures = Path(__file__).resolve().parents[2] / "docs" / "screenshots" if save else tmp_path

    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(20_000)
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("olivia")
        page.get_by_label("Password").fill("s3cret-pass-word")
        page.get_by_role("button", name="Log in").click()
        page.goto(live_server.url + project.get_absolute_url())
        page.locator("#report-cost .chart-drawn .main-svg").first.wait_for()
        expect(page.locator("#report-cost .annotation-text")).to_contain_text("Budget €250k")
        ticks = page.locator("#report-cost .xtick text").all_inner_texts()
        assert ticks and all(tick.startswith("€") for tick in ticks if tick), ticks
        expect(page.locator("#report-cost .xtitle")).to_have_text("Total cost (€)")
        words = page.locator("main").inner_text()
        assert "€" in words and not DOLLAR_AMOUNT.search(words)
        bottom = page.evaluate(
            "document.querySelector('.report-charts').getBoundingClientRect().bottom + scrollY"
        )
        pictures.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=pictures / "report-euro.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": int(bottom) + 24},
        )
        page.get_by_role("textbox", name="Budget", exact=True).fill("€325,000")
        expect(page.locator("#whatif-cost .annotation-text")).to_contain_text("Budget €325k")
        browser.close()


def test_the_emails_bottom_line_is_in_the_teams_money(team, project):
    """The digest and the alerts quote the engine's bottom line outside any request."""
    from django.utils import timezone

    from projects import digest

    _euro(team)
    bottom = project.shown_estimate().result["summary"][0]
    assert DOLLAR_AMOUNT.search(bottom)  # the budget, as the engine wrote it
    row = digest.project_row(project, timezone.now(), "https://example.org/")
    assert "€" in row["bottom_line"] and not DOLLAR_AMOUNT.search(row["bottom_line"])
    assert formatting.currency() == "$"


def test_the_calibrated_view_and_the_outcome_form_use_the_symbol(
    client, owner, team, project, make_project
):
    import datetime

    from django.utils import timezone

    from projects import outcomes
    from projects.calibration import Curve
    from projects.models import Estimate, Project

    _euro(team)
    for index in range(4):  # closed projects, each cheaper than 97% of its forecast's scenarios
        past = make_project(team, owner, name=f"Past {index}")
        moment = timezone.make_aware(datetime.datetime(2025, 1, 6, 9))
        Project.objects.filter(pk=past.pk).update(created_at=moment)
        estimate = past.estimates.get()
        Estimate.objects.filter(pk=estimate.pk).update(finished_at=moment)
        weeks = Curve.from_result(estimate.result, "duration_weeks").quantile(0.97)
        outcomes.record(
            past,
            {
                "status": "shipped",
                "started_on": moment.date(),
                "ended_on": moment.date() + datetime.timedelta(days=round(weeks * 7)),
                "cost_usd": Curve.from_result(estimate.result, "cost_usd").quantile(0.97),
                "production_score": None,
            },
        )
    client.force_login(owner)
    response = client.get(reverse("project_calibrated", args=[project.pk]))
    cost = next(c for c in response.context["charts"] if c["key"] == "calibrated-cost_usd")
    assert cost["layout"]["xaxis"]["tickprefix"] == "€"
    assert response.context["page"]["rows"][0]["model_median"].startswith("€")
    refused = client.post(
        reverse("outcome_edit", args=[project.pk]),
        {"status": "shipped", "ended_on": "2026-01-01", "cost_usd": "a lot"},
    )
    assert "an amount in € from 0 to" in _text(refused.content.decode())
