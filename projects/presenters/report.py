"""The report of an estimate, from its engine result (MODEL.md section 3): the summary, the
chances, the outcomes beside the targets, risks, drivers and levers."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from projects import vocabulary
from projects.engine.classifier import other_floor, useful_floor
from projects.engine.inputs import INPUTS_BY_KEY
from projects.formatting import (
    gpu_hours,
    money,
    money_delta,
    percent,
    points_delta,
    result_in_currency,
    score,
    weeks,
    weeks_delta,
)
from projects.models import Estimate

logger = logging.getLogger(__name__)

TOP_DRIVERS = 4
TOP_LEVERS = 5
# Rank correlations at least this large are called strong, moderate or weak; smaller, slight.
DRIVER_STRENGTHS = ((0.5, "strong"), (0.3, "moderate"), (0.1, "weak"))


@dataclass
class ChanceBar:
    """A chance as a card or a pill shows it: its words, a tone and a bar 0 to 100 wide."""

    label: str
    probability: float
    text: str
    tone: str
    bar: int


@dataclass
class Outcome:
    label: str
    target: str
    low: str
    middle: str
    high: str
    chance: str
    tone: str
    note: str = ""  # a line under the label: what the row measures


@dataclass
class InputWarning:
    """An input the engine accepted but that looks wrong (the result's `warnings`)."""

    label: str  # the form's label of the input
    message: str


@dataclass
class Risk:
    title: str
    severity: str
    likelihood: str
    impact: str
    explanation: str
    mitigation: str


@dataclass
class Driver:
    label: str
    strength: str
    direction: str
    bar: int


@dataclass
class DriverGroup:
    title: str
    drivers: list[Driver]


@dataclass
class Lever:
    label: str
    change: str
    all_targets: str
    all_targets_tone: str
    deltas: list[tuple[str, str]]  # the other chances' changes, then the medians'


@dataclass
class Report:
    summary: list[str]
    chances: list[ChanceBar]
    outcomes: list[Outcome]
    risks: list[Risk]
    driver_groups: list[DriverGroup]
    levers: list[Lever]
    details: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    # One line each on the words the page uses that a manager may not know.
    glossary: list[tuple[str, str]] = field(default_factory=list)
    promise: str = ""  # "69% accuracy", the target met in 4 scenarios in 5, when below the target
    promise_against: str = ""  # "90%, reached in under 1%": the target asked and its chance
    compute_bill: str = ""  # what training costs on average, beside the budget
    # Why it may never ship: the engine's `stopped_by` (v2), likeliest first.
    stopped: list[str] = field(default_factory=list)
    # Parts of the plan that cannot finish (the engine's `impossible`, v2), with the reason.
    impossible: list[str] = field(default_factory=list)


def chance_bar(label: str, probability: float | None) -> ChanceBar:
    value = probability if probability is not None else 0.0
    return ChanceBar(
        label=label,
        probability=value,
        text=percent(probability),
        tone=vocabulary.chance_tone(probability),
        bar=max(0, min(100, round(value * 100))),
    )


def report(result: dict) -> Report:
    """Everything the report page shows, from an engine result, its sentences' amounts in the
    team's money."""
    result = result_in_currency(result)
    inputs = result.get("inputs", {})
    probability = result["probability"]
    metric = vocabulary.metric_name(inputs)
    key = vocabulary.metric_key(inputs)
    stats = vocabulary.metric_stats(result)
    target = vocabulary.target_value(result)
    chances = [
        chance_bar(chance.long_label(metric), probability.get(chance.key))
        for chance in vocabulary.CHANCES
    ]
    impossible = impossible_reasons(result)
    outcomes = [
        _outcome(
            "Cost",
            money(inputs.get("budget_usd")),
            result["cost_usd"],
            money,
            probability.get("within_budget"),
        ),
        *_compute_rows(result, "gpu_hours"),
        _outcome(
            "Weeks to production",
            weeks(inputs.get("deadline_weeks")),
            result["duration_weeks"],
            weeks,
            probability.get("by_deadline"),
        ),
        *_compute_rows(result, "training_weeks"),
        _outcome(
            f"Production {metric}",
            # The target gets the digits it needs beside the most likely value (99.9% vs 99.95%).
            score(target, against=stats.get("p50")),
            stats,
            # Enough digits to differ from the target: 99.8% against 99.9%, not 100% and 100%.
            lambda value: score(value, against=target),
            probability.get("meets_target"),
            note=_first_upper(vocabulary.metric_meaning(key, inputs))
            + ", on real traffic at launch.",
        ),
        *_other_side(result, key),
    ]
    if impossible:
        # The engine gives no total for a plan that cannot finish: the team would be paid for
        # as long as it runs. Neither does the page (it would read "$219M" and "20,113 weeks").
        cost, duration = outcomes[0], next(o for o in outcomes if o.label == "Weeks to production")
        for row in (cost, duration):
            row.low = row.middle = row.high = "no end"
        cost.note = "No total: the team is paid for as long as the plan runs."
        duration.note = "The plan cannot finish: see why above."
    risks = [
        Risk(
            title=risk.get("title", risk.get("key", "")),
            severity=str(risk.get("severity", "")),
            likelihood=percent(risk.get("likelihood")),
            impact=risk.get("impact", ""),
            explanation=risk.get("explanation", ""),
            mitigation=risk.get("mitigation", ""),
        )
        for risk in result.get("risks", [])
    ]
    drivers = result.get("drivers", {})
    driver_groups = [
        DriverGroup(title, [_driver(item, noun) for item in drivers.get(key, [])[:TOP_DRIVERS]])
        for key, title, noun in (
            ("cost_usd", "What drives the cost", "cost"),
            ("duration_weeks", "What drives the schedule", "duration"),
            ("production_metric", f"What drives production {metric}", metric),
        )
        if drivers.get(key)
    ]
    levers = [_lever(lever) for lever in result.get("levers", [])[:TOP_LEVERS]]
    details = [
        ("Simulated scenarios", f"{result.get('trials', 0):,}"),
        ("Random seed", str(result.get("seed", "–"))),
        ("Engine version", str(result.get("engine_version", "–"))),
    ]
    warnings = [
        InputWarning(
            _input_label(item.get("field", "")),
            vocabulary.warning_text(str(item.get("field", "")), str(item.get("message", ""))),
        )
        for item in result.get("warnings") or []
        if isinstance(item, dict)
    ]
    # The engine writes a trivial target's warning and an impossible plan's reason into the
    # summary too; the page says each once, in its box right under the summary.
    warned = {
        str(item.get("message")) for item in result.get("warnings") or [] if isinstance(item, dict)
    } | set(impossible)
    return Report(
        summary=[sentence for sentence in result.get("summary", []) if sentence not in warned],
        chances=chances,
        outcomes=outcomes,
        risks=risks,
        driver_groups=driver_groups,
        levers=levers,
        details=details,
        warnings=warnings,
        glossary=[("Balanced accuracy", _first_upper(vocabulary.BALANCED_ACCURACY_MEANING) + ".")],
        promise=_promise(result, metric, target),
        compute_bill=_compute_bill(result),
        impossible=impossible,
        stopped=_stopped(result),
        promise_against=f"{score(target, against=result.get('promisable_target'))}, "
        f"reached in {percent(probability.get('meets_target'))}",
    )


# The other side of the trade-off: where the target is one metric, the operating threshold also
# sets the others, and a target met by flagging everything is no success.
OTHER_SIDE = {
    "recall": ("precision",),
    "precision": ("recall",),
    "f1": ("recall", "precision"),
    "pr_auc": ("recall", "precision"),
    "accuracy": ("recall", "precision"),
}
# With positives at least this common, accuracy is read on its own (as the summary does).
RARE_POSITIVES = 0.2


def _other_side(result: dict, key: str) -> list[Outcome]:
    """Recall and precision at the operating threshold, as the engine reports them, beside a
    target on another metric (for accuracy only when positives are rare)."""
    inputs = result.get("inputs") or {}
    prevalence = inputs.get("production_positive_fraction") or inputs.get("positive_fraction")
    if not isinstance(prevalence, int | float) or isinstance(prevalence, bool):
        prevalence = None
    if key == "accuracy" and (prevalence is None or prevalence >= RARE_POSITIVES):
        return []
    if key in ("recall", "precision"):
        threshold = f"at the threshold set for the {key} target"
        if prevalence is not None:
            # The engine never lets the other side fall below a floor to reach the target
            # (docs/model.md, step 7); where the floor binds, the row sits on it.
            other = OTHER_SIDE[key][0]
            floor = score(other_floor(key, prevalence))
            threshold += f", which never lets {other} fall below {floor}"
    else:
        best = "accuracy" if key == "accuracy" else "F1"
        threshold = f"at the threshold with the best {best}"
    rows = []
    for other in OTHER_SIDE[key]:
        stats = result.get(f"production_{other}")
        if not stats:
            continue
        meaning = _first_upper(vocabulary.metric_meaning(other, inputs))
        rows.append(
            Outcome(
                label=f"Production {other}",
                target="",
                low=score(stats.get("p10")),
                middle=score(stats.get("p50")),
                high=score(stats.get("p90")),
                chance="",
                tone="none",
                note=f"{meaning}, {threshold}.",
            )
        )
    return rows


# A reason to stop that fewer scenarios than this have is not worth a line.
STOP_SHOWN = 0.05


def _stopped(result: dict) -> list[str]:
    """ "In 94% of scenarios, cost or time run so far past the plan that the sponsors pull
    out": each reason the engine stops the project for, likeliest first (a scenario may have
    several); nothing when it almost surely ships."""
    shares = result.get("stopped_by") or {}
    ships = (result.get("probability") or {}).get("reaches_production")
    if not isinstance(ships, int | float) or ships > 0.99:
        return []
    found = [
        (share, vocabulary.STOP_WORDS[cause])
        for cause, share in shares.items()
        if cause in vocabulary.STOP_WORDS and isinstance(share, int | float)
    ]
    return [
        f"In {percent(share)} of scenarios, {words}."
        for share, words in sorted(found, reverse=True)
        if share >= STOP_SHOWN
    ]


def impossible_reasons(result: dict) -> list[str]:
    """Why parts of the plan cannot finish (the engine's `impossible`, v2), in its words."""
    return [
        str(item["reason"])
        for item in result.get("impossible") or []
        if isinstance(item, dict) and item.get("reason")
    ]


def _trains_on_gpus(result: dict) -> bool:
    compute = result.get("compute") or {}
    hours = (compute.get("gpu_hours") or {}).get("p90")
    return isinstance(hours, int | float) and hours > 0


def _compute_rows(result: dict, key: str) -> list[Outcome]:
    """The engine's `compute` (v2) beside the budget and the deadline: GPU-hours after the cost,
    training weeks after the weeks to production; nothing for a project without GPU training."""
    if not _trains_on_gpus(result):
        return []
    stats = result["compute"].get(key) or {}
    inputs = result.get("inputs") or {}
    gpus = inputs.get("gpus_per_run")
    if key == "gpu_hours":
        label, number = "Training compute", gpu_hours
        note = "GPU-hours over all training runs, part of the cost above."
    else:
        # The input as typed (2,048 GPUs), not rounded like a result.
        on = f" on {gpus:,} GPU{'s' if gpus != 1 else ''} a run" if isinstance(gpus, int) else ""
        label, number = "Training time", weeks
        note = f"Weeks the GPUs take to train{on}, part of the weeks above."
    return [
        Outcome(
            label=label,
            target="",
            low=number(stats.get("p10")),
            middle=number(stats.get("p50")),
            high=number(stats.get("p90")),
            chance="",
            tone="none",
            note=note,
        )
    ]


def _compute_bill(result: dict) -> str:
    """ "$93M on average, against the $400k budget": the mean compute cost (the engine's
    `cost_breakdown`), for a project that trains on GPUs."""
    bill = (result.get("cost_breakdown") or {}).get("compute")
    if not _trains_on_gpus(result) or not isinstance(bill, int | float):
        return ""
    budget = (result.get("inputs") or {}).get("budget_usd")
    against = f", against the {money(budget)} budget" if isinstance(budget, int | float) else ""
    return f"{money(bill)} on average{against}"


def _promise(result: dict, metric: str, target: float | None) -> str:
    """The target the engine says can be promised (met in 4 scenarios in 5), when it is below
    the one asked; empty when the target is already that safe or there is none to promise."""
    value = result.get("promisable_target")
    if not isinstance(value, int | float) or target is None or value >= target:
        return ""
    if value < _useful_floor(result.get("inputs") or {}):
        return ""  # the summary says no useful target can be promised, and why
    return f"{score(value, against=target)} {metric}"


def _useful_floor(inputs: dict) -> float:
    """The engine's floor below which a promise is no better than a model without skill."""
    prevalence = inputs.get("production_positive_fraction")
    if not isinstance(prevalence, int | float):
        prevalence = inputs.get("positive_fraction")
    try:
        return useful_floor(str(inputs.get("target_metric")), float(prevalence))
    except (KeyError, TypeError, ValueError):
        return 0.0


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _input_label(key: str) -> str:
    spec = INPUTS_BY_KEY.get(key)
    return spec.label if spec else key.replace("_", " ").capitalize()


def _outcome(
    label: str, target: str, stats: dict, shown, probability: float | None, note: str = ""
) -> Outcome:
    """An outcome beside its target (as text): `stats` are its p10, p50 and p90, written by
    `shown`, and `probability` the chance of meeting the target."""
    return Outcome(
        label=label,
        target=target,
        low=shown(stats.get("p10")),
        middle=shown(stats.get("p50")),
        high=shown(stats.get("p90")),
        chance=percent(probability),
        tone=vocabulary.chance_tone(probability),
        note=note,
    )


def report_or_failure(estimate: Estimate | None) -> tuple[Report | None, str]:
    """The report of a finished estimate, or None and what went wrong when its result cannot be
    shown (an old engine's, say); (None, "") without an estimate."""
    if estimate is None:
        return None, ""
    try:
        return report(estimate.result), ""
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        logger.exception("Estimate %s could not be shown", estimate.pk)
        return None, f"{exc.__class__.__name__}: {exc}"


def driver_strength(correlation: float) -> str:
    """How strongly an uncertainty moves an outcome, from its rank correlation."""
    for floor, word in DRIVER_STRENGTHS:
        if abs(correlation) >= floor:
            return word
    return "slight"


def _driver(item: dict, noun: str) -> Driver:
    correlation = float(item.get("correlation", 0.0))
    direction = f"more of it raises {noun}" if correlation > 0 else f"more of it lowers {noun}"
    return Driver(
        label=item.get("label", item.get("name", "")),
        strength=driver_strength(correlation),
        direction=direction,
        bar=max(2, min(100, round(abs(correlation) * 100))),
    )


def _lever(lever: dict) -> Lever:
    delta = lever.get("delta", {})
    return Lever(
        label=lever.get("label", lever.get("key", "")),
        change=lever.get("change", ""),
        all_targets=vocabulary.all_targets_pill(points_delta(delta.get(vocabulary.ALL_TARGETS))),
        all_targets_tone=vocabulary.change_tone(
            delta.get(vocabulary.ALL_TARGETS), vocabulary.STEADY_POINTS
        ),
        deltas=[
            (chance.short, points_delta(delta.get(chance.key)))
            for chance in vocabulary.CHANCES
            if chance.key != vocabulary.ALL_TARGETS
        ]
        + [
            ("Median cost", money_delta(delta.get("cost_p50_usd"))),
            ("Median weeks", weeks_delta(delta.get("duration_p50_weeks"))),
        ],
    )
