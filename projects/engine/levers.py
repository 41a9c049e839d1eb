"""Controllable changes, each re-simulated with the same draws (MODEL.md §4.6)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

KEPT = (
    "within_budget",
    "by_deadline",
    "meets_target",
    "all_targets",
    "cost",
    "duration",
    "accuracy_12m",
)


@dataclass(frozen=True)
class Lever:
    key: str
    label: str
    applies: Callable[[dict[str, Any], Any], bool]
    changes: Callable[[dict[str, Any]], dict[str, Any]]
    describe: Callable[[dict[str, Any]], str]

    def apply(self, inputs: dict[str, Any]) -> dict[str, Any]:
        return {**inputs, **self.changes(inputs)}


def _more_labels(x):
    have = x["labeled_examples"] + x["planned_new_labels"]
    return {"planned_new_labels": min(x["planned_new_labels"] + max(have, 1000), 10**9)}


def _describe_labels(x):
    extra = _more_labels(x)["planned_new_labels"] - x["planned_new_labels"]
    return f"Label {extra:,} more examples (double the labeled data)"


def _mlops_missing(x):
    return [key for key in ("has_monitoring", "has_versioning", "has_rollback") if not x[key]]


CATALOGUE = (
    Lever(
        "more_labels",
        "Double the labeled data",
        lambda x, prep: x["labeled_examples"] + x["planned_new_labels"] < 10**9 // 2,
        _more_labels,
        _describe_labels,
    ),
    Lever(
        "add_senior",
        "Add a senior ML engineer",
        lambda x, prep: x["senior_ml"] < 1000,
        lambda x: {"senior_ml": x["senior_ml"] + 1},
        lambda x: f"Add one experienced ML engineer ({x['senior_ml']} → {x['senior_ml'] + 1})",
    ),
    Lever(
        "auto_stop",
        "Turn on auto-stop for training jobs",
        lambda x, prep: not x["auto_stop"] and prep.gpu_hours * x["training_runs"] > 0,
        lambda x: {"auto_stop": True},
        lambda x: "Give every training job a hard runtime limit and a budget alert that kills it",
    ),
    Lever(
        "mlops",
        "Add monitoring, versioning and rollback",
        lambda x, prep: bool(_mlops_missing(x)),
        lambda x: dict.fromkeys(_mlops_missing(x), True),
        lambda x: "Set up production monitoring, model versioning and one-step rollback",
    ),
    Lever(
        "retrain_monthly",
        "Retrain every month",
        lambda x, prep: x["retrain_every_months"] != 1,
        lambda x: {"retrain_every_months": 1},
        lambda x: (
            "Retrain the model on fresh data every month"
            + (
                ""
                if x["retrain_every_months"] == 0
                else f" instead of every {x['retrain_every_months']} months"
            )
        ),
    ),
    Lever(
        "domain_expert",
        "Bring in a domain expert",
        lambda x, prep: not x["domain_expert"],
        lambda x: {"domain_expert": True},
        lambda x: "Have someone who knows the business work with the team",
    ),
    Lever(
        "anonymise",
        "Anonymise the personal data first",
        lambda x, prep: x["personal_data"] and not x["anonymization_plan"],
        lambda x: {"anonymization_plan": True},
        lambda x: (
            "Write and test a plan to anonymise or minimise the personal data before training"
        ),
    ),
    Lever(
        "batch_latency",
        "Cut scope to batch scoring",
        lambda x, prep: x["latency"] != "batch",
        lambda x: {"latency": "batch"},
        lambda x: "Score in nightly batches first; make it real time in a later release",
    ),
)


def applicable(inputs: dict[str, Any], prep: Any) -> list[Lever]:
    return [lever for lever in CATALOGUE if lever.applies(inputs, prep)]


def rank(result: dict[str, Any], outcomes: list[tuple[Lever, dict[str, float]]]) -> list[dict]:
    """Deltas against the base estimate, best gain in the chance of meeting all targets first."""
    base = {
        **result["probability"],
        "cost_p50_usd": result["cost_usd"]["p50"],
        "duration_p50_weeks": result["duration_weeks"]["p50"],
        "accuracy_12m_p50": result["production_accuracy_12m"]["p50"],
    }
    rows = []
    for lever, outcome in outcomes:
        delta = {key: outcome[key] - base[key] for key in outcome}
        rows.append(
            {
                "key": lever.key,
                "label": lever.label,
                "change": lever.describe(result["inputs"]),
                "delta": delta,
            }
        )
    rows.sort(
        key=lambda row: (
            -row["delta"]["all_targets"],
            -row["delta"]["meets_target"],
            row["delta"]["cost_p50_usd"],
        )
    )
    return rows
