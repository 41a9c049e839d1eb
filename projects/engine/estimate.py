"""The engine's entry point: validate, simulate in chunks, summarise (MODEL.md §3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri
from scipy.stats import rankdata

from . import accuracy, classifier, launch, model, priors, risks, summary
from . import levers as lever_catalogue
from .draws import Draws
from .inputs import normalise, normalise_progress, pilot_warnings

ENGINE_VERSION = "2.0.0"
CHUNK_TRIALS = 50_000  # fixed, so that draws depend on the seed and trial index only
# Levers are simulated on the first chunks only (common random numbers: a delta compares the
# same trials with and without the lever, so 100,000 trials pin it to a few tenths of a point).
LEVER_TRIALS = 2 * CHUNK_TRIALS
DRIVER_TRIALS = 5_000
CHART_TRIALS = 4_000
CHART_MONTHS = 24
STAT_QUANTILES = (0.05, 0.10, 0.50, 0.80, 0.90, 0.95)
CURVE_QUANTILES = tuple(np.linspace(0.0, 1.0, 51))

# The per-trial arrays kept after each chunk (everything else is dropped to save memory).
KEPT = (
    "cost",
    "duration",
    "effort",
    "offline",
    "production_balanced",
    "production_accuracy",
    "production_recall",
    "production_precision",
    "production_metric",
    "production_skill",
    "accuracy_12m",
    "data_preparation",
    "modeling",
    "deployment",
    "integration",
    "governance",
    "people_cost",
    "labeling_cost",
    "compute_cost",
    "runaway_cost",
    "runaway_jobs",
    "compliance_cost",
    "labeling_weeks",
    "training_weeks",
    "gpu_hours",
    "working_weeks",
    "cost_tail",
    "overrun_cost",
    "review",
    "departures",
    "tail",
    "hire_arrival",
    "retention",
    "yearly_loss",
    "missing_impact",
    "curve_exponent",
    "curve_floor",
    "curve_scale",
    "label_worth",
    "offline_shift",
    "scrapped",
    "within_budget",
    "by_deadline",
    "meets_target",
    "reaches_production",
    "all_targets",
    "stop_value",
    "stop_overrun",
    "stop_organisation",
    "stop_fixed",
    "launch_draw",
)

DRIVERS = (
    ("data_preparation", "Data preparation effort"),
    ("modeling", "Modeling effort"),
    ("deployment", "Deployment effort"),
    ("integration", "Legacy integration effort"),
    ("governance", "Governance and compliance effort"),
    ("tail", "Black-swan overrun (one project in six)"),
    ("cost_tail", "Black-swan cost overrun (one project in six)"),
    ("training_weeks", "Training time on the GPUs"),
    ("labeling_throughput", "Labeling throughput"),
    ("hire_arrival", "Hiring delay"),
    ("departures", "People leaving mid-project"),
    ("curve_exponent", "Learning-curve steepness"),
    ("retention", "Test-to-production retention"),
    ("label_worth", "Head start from the pretrained model"),
    ("missing_impact", "Damage from missing values"),
    ("compute_overrun", "Compute overrun"),
    ("waste", "Wasted GPU time"),
    ("runaway_jobs", "Training jobs left running"),
    ("review", "Regulatory review time"),
)


def estimate(
    inputs: dict[str, Any],
    *,
    levers: bool = True,
    progress: dict[str, Any] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Estimate cost, timeline and production accuracy; see MODEL.md §3 for the result.

    `progress` (optional, see inputs.PROGRESS) re-estimates a running project from a check-in.
    `on_progress`, if given, is called with the share of the simulation done (0 to 1) after
    each chunk of trials, for progress bars.
    """
    project = normalise(inputs)
    where = None if progress is None else normalise_progress(progress)
    if project["seed"] is None:
        project["seed"] = int(np.random.SeedSequence().entropy % (2**63))
    derived = model.derive(project)
    applicable = lever_catalogue.applicable(project, derived) if levers else []
    lever_runs = [(lever, lever.apply(project)) for lever in applicable]
    lever_derived = [model.derive(changed) for _, changed in lever_runs]

    kept: dict[str, list[np.ndarray]] = {key: [] for key in KEPT}
    lever_kept: list[dict[str, list[np.ndarray]]] = [
        {key: [] for key in lever_catalogue.KEPT} for _ in lever_runs
    ]
    drivers_sample = chart_sample = None
    trials = project["trials"]
    for chunk, start in enumerate(range(0, trials, CHUNK_TRIALS)):
        draws = Draws(project["seed"], chunk, min(CHUNK_TRIALS, trials - start))
        out = model.simulate(project, derived, draws, where)
        for key in KEPT:
            kept[key].append(out[key])
        if chunk == 0:
            drivers_sample = _driver_sample(out)
            chart_sample = {
                key: out[key][:CHART_TRIALS] for key in ("production_balanced", "yearly_loss")
            }
        for (_lever, changed), changed_derived, store in zip(
            lever_runs if start < LEVER_TRIALS else [], lever_derived, lever_kept, strict=False
        ):
            lever_out = model.simulate(changed, changed_derived, draws, where)
            for key in lever_catalogue.KEPT:
                store[key].append(lever_out[key])
        if on_progress is not None:
            on_progress(min(1.0, (start + CHUNK_TRIALS) / trials))
    arrays = {key: np.concatenate(parts) for key, parts in kept.items()}

    result: dict[str, Any] = {
        "engine_version": ENGINE_VERSION,
        "trials": trials,
        "seed": project["seed"],
        "inputs": project,
        "progress": where,
    }
    curves = {}
    for name, key in (
        ("cost_usd", "cost"),
        ("duration_weeks", "duration"),
        ("effort_person_weeks", "effort"),
        ("offline_score", "offline"),
        ("production_accuracy", "production_accuracy"),
        ("production_recall", "production_recall"),
        ("production_precision", "production_precision"),
        ("production_accuracy_12m", "accuracy_12m"),
        ("production_metric", "production_metric"),
    ):
        result[name], curves[name] = _stats(arrays[key])
    result["compute"] = {
        "gpu_hours": _stats(arrays["gpu_hours"])[0],
        "training_weeks": _stats(arrays["training_weeks"])[0],
    }
    result["impossible"] = [
        {**entry, "reason": summary.impossible_reason(project, entry)}
        for entry in _impossible(project, arrays)
    ]
    result["phase_share"] = _phase_share(arrays)
    result["probability"] = {
        key: float(arrays[key].mean())
        for key in (
            "within_budget",
            "by_deadline",
            "meets_target",
            "reaches_production",
            "all_targets",
        )
    }
    # Share of trials stopped before launch for each reason (a trial can have several).
    result["stopped_by"] = {cause: float(arrays[f"stop_{cause}"].mean()) for cause in launch.CAUSES}
    result["labels_needed_p50"] = _labels_needed(project, derived, arrays)
    result["promisable_target"] = _promisable(arrays["production_skill"])
    result["drivers"] = _drivers(drivers_sample)
    lever_trials = min(trials, LEVER_TRIALS)
    result["levers"] = lever_catalogue.rank(
        result,
        [
            (lever, _lever_summary(store))
            for (lever, _), store in zip(lever_runs, lever_kept, strict=True)
        ],
        base=_lever_summary({key: [arrays[key][:lever_trials]] for key in lever_catalogue.KEPT}),
    )
    if levers:
        row = lever_catalogue.promisable(result, arrays)
        if row is not None:
            result["levers"] = sorted(
                [*result["levers"], row],
                key=lambda lever: (
                    -lever["delta"]["all_targets"],
                    -lever["delta"]["meets_target"],
                    lever["delta"]["cost_p50_usd"],
                ),
            )
    result["production_by_month"] = _by_month(project, derived, chart_sample)
    result["curves"] = {"quantiles": [round(float(q), 4) for q in CURVE_QUANTILES], **curves}
    result["cost_breakdown"] = {
        key.removesuffix("_cost"): float(arrays[key].mean())
        for key in (
            "people_cost",
            "labeling_cost",
            "compute_cost",
            "runaway_cost",
            "compliance_cost",
        )
    }
    result["warnings"] = pilot_warnings(project["pilot_curve"]) + _target_warnings(project, derived)
    result["risks"] = risks.assess(project, derived, arrays, result)
    result["summary"] = summary.sentences(project, derived, result)
    return result


