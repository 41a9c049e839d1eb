"""A closed project in words: its outcome at the top of the report beside what was forecast
(the median and the cautious bound of the first and the last estimate before the end, and
where the actual fell), and the history of the outcome's corrections."""

from __future__ import annotations

from dataclasses import dataclass

from projects.calibration import Curve, pick_horizons
from projects.formatting import date_text, money, percent, score, weeks
from projects.models import Estimate, LaterScore, Outcome, Project
from projects.outcomes import current_later_scores, finished_estimates
from projects.vocabulary import metric_name


@dataclass
class Comparison:
    """One quantity of one forecast against the actual."""

    label: str
    median: str
    bound_label: str  # "P80" for cost and weeks; "P20" for the score, where more is better
    bound: str
    actual: str
    fell: str  # where the actual fell, in words
    tone: str  # good, fair or poor: also said in `fell`, never by colour alone


@dataclass
class ForecastColumn:
    title: str  # "First forecast", "Last forecast before launch"
    made: str  # the day the estimate finished
    rows: list[Comparison]
    chances: list[tuple[str, str]]  # (what, the chance given)


def ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def where_it_fell(curve: Curve, actual: float, more_is_better: bool) -> tuple[str, str]:
    """ "at the forecast's 92nd percentile, above its P80" and a tone. Beyond every simulated
    trial the percentile says nothing, so the words say that instead."""
    outside = curve.outside(actual)
    if outside == "above":
        text, level = "above anything the forecast simulated", 1.0
    elif outside == "below":
        text, level = "below anything the forecast simulated", 0.0
    else:
        level = curve.pit(actual)
        shown = min(99, max(1, round(level * 100)))
        text = f"at the forecast's {ordinal(shown)} percentile"
    if more_is_better:
        within = level >= 0.2
        words = "at or above its P20" if within else "below its P20"
    else:
        within = level <= 0.8
        words = "within its P80" if within else "beyond its P80"
    if outside is None:
        text = f"{text}, {words}"
    good = (level >= 0.5) if more_is_better else (level <= 0.5)
    return text, "good" if good else ("fair" if within else "poor")


def forecast_column(title: str, estimate: Estimate, outcome: Outcome) -> ForecastColumn:
    result = estimate.result
    metric = metric_name(result.get("inputs"))
    rows = []
    quantities = [("cost_usd", "Cost", money, outcome.cost_usd)]
    if outcome.shipped:
        quantities.append(("duration_weeks", "Weeks to production", weeks, outcome.actual_weeks))
        if outcome.production_score is not None:
            quantities.append(
                ("production_metric", f"Production {metric}", score, outcome.production_score)
            )
    for key, label, shown, actual in quantities:
        try:
            curve = Curve.from_result(result, key)
        except ValueError:
            continue
        more_is_better = key == "production_metric"
        bound_level = 0.2 if more_is_better else 0.8
        if outcome.shipped:
            fell, tone = where_it_fell(curve, actual, more_is_better)
        else:
            fell, tone = "money spent before it was stopped: not scored", "fair"
        rows.append(
            Comparison(
                label=label if outcome.shipped else "Money spent",
                median=shown(curve.quantile(0.5)),
                bound_label="P20" if more_is_better else "P80",
                bound=shown(curve.quantile(bound_level)),
                actual=shown(actual),
                fell=fell,
                tone=tone,
            )
        )
    probability = result.get("probability") or {}
    chances = []
    if "reaches_production" in probability:
        chances.append(("Chance it reaches production", percent(probability["reaches_production"])))
    chances.append(("Chance of all targets at once", percent(probability.get("all_targets"))))
    verdict = targets_verdict(result.get("inputs") or {}, outcome)
    if verdict:
        chances.append(("What happened", verdict))
    return ForecastColumn(title, date_text(estimate.finished_at), rows, chances)


