"""How a team's forecasts have done, in words and tables: the sentences on top, the hit rates and
Brier scores at each horizon, the correction and the closed projects behind them. The numbers
come from projects/calibration (scored from stored results only); this module only words them.

The small-numbers rule of the sentences holds in the tables too: below
FEWEST_FOR_A_PERCENTAGE projects a hit rate is written as counts, never as a bare percentage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from projects.calibration import (
    FEWEST_FOR_A_PERCENTAGE,
    HORIZONS,
    MIN_PROJECTS_FOR_CORRECTION,
    Correction,
    Curve,
    HitRate,
    HorizonSummary,
    calibrated_view,
    calibration_sentences,
    forecast_ledger,
    matching_horizon,
    team_calibration,
    team_corrections,
)
from projects.calibration.sentences import correction_sentence
from projects.formatting import date_text, money, percent, score, weeks
from projects.models import Estimate, Outcome, Project, Team
from projects.outcomes import team_closed_projects
from projects.presenters.outcome import ordinal
from projects.vocabulary import metric_name

HORIZON_NAMES = {
    "first": "First estimate",
    "halfway": "Half-way",
    "last": "Last before the end",
}
HORIZON_HELP = {
    "first": "each project's first estimate, made when it started",
    "halfway": "the estimate closest to half-way through each project",
    "last": "each project's last estimate before it ended",
}
# What a correction at each horizon learns from, for the calibrated view's sentence.
CORRECTED_FROM = {
    "first": "first estimate",
    "halfway": "half-way estimate",
    "last": "last estimate before the end",
}
# The hit-rate rows: (quantity, kind, label).
HIT_ROWS = (
    ("cost_usd", "within_p80_bound", "Cost at or under the P80"),
    ("duration_weeks", "within_p80_bound", "Time at or under the P80"),
    ("production_metric", "within_p80_bound", "Production score at or above the P20"),
    ("cost_usd", "inside_p50", "Cost inside the P50 range (25th–75th)"),
    ("duration_weeks", "inside_p50", "Time inside the P50 range (25th–75th)"),
    ("cost_usd", "inside_p80", "Cost inside the P80 range (10th–90th)"),
    ("duration_weeks", "inside_p80", "Time inside the P80 range (10th–90th)"),
)
CHANCE_ROWS = (
    ("by_deadline", "In production by the deadline"),
    ("within_budget", "Within budget"),
    ("meets_target", "Reaches the target in production"),
    ("all_targets", "All targets at once"),
    ("reaches_production", "Reaches production"),
)
QUANTITY_WORDS = {
    "cost_usd": "Cost",
    "duration_weeks": "Time",
    "production_metric": "Production score",
}


def whole_percent(share: float) -> str:
    return f"{round(share * 100)}%"


def hit_rate_text(rate: HitRate) -> str:
    """ "5 of 12: 42% (likely 19–68%)"; below 12 projects, "2 of 3" and the likely range only,
    so no percentage stands alone on a handful of projects."""
    if rate.count == 0:
        return "none to check"
    interval = rate.interval
    likely = f"likely {whole_percent(interval.low)}–{whole_percent(interval.high)}"
    counted = f"{rate.hits} of {rate.count}"
    if rate.count < FEWEST_FOR_A_PERCENTAGE:
        return f"{counted} (too few to judge: {likely})"
    return f"{counted}: {whole_percent(rate.rate)} ({likely})"


def hit_rate_tone(rate: HitRate) -> str:
    """Said in the verdict column's words too, never by colour alone."""
    if rate.count == 0:
        return "none"
    if not rate.interval.contains(rate.expected):
        return "poor"
    if rate.count >= FEWEST_FOR_A_PERCENTAGE and abs(rate.rate - rate.expected) >= 0.1:
        return "fair"
    return "good"


TONE_WORDS = {
    "poor": "off",
    "fair": "possibly off",
    "good": "consistent",
    "none": "",
}


@dataclass
class Cell:
    text: str
    tone: str
    verdict: str


def hit_table(summaries: dict[str, HorizonSummary]) -> list[dict]:
    rows = []
    for quantity, kind, label in HIT_ROWS:
        rates = [summaries[h].hit_rates[quantity][kind] for h in HORIZONS]
        if not any(rate.count for rate in rates):
            continue
        cells = []
        for rate in rates:
            tone = hit_rate_tone(rate)
            cells.append(Cell(hit_rate_text(rate), tone, TONE_WORDS[tone]))
        rows.append({"label": label, "expected": whole_percent(rates[0].expected), "cells": cells})
    return rows


