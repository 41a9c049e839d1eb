"""The live what-if: the controllable inputs as a form, a quick estimate, and how it compares.

A what-if starts from a saved revision's inputs, changes only what the team controls, and runs
the engine without levers (about a tenth of a second) on the saved estimate's seed, so that the
differences come from the changed inputs and not from the luck of the draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django import forms

from projects import presenters
from projects.engine.inputs import INPUTS_BY_KEY, InputError, normalise
from projects.forms import field_for, message_in_form_terms

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


class WhatIfForm(forms.Form):
    """The controllable inputs, on top of a revision's inputs; the engine validates them."""

    def __init__(self, data=None, *, base_inputs: dict, **kwargs):
        super().__init__(data, **kwargs)
        self.base_inputs = base_inputs
        self.inputs: dict | None = None
        for key in WHATIF_KEYS:
            spec = INPUTS_BY_KEY[key]
            self.fields[key] = field_for(spec)
            self.initial[key] = base_inputs.get(key, spec.default)

    def rows(self) -> list[dict]:
        """Each field with its unit and whether it is a tick box, for the template."""
        rows = []
        for key in WHATIF_KEYS:
            spec = INPUTS_BY_KEY[key]
            rows.append(
                {
                    "field": self[key],
                    "unit": "%" if spec.percent else spec.unit,
                    "check": spec.kind == "bool",
                }
            )
        return rows

    def clean(self):
        cleaned = super().clean()
        changed = {key: cleaned[key] for key in WHATIF_KEYS if key in cleaned}
        try:
            self.inputs = normalise({**self.base_inputs, **changed})
        except InputError as exc:
            for key, message in exc.errors.items():
                spec = INPUTS_BY_KEY.get(key)
                if key in self.fields and spec is not None:
                    self.add_error(key, message_in_form_terms(spec, message))
                else:
                    # Only the panel's inputs change; say so if a saved one is now refused.
                    label = spec.label if spec else key
                    self.add_error(None, f"{label} (saved in the revision): {message}")
        return cleaned

    def changes(self) -> list[presenters.Change]:
        """What this what-if changes against the revision it starts from."""
        if self.inputs is None:
            return []
        return [
            change
            for change in presenters.revision_changes(self.base_inputs, self.inputs)
            if change.label in {INPUTS_BY_KEY[key].label for key in WHATIF_KEYS}
        ]


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
                saved=presenters.percent(before),
                now=presenters.percent(now),
                arrow=_arrow(delta, 0.005),
                change=presenters.points_delta(delta),
                tone=_tone(delta, 0.005, higher_is_better=True),
            )
        )
    cost_now, cost_before = result["cost_usd"]["p50"], saved["cost_usd"]["p50"]
    rows.append(
        Difference(
            label="Median cost",
            saved=presenters.money(cost_before),
            now=presenters.money(cost_now),
            arrow=_arrow(cost_now - cost_before, 500),
            change=presenters.money_delta(cost_now - cost_before),
            tone=_tone(cost_now - cost_before, 500, higher_is_better=False),
        )
    )
    weeks_now, weeks_before = result["duration_weeks"]["p50"], saved["duration_weeks"]["p50"]
    rows.append(
        Difference(
            label="Median weeks to production",
            saved=presenters.weeks(weeks_before),
            now=presenters.weeks(weeks_now),
            arrow=_arrow(weeks_now - weeks_before, 0.25),
            change=presenters.weeks_delta(weeks_now - weeks_before),
            tone=_tone(weeks_now - weeks_before, 0.25, higher_is_better=False),
        )
    )
    metric_now = _metric_median(result, metric)
    metric_before = _metric_median(saved, metric)
    delta = metric_now - metric_before
    rows.append(
        Difference(
            label=f"Median production {metric}",
            saved=presenters.score(metric_before),
            now=presenters.score(metric_now),
            arrow=_arrow(delta, 0.005),
            change=presenters.points_delta(delta) if abs(delta) >= 0.005 else "no change",
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
