"""Small stored-result dicts and closed projects for the calibration tests."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from scipy import stats

from projects.calibration import ClosedProject, Curve, StoredEstimate

LEVELS = np.linspace(0.0, 1.0, 51)
# The ends of a simulated curve are its smallest and largest trials: about 1 in 20,000.
END_LEVELS = np.clip(LEVELS, 1 / 20_000, 1 - 1 / 20_000)


def lognormal_values(median: float, sd: float) -> list[float]:
    return list(median * np.exp(sd * stats.norm.ppf(END_LEVELS)))


def lognormal_curve(median: float, sd: float) -> Curve:
    return Curve(LEVELS, np.array(lognormal_values(median, sd)))


def score_values(centre: float, sd: float) -> list[float]:
    """A production score spread around `centre` on the logit scale."""
    logit = np.log(centre / (1 - centre)) + sd * stats.norm.ppf(END_LEVELS)
    return list(1 / (1 + np.exp(-logit)))


def result(
    cost_median: float = 100_000.0,
    weeks_median: float = 20.0,
    score_centre: float = 0.8,
    spread: float = 0.4,
    budget: float = 120_000.0,
    deadline: float = 24.0,
    target: float = 0.75,
    probability: dict | None = None,
) -> dict:
    """A stored estimate result with what scoring reads: curves, chances and the targets."""
    chances = {"within_budget": 0.7, "by_deadline": 0.6, "meets_target": 0.65, "all_targets": 0.3}
    return {
        "inputs": {"budget_usd": budget, "deadline_weeks": deadline, "target_value": target},
        "probability": {**chances, **(probability or {})},
        "curves": {
            "quantiles": [round(float(q), 4) for q in LEVELS],
            "cost_usd": lognormal_values(cost_median, spread),
            "duration_weeks": lognormal_values(weeks_median, spread),
            "production_metric": score_values(score_centre, 0.5),
        },
    }


START = date(2025, 1, 6)


def shipped(
    key: str,
    cost: float,
    weeks: float,
    score: float | None = 0.8,
    results: list[dict] | None = None,
) -> ClosedProject:
    """A shipped project with estimates evenly spread over its life (one by default)."""
    end = START + timedelta(days=round(weeks * 7))
    results = results or [result()]
    step = (end - START) / len(results)
    return ClosedProject(
        key=key,
        started_on=START,
        ended_on=end,
        shipped=True,
        actual_cost_usd=cost,
        production_score=score,
        estimates=[StoredEstimate(START + i * step, r) for i, r in enumerate(results)],
    )


def stopped(key: str, spent: float, weeks: float, reason: str) -> ClosedProject:
    return ClosedProject(
        key=key,
        started_on=START,
        ended_on=START + timedelta(days=round(weeks * 7)),
        shipped=False,
        actual_cost_usd=spent,
        stop_reason=reason,
        estimates=[StoredEstimate(START, result())],
    )
