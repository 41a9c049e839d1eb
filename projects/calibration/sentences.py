"""Plain-language sentences for the calibration page.

The rule on small numbers: a hit rate is written as a percentage only when its 95% Wilson
interval is at most 50 points wide whatever the hits, which takes 12 projects
(`scores.fewest_projects_for_a_rate`). Below that the sentence gives counts and says how
little they show. A verdict ("optimistic") is given at any count when the Wilson interval
leaves out the calibrated rate; when it does not, the sentence says the counts could be
chance.
"""

from __future__ import annotations

from collections.abc import Mapping

from projects.engine import words

from . import scores
from .correction import Correction
from .ledger import HorizonSummary

FEWEST_FOR_A_PERCENTAGE = scores.fewest_projects_for_a_rate(0.5)
# A gap between the observed and the calibrated rate worth mentioning even when chance could
# explain it: 10 points (the benchmark's tolerance).
NOTABLE_GAP = 0.10

# What "a hit" means for each quantity, and what too few hits says about the estimates.
WITHIN_P80_BOUND = {
    "cost_usd": ("came in under their P80 cost", "came in under its P80 cost"),
    "duration_weeks": ("finished within their P80 time", "finished within its P80 time"),
    "production_metric": (
        "reached their P20 production score",
        "reached its P20 production score",
    ),
}
CHANCE_NAMES = {
    "within_budget": "staying within budget",
    "by_deadline": "meeting the deadline",
    "meets_target": "meeting the target in production",
    "all_targets": "meeting all targets",
    "reaches_production": "reaching production",
}
QUANTITY_NAMES = {
    "cost_usd": "cost",
    "duration_weeks": "time",
    "production_metric": "production score",
}


def projects(count: int) -> str:
    return f"{count} finished project" + ("" if count == 1 else "s")


def hit_rate_sentence(quantity: str, rate: scores.HitRate) -> str:
    """ "Of 14 finished projects, 9 came in under their P80 cost (64%, expected 80%): …"."""
    plural, singular = WITHIN_P80_BOUND[quantity]
    if rate.count == 0:
        return f"No finished project has a {QUANTITY_NAMES[quantity]} to compare yet."
    interval = rate.interval
    if rate.count == 1:
        counted = (
            f"The one finished project {singular}"
            if rate.hits
            else f"The one finished project did not {_base(singular)}"
        )
    else:
        counted = f"Of {projects(rate.count)}, {_how_many(rate.hits, rate.count)} {plural}"
    optimistic = rate.rate < rate.expected
    direction = "optimistic" if optimistic else "cautious"
    if not interval.contains(rate.expected):
        if rate.count < FEWEST_FOR_A_PERCENTAGE:
            return (
                f"{counted} (expected {words.chance(rate.expected)}): even from so few, this "
                f"team's estimates have clearly been {direction}."
            )
        return (
            f"{counted} ({words.percent(rate.rate)}, expected {words.percent(rate.expected)}): "
            f"this team's estimates have been {direction}."
        )
    if rate.count < FEWEST_FOR_A_PERCENTAGE:
        return (
            f"{counted} (expected {words.chance(rate.expected)}). That is too few to judge this "
            f"team's estimates: it takes about {FEWEST_FOR_A_PERCENTAGE} finished projects to "
            "tell a real lean from chance."
        )
    said = f"{counted} ({words.percent(rate.rate)}, expected {words.percent(rate.expected)})"
    if abs(rate.rate - rate.expected) >= NOTABLE_GAP:
        return (
            f"{said}: this team's estimates may have been {direction}, though "
            f"{rate.count} projects cannot rule out chance."
        )
    return f"{said}: in line with the forecasts."


def skill_sentence(name: str, skill: scores.BrierSkill | None) -> str | None:
    """How the chances given compare with always quoting the team's own track record."""
    if skill is None:
        return None
    what = CHANCE_NAMES[name]
    if skill.count < FEWEST_FOR_A_PERCENTAGE:
        return (
            f"The chances of {what} have been checked on {projects(skill.count)}: too few "
            "to say whether they beat quoting the team's track record."
        )
    if skill.skill is None:
        everyone = "all" if skill.base_rate == 1.0 else "none"
        return (
            f"The chances of {what} cannot be rated yet: {everyone} of the "
            f"{skill.count} finished projects did it, so there is nothing to tell apart."
        )
    if skill.skill > 0.1:
        verdict = "were more telling than"
    elif skill.skill >= -0.1:
        verdict = "were no more telling than"
    else:
        verdict = "were less telling than"
    return (
        f"Over {projects(skill.count)}, the chances of {what} {verdict} always quoting the "
        f"team's track record of {words.percent(skill.base_rate)} "
        f"(Brier skill {skill.skill:+.2f})."
    )


def correction_sentence(correction: Correction) -> str:
    """What the correction does, and how many projects it rests on."""
    rests = f"it rests on {correction.projects} closed project" + (
        "" if correction.projects == 1 else "s"
    )
    name = QUANTITY_NAMES[correction.quantity]
    if correction.factor is not None:
        factor = correction.factor
        if abs(factor - 1.0) < 0.05:
            change = f"keeps the {name} forecast about where it is"
        else:
            more = "more" if factor > 1 else "less"
            change = (
                f"expects {words.percent(abs(factor - 1.0))} {more} {name} than the model "
                f"(×{factor:.2f})"
            )
    else:
        change = (
            "lowers the production score forecast"
            if correction.shift_mean < -0.05
            else (
                "raises the production score forecast"
                if correction.shift_mean > 0.05
                else "keeps the production score forecast about where it is"
            )
        )
    return f"Calibrated for this team's track record, Riskboard {change}; {rests}."


def calibration_sentences(
    summary: HorizonSummary, corrections: Mapping[str, Correction] | None = None
) -> list[str]:
    """The sentences on top of the calibration page for one horizon."""
    lines = []
    if summary.projects == 0:
        lines.append("No finished project had an estimate before it ended, so nothing is scored.")
        return lines
    for quantity in WITHIN_P80_BOUND:
        rate = summary.hit_rates[quantity]["within_p80_bound"]
        if rate.count:
            lines.append(hit_rate_sentence(quantity, rate))
    if summary.stopped_left_out:
        count = summary.stopped_left_out
        lines.append(
            f"{count} stopped project{'' if count == 1 else 's'} "
            f"{'is' if count == 1 else 'are'} left out of cost and time: "
            "spending that was cut short says little about what finishing would have cost."
        )
    for name in ("by_deadline", "within_budget", "meets_target"):
        sentence = skill_sentence(name, summary.brier.get(name))
        if sentence:
            lines.append(sentence)
    for correction in (corrections or {}).values():
        lines.append(correction_sentence(correction))
    return lines


def _base(phrase: str) -> str:
    """'came in under its P80 cost' → 'come in under its P80 cost'."""
    verb, _, rest = phrase.partition(" ")
    base = {"came": "come", "finished": "finish", "reached": "reach"}[verb]
    return f"{base} {rest}"


def _how_many(hits: int, count: int) -> str:
    if hits == 0:
        return "none"
    if hits == count:
        return "all" if count > 2 else "both"
    return str(hits)
