"""The plain-language summary for an executive with two minutes (MODEL.md §5).

Bottom line first, then one sentence per target, the largest gap, the accuracy paradox where it
applies, and the top three risks with what to do. No percentiles: chances in words.
"""

from __future__ import annotations

import math
from typing import Any

from . import classifier, words
from .risks import SHORT_METRIC, metric_words, positive_cases, positive_name


def sentences(project: dict[str, Any], derived: Any, result: dict[str, Any]) -> list[str]:
    probability = result["probability"]
    target = f"{words.percent(project['target_value'])} {metric_words(project)}"
    overall = words.capital(words.chance_of(probability["all_targets"]))
    trivial_how = _trivial_how(project, derived)
    out = [
        f"Bottom line: {overall} of being in production within "
        f"{words.weeks(project['deadline_weeks'])}, within {words.usd(project['budget_usd'])} "
        f"and at {target}"
        + (
            f", but {trivial_how}: that target says nothing about the model."
            if trivial_how
            else "."
        ),
        _launch(result),
        _cost(project, result),
        _time(project, result),
        _compute(project, derived, result),
        _quality(project, derived, result),
    ]
    out = [sentence for sentence in out if sentence]
    out += [entry["reason"] for entry in result.get("impossible", [])]
    impossible = _impossible(project, derived, result)
    if impossible:
        out.append(impossible)
    trivial = trivial_target_sentence(project, derived)
    promise = _promise(project, derived, result)
    already_said = set()
    gap = next((risk for risk in result["risks"] if risk["key"] == "expectation_gap"), None)
    if gap is not None:
        out.append("The biggest gap: " + gap["impact"][0].lower() + gap["impact"][1:])
        already_said.add("expectation_gap")
    if trivial:
        out.append(trivial)
        already_said.add("class_imbalance")
    if promise:
        out.append(promise)
    top = [risk for risk in result["risks"] if risk["key"] not in already_said][:3]
    for number, risk in enumerate(top, start=1):
        out.append(
            f"Risk {number} ({risk['severity']}): {risk['title'].lower()}. {risk['impact']} "
            f"What to do: {risk['mitigation']}"
        )
    serving = project["serving_usd_per_month"] * 12
    if serving > 0:
        out.append(
            f"Once live, running the model costs about {words.usd(serving)} a year. That is on "
            "top of the project cost."
        )
    return out


STOP_REASONS = {
    "value": "the model not beating today's solution clearly, or falling far short of the target",
    "overrun": "cost or time running so far past the plan that the sponsors pull out",
    "organisation": "priorities changing before launch, likelier in a first ML project, "
    "without a domain expert or without the means to deploy",
}


def _launch(result: dict[str, Any]) -> str:
    chance = result["probability"]["reaches_production"]
    text = (
        f"Launch: {words.chance_of(chance)} that it reaches production at all; across "
        "companies, about half of AI pilots do (Gartner 2022)."
    )
    stopped = result.get("stopped_by") or {}
    if chance < 0.99 and stopped:
        cause = max(stopped, key=stopped.get)
        text += f" The likeliest reason to be stopped: {STOP_REASONS[cause]}."
    return text


def _cost(project: dict[str, Any], result: dict[str, Any]) -> str:
    cost, probability = result["cost_usd"], result["probability"]
    budget = words.usd(project["budget_usd"])
    if result.get("impossible"):
        return (
            f"Cost: no total can be given, since the team would be paid for as long as the plan "
            f"runs. It cannot stay within the {budget} budget as planned."
        )
    return (
        f"Cost: most likely about {words.usd(cost['p50'])}. There is a 4 in 5 chance it costs "
        f"less than {words.usd(cost['p80'])}, and {words.chance_of(probability['within_budget'])}"
        f" it stays within the {budget} budget."
    )


def _compute(project: dict[str, Any], derived: Any, result: dict[str, Any]) -> str:
    """The compute bill and its calendar time, where the model is sized or compute matters."""
    compute = result["compute"]
    bill = result["cost_breakdown"]["compute"]
    if derived.training_flops is None and bill < 0.2 * result["cost_usd"]["mean"]:
        return ""
    gpus = project["gpus_per_run"]
    scale = ""
    if derived.training_flops is not None:
        mantissa, exponent = f"{derived.training_flops:.1e}".split("e")
        scale = (
            f"a {_large(project['model_parameters']).replace(' ', '-')}-parameter model trained on "
            f"{_large(project['training_tokens'])} tokens needs about {mantissa} x 10^"
            f"{int(exponent)} operations per run. The "
        )
    return (
        f"Compute: {scale or 'the '}training takes about "
        f"{words.count(compute['gpu_hours']['p50'])} GPU-hours, about {words.usd(bill)} on "
        f"average, against the {words.usd(project['budget_usd'])} budget, and about "
        f"{words.weeks(compute['training_weeks']['p50'])} of running on "
        f"{gpus:,} GPU{'s' if gpus != 1 else ''} at a time."
    )


