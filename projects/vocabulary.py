"""The words every page uses for the same things: the chances of meeting the targets (one table),
the target metric's name, whether a number is good news, and one comparison of two results.

The report's cards, the portfolio's columns, the history's lines and table, the comparison of
two estimates, the what-if and the lever chart all read CHANCES, so a new chance the engine
reports is one line here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from projects import formatting

# Probabilities at or above GOOD_CHANCE read as likely, below POOR_CHANCE as unlikely.
GOOD_CHANCE = 0.8
POOR_CHANCE = 0.5
# Changes smaller than these (or equal) are "no change": a point of probability or of the
# production metric, $500, a quarter of a week.
STEADY_POINTS = 0.005
STEADY_DOLLARS = 500
STEADY_WEEKS = 0.25

# The target metrics' names in running text ("production recall", "the target F1"), and one line
# for a manager on what each measures, where a page names it.
METRIC_WORDS = {
    "accuracy": "accuracy",
    "recall": "recall",
    "precision": "precision",
    "f1": "F1",
    "pr_auc": "PR-AUC",
}
METRIC_MEANINGS = {
    "accuracy": "the share of all cases the model answers right",
    "recall": "the share of positive cases the model catches",
    "precision": "the share of the model's alerts that are right",
    "f1": "a single score that is high only when recall and precision are both high",
    "pr_auc": "precision averaged over every recall the model could be run at; "
    "ranking cases at random scores the share of positives",
}
BALANCED_ACCURACY_MEANING = (
    "the average of the share of positive cases and the share of negative cases the model gets "
    "right, so guessing scores 50% however rare the positives are"
)


def metric_meaning(key: str, inputs: dict | None = None) -> str:
    """One line on what the metric keyed `key` measures, with the positive case named as the
    project names it ("the share of fraud cases the model catches")."""
    meaning = METRIC_MEANINGS.get(key, METRIC_MEANINGS["accuracy"])
    name = (inputs or {}).get("positive_class")
    if isinstance(name, str) and name.strip():
        meaning = meaning.replace("positive cases", f"{name.strip()} cases")
    return meaning


@dataclass(frozen=True)
class Chance:
    """One chance the engine reports in `result["probability"]`."""

    key: str
    label: str  # where there is room; "{metric}" stands for the target metric's name
    short: str  # column headings, legends of small charts
    colour: str  # its line in the history chart

    def long_label(self, metric: str) -> str:
        return self.label.format(metric=metric)


CHANCES = (
    Chance("by_deadline", "In production by the deadline", "Deadline", "#5b7bd5"),
    Chance("within_budget", "Within budget", "Budget", "#17704a"),
    Chance("meets_target", "Reaches the target {metric}", "Target", "#8a5a00"),
    Chance("reaches_production", "Reaches production at all", "Production", "#7a3e9d"),
    Chance("all_targets", "All three at once", "All three", "#1b2330"),
)
# The chance of meeting every target at once: the one the trend, the levers, the check-ins and
# the revision history single out.
ALL_TARGETS = "all_targets"


def all_targets_pill(text: str) -> str:
    """ "All three: 35%": a pill of the chance of meeting every target (or of its change)."""
    short = next(chance.short for chance in CHANCES if chance.key == ALL_TARGETS)
    return f"{short}: {text}"


def metric_key(inputs: dict | None) -> str:
    """The target metric's key (`accuracy`, `f1`, …), from a project's inputs; an unknown one
    (an older engine's) reads as accuracy."""
    key = (inputs or {}).get("target_metric")
    return key if key in METRIC_WORDS else "accuracy"


def metric_name(inputs: dict | None) -> str:
    """The target metric's name, from a project's inputs (a revision's, or a result's)."""
    return METRIC_WORDS[metric_key(inputs)]


def metric_stats(result: dict, metric: str | None = None) -> dict:
    """The production metric's statistics (p10, p50, p90) in an engine result: those of the
    metric keyed `metric` when given, else of the result's own target metric. F1 and PR-AUC
    have no statistics of their own: `production_metric` is the target metric's."""
    key = metric or metric_key(result.get("inputs"))
    if key == metric_key(result.get("inputs")) and result.get("production_metric"):
        return result["production_metric"]
    return result.get(f"production_{key}") or result.get("production_metric") or {}


def target_value(result: dict) -> float | None:
    """The quality target of a result's inputs, when it is a number."""
    value = (result.get("inputs") or {}).get("target_value")
    return _number(value)


# The engine writes pilot scores as shares ("falls from 0.8 to 0.75"); the pages as percentages.
_PILOT_SCORES = re.compile(r"the score falls from (\d*\.?\d+) to (\d*\.?\d+)")


def warning_text(field: str, message: str) -> str:
    """An engine warning (`result["warnings"]`) in the pages' terms: pilot scores in percent."""
    if field != "pilot_curve":
        return message

    def in_percent(match: re.Match) -> str:
        low, high = (formatting.percent_text(match.group(n)) for n in (1, 2))
        return f"the score falls from {low} to {high}"

    return _PILOT_SCORES.sub(in_percent, message)


def chance_tone(probability: float | None) -> str:
    """good, fair or poor, for colouring a probability."""
    if probability is None:
        return "none"
    if probability >= GOOD_CHANCE:
        return "good"
    if probability >= POOR_CHANCE:
        return "fair"
    return "poor"


def change_tone(delta: float | None, steady: float, higher_is_better: bool = True) -> str:
    """good, poor or none: whether a change larger than `steady` is good news."""
    if delta is None or abs(delta) <= steady:
        return "none"
    return "good" if (delta > 0) == higher_is_better else "poor"


def change_arrow(delta: float | None, steady: float) -> str:
    if delta is None or abs(delta) <= steady:
        return "→"
    return "↑" if delta > 0 else "↓"


# Comparing two results ------------------------------------------------------------------------


@dataclass
class Movement:
    """How one figure moved between two results, in words."""

    label: str
    before: str
    after: str
    change: str  # "+12 points", "−$40k", "no change"
    arrow: str  # ↑, ↓ or →
    tone: str  # good, poor or none: whether the change is good news


@dataclass
class Outlook:
    chances: list[Movement]
    medians: list[Movement]


def _number(value) -> float | None:
    finite = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if finite else None


def _movement(
    label: str,
    before: float | None,
    after: float | None,
    shown: Callable[[float | None], str],
    delta_text: Callable[[float | None], str],
    steady: float,
    higher_is_better: bool,
) -> Movement:
    delta = None if before is None or after is None else after - before
    return Movement(
        label=label,
        before=shown(before),
        after=shown(after),
        change=delta_text(delta),
        arrow=change_arrow(delta, steady),
        tone=change_tone(delta, steady, higher_is_better),
    )


def compare(before: dict, after: dict) -> Outlook:
    """How the outlook moved from one engine result to another: each chance, then the median
    cost, weeks and production metric (the later result's target metric, in both). The what-if
    compares the saved estimate with its own; the history any two estimates."""
    key, metric = metric_key(after.get("inputs")), metric_name(after.get("inputs"))
    target = target_value(after)
    old, new = before.get("probability") or {}, after.get("probability") or {}
    chances = [
        _movement(
            chance.long_label(metric),
            _number(old.get(chance.key)),
            _number(new.get(chance.key)),
            formatting.percent,
            formatting.points_delta,
            STEADY_POINTS,
            higher_is_better=True,
        )
        for chance in CHANCES
    ]

    def median(result: dict, key: str) -> float | None:
        return _number((result.get(key) or {}).get("p50"))

    def metric_median(result: dict) -> float | None:
        return _number(metric_stats(result, key).get("p50"))

    medians = [
        _movement(
            "Median cost",
            median(before, "cost_usd"),
            median(after, "cost_usd"),
            formatting.money,
            formatting.money_delta,
            STEADY_DOLLARS,
            higher_is_better=False,
        ),
        _movement(
            "Median weeks to production",
            median(before, "duration_weeks"),
            median(after, "duration_weeks"),
            formatting.weeks,
            formatting.weeks_delta,
            STEADY_WEEKS,
            higher_is_better=False,
        ),
        _movement(
            f"Median production {metric}",
            metric_median(before),
            metric_median(after),
            # Near 0% or 100% with enough digits to differ from the target (99.8% vs 99.9%).
            lambda value: formatting.score(value, against=target),
            formatting.points_delta,
            STEADY_POINTS,
            higher_is_better=True,
        ),
    ]
    return Outlook(chances=chances, medians=medians)