def _stats(values: np.ndarray) -> tuple[dict[str, float], list[float]]:
    count = values.size
    spread = 0.5 / np.sqrt(count)
    wanted = np.array(STAT_QUANTILES + (0.5 - spread, 0.5 + spread) + CURVE_QUANTILES)
    quantiles = _quantiles(np.sort(values), wanted)
    percentiles = quantiles[: len(STAT_QUANTILES)]
    stats = {
        "mean": float(values.mean()),
        "p5": float(percentiles[0]),
        "p10": float(percentiles[1]),
        "p50": float(percentiles[2]),
        "p80": float(percentiles[3]),
        "p90": float(percentiles[4]),
        "p95": float(percentiles[5]),
        # Standard error of the median from the order statistics one standard error away.
        "mc_error": float(max(quantiles[7] - quantiles[6], 0.0) / 2.0),
    }
    return stats, [float(value) for value in quantiles[8:]]


def _quantiles(ordered: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Linear-interpolation quantiles (numpy's default) of an already sorted array."""
    position = wanted * (ordered.size - 1)
    low = np.floor(position).astype(np.intp)
    high = np.minimum(low + 1, ordered.size - 1)
    share = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * share


PROMISE_CHANCE = 0.8


def _promisable(skill: np.ndarray) -> float | None:
    """The target value met in 4 trials in 5: the 20% quantile of the judged metric without the
    target's cap. Rounded down to 3 decimals, so a promise is never above what the trials give."""
    value = float(np.quantile(skill, 1.0 - PROMISE_CHANCE, method="inverted_cdf"))
    return float(np.floor(value * 1000.0) / 1000.0) if value > 0 else None


def _target_warnings(project, derived) -> list[dict[str, str]]:
    """A target that a model without skill already meets (always "no", flag everything)."""
    from .summary import trivial_target_sentence  # the same words as the summary

    sentence = trivial_target_sentence(project, derived)
    return [{"field": "target_value", "message": sentence}] if sentence else []


def _impossible(project: dict[str, Any], arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Parts of the plan that alone take far beyond the deadline: no date is worth printing."""
    limit = max(
        priors.IMPOSSIBLE_DEADLINE_MULTIPLE * project["deadline_weeks"], priors.IMPOSSIBLE_MIN_WEEKS
    )
    found = []
    for cause, key in (("labeling", "labeling_weeks"), ("compute", "training_weeks")):
        weeks = float(np.median(arrays[key]))
        if weeks > limit:
            found.append({"cause": cause, "weeks_p50": weeks, "limit_weeks": limit})
    return found


def _phase_share(arrays: dict[str, np.ndarray]) -> dict[str, float]:
    phases = ("data_preparation", "modeling", "deployment", "integration", "governance")
    means = np.array([arrays[phase].mean() for phase in phases])
    shares = means / means.sum()
    return {phase: float(share) for phase, share in zip(phases, shares, strict=True)}


def _labels_needed(project, derived, arrays) -> int | None:
    """Total labeled examples at which half the trials meet the target metric in production."""
    needed_balanced = classifier.balanced_needed(
        project["target_metric"], project["target_value"], derived.production_prevalence
    )
    if not np.isfinite(needed_balanced):
        return None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Invert the shift (production = Φ(k Φ⁻¹(offline))), the measured offset, the missing
        # values and the learning curve, trial by trial.
        offline_needed = (
            ndtr(ndtri(needed_balanced) / arrays["retention"]) - arrays["offline_shift"]
        ) / (1.0 - arrays["missing_impact"])
        offline_needed = np.where(arrays["retention"] > 0, offline_needed, np.inf)
        error_needed = 1.0 - offline_needed
        floor, scale, exponent = (
            arrays["curve_floor"],
            arrays["curve_scale"],
            arrays["curve_exponent"],
        )
        if derived.pilot is None:
            per_label = (
                accuracy.balance_factor(project["positive_fraction"]) * arrays["label_worth"]
            )
            shrink = (error_needed - floor) / scale
            effective = shrink ** (-1.0 / exponent) - 1.0
            examples = effective * priors.LEARNING_CURVE_SCALE[project["task_type"]] / per_label
        else:
            examples = (scale / (error_needed - floor)) ** (1.0 / exponent)
        examples = np.where(error_needed <= floor, np.inf, examples)
        examples = np.where(
            (needed_balanced <= 0.5) | (error_needed >= floor + scale), 0.0, examples
        )
    median = float(np.quantile(examples, 0.5, method="inverted_cdf"))
    if not np.isfinite(median) or median > 1e12:
        return None
    return int(np.ceil(median))


def _driver_sample(out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    sample = {key: out[key][:DRIVER_TRIALS] for key, _ in DRIVERS if key in out}
    sample["labeling_throughput"] = out["throughput"][:DRIVER_TRIALS]
    for key in ("cost", "duration", "production_metric"):
        sample[key] = out[key][:DRIVER_TRIALS]
    return sample


def _drivers(sample: dict[str, np.ndarray]) -> dict[str, list[dict[str, Any]]]:
    """Spearman rank correlation of each uncertain quantity with each output."""
    names = [(key, label) for key, label in DRIVERS if key in sample and np.ptp(sample[key]) > 0]
    outputs = (
        ("cost_usd", "cost"),
        ("duration_weeks", "duration"),
        ("production_metric", "production_metric"),
    )
    result: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in outputs}
    if not names:
        return result
    inputs_ranked = _standardised_ranks(np.stack([sample[key] for key, _ in names]))
    for name, key in outputs:
        if np.ptp(sample[key]) == 0:
            continue
        ranked = _standardised_ranks(sample[key][None, :])[0]
        correlations = inputs_ranked @ ranked / ranked.size
        rows = [
            {"name": key, "label": label, "correlation": round(float(corr), 3)}
            for (key, label), corr in zip(names, correlations, strict=True)
            if abs(corr) >= 0.05
        ]
        result[name] = sorted(rows, key=lambda row: -abs(row["correlation"]))[:8]
    return result


def _standardised_ranks(matrix: np.ndarray) -> np.ndarray:
    ranks = rankdata(matrix, axis=1)
    ranks -= ranks.mean(axis=1, keepdims=True)
    ranks /= ranks.std(axis=1, keepdims=True)
    return ranks


def _lever_summary(store: dict[str, list[np.ndarray]]) -> dict[str, float]:
    arrays = {key: np.concatenate(parts) for key, parts in store.items()}
    return {
        "within_budget": float(arrays["within_budget"].mean()),
        "by_deadline": float(arrays["by_deadline"].mean()),
        "meets_target": float(arrays["meets_target"].mean()),
        "reaches_production": float(arrays["reaches_production"].mean()),
        "all_targets": float(arrays["all_targets"].mean()),
        "cost_p50_usd": float(np.quantile(arrays["cost"], 0.5)),
        "duration_p50_weeks": float(np.quantile(arrays["duration"], 0.5)),
        "accuracy_12m_p50": float(np.quantile(arrays["accuracy_12m"], 0.5)),
    }


def _by_month(project, derived, sample) -> dict[str, Any]:
    """The target metric month by month after launch, with and without the retraining cadence."""
    months = list(range(1, CHART_MONTHS + 1))
    series = {}
    cadences = {"with_retraining": project["retrain_every_months"], "without_retraining": 0}
    for name, cadence in cadences.items():
        balanced = accuracy.monthly_balanced(
            sample["production_balanced"], sample["yearly_loss"], cadence, CHART_MONTHS
        )
        values = classifier.metric(
            balanced,
            "metric",
            derived.production_prevalence,
            project["target_metric"],
            project["target_value"],
        )
        low, mid, high = np.quantile(values, [0.1, 0.5, 0.9], axis=0)
        series[name] = {"p10": low.tolist(), "p50": mid.tolist(), "p90": high.tolist()}
    return {
        "months": months,
        "metric": project["target_metric"],
        "retrain_every_months": project["retrain_every_months"],
        **series,
    }