def brier_table(summaries: dict[str, HorizonSummary]) -> list[dict]:
    rows = []
    for name, label in CHANCE_ROWS:
        skills = [summaries[h].brier.get(name) for h in HORIZONS]
        if all(skill is None for skill in skills):
            continue  # reaches_production, before the delivery model gives it
        cells = []
        for skill in skills:
            if skill is None:
                cells.append(Cell("not forecast", "none", ""))
            elif skill.count < FEWEST_FOR_A_PERCENTAGE:
                text = f"Brier {skill.brier:.2f} · {skill.count} projects"
                cells.append(Cell(text, "none", "too few to rate"))
            elif skill.skill is None:
                text = f"Brier {skill.brier:.2f} · {skill.count} projects"
                cells.append(Cell(text, "none", "all alike: nothing to tell apart"))
            else:
                tone = "good" if skill.skill > 0.1 else ("fair" if skill.skill >= -0.1 else "poor")
                verdict = {"good": "beats", "fair": "no better than", "poor": "worse than"}[tone]
                text = (
                    f"Brier {skill.brier:.2f} · skill {skill.skill:+.2f} · {skill.count} projects"
                )
                record = f"{verdict} always saying {whole_percent(skill.base_rate)}"
                cells.append(Cell(text, tone, record))
        rows.append({"label": label, "cells": cells})
    return rows


def correction_rows(corrections: dict[str, Correction]) -> list[dict]:
    rows = []
    for quantity, correction in corrections.items():
        enough = correction.projects >= MIN_PROJECTS_FOR_CORRECTION
        if correction.factor is not None:
            low, high = correction.shift_interval(0.8)
            likely = f"likely ×{math.exp(low):.2f} to ×{math.exp(high):.2f}"
            change = f"×{correction.factor:.2f} ({likely})"
        else:
            # A shift on the logit scale, said as what it does to a forecast of 80%.
            moved = 1.0 / (1.0 + math.exp(-(math.log(0.8 / 0.2) + correction.shift_mean)))
            change = f"a forecast of 80% becomes {whole_percent(moved)}"
        rows.append(
            {
                "label": QUANTITY_WORDS[quantity],
                "change": change if enough else "not applied",
                "projects": correction.projects,
                "weight": whole_percent(correction.data_weight),
                "enough": enough,
            }
        )
    return rows


def project_rows(outcomes: list[Outcome], ledger_rows: dict) -> list[dict]:
    """The closed projects, newest end first, with where cost and time fell in the forecast
    scored at the page's horizon (`ledger_rows`: ForecastScore by project key)."""
    rows = []
    for outcome in outcomes:
        scored = ledger_rows.get(str(outcome.project_id))
        cost = scored.quantities.get("cost_usd") if scored else None
        time = scored.quantities.get("duration_weeks") if scored else None
        rows.append(
            {
                "outcome": outcome,
                "project": outcome.project,
                "ended": date_text(outcome.ended_on),
                "status": "Shipped" if outcome.shipped else "Stopped",
                "cost": money(outcome.cost_usd),
                "weeks": weeks(outcome.actual_weeks),
                "cost_fell": _fell(cost),
                "time_fell": _fell(time),
                "scored": scored is not None,
            }
        )
    return rows


def _fell(score) -> str:
    if score is None:
        return "–"
    if score.outside:
        return f"{score.outside} every scenario"
    where = f"{ordinal(min(99, max(1, round(score.pit * 100))))} percentile"
    return where if score.within_p80_bound else f"{where}, past the P80"


def page_sentences(summary: HorizonSummary, corrections: dict[str, Correction]) -> list[str]:
    """The sentences on top; a correction is named only when it is applied (3 projects)."""
    applied = {
        quantity: correction
        for quantity, correction in corrections.items()
        if correction.projects >= MIN_PROJECTS_FOR_CORRECTION
    }
    return calibration_sentences(summary, applied)


def caution(closed: int, scored: int) -> str:
    """What the page says above everything when there is little to go on."""
    if closed == 0:
        return (
            "No project of this team is closed yet. When a project ships or is stopped, record "
            "its outcome on its page (or through the API): this page then scores every estimate "
            "it had against what really happened."
        )
    if scored < FEWEST_FOR_A_PERCENTAGE:
        return (
            f"Only {scored} closed project{'' if scored == 1 else 's'} can be scored here. That "
            "is too few to tell a real lean from chance: the figures below are counts with the "
            f"wide range they allow, and percentages appear from {FEWEST_FOR_A_PERCENTAGE} "
            "projects."
        )
    return ""


