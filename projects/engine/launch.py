"""Whether a project reaches production at all (issue 13; docs/model.md, "Reaching production").

About half of AI pilots never launch (Gartner 2022: 54% reach production). RAND's interviews
(Ryseff et al. 2024) name the root causes: the problem misunderstood, too little data, no
infrastructure to deploy, a problem too hard for the data, and the organisation moving on.
Each trial is stopped before launch for one of three modelled reasons:

- value: the model does not beat today's solution clearly, or falls far short of the target;
- overrun: the cost or the schedule runs past what the sponsors will carry;
- organisation: priorities change while the project runs, more often in an organisation
  that has never shipped ML, without a domain expert, or without the means to deploy.

Everything is vectorised over trials and drawn from named streams (common random numbers).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import priors
from .derived import Derived
from .draws import Draws, lognormal

CAUSES = ("value", "overrun", "organisation")


def shortfall_stop(skill: np.ndarray, target: float, uniform: np.ndarray) -> np.ndarray:
    """Stopped because the model falls well short of the target: the further short, the likelier
    (sponsors ship a model a little below target, rarely one far below it)."""
    if target <= 0:
        return np.zeros(skill.shape, dtype=bool)
    with np.errstate(over="ignore"):  # a tiny target: every model is far above it
        short = np.clip(1.0 - skill / target, 0.0, None)
    chance = priors.SHORTFALL_STOP_MAX * np.minimum(short / priors.SHORTFALL_STOP_FULL, 1.0)
    return uniform < chance


def organisation_hazard(project: dict[str, Any], derived: Derived) -> float:
    """Monthly chance that the organisation stops the project for reasons outside the work."""
    missing = sum(
        not project[key]
        for key in ("has_monitoring", "has_versioning", "has_rollback", "has_retraining_pipeline")
    )
    hazard = priors.STOP_HAZARD_PER_MONTH
    hazard *= priors.STOP_FIRST_ML if not project["shipped_ml_before"] else 1.0
    hazard *= priors.STOP_NO_DOMAIN_EXPERT if not project["domain_expert"] else 1.0
    hazard *= 1.0 + priors.STOP_PER_MISSING_CAPABILITY * missing
    if project["personal_data"] and not project["anonymization_plan"]:
        hazard *= priors.STOP_PRIVACY_UNPLANNED
    if derived.regulated:
        hazard *= priors.STOP_REGULATED
    return hazard


def simulate(
    project: dict[str, Any], derived: Derived, out: dict[str, np.ndarray], draws: Draws
) -> dict[str, np.ndarray]:
    """Per-trial stop causes and whether the project reaches production."""
    baseline = project["baseline_score"]
    no_gain = out["production_balanced"] < baseline + priors.MIN_USEFUL_GAIN
    uniform = draws.uniform("launch.value")
    value = (no_gain & (uniform < priors.NO_GAIN_STOP)) | shortfall_stop(
        out["production_skill"], project["target_value"], uniform
    )
    # The sponsors' patience: how far past the budget or the deadline they still pay.
    patience = lognormal(
        priors.SPONSOR_PATIENCE_MEDIAN,
        priors.SPONSOR_PATIENCE_SIGMA,
        draws.normal("launch.patience"),
    )
    # Compared as "spent beyond (1 + patience) x plan", which stays finite for any budget.
    stretch = 1.0 + patience
    overrun = (out["cost"] > stretch * project["budget_usd"]) | (
        out["duration"] > stretch * project["deadline_weeks"]
    )
    months = np.minimum(out["duration"], priors.STOP_HORIZON_WEEKS) / priors.WEEKS_PER_MONTH
    organisation = draws.uniform("launch.organisation") < -np.expm1(
        -organisation_hazard(project, derived) * months
    )
    return {
        "stop_value": value,
        "stop_overrun": overrun,
        "stop_organisation": organisation,
        # Every stop that does not depend on the target (the "promisable target" lever
        # re-judges the same trials against a lower target).
        "stop_fixed": (no_gain & (uniform < priors.NO_GAIN_STOP)) | overrun | organisation,
        "launch_draw": uniform,
        "reaches_production": ~(value | overrun | organisation),
    }