def _large(value: float) -> str:
    """7e10 as "70 billion": model sizes and token counts as people say them."""
    for size, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            shown = f"{value / size:.3g}"
            return f"{shown} {name}"
    return f"{value:,.0f}"


def _time(project: dict[str, Any], result: dict[str, Any]) -> str:
    duration, probability = result["duration_weeks"], result["probability"]
    if result.get("impossible"):
        causes = " and ".join(entry["cause"] for entry in result["impossible"])
        return (
            f"Time: impossible as planned. The {causes} alone would take far beyond the "
            f"{words.deadline(project['deadline_weeks'])} deadline, so no launch date can be "
            "given until the plan changes."
        )
    return (
        f"Time: most likely {words.weeks(duration['p50'])}. There is a 4 in 5 chance it takes "
        f"less than {words.weeks(duration['p80'])}, and "
        f"{words.chance_of(probability['by_deadline'])} it meets the "
        f"{words.deadline(project['deadline_weeks'])} deadline."
    )


def impossible_reason(project: dict[str, Any], entry: dict[str, Any]) -> str:
    """Why part of the plan cannot finish, and what would change that, in plain words."""
    deadline = words.deadline(project["deadline_weeks"])
    if entry["cause"] == "labeling":
        return (
            f"Impossible as planned: labeling {words.count(project['planned_new_labels'])} "
            f"examples at {words.count(project['labels_per_week'])} a week takes "
            f"{words.weeks(entry['weeks_p50'])}, against a {deadline} deadline. Raise the "
            "labeling pace (more labelers or a vendor), or label fewer examples."
        )
    gpus = project["gpus_per_run"]
    return (
        f"Impossible as planned: {_runs(project['training_runs'])} on "
        f"{words.count(gpus)} GPU{'s' if gpus != 1 else ''} each take "
        f"{words.weeks(entry['weeks_p50'])} of computing, against a {deadline} deadline. "
        "Use more GPUs per run, fewer runs, or a smaller model."
    )


def _runs(count: int) -> str:
    return "the one training run" if count == 1 else f"the {words.count(count)} training runs"


BALANCED_ACCURACY = (
    "balanced accuracy (the average of the share of {name} cases it gets right and the share "
    "of other cases it gets right; guessing scores 50%)"
)


def _quality(project: dict[str, Any], derived: Any, result: dict[str, Any]) -> str:
    metric = result["production_metric"]["p50"]
    value, target = words.percent_pair(metric, project["target_value"])
    name = positive_name(project)
    offline = words.percent(result["offline_score"]["p50"])
    recall = words.percent(result["production_recall"]["p50"])
    precision = words.percent(result["production_precision"]["p50"])
    chosen = project["target_metric"]
    if chosen == "recall":
        side = f" At that point, about {precision} of its {name} alerts are right."
    elif chosen == "precision":
        side = f" At that point, it catches about {recall} of {name} cases."
    elif chosen == "accuracy" and derived.production_prevalence >= 0.2:
        side = ""
    else:
        side = (
            f" It catches about {recall} of {name} cases, and about {precision} of its alerts "
            "are right."
        )
    if _reach(project, derived, result).startswith("impossible"):
        odds = f"It misses the {target} target in every simulated scenario (see below)."
    else:
        odds = (
            f"There is {words.chance_of(result['probability']['meets_target'])} of reaching the "
            f"{target} target."
        )
    return (
        f"Quality: on real traffic, expect about {value} {metric_words(project)} at launch."
        f"{side} On the team's own test set it scores {offline} "
        f"{BALANCED_ACCURACY.format(name=name)}. {odds}"
    )


# A target no amount of labels reaches in most scenarios is "impossible" only when every
# scenario misses it (and then the quality sentence gives no chance either: issue 12), "out of
# reach" below a 1 in 100 chance, "unlikely" up to a 1 in 20 chance.
OUT_OF_REACH_CHANCE = 0.01
UNLIKELY_CHANCE = 0.05