def targets_verdict(inputs: dict, outcome: Outcome) -> str:
    """Which of that estimate's targets the project met, in words."""
    if not outcome.shipped:
        return "stopped before production: no target met"
    missed = []
    if "budget_usd" in inputs and outcome.cost_usd > inputs["budget_usd"]:
        missed.append(f"the {money(inputs['budget_usd'])} budget")
    if "deadline_weeks" in inputs and outcome.actual_weeks > inputs["deadline_weeks"]:
        missed.append(f"the {weeks(inputs['deadline_weeks'])} deadline")
    if outcome.production_score is None:
        unknown = "; the target could not be judged (no production score)"
    else:
        unknown = ""
        if "target_value" in inputs and outcome.production_score < inputs["target_value"]:
            missed.append(f"the {score(inputs['target_value'])} target")
    if not missed:
        return ("met every target" if not unknown else "met budget and deadline") + unknown
    return "missed " + " and ".join(missed) + unknown


def outcome_panel(project: Project, outcome: Outcome | None) -> dict | None:
    """What the top of a closed project's report shows; None while the project is open."""
    if outcome is None:
        return None
    estimates = finished_estimates([project.pk])[project.pk]
    chosen = pick_horizons(
        [estimate.finished_at for estimate in estimates], outcome.started_on, outcome.ended_on
    )
    ended = "launch" if outcome.shipped else "it stopped"
    columns = []
    if chosen.first is not None:
        columns.append(forecast_column("First forecast", estimates[chosen.first], outcome))
        if chosen.last != chosen.first:
            columns.append(
                forecast_column(f"Last forecast before {ended}", estimates[chosen.last], outcome)
            )
    later = current_later_scores(project) if outcome.shipped else {}
    metric = metric_name(estimates[-1].result.get("inputs") if estimates else None)
    return {
        "outcome": outcome,
        "title": "Shipped" if outcome.shipped else "Stopped before production",
        "ended": date_text(outcome.ended_on),
        "started": date_text(outcome.started_on),
        "weeks": weeks(outcome.actual_weeks),
        "cost": money(outcome.cost_usd),
        "score": score(outcome.production_score) if outcome.production_score is not None else "",
        "metric": metric,
        "reason": outcome.get_stop_reason_display() if not outcome.shipped else "",
        "later": [(months, score(row.score)) for months, row in sorted(later.items())],
        "columns": columns,
        "unscored": not columns,
        "recorded": f"{date_text(outcome.created_at)} by {outcome.source}",
    }


def outcome_history(project: Project) -> list[dict]:
    """Every outcome and later score ever recorded for the project, newest first, with what
    became of it (corrected, reopened), so that no figure disappears."""
    rows = []
    for outcome in Outcome.objects.filter(project=project).select_related("author", "api_token"):
        if outcome.shipped:
            figures = f"shipped {date_text(outcome.ended_on)}, cost {money(outcome.cost_usd)}"
            if outcome.production_score is not None:
                figures += f", production score {score(outcome.production_score)}"
        else:
            figures = (
                f"stopped {date_text(outcome.ended_on)}, spent {money(outcome.cost_usd)}, "
                f"{outcome.get_stop_reason_display().lower()}"
            )
        rows.append(_history_row(outcome, f"Outcome: {figures}", "reopened"))
    for later in LaterScore.objects.filter(project=project).select_related("author", "api_token"):
        text = f"Production score after {later.months} months: {score(later.score)}"
        rows.append(_history_row(later, text, "withdrawn"))
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows


def _history_row(row, text: str, taken_back: str) -> dict:
    if row.withdrawn_at is None:
        state = "stands"
    elif row.replaced_by_id:
        state = "corrected"
    else:
        state = taken_back
    return {
        "at": row.created_at,
        "text": text,
        "recorded": f"{date_text(row.created_at, with_time=True)} by {row.source}",
        "state": state,
        "reason": getattr(row, "reopen_reason", ""),
        "note": getattr(row, "note", ""),
    }
