"""One chunk of Monte Carlo trials (MODEL.md §4): what the inputs imply, then delivery (effort,
calendar time, cost) and accuracy, and whether each stakeholder target is met in each trial.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import accuracy, delivery, launch, priors
from .derived import Derived
from .draws import Draws


def derive(project: dict[str, Any]) -> Derived:
    regulated = project["domain"] in priors.REGULATED_DOMAINS
    needs = project["needs_explainability"]
    shift_index = priors.SHIFT_ORDER.index(project["production_shift"])
    if not project["representative_sample"]:
        shift_index = min(shift_index + 1, len(priors.SHIFT_ORDER) - 1)
    label_cost = project["label_cost_usd"]
    gpu_hours = project["gpu_hours_per_run"]
    if gpu_hours is None:
        gpu_hours = priors.GPU_HOURS_PER_RUN[project["approach"]]
    flops = None
    if project["model_parameters"] is not None and project["training_tokens"] is not None:
        flops = (
            priors.TRAINING_FLOPS_PER_PARAMETER_TOKEN
            * project["model_parameters"]
            * project["training_tokens"]
        )
        gpu_hours = flops / delivery.flops_per_gpu_hour(project, priors.MFU_MEDIAN)
        gpu_hours /= project["gpus_per_run"]
    prevalence = project["production_positive_fraction"]
    return Derived(
        needs_explainability=regulated if needs is None else needs,
        regulated=regulated,
        label_cost=priors.LABEL_COST_USD[project["task_type"]]
        if label_cost is None
        else label_cost,
        gpu_hours=gpu_hours,
        training_flops=flops,
        production_prevalence=project["positive_fraction"] if prevalence is None else prevalence,
        effective_shift=priors.SHIFT_ORDER[shift_index],
        pilot=None
        if project["pilot_curve"] is None
        else accuracy.fit_pilot(tuple((p["examples"], p["score"]) for p in project["pilot_curve"])),
    )


def simulate(
    project: dict[str, Any], derived: Derived, draws: Draws, progress: dict[str, Any] | None = None
) -> dict[str, np.ndarray]:
    """All per-trial quantities for one chunk; `progress` re-estimates from a check-in."""
    out = delivery.simulate(project, derived, draws, progress)
    out.update(accuracy.simulate(project, derived, draws, progress))
    out["within_budget"] = out["cost"] <= project["budget_usd"]
    out["by_deadline"] = out["duration"] <= project["deadline_weeks"]
    out.update(launch.simulate(project, derived, out, draws))
    out["all_targets"] = (
        out["reaches_production"] & out["within_budget"] & out["by_deadline"] & out["meets_target"]
    )
    return out
