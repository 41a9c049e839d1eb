"""The live what-if: the inputs it offers, a quick estimate, and how it compares.

A what-if starts from a saved revision's inputs, changes only what the team controls, and runs
the engine without levers (about a tenth of a second) on the saved estimate's seed, so that the
differences come from the changed inputs and not from the luck of the draw.
"""

from __future__ import annotations

from dataclasses import replace

from projects.presenters.project import Change, revision_changes
from projects.presenters.report import impossible_reasons
from projects.vocabulary import Movement, compare, warning_text

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


def changes(base_inputs: dict, inputs: dict) -> list[Change]:
    """What a what-if changes against the revision it starts from, in the form's words."""
    return revision_changes(base_inputs, inputs, keys=WHATIF_KEYS)


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


def differences(result: dict, saved: dict) -> list[Movement]:
    """Each chance and median of the what-if beside the saved estimate's (vocabulary.compare);
    the panel shows them in one table, so each chance's row says it is one."""
    outlook = compare(saved, result)
    chances = [
        replace(row, label=f"Chance: {row.label[:1].lower()}{row.label[1:]}")
        for row in outlook.chances
    ]
    return chances + outlook.medians


def warnings(result: dict) -> list[str]:
    """Why the what-if's plan cannot finish, if it cannot (the engine's `impossible`), then the
    engine's warnings about its inputs (a target that always answering "no" already meets,
    say), in the pages' terms."""
    return impossible_reasons(result) + [
        warning_text(str(item.get("field", "")), str(item.get("message", "")))
        for item in result.get("warnings") or []
        if isinstance(item, dict)
    ]


def revision_note(changes: list[Change]) -> str:
    """The history note of a what-if saved as a revision."""
    text = "What-if: " + "; ".join(f"{c.label} {c.old} → {c.new}" for c in changes)
    return text if len(text) <= 500 else text[:499] + "…"