def _reach(project: dict[str, Any], derived: Any, result: dict[str, Any]) -> str:
    """How far out of reach the target is when no amount of labels reaches it in most
    scenarios: "impossible" (no model reaches it), "impossible as planned" (every scenario
    misses it), "out of reach", "unlikely", or ""."""
    chance = result["probability"]["meets_target"]
    if result["labels_needed_p50"] is not None or chance >= UNLIKELY_CHANCE:
        return ""
    needed = classifier.balanced_needed(
        project["target_metric"], project["target_value"], derived.production_prevalence
    )
    if chance == 0.0:
        return "impossible" if not math.isfinite(needed) else "impossible as planned"
    return "out of reach" if chance < OUT_OF_REACH_CHANCE else "unlikely"


def _impossible(project: dict[str, Any], derived: Any, result: dict[str, Any]) -> str:
    """Say so plainly when no amount of labeled data reaches the target, in words that agree
    with the chance the quality sentence gives."""
    reach = _reach(project, derived, result)
    target = f"{words.percent(project['target_value'])} {metric_words(project)}"
    if reach == "impossible":
        return (
            f"The {target} target is impossible: no model reaches it when only "
            f"{words.percent(derived.production_prevalence)} of cases are "
            f"{positive_name(project)}."
        )
    if reach == "impossible as planned":
        return (
            f"The {target} target is impossible as planned: even with unlimited labels, the best "
            "known approach falls short of it on real traffic."
        )
    if reach == "out of reach":
        return (
            f"The {target} target is out of reach as planned: even with unlimited labels, the "
            "best known approach falls short of it on real traffic in more than 99 scenarios "
            "in 100."
        )
    if reach == "unlikely":
        return (
            f"The {target} target is unlikely as planned: even with unlimited labels, the best "
            "known approach most likely falls short of it on real traffic."
        )
    return ""


def trivial_target_sentence(project: dict[str, Any], derived: Any) -> str:
    """A target that a model without skill already meets: say so, and what to judge by."""
    prevalence = derived.production_prevalence
    chosen, wanted = project["target_metric"], project["target_value"]
    trivial = classifier.trivial_value(chosen, prevalence)
    if trivial < wanted:
        return ""
    name, cases = positive_name(project), positive_cases(project)
    target = words.percent_pair(trivial, wanted)[1]
    if chosen == "accuracy":
        return (
            f"{words.capital(_trivial_how(project, derived))}. That meets the {target} target, "
            "yet it catches no "
            f"{cases} at all. So accuracy is the wrong target here. Judge the model by the share "
            f"of {cases} it catches (recall) and the share of its alerts that are right "
            "(precision)."
        )
    return (
        f"{words.capital(_trivial_how(project, derived))}, since {words.percent(prevalence)} "
        f"of cases are {name}. That meets the "
        f"{target} target without any model. Set a target that a useful model must earn."
    )


def _trivial_how(project: dict[str, Any], derived: Any) -> str:
    """How a model without skill already meets the target ('always answering "not fraud"
    already scores 99.8% accuracy'), or "" when it does not."""
    chosen, wanted = project["target_metric"], project["target_value"]
    trivial = classifier.trivial_value(chosen, derived.production_prevalence)
    if trivial < wanted:
        return ""
    shown = words.percent_pair(trivial, wanted)[0]
    if chosen == "accuracy":
        return f'always answering "not {positive_name(project)}" already scores {shown} accuracy'
    if chosen == "pr_auc":
        return f"ranking cases at random already scores {shown} PR-AUC"
    return f"flagging every case already scores {shown} {chosen.replace('_', '-')}"


def _promise(project: dict[str, Any], derived: Any, result: dict[str, Any]) -> str:
    value = result.get("promisable_target")
    if result["probability"]["meets_target"] >= 0.8:
        return ""
    words_metric = SHORT_METRIC[project["target_metric"]]
    prevalence = derived.production_prevalence
    trivial = classifier.trivial_value(project["target_metric"], prevalence)
    if value is None or value < classifier.useful_floor(project["target_metric"], prevalence):
        reached = "nothing" if value is None else f"about {words.percent(value)} {words_metric}"
        likeness = "no better than" if value is None or value <= trivial else "hardly better than"
        return (
            f"No useful {words_metric} target can be promised as planned: what the model reaches "
            f"with a 4 in 5 chance, {reached}, is {likeness} what a model without skill scores "
            f"({words.percent(trivial)})."
        )
    shown, target = words.percent_pair(value, project["target_value"])
    return (
        f"A target you can promise: about {shown} {words_metric} (a 4 in 5 chance), "
        f"against the {target} asked."
    )