# The pages -------------------------------------------------------------------------------------


def calibration_page(team: Team, horizon: str) -> dict:
    """Everything the calibration page shows for a team, at `horizon` (one of HORIZONS)."""
    closed, outcomes = team_closed_projects(team)
    try:
        summaries = team_calibration(closed)
        corrections = team_corrections(closed, horizon)
        ledger = {row.project: row for row in forecast_ledger(closed) if row.horizon == horizon}
    except ValueError as error:
        return {"error": f"A stored estimate could not be scored ({error}).", "closed": len(closed)}
    summary = summaries[horizon]
    return {
        "horizon": horizon,
        "horizon_name": HORIZON_NAMES[horizon],
        "horizon_help": HORIZON_HELP[horizon],
        "horizons": [(h, HORIZON_NAMES[h]) for h in HORIZONS],
        "closed": len(closed),
        "scored": summary.projects,
        "caution": caution(len(closed), summary.projects),
        "sentences": page_sentences(summary, corrections) if closed else [],
        "hit_rows": hit_table(summaries),
        "brier_rows": brier_table(summaries),
        "corrections": correction_rows(corrections),
        "projects": project_rows(outcomes, ledger),
        "unscored": [o.project.name for o in outcomes if str(o.project_id) in summary.unscored],
        "demo": any(outcome.demo for outcome in outcomes),
        # For the charts (charts/calibration.py), which the view draws.
        "summaries": summaries if summary.projects else None,
    }


def calibrated_page(project: Project, estimate: Estimate | None) -> dict:
    """The project's shown estimate beside its correction for the team's track record."""
    if estimate is None or not estimate.result:
        return {"missing": "This project has no finished estimate to calibrate yet."}
    result = estimate.result
    closed, outcomes = team_closed_projects(project.team)
    # A closed project's own outcome must not correct its own forecast.
    others = [c for c in closed if c.key != str(project.pk)]
    demo = any(o.demo for o in outcomes if o.project_id != project.pk)
    try:
        median_weeks = Curve.from_result(result, "duration_weeks").quantile(0.5)
        elapsed = estimate.checkin.weeks_elapsed if estimate.checkin else 0.0
        horizon = matching_horizon(elapsed, max(median_weeks, 0.1))
        corrections = team_corrections(others, horizon)
        view = calibrated_view(result, corrections)
    except ValueError as error:
        return {"missing": f"This estimate could not be calibrated ({error})."}
    metric = metric_name(result.get("inputs"))
    rows = []
    for quantity, label, shown in (
        ("cost_usd", "Cost", money),
        ("duration_weeks", "Weeks to production", weeks),
        ("production_metric", f"Production {metric}", score),
    ):
        raw = Curve.from_result(result, quantity)
        bound = 0.2 if quantity == "production_metric" else 0.8
        row = {
            "label": label,
            "model_median": shown(raw.quantile(0.5)),
            "model_bound": shown(raw.quantile(bound)),
            "bound_label": "P20" if bound == 0.2 else "P80",
        }
        if quantity in view.curves:
            corrected = view.curves[quantity]
            row |= {
                "median": shown(corrected.quantile(0.5)),
                "bound": shown(corrected.quantile(bound)),
                "rests_on": view.corrections[quantity].projects,
            }
        else:
            row["why_not"] = view.not_corrected[quantity]
        rows.append(row)
    chances = []
    probability = result.get("probability") or {}
    for name, label in CHANCE_ROWS[:3]:
        chance = view.chances.get(name)
        row = {"label": label, "model": percent(probability.get(name))}
        if chance is not None:
            row |= {
                "corrected": percent(chance.corrected),
                "range": f"{percent(chance.low)} to {percent(chance.high)}",
            }
        chances.append(row)
    return {
        "estimate": estimate,
        "made": date_text(estimate.finished_at),
        "horizon_name": CORRECTED_FROM[horizon],
        "rows": rows,
        "chances": chances,
        "sentences": [correction_sentence(c) for c in view.corrections.values()],
        "closed": len(others),
        "demo": demo,
        "view": view,  # for the charts, which the view draws
    }
