"""The plain-language summary for an executive with two minutes (MODEL.md §5).

Bottom line first, then one sentence per target, the largest gap, the accuracy paradox where it
applies, and the top three risks with what to do. No percentiles: chances in words.
"""

from __future__ import annotations

from typing import Any

from . import words
from .risks import metric_words, positive_name


def sentences(project: dict[str, Any], derived: Any, result: dict[str, Any]) -> list[str]:
    probability = result["probability"]
    cost, duration = result["cost_usd"], result["duration_weeks"]
    metric = result["production_metric"]
    target = f"{words.percent(project['target_value'])} {metric_words(project)}"
    overall = words.capital(words.chance_of(probability["all_targets"]))
    reaching = words.chance_of(probability["meets_target"])
    out = [
        f"Bottom line: {overall} of being in production within "
        f"{words.weeks(project['deadline_weeks'])}, within {words.usd(project['budget_usd'])} "
        f"and at {target}.",
        f"Cost: most likely about {words.usd(cost['p50'])}. There is a 4 in 5 chance it costs "
        f"less than {words.usd(cost['p80'])}, and {words.chance_of(probability['within_budget'])}"
        f" it stays within the {words.usd(project['budget_usd'])} budget.",
        f"Time: most likely {words.weeks(duration['p50'])}. There is a 4 in 5 chance it takes "
        f"less than {words.weeks(duration['p80'])}, and "
        f"{words.chance_of(probability['by_deadline'])} it meets the "
        f"{words.deadline(project['deadline_weeks'])} deadline.",
        f"Quality: on real traffic, expect about {words.percent(metric['p50'])} "
        f"{metric_words(project)} at launch. On the team's own test set it scores "
        f"{words.percent(result['offline_score']['p50'])} balanced accuracy. There is "
        f"{reaching} of reaching the {words.percent(project['target_value'])} target.",
    ]
    already_said = set()
    gap = next((risk for risk in result["risks"] if risk["key"] == "expectation_gap"), None)
    if gap is not None:
        out.append("The biggest gap: " + gap["impact"][0].lower() + gap["impact"][1:])
        already_said.add("expectation_gap")
    paradox = _accuracy_paradox(project, derived)
    if paradox:
        out.append(paradox)
        already_said.add("class_imbalance")
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


def _accuracy_paradox(project: dict[str, Any], derived: Any) -> str:
    majority = 1.0 - derived.production_prevalence
    if project["target_metric"] != "accuracy" or majority < project["target_value"]:
        return ""
    name = positive_name(project)
    return (
        f'Always answering "not {name}" already scores {words.percent(majority)} accuracy. '
        f"That meets the {words.percent(project['target_value'])} target, yet it catches no "
        f"{name} at all. So accuracy is the wrong target here. Judge the model by the share of "
        f"{name} it catches (recall) and the share of its alerts that are right (precision)."
    )
