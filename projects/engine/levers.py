"""Controllable changes, each re-simulated with the same draws (MODEL.md §4.6)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import classifier, launch, priors, words

KEPT = (
    "reaches_production",
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
    # What the simulation found, in words, where the description quotes figures of its own
    # (the labels' price and pace) that differ from the lever's effect on the whole project.
    explain: Callable[[dict[str, Any], dict[str, float]], str] | None = None

    def apply(self, inputs: dict[str, Any]) -> dict[str, Any]:
        return {**inputs, **self.changes(inputs)}


def _more_labels(project):
    have = project["labeled_examples"] + project["planned_new_labels"]
    return {"planned_new_labels": min(project["planned_new_labels"] + max(have, 1000), 10**9)}


def _describe_labels(project):
    extra = _more_labels(project)["planned_new_labels"] - project["planned_new_labels"]
    return f"Label {extra:,} more examples (double the labeled data)"


PRODUCTION_LABELS_MIN = 2000


def _production_labels(project):
    """Examples of real production traffic to label: a tenth of the labels, at least 2,000."""
    have = project["labeled_examples"] + project["planned_new_labels"]
    return int(min(max(PRODUCTION_LABELS_MIN, have // 10), 10**9 - project["planned_new_labels"]))


def _label_production(project):
    # Training on labeled production traffic closes part of the gap to it: one step milder
    # shift (assumption, in the spirit of Blitzer et al. 2007, where a few target-domain labels
    # corrected most of a source-trained model's misalignment).
    order = priors.SHIFT_ORDER
    milder = order[max(0, order.index(project["production_shift"]) - 1)]
    return {
        "production_shift": milder,
        "representative_sample": True,
        "planned_new_labels": project["planned_new_labels"] + _production_labels(project),
    }


def _production_label_weeks(project):
    return _production_labels(project) / project["labels_per_week"]


def _describe_production_labels(project):
    count = _production_labels(project)
    cost = project["label_cost_usd"]
    if cost is None:
        cost = priors.LABEL_COST_USD[project["task_type"]]
    cost *= count * sum(priors.LABEL_QA_OVERHEAD) / 2
    weeks = _production_label_weeks(project)
    return (
        f"Label {count:,} examples of real production traffic and train on them (the labels "
        f"cost about {words.usd(cost)} and take about {words.weeks(weeks)} to label)"
    )


def _explain_production_labels(project, delta):
    """The labels' own price and pace are not the project's: labeling runs partly beside other
    work, the team is paid while it runs, and a model that fits production needs less rework.
    Say what the simulation gives for the whole project, with the same figures as its deltas."""
    cost, weeks = delta["cost_p50_usd"], delta["duration_p50_weeks"]
    if abs(weeks) < 0.5:
        time = "takes about as long"
    else:
        time = f"takes about {words.weeks(abs(weeks))} {'longer' if weeks > 0 else 'less'}"
    if abs(cost) < 0.01 * project["budget_usd"]:
        money = "costs about the same"
    else:
        money = f"costs about {words.usd(abs(cost))} {'more' if cost > 0 else 'less'}"
    reasons = []
    if _production_label_weeks(project) > weeks + 1:
        reasons.append("the labeling runs partly beside other work")
    if cost > 0 and weeks >= 0.5:
        reasons.append("the team is paid while it runs")
    elif cost < 0 or weeks <= -0.5:
        reasons.append("a model that fits production needs less rework")
    why = f", since {' and '.join(reasons)}" if reasons else ""
    return f". In the simulation, the whole project then {money} and {time}{why}"


def _mlops_missing(project):
    return [key for key in ("has_monitoring", "has_versioning", "has_rollback") if not project[key]]


CATALOGUE = (
    Lever(
        "label_production_data",
        "Label real production data",
        lambda project, derived: (
            derived.effective_shift != "same"
            and project["planned_new_labels"] + PRODUCTION_LABELS_MIN <= 10**9
        ),
        _label_production,
        _describe_production_labels,
        _explain_production_labels,
    ),
    Lever(
        "more_labels",
        "Double the labeled data",
        lambda project, derived: (
            project["labeled_examples"] + project["planned_new_labels"] < 10**9 // 2
        ),
        _more_labels,
        _describe_labels,
    ),
    Lever(
        "add_senior",
        "Add a senior ML engineer",
        lambda project, derived: project["senior_ml"] < 1000,
        lambda project: {"senior_ml": project["senior_ml"] + 1},
        lambda project: (
            f"Add one experienced ML engineer ({project['senior_ml']} → {project['senior_ml'] + 1})"
        ),
    ),
    Lever(
        "auto_stop",
        "Turn on auto-stop for training jobs",
        lambda project, derived: (
            not project["auto_stop"] and derived.gpu_hours * project["training_runs"] > 0
        ),
        lambda project: {"auto_stop": True},
        lambda project: (
            "Give every training job a hard runtime limit and a budget alert that kills it"
        ),
    ),
    Lever(
        "mlops",
        "Add monitoring, versioning and rollback",
        lambda project, derived: bool(_mlops_missing(project)),
        lambda project: dict.fromkeys(_mlops_missing(project), True),
        lambda project: "Set up production monitoring, model versioning and one-step rollback",
    ),
    Lever(
        "retrain_monthly",
        "Retrain every month",
        lambda project, derived: project["retrain_every_months"] != 1,
        lambda project: {"retrain_every_months": 1},
        lambda project: (
            "Retrain the model on fresh data every month"
            + (
                ""
                if project["retrain_every_months"] == 0
                else f" instead of every {project['retrain_every_months']} months"
            )
        ),
    ),
    Lever(
        "domain_expert",
        "Bring in a domain expert",
        lambda project, derived: not project["domain_expert"],
        lambda project: {"domain_expert": True},
        lambda project: "Have someone who knows the business work with the team",
    ),
    Lever(
        "anonymise",
        "Anonymise the personal data first",
        lambda project, derived: project["personal_data"] and not project["anonymization_plan"],
        lambda project: {"anonymization_plan": True},
        lambda project: (
            "Write and test a plan to anonymise or minimise the personal data before training"
        ),
    ),
    Lever(
        "batch_latency",
        "Cut scope to batch scoring",
        lambda project, derived: project["latency"] != "batch",
        lambda project: {"latency": "batch"},
        lambda project: "Score in nightly batches first; make it real time in a later release",
    ),
)


def applicable(inputs: dict[str, Any], derived: Any) -> list[Lever]:
    return [lever for lever in CATALOGUE if lever.applies(inputs, derived)]


def rank(
    result: dict[str, Any],
    outcomes: list[tuple[Lever, dict[str, float]]],
    base: dict[str, float] | None = None,
) -> list[dict]:
    """Deltas against the base estimate, best gain in the chance of meeting all targets first.

    `base` is the base estimate on the trials the levers were simulated on (all of them
    unless the estimate has more than the lever trials)."""
    base = base or {
        **result["probability"],
        "cost_p50_usd": result["cost_usd"]["p50"],
        "duration_p50_weeks": result["duration_weeks"]["p50"],
        "accuracy_12m_p50": result["production_accuracy_12m"]["p50"],
    }
    rows = []
    for lever, outcome in outcomes:
        delta = {key: outcome[key] - base[key] for key in outcome}
        change = lever.describe(result["inputs"])
        if lever.explain is not None:
            change += lever.explain(result["inputs"], delta)
        rows.append(
            {
                "key": lever.key,
                "label": lever.label,
                "change": change,
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


def promisable(result: dict[str, Any], arrays: dict[str, np.ndarray]) -> dict[str, Any] | None:
    """The lever "set the target to what is reachable": the quality target met with a 4 in 5
    chance (no new simulation: the same trials judged against a lower target)."""
    value = result["promisable_target"]
    project = result["inputs"]
    prevalence = project["production_positive_fraction"]
    if prevalence is None:
        prevalence = project["positive_fraction"]
    # Below the useful floor the summary says no useful target can be promised: no lever
    # offers one either.
    if (
        value is None
        or value >= project["target_value"]
        or value < classifier.useful_floor(project["target_metric"], prevalence)
    ):
        return None
    meets = arrays["production_skill"] >= value
    ships = ~(
        arrays["stop_fixed"]
        | launch.shortfall_stop(arrays["production_skill"], value, arrays["launch_draw"])
    )
    both = arrays["within_budget"] & arrays["by_deadline"] & ships
    base = result["probability"]
    label = words.percent_against(value, project["target_value"])
    return {
        "key": "promisable_target",
        "label": "Set the target to what is reachable",
        "change": f"Promise {label} instead of {words.percent(project['target_value'])} "
        f"{project['target_metric'].replace('_', '-')}: the target met with a 4 in 5 chance",
        "delta": {
            "within_budget": 0.0,
            "by_deadline": 0.0,
            "meets_target": float(meets.mean()) - base["meets_target"],
            "reaches_production": float(ships.mean()) - base["reaches_production"],
            "all_targets": float((meets & both).mean()) - base["all_targets"],
            "cost_p50_usd": 0.0,
            "duration_p50_weeks": 0.0,
            "accuracy_12m_p50": 0.0,
        },
    }
