"""The tables the downloads hold: the portfolio, an estimate's quantiles and a project's history,
each a header and rows of plain numbers (projects/spreadsheet.py writes them as CSV).

Cells are numbers a spreadsheet can sum, not the pages' rounded words: money in whole units of
the team's currency (named in the header, never converted), weeks to a tenth, chances and scores
in percent to a tenth. docs/exports.md lists every column.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from projects import vocabulary
from projects.formatting import currency_label
from projects.models import Estimate, Project, Team
from projects.presenters.history import Point
from projects.presenters.portfolio import portfolio_row

Cell = str | int | float | bool | None


@dataclass
class Table:
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def _number(value) -> float | None:
    finite = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if finite else None


def whole_money(value) -> int | None:
    number = _number(value)
    return None if number is None else round(number)


def tenths(value) -> float | None:
    number = _number(value)
    return None if number is None else round(number, 1)


def in_percent(value) -> float | None:
    """A share (0 to 1) in percent to a tenth: 0.6234 -> 62.3."""
    number = _number(value)
    return None if number is None else round(number * 100, 1)


def local_day(moment: datetime | None) -> str:
    """ISO 8601, which every spreadsheet reads as a date: "2026-12-01", in the team's time
    zone (the active one)."""
    return timezone.localtime(moment).date().isoformat() if moment else ""


def local_minute(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def money_header(words: str) -> str:
    """ "Median cost" -> "Median cost (€)": the column's money, in the team's currency."""
    return f"{words} ({currency_label()})"


def chance_headers() -> list[str]:
    """One column per chance in vocabulary.CHANCES, so that a new chance appears by itself."""
    return [f"Chance: {chance.long_label('metric')} (%)" for chance in vocabulary.CHANCES]


def chance_cells(probability: dict | None) -> list[float | None]:
    return [in_percent((probability or {}).get(chance.key)) for chance in vocabulary.CHANCES]


# The portfolio ---------------------------------------------------------------------------------

# The parts of a result the portfolio's table reads: a few kilobytes, where a whole result with
# its curves, drivers and levers is much more.
PORTFOLIO_RESULT_KEYS = (
    "probability",
    "inputs",
    "cost_usd",
    "duration_weeks",
    "production_metric",
    "production_accuracy",
    "production_recall",
    "production_precision",
)


def latest_estimates(team: Team) -> dict[int, dict]:
    """Each of the team's projects' newest finished estimate, by project id: `finished_at`,
    `revision__number` and `result` (only PORTFOLIO_RESULT_KEYS of it)."""
    rows = (
        Estimate.objects.filter(project__team=team)
        .newest_done_per_project()
        .values(
            "project_id",
            "finished_at",
            "revision__number",
            *(f"result__{key}" for key in PORTFOLIO_RESULT_KEYS),
        )
    )
    return {
        row["project_id"]: {
            "finished_at": row["finished_at"],
            "revision__number": row["revision__number"],
            "result__probability": row["result__probability"],
            "result": {
                key: row[f"result__{key}"]
                for key in PORTFOLIO_RESULT_KEYS
                if row[f"result__{key}"] is not None
            },
        }
        for row in rows
    }


def portfolio_table(
    projects: list[Project], latest: dict[int, dict], link: Callable[[Project], str]
) -> Table:
    """One row per project (archived ones too, marked) from its latest finished estimate:
    `latest` is latest_estimates(team). `link(project)`
    is the absolute address of its report."""
    table = Table(
        header=[
            "Project",
            "Report",
            "Archived",
            "Estimated on",
            "Revision",
            *chance_headers(),
            money_header("Cost, median"),
            money_header("Cost, P80"),
            "Weeks to production, median",
            "Weeks to production, P80",
            "Target metric",
            "Production score, median (%)",
            "Production score, P80 (%)",
            money_header("Budget"),
            "Deadline (weeks)",
            "Target (%)",
            "Note",
        ]
    )
    for project in projects:
        row = latest.get(project.pk)
        shown = portfolio_row(project, [row] if row else [])
        result = (row or {}).get("result") or {}
        inputs = result.get("inputs") or {}
        metric = vocabulary.metric_name(inputs)
        cost, duration = result.get("cost_usd") or {}, result.get("duration_weeks") or {}
        score = vocabulary.metric_stats(result, metric) if result else {}
        table.rows.append(
            [
                project.name,
                link(project),
                project.archived,
                local_day((row or {}).get("finished_at")),
                (row or {}).get("revision__number"),
                *chance_cells(result.get("probability")),
                whole_money(cost.get("p50")),
                whole_money(cost.get("p80")),
                tenths(duration.get("p50")),
                tenths(duration.get("p80")),
                metric if result else "",
                in_percent(score.get("p50")),
                in_percent(score.get("p80")),
                whole_money(inputs.get("budget_usd")),
                tenths(inputs.get("deadline_weeks")),
                in_percent(inputs.get("target_value")),
                shown.status_note,
            ]
        )
    return table


# An estimate's quantiles -----------------------------------------------------------------------

# The curves the engine stores (result["curves"]), as columns: (heading, how a value is written).
# A curve not listed here still gets a column, headed by its key.
CURVE_COLUMNS: dict[str, tuple[str, Callable]] = {
    "cost_usd": ("Cost ({money})", whole_money),
    "duration_weeks": ("Weeks to production", tenths),
    "effort_person_weeks": ("Effort (person-weeks)", tenths),
    "offline_score": ("Balanced accuracy on the test set (%)", in_percent),
    "production_accuracy": ("Production accuracy (%)", in_percent),
    "production_recall": ("Production recall (%)", in_percent),
    "production_precision": ("Production precision (%)", in_percent),
    "production_accuracy_12m": ("Production accuracy, mean of the first 12 months (%)", in_percent),
    "production_metric": ("Production {metric}, the target metric (%)", in_percent),
}


def _unlisted_curve(key: str) -> tuple[str, Callable]:
    if key.endswith("_usd"):
        return key.removesuffix("_usd") + " ({money})", whole_money
    return key, _number


def quantile_table(result: dict) -> Table:
    """An estimate's quantiles (result["curves"]): one row per share of scenarios, 0% to 100%,
    with the value of each outcome that this share of scenarios stays at or below."""
    curves = result.get("curves") or {}
    quantiles = curves.get("quantiles") or []
    metric = vocabulary.metric_name(result.get("inputs"))
    columns = []
    # In CURVE_COLUMNS' order, then any other by name: PostgreSQL keeps no key order in JSON.
    keys = [key for key in CURVE_COLUMNS if key in curves]
    keys += sorted(key for key in curves if key not in CURVE_COLUMNS and key != "quantiles")
    for key in keys:
        values = curves[key]
        if not isinstance(values, list) or len(values) != len(quantiles):
            continue
        heading, shown = CURVE_COLUMNS.get(key) or _unlisted_curve(key)
        columns.append((heading.format(money=currency_label(), metric=metric), shown, values))
    table = Table(header=["Share of scenarios at or below (%)"] + [c[0] for c in columns])
    for index, quantile in enumerate(quantiles):
        table.rows.append(
            [in_percent(quantile)] + [shown(values[index]) for _, shown, values in columns]
        )
    return table


# The history -----------------------------------------------------------------------------------


def history_table(history: list[Point]) -> Table:
    """The history page's table: every finished estimate, oldest first, with its cause, its
    chances and its medians."""
    table = Table(
        header=[
            "#",
            "Finished",
            "Cause",
            "Revision",
            "Estimate ID",
            *chance_headers(),
            money_header("Cost, median"),
            "Weeks to production, median",
            "Target metric",
            "Production score, median (%)",
        ]
    )
    for point in history:
        table.rows.append(
            [
                point.number,
                local_minute(point.estimate.finished_at),
                point.cause,
                point.estimate.revision.number,
                point.estimate.pk,
                *chance_cells(point.probability),
                whole_money(point.cost_p50),
                tenths(point.weeks_p50),
                point.metric,
                in_percent(point.metric_p50),
            ]
        )
    return table
