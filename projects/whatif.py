"""The live what-if: the controllable inputs as a form, a quick estimate, and how it compares.

A what-if starts from a saved revision's inputs, changes only what the team controls, and runs
the engine without levers (about a tenth of a second) on the saved estimate's seed, so that the
differences come from the changed inputs and not from the luck of the draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from projects import formatting, presenters

# The inputs the panel offers, in the order it shows them.
WHATIF_KEYS = (
    "deadline_weeks",
    "budget_usd",
    "target_value",
    "planned_new_labels",
    "senior_ml",
    "junior_ml",
    "open_positions",
    "retrain_every_months",
    "auto_stop",
    "has_monitoring",
    "has_versioning",
    "has_rollback",
    "has_retraining_pipeline",
)
# Enough scenarios for steady percentages, few enough to answer while the user types.
WHATIF_TRIALS = 20_000


def changes(base_inputs: dict, inputs: dict) -> list[presenters.Change]:
    """What a what-if changes against the revision it starts from, in the form's words."""
    return presenters.revision_changes(base_inputs, inputs, keys=WHATIF_KEYS)


def run(inputs: dict, saved_result: dict) -> dict:
    """The engine's quick estimate of `inputs`, on the saved estimate's seed and from the same
    check-in (its `progress`), if the saved estimate started from one."""
    from projects.engine import estimate

    trials = min(int(saved_result.get("trials") or WHATIF_TRIALS), WHATIF_TRIALS)
    seed = saved_result.get("seed")
    return estimate(
        {**inputs, "trials": trials, "seed": seed},
        levers=False,
        progress=saved_result.get("progress") or None,
    )


# How the what-if compares with the saved estimate --------------------------------------------


@dataclass
class Difference:
    label: str
    saved: str
    now: str
    arrow: str  # ↑, ↓ or →
    change: str  # "+12 points", "−$40k", "no change"
    tone: str  # good, poor or none: whether the change helps


def _arrow(delta: float, threshold: float) -> str:
    if delta > threshold:
        return "↑"
    if delta < -threshold:
        return "↓"
    return "→"


def _tone(delta: float, threshold: float, higher_is_better: bool) -> str:
    if abs(delta) <= threshold:
        return "none"
    return "good" if (delta > 0) == higher_is_better else "poor"


def differences(result: dict, saved: dict) -> list[Difference]:
    """Each chance and median of the what-if beside the saved estimate's, with the change."""
    metric = presenters.target_metric_name(result.get("inputs", {}))
    rows = []
    for key, label in (
        ("by_deadline", "In production by the deadline"),
        ("within_budget", "Within budget"),
        ("meets_target", f"Reaches the target {metric}"),
        ("all_targets", "All three at once"),
    ):
        now, before = result["probability"][key], saved["probability"][key]
        delta = now - before
        rows.append(
            Difference(
                label=f"Chance: {label[:1].lower()}{label[1:]}",
                saved=formatting.percent(before),
                now=formatting.percent(now),
                arrow=_arrow(delta, 0.005),
                change=formatting.points_delta(delta),
                tone=_tone(delta, 0.005, higher_is_better=True),
            )
        )
    cost_now, cost_before = result["cost_usd"]["p50"], saved["cost_usd"]["p50"]
    rows.append(
        Difference(
            label="Median cost",
            saved=formatting.money(cost_before),
            now=formatting.money(cost_now),
            arrow=_arrow(cost_now - cost_before, 500),
            change=formatting.money_delta(cost_now - cost_before),
            tone=_tone(cost_now - cost_before, 500, higher_is_better=False),
        )
    )
    weeks_now, weeks_before = result["duration_weeks"]["p50"], saved["duration_weeks"]["p50"]
    rows.append(
        Difference(
            label="Median weeks to production",
            saved=formatting.weeks(weeks_before),
            now=formatting.weeks(weeks_now),
            arrow=_arrow(weeks_now - weeks_before, 0.25),
            change=formatting.weeks_delta(weeks_now - weeks_before),
            tone=_tone(weeks_now - weeks_before, 0.25, higher_is_better=False),
        )
    )
    metric_now = _metric_median(result, metric)
    metric_before = _metric_median(saved, metric)
    delta = metric_now - metric_before
    rows.append(
        Difference(
            label=f"Median production {metric}",
            saved=formatting.score(metric_before),
            now=formatting.score(metric_now),
            arrow=_arrow(delta, 0.005),
            change=formatting.points_delta(delta) if abs(delta) >= 0.005 else "no change",
            tone=_tone(delta, 0.005, higher_is_better=True),
        )
    )
    return rows


def _metric_median(result: dict, metric: str) -> float:
    stats = result.get("production_metric") or result.get(f"production_{metric}") or {}
    value = stats.get("p50")
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else math.nan


def revision_note(changes: list[presenters.Change]) -> str:
    """The history note of a what-if saved as a revision."""
    text = "What-if: " + "; ".join(f"{c.label} {c.old} → {c.new}" for c in changes)
    return text if len(text) <= 500 else text[:499] + "…"
