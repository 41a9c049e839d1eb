"""The risk register: each risk computed from the trials or the inputs (MODEL.md §4.5).

Severity comes from a 5×5 risk matrix: a likelihood band (from the probability) times a
consequence band (1 to 5, set per risk from how much it costs the project's targets); the
product maps to low (under 5), medium (5 to 9), high (10 to 16) and critical (20 and above).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import accuracy, classifier, priors, words

RISK_KEYS = (
    "data_shortfall",
    "class_imbalance",
    "label_noise",
    "missing_data",
    "sampling_bias",
    "production_shift",
    "concept_drift",
    "runaway_compute",
    "budget_overrun",
    "schedule_overrun",
    "talent_ramp_up",
    "attrition",
    "hiring",
    "explainability",
    "bias_fairness",
    "privacy",
    "deployment_readiness",
    "legacy_integration",
    "regulatory",
    "expectation_gap",
)
SEVERITIES = ("low", "medium", "high", "critical")
LIKELIHOOD_BANDS = (0.1, 0.3, 0.5, 0.7)

TITLES = {
    "data_shortfall": "Not enough labeled data",
    "class_imbalance": "Rare cases and misleading accuracy",
    "label_noise": "Wrong labels",
    "missing_data": "Missing and unjoinable data",
    "sampling_bias": "Training data leaves people out",
    "production_shift": "Real traffic differs from the test set",
    "concept_drift": "Accuracy decays after launch",
    "runaway_compute": "Forgotten training jobs burn money",
    "budget_overrun": "Budget overrun",
    "schedule_overrun": "Late delivery",
    "talent_ramp_up": "A junior team ramps up slowly",
    "attrition": "People leave mid-project",
    "hiring": "Hires arrive late",
    "explainability": "Decisions must be explained",
    "bias_fairness": "The model repeats past bias",
    "privacy": "Personal data",
    "deployment_readiness": "No safety net in production",
    "legacy_integration": "Wiring into existing systems",
    "regulatory": "Regulatory review",
    "expectation_gap": "Expectations out of reach",
}

# Trials the drift risk reads its median loss from (all of them up to this many).
DRIFT_SAMPLE = 100_000


MIN_LIKELIHOOD = 0.01


def likelihood_band(probability: float) -> int:
    return 1 + sum(probability >= edge for edge in LIKELIHOOD_BANDS)


def severity(probability: float, consequence: int) -> str:
    score = likelihood_band(probability) * consequence
    if score >= 20:
        return "critical"
    if score >= 10:
        return "high"
    if score >= 5:
        return "medium"
    return "low"


def _band(value: float, edges: tuple[float, ...]) -> int:
    """1 plus how many of the (ascending) edges the value reaches, at most 5."""
    return min(5, 1 + sum(value >= edge for edge in edges))


def _risk(
    key, likelihood, consequence, impact, explanation, mitigation, size=None
) -> dict[str, Any]:
    """One risk; `size` (optional) is its impact as the text rounds it: 0 means nothing to say."""
    likelihood = float(np.clip(likelihood, 0.0, 1.0))
    consequence = int(np.clip(consequence, 1, 5))
    extra = {} if size is None else {"size": float(size)}
    return {
        **extra,
        "key": key,
        "title": TITLES[key],
        "likelihood": round(likelihood, 4),
        "severity": severity(likelihood, consequence),
        "consequence": consequence,
        "impact": impact,
        "explanation": explanation,
        "mitigation": mitigation,
    }


def _shown_points(share: float) -> int:
    """Percentage points as the text shows them."""
    return round(100 * abs(float(share)))


CASE_WORDS = ("cases", "case")


def positive_name(project: dict[str, Any]) -> str:
    """The positive class as a word that goes before a noun or after "not": "fraud" (as in
    "fraud cases", "not fraud"), "positive" when unnamed; a typed "fraud case" loses its "case",
    so that no sentence says "fraud case cases"."""
    name = " ".join(str(project["positive_class"] or "").split())
    words_in_name = name.split(" ")
    if len(words_in_name) > 1 and words_in_name[-1].lower() in CASE_WORDS:
        name = " ".join(words_in_name[:-1])
    return name or "positive"


def positive_cases(project: dict[str, Any]) -> str:
    """The positive class as a noun on its own, always "... cases" so that any name reads
    right: "the share of defect cases caught", "catches no fraud cases at all", "positive
    cases" when unnamed (as the web vocabulary says "the share of fraud cases")."""
    return f"{positive_name(project)} cases"


def metric_words(project: dict[str, Any]) -> str:
    name = positive_name(project)
    cases = positive_cases(project)
    return {
        "accuracy": "accuracy",
        "recall": f"recall (share of {cases} caught)",
        "precision": f"precision (share of {name} alerts that are right)",
        "f1": f"F1 (the balance of {cases} caught and alerts that are right)",
        "pr_auc": f"PR-AUC (alerts that are right, averaged over every share of {cases} caught)",
    }[project["target_metric"]]


SHORT_METRIC = {
    "accuracy": "accuracy",
    "recall": "recall",
    "precision": "precision",
    "f1": "F1",
    "pr_auc": "PR-AUC",
}


def assess(
    project: dict[str, Any], derived: Any, trials: dict[str, np.ndarray], result: dict[str, Any]
):
    """All risks that apply, most severe first."""
    found = [
        risk
        for check in CHECKS
        if (risk := check(project, derived, trials, result)) is not None
        # Hygiene: a risk is listed only when it is likely enough to plan for (1% or more) and
        # its impact is not nothing once rounded for people.
        and risk["likelihood"] >= MIN_LIKELIHOOD
        and risk.pop("size", 1.0) > 0
    ]
    order = {name: rank for rank, name in enumerate(SEVERITIES)}
    found.sort(
        key=lambda r: (
            -order[r["severity"]],
            -likelihood_band(r["likelihood"]) * r["consequence"],
            -r["likelihood"],
            RISK_KEYS.index(r["key"]),
        )
    )
    return found


def data_shortfall(project, derived, trials, result):
    have = project["labeled_examples"] + project["planned_new_labels"]
    needed = result["labels_needed_p50"]
    if have == 0:
        return _risk(
            "data_shortfall",
            1.0,
            5,
            "You have no labeled examples and plan to label none. Without labels, no model "
            "can learn the task: it stays at today's "
            f"{words.percent(project['baseline_score'])} balanced accuracy.",
            "Models learn from labeled examples. Even a strong pretrained model needs a few "
            "hundred to adapt to a new task (Howard and Ruder 2018).",
            "Label a first batch of 1,000 to 5,000 examples and test on 3 to 5 data sizes. "
            "Then plan the rest from the measured learning curve.",
        )
    if needed is None or needed <= have:
        return None
    offline_cap = (1.0 - trials["curve_floor"]) * (1.0 - trials["missing_impact"])
    capped = accuracy.shifted(offline_cap, trials["retention"])
    reachable = classifier.metric(
        capped,
        "skill",
        derived.production_prevalence,
        project["target_metric"],
        project["target_value"],
    )
    data_limited = (~trials["meets_target"]) & (reachable >= project["target_value"])
    ratio = needed / max(have, 1)
    extra = needed - have
    label_cost = extra * derived.label_cost * np.mean(priors.LABEL_QA_OVERHEAD)
    label_weeks = extra / project["labels_per_week"]
    return _risk(
        "data_shortfall",
        data_limited.mean(),
        _band(ratio, (1.1, 1.5, 3.0, 10.0)),
        f"You have {words.count(have)} labeled examples. For an even chance of "
        f"{words.percent(project['target_value'])} {metric_words(project)}, you need about "
        f"{words.count(needed)}. That is {words.times(ratio)} as many.",
        "Models get better with more labeled data, but the gains slow down. With too few "
        "labels, no model can reach the target (Hestness et al. 2017).",
        f"Label about {words.count(extra)} more examples. That costs about "
        f"{words.usd(label_cost)} and takes {words.weeks(label_weeks)} at the current pace. "
        "First, test on 3 to 5 data sizes to check the need.",
    )


def class_imbalance(project, derived, trials, result):
    training, production = project["positive_fraction"], derived.production_prevalence
    rarest = min(training, production)
    if rarest >= 0.2:
        return None
    name, cases = positive_name(project), positive_cases(project)
    majority = 1.0 - production
    paradox = project["target_metric"] == "accuracy" and majority >= project["target_value"]
    recall = result["production_recall"]["p50"]
    precision = result["production_precision"]["p50"]
    positives = (project["labeled_examples"] + project["planned_new_labels"]) * training
    if paradox:
        impact = (
            f'Always answering "not {name}" already scores {words.percent(majority)} accuracy. '
            f"That meets the {words.percent(project['target_value'])} target, yet it catches no "
            f"{cases} at all."
        )
        likelihood, consequence = 1.0, 5
    else:
        impact = (
            f"Only {words.percent(production)} of cases are {name}. The model learns from "
            f"about {words.count(positives)} of them. It should catch {words.percent(recall)} "
            f"of them, and {words.percent(precision)} of its alerts should be right."
        )
        likelihood = float(np.mean(trials["production_recall"] < 0.5))
        consequence = _band(
            -np.log10(rarest), (-np.log10(0.2), -np.log10(0.05), -np.log10(0.01), -np.log10(0.002))
        )
    return _risk(
        "class_imbalance",
        likelihood,
        consequence,
        impact,
        "When one class is rare, accuracy mostly counts the common class. A model can look "
        "great and still be useless. In card fraud, only 0.17% of payments are fraud.",
        f"Judge the model by the share of {cases} it catches and the share of its alerts that "
        "are right. Or weigh the cost of a miss against a false alarm. Collect more "
        f"{name} examples.",
    )


def label_noise(project, derived, trials, result):
    noise = project["label_noise"]
    if noise < 0.05:
        return None
    cap = project["achievable_score"] - priors.LABEL_NOISE_ERROR_SHARE * noise
    consequence = _band(noise, (0.05, 0.1, 0.2, 0.35))
    needed = classifier.balanced_needed(
        project["target_metric"], project["target_value"], derived.production_prevalence
    )
    if cap < needed:
        consequence += 1
    return _risk(
        "label_noise",
        0.6,
        consequence,
        f"About {words.percent(noise)} of labels are wrong. That alone holds balanced "
        f"accuracy near {words.percent(cap)}. That is "
        f"{words.points(priors.LABEL_NOISE_ERROR_SHARE * noise)} below the best known approach.",
        "A model learns the mistakes in its labels. Test sets used in research have 3.3% "
        "wrong labels on average (Northcutt et al. 2021).",
        "Have two people label the same 500 examples and compare. Write clear rules for the "
        "cases where they disagree. Then fix or drop the worst labels.",
    )


def missing_data(project, derived, trials, result):
    rate = project["missing_value_rate"]
    joins_broken = not project["consistent_ids"] and project["source_systems"] > 1
    if rate < 0.1 and not (project["missing_not_at_random"] and rate >= 0.02) and not joins_broken:
        return None
    loss = (
        trials["offline"]
        / np.maximum(1e-9, 1.0 - trials["missing_impact"])
        * trials["missing_impact"]
    )
    cleaning = float(np.mean(trials["data_preparation"])) * (
        rate / (1 + rate)
        + (
            (priors.DATA_PREP_INCONSISTENT_IDS - 1) / priors.DATA_PREP_INCONSISTENT_IDS
            if joins_broken
            else 0
        )
    )
    consequence = _band(float(np.median(loss)), (0.01, 0.03, 0.05, 0.08))
    consequence += int(project["missing_not_at_random"]) + int(joins_broken)
    impact = f"{words.percent(rate)} of values are missing" + (
        ", often for a reason." if project["missing_not_at_random"] else "."
    )
    if joins_broken:
        impact += f" Records no longer match across the {project['source_systems']} systems."
    impact += (
        f" This costs about {words.points(float(np.median(loss)))} of accuracy and "
        f"{words.person_weeks(cleaning)} of cleaning."
    )
    likelihood = float(np.mean(loss >= 0.02)) if derived.pilot is None else 0.5
    if joins_broken:
        likelihood = max(likelihood, 0.7)
    return _risk(
        "missing_data",
        likelihood,
        consequence,
        impact,
        "Gaps and broken links cost accuracy and weeks of cleaning. When values are missing "
        "for a reason, filling them in hides the cases that matter. The size of this effect "
        "is an assumption.",
        "Find out why values are missing before you fill them in. Add a flag that says a "
        "value was missing. Rebuild the links between systems from a trusted key, such as an "
        "email. Check how many records match.",
        size=_shown_points(float(np.median(loss))) + int(joins_broken),
    )


def _mean_skill_kept(shift: str) -> float:
    alpha, beta = priors.SKILL_KEPT_BETA[shift]
    return alpha / (alpha + beta)


def sampling_bias(project, derived, trials, result):
    if project["representative_sample"]:
        return None
    declared = _mean_skill_kept(project["production_shift"])
    effective = _mean_skill_kept(derived.effective_shift)
    offline = np.array(result["offline_score"]["p50"])
    lost = float(accuracy.shifted(offline, declared) - accuracy.shifted(offline, effective))
    if derived.effective_shift == project["production_shift"]:
        # Already the harshest shift; the funnel still adds its own gap (a tenth of the skill).
        lost = float(
            accuracy.shifted(offline, effective) - accuracy.shifted(offline, 0.9 * effective)
        )
    return _risk(
        "sampling_bias",
        0.8,
        _band(lost, (0.01, 0.03, 0.06, 0.1)),
        "The training data leaves out part of the people the model will see. In production, "
        f"balanced accuracy may fall about {words.points(lost)} more, to about "
        f"{words.percent(float(np.median(trials['production_balanced'])))}.",
        "A model trained only on those who passed a filter learns about them, not about "
        "everyone. The error shows up only after launch.",
        "Collect a sample from everyone, including those filtered out. Test on it before "
        "launch. Weight the training data to match production.",
        size=_shown_points(lost),
    )


def production_shift(project, derived, trials, result):
    if derived.effective_shift == "same":
        return None
    drop = trials["offline"] - trials["production_balanced"]
    median_drop = float(np.median(drop))
    offline = result["offline_score"]["p50"]
    production = float(np.median(trials["production_balanced"]))
    return _risk(
        "production_shift",
        float(np.mean(drop >= 0.05)),
        _band(median_drop, (0.03, 0.06, 0.12, 0.2)),
        f"{words.percent(offline)} on the team's own test set will likely become about "
        f"{words.percent(production)} on real traffic. That is {words.points(median_drop)} "
        "lower (balanced accuracy).",
        "Test sets flatter models. A fresh copy of a famous test set cost 11 to 14 points "
        "(Recht et al. 2019). A new site keeps about 75% of accuracy (WILDS). A new kind of "
        "input can lose 40 to 45 points (ObjectNet). Better models keep more of their edge.",
        "Before launch, label 300 to 500 real examples from production and test on them. "
        "Train on data from the real channel. Run the model beside today's process first.",
        size=_shown_points(median_drop),
    )


def concept_drift(project, derived, trials, result):
    yearly_loss = trials["yearly_loss"]
    lost_year = float(np.median(trials["production_balanced"] * yearly_loss))
    # In balanced accuracy, like the sentence it goes in (accuracy at a low precision target's
    # threshold can rise as the model weakens, so it would hide the decay).
    # A median over the first DRIFT_SAMPLE trials: twelve months of every trial would be most of
    # a million-trial estimate's time, for a figure the sentence rounds to a point.
    launch = trials["production_balanced"][:DRIFT_SAMPLE]
    monthly = accuracy.monthly_balanced(
        launch, yearly_loss[:DRIFT_SAMPLE], project["retrain_every_months"], 12
    )
    plan_loss = float(np.median(launch - monthly.mean(axis=1)))
    if project["drift"] == "stable" and lost_year < 0.02:
        return None
    # The consequence is what the plan loses (its retraining cadence included); without
    # monitoring nobody sees the loss, which makes it worse.
    consequence = _band(plan_loss, (0.005, 0.02, 0.04, 0.07)) + int(not project["has_monitoring"])
    retrain = project["retrain_every_months"]
    plan = {0: "no retraining", 1: "retraining every month"}.get(
        retrain, f"retraining every {retrain} months"
    )
    every = "every month" if project["drift"] == "volatile" else "every 3 months"
    at_launch = float(np.median(trials["production_balanced"]))
    year_end = float(np.median(np.maximum(0.5, trials["production_balanced"] * (1 - yearly_loss))))
    return _risk(
        "concept_drift",
        float(np.mean(yearly_loss >= 0.05)),
        consequence,
        f"Without retraining, balanced accuracy falls from about {words.percent(at_launch)} "
        f"at launch to about {words.percent(year_end)} after a year. With your plan ({plan}), "
        + (
            f"the first year averages {words.points(plan_loss)} below launch."
            if _shown_points(plan_loss) > 0
            else "the first year stays within a point of launch."
        ),
        "The world keeps moving after launch. In a study of 32 data sets, 91% of models got "
        "worse over time (Vela et al. 2022)."
        + (" Seasonal patterns come back every year." if project["drift"] == "seasonal" else ""),
        f"Check accuracy on fresh labels every week. Retrain on recent data {every}. Keep "
        "last season's data so the model learns the seasons.",
        size=max(_shown_points(at_launch - year_end), _shown_points(plan_loss)),
    )


def runaway_compute(project, derived, trials, result):
    if derived.gpu_hours * project["training_runs"] <= 0 or project["gpu_hourly_usd"] <= 0:
        return None
    one = priors.RUNAWAY_HOURS * project["gpus_per_run"] * project["gpu_hourly_usd"]
    likelihood = float(np.mean(trials["runaway_jobs"] >= 1))
    expected = float(np.mean(trials["runaway_cost"]))
    share = one / project["budget_usd"]
    gpus = project["gpus_per_run"]
    return _risk(
        "runaway_compute",
        likelihood,
        _band(share, (0.001, 0.005, 0.01, 0.02)),
        f"A training job left running over a weekend costs about {words.usd(one)}. That is "
        f"{gpus} GPU{'s' if gpus != 1 else ''} for 48 hours at "
        f"{words.price(project['gpu_hourly_usd'])} an hour. Expected loss over the project: "
        f"{words.usd(expected)}.",
        "Without a hard stop, a crashed notebook or a forgotten job keeps every GPU busy "
        "until someone notices. How often this happens is an assumption: once in 20 months "
        "of work.",
        "Turn on auto-stop. Give every training job a time limit. Shut down idle notebooks. "
        "Set a budget alert that stops jobs past a daily limit."
        if not project["auto_stop"]
        else "Keep auto-stop on for every job, even quick tests. Review GPU spend every week.",
    )


def budget_overrun(project, derived, trials, result):
    probability = 1.0 - result["probability"]["within_budget"]
    cost = result["cost_usd"]
    if probability < 0.05:
        return None
    overrun = cost["p80"] / project["budget_usd"] - 1.0
    driver = _top_driver(result, "cost_usd")
    return _risk(
        "budget_overrun",
        probability,
        _band(overrun, (0.0, 0.1, 0.25, 0.5)),
        f"{words.capital(words.chance_of(probability))} of costing more than "
        f"{words.usd(project['budget_usd'])}. In the worst 1 in 10 cases, it costs "
        f"{words.usd(cost['p90'])} or more.",
        "Most IT projects overrun: by 27% on average, and one in six by about 200% "
        "(Flyvbjerg and Budzier 2011)."
        + (f" Here, the biggest source of doubt is {driver}." if driver else ""),
        f"Keep a reserve of at least {words.usd(_reserve(cost, project['budget_usd']))}, "
        "or cut scope. Compare spend with this estimate at every check-in.",
    )


def _reserve(cost, budget):
    """Money beyond the budget for a 4 in 5 chance, or 9 in 10 where 4 in 5 already fits."""
    return max(cost["p80"] - budget, cost["p90"] - budget, 0.0)


def schedule_overrun(project, derived, trials, result):
    probability = 1.0 - result["probability"]["by_deadline"]
    duration = result["duration_weeks"]
    if probability < 0.05:
        return None
    overrun = duration["p80"] / project["deadline_weeks"] - 1.0
    driver = _top_driver(result, "duration_weeks")
    return _risk(
        "schedule_overrun",
        probability,
        _band(overrun, (0.0, 0.1, 0.25, 0.5)),
        f"{words.capital(words.chance_of(probability))} of missing the "
        f"{words.deadline(project['deadline_weeks'])} deadline. Most likely it takes "
        f"{words.weeks(duration['p50'])}. In the worst 1 in 10 cases, it takes "
        f"{words.weeks(duration['p90'])}.",
        "Plans slip with effort, hiring and labeling. One IT project in six runs about 70% "
        "late (Flyvbjerg and Budzier 2011)."
        + (f" Here, the biggest source of doubt is {driver}." if driver else ""),
        "Agree on a first release that fits the deadline, such as nightly scoring for one use "
        "case. Move the rest to a second release. Start labeling and integration in week one.",
    )


def talent_ramp_up(project, derived, trials, result):
    juniors, seniors, open_ = project["junior_ml"], project["senior_ml"], project["open_positions"]
    ml = juniors + seniors
    if ml == 0 or (juniors == 0 and open_ == 0):
        return None
    senior_share = seniors / ml
    if senior_share >= 0.5 and open_ == 0:
        return None
    slower = (priors.SKILL_BASE - priors.SKILL_SENIOR_SHARE_GAIN * senior_share) / (
        priors.SKILL_BASE - priors.SKILL_SENIOR_SHARE_GAIN
    ) - 1.0
    consequence = 5 if seniors == 0 else _band(1 - senior_share, (0.0, 0.5, 0.67, 0.9))
    return _risk(
        "talent_ramp_up",
        (juniors + open_) / (ml + open_),
        consequence,
        f"{juniors} of {ml} ML engineers {'are' if juniors != 1 else 'is'} junior. Juniors "
        "start at half speed and take about a year to reach full speed. This mix makes the "
        f"work about {words.percent(slower)} longer than for a skilled team.",
        "Skill drives effort more than anything else. In COCOMO II, the least skilled teams "
        "need 1.42 times the usual effort and the most skilled 0.71 times. New engineers take "
        "3 to 9 months to get up to speed.",
        "Add at least one skilled ML engineer, or a part-time senior reviewer. Let them set "
        "the approach and review the work. Pair each junior with them.",
    )


def attrition(project, derived, trials, result):
    people = (
        project["senior_ml"]
        + project["junior_ml"]
        + project["data_engineers"]
        + project["open_positions"]
    )
    probability = float(np.mean(trials["departures"] >= 0.5))
    if probability < 0.1:
        return None
    consequence = {"below": 4, "at": 3, "above": 2}[project["pay_vs_market"]] + int(people <= 2)
    rate = priors.ATTRITION_PER_YEAR[project["pay_vs_market"]]
    pay = {"below": "below-market", "at": "market", "above": "above-market"}[
        project["pay_vs_market"]
    ]
    return _risk(
        "attrition",
        probability,
        consequence,
        f"{words.capital(words.chance_of(probability))} that someone leaves before the end. "
        f"At {pay} pay, about {words.percent(rate)} of people leave each year. A replacement "
        "takes about 10 weeks to hire and 3 to 9 months to get up to speed.",
        "About 13% of software engineers and 22% of data analysts change jobs each year "
        "(LinkedIn 2017). Low pay pushes that up.",
        "Pay key people at or above market. Write down how the data and model work as you "
        "go. Make sure two people know every critical task.",
    )


def hiring(project, derived, trials, result):
    open_ = project["open_positions"]
    if open_ == 0:
        return None
    team = open_ + project["senior_ml"] + project["junior_ml"] + project["data_engineers"]
    arrival = float(np.median(trials["hire_arrival"]))
    return _risk(
        "hiring",
        float(np.mean(trials["hire_arrival"] > 0.25 * project["deadline_weeks"])),
        _band(open_ / team, (0.0, 0.15, 0.3, 0.5)),
        f"{open_} open position{'s' if open_ != 1 else ''}. New people will likely start "
        f"after about {words.weeks(arrival)}. They then need 3 to 9 months to reach full "
        "speed.",
        "Hiring an engineer takes about 49 days from application to start (LinkedIn), after "
        "the search itself. New engineers take 3 to 9 months to get up to speed.",
        "Start hiring now. Bring in contractors for the first months. Plan the first release "
        "around the people you already have.",
    )


def explainability(project, derived, trials, result):
    if not derived.needs_explainability:
        return None
    consequence = 3 + int(project["approach"] != "classical")
    work = priors.GOVERNANCE_EXPLAINABILITY + priors.MODELING_MEDIAN[project["approach"]] * (
        priors.MODELING_EXPLAINABILITY - 1
    )
    return _risk(
        "explainability",
        0.6 if derived.regulated else 0.4,
        consequence,
        f"Explaining decisions adds {words.person_weeks(work)} of work. It also rules out "
        "models that cannot explain themselves. A model that passes every test can still "
        "fail review.",
        "People affected by a decision may have a right to know why. Regulated fields "
        "require it. The size of this work is an assumption.",
        "Agree with legal on what an explanation must contain, before modeling starts. Prefer "
        "simple models where they reach the target. Test the explanations with real users.",
    )


def bias_fairness(project, derived, trials, result):
    decides, historical = project["decisions_about_people"], project["historical_labels"]
    if not (decides or historical):
        return None
    consequence = 5 if decides and historical else (4 if decides else 3)
    consequence += int(project["domain"] == "hiring")
    likelihood = 0.8 if decides and historical else 0.5
    audit = priors.GOVERNANCE_FAIRNESS_AUDIT * (
        priors.FAIRNESS_AUDIT_HIRING if project["domain"] == "hiring" else 1.0
    )
    if historical:
        impact = (
            "Labels come from past human decisions. The model will learn any bias in them and "
            "apply it to every case. If any group is picked at less than 80% of the best "
            "group's rate, that is a warning sign (the four-fifths rule). A fairness audit "
            f"takes {words.person_weeks(audit)}."
        )
    else:
        impact = (
            "The model decides about people. If any group is picked at less than 80% of the "
            "best group's rate, that is a warning sign (the four-fifths rule). A fairness "
            f"audit takes {words.person_weeks(audit)}."
        )
    return _risk(
        "bias_fairness",
        likelihood,
        consequence,
        impact,
        "Models trained on past decisions repeat them at scale. In hiring and credit, that "
        "is a legal risk and a risk to your good name.",
        "Do not train on past decisions alone. Where you can, use real job outcomes as "
        "labels. Check pick rates by group before launch and after each retraining. Keep a "
        "person in charge of every final decision.",
    )


def privacy(project, derived, trials, result):
    if not project["personal_data"]:
        return None
    planned = project["anonymization_plan"]
    breach = 9.77e6 if project["domain"] == "healthcare" else 4.88e6
    return _risk(
        "privacy",
        0.03 if planned else priors.DATASET_SCRAPPED_PROBABILITY,
        5 if project["domain"] in ("healthcare", "finance") else 4,
        (
            "A breach of the training data would cost about "
            f"{words.usd(breach)} on average"
            + (
                "."
                if planned
                else f". Without a plan to anonymise it, there is "
                f"{words.chance_of(priors.DATASET_SCRAPPED_PROBABILITY)} that a data set must be "
                "thrown out late. Then half of the data work and labeling must be redone."
            )
        ),
        "Personal data brings legal duties and the risk of a breach. A breach costs $4.88M "
        "on average and $9.77M in healthcare (IBM 2024). The chance of throwing data out is "
        "an assumption.",
        "Write and test a plan to anonymise the data before training. Keep only the fields "
        "the model needs. Run a data protection impact assessment.",
    )


def deployment_readiness(project, derived, trials, result):
    names = {
        "has_monitoring": "monitoring",
        "has_versioning": "versioning",
        "has_rollback": "rollback",
        "has_retraining_pipeline": "automated retraining",
    }
    missing = [label for key, label in names.items() if not project[key]]
    if not missing and project["shipped_ml_before"]:
        return None
    extra = priors.DEPLOYMENT_PER_MISSING_CAPABILITY * len(missing)
    decay = float(np.mean(trials["production_balanced"] * trials["yearly_loss"] >= 0.03))
    likelihood = max(
        0.1 * len(missing) + 0.2 * (not project["shipped_ml_before"]),
        decay if not project["has_monitoring"] else 0.0,
    )
    core_missing = sum(
        not project[key] for key in ("has_monitoring", "has_versioning", "has_rollback")
    )
    consequence = 1 + core_missing + int(not project["shipped_ml_before"])
    effort = float(np.median(trials["deployment"]))
    listed = ", ".join(missing) if missing else "none"
    return _risk(
        "deployment_readiness",
        likelihood,
        consequence,
        f"Missing: {listed}. Deployment takes {words.person_weeks(effort)}, "
        f"{words.percent(extra)} more than with them. A bad model or a silent drop in "
        "accuracy stays live until customers complain.",
        "Getting a model into production is often as much work as building it. In 2021, 64% "
        "of companies took a month or more to deploy a model (Algorithmia).",
        "Before the first launch, track live predictions against later labels. Save every "
        "model with its data. Make rollback a single command.",
    )


def legacy_integration(project, derived, trials, result):
    systems = project["legacy_systems"]
    if systems == 0 or (project["legacy_api"] == "documented" and systems < 3):
        return None
    integration = trials["integration"]
    share = result["phase_share"]["integration"]
    likelihood = {"documented": 0.2, "poor": 0.4, "undocumented": 0.8}[project["legacy_api"]]
    quality = {
        "documented": "documented",
        "poor": "poorly documented",
        "undocumented": "undocumented",
    }[project["legacy_api"]]
    p50, p90 = np.quantile(integration, [0.5, 0.9])
    return _risk(
        "legacy_integration",
        likelihood,
        _band(share, (0.08, 0.15, 0.25, 0.4)),
        f"Wiring into {systems} existing system{'s' if systems != 1 else ''} with {quality} "
        f"interfaces takes {words.person_weeks(p50)}. In 1 case in 10, it takes "
        f"{words.person_weeks(p90)}. That is {words.percent(share)} of the project's effort.",
        "Old systems hide rate limits, odd data formats and owners who must approve changes. "
        "The effort per system is an assumption.",
        "Start with the integration. Call the real interface in week one and measure its "
        "limits. Ask the owner for a test setup and documents.",
    )


def regulatory(project, derived, trials, result):
    if not derived.regulated:
        return None
    domain = project["domain"]
    low, high = np.quantile(trials["review"], [0.1, 0.9])
    fees_low, fees_high = priors.COMPLIANCE_USD[domain]
    work = priors.GOVERNANCE_REGULATORY[domain]
    return _risk(
        "regulatory",
        0.9,
        4 if domain == "healthcare" else 3,
        f"Review adds {words.weeks(low)} to {words.weeks(high)} at the end. Fees add "
        f"{words.usd(fees_low)} to {words.usd(fees_high)}. Compliance work adds "
        f"{words.person_weeks(work)}.",
        REGULATORY_WHY[domain],
        "Involve compliance in the first month. Keep the papers the review needs as you "
        "build. Book the review date early.",
    )


REGULATORY_WHY = {
    "healthcare": "Software that supports diagnosis or treatment is a medical device. FDA "
    "510(k) clearance takes about 5 months on average, a De Novo request 8 to 10 months, and "
    "the user fees run from about $24,000 to $162,000 (2025).",
    "finance": "Banks must have every model independently validated before use (SR 11-7, "
    "Federal Reserve 2011). A validation commonly takes 6 to 12 weeks.",
    "hiring": "Hiring is a high-risk use under the EU AI Act, and New York City requires an "
    "independent bias audit every year (Local Law 144). The Act's self-assessment takes an "
    "estimated 268 to 536 hours once, plus 104 to 208 hours a year.",
    "public_sector": "Public services are a high-risk use under the EU AI Act, with a "
    "fundamental-rights impact assessment before use. The self-assessment takes an estimated "
    "268 to 536 hours once, plus 104 to 208 hours a year.",
}


def expectation_gap(project, derived, trials, result):
    duration_ratio = result["duration_weeks"]["p50"] / project["deadline_weeks"]
    cost_ratio = result["cost_usd"]["p50"] / project["budget_usd"]
    metric = result["production_metric"]["p50"]
    gap = project["target_value"] - metric
    reachable = np.isfinite(
        classifier.balanced_needed(
            project["target_metric"], project["target_value"], derived.production_prevalence
        )
    )
    if duration_ratio <= 1.25 and cost_ratio <= 1.25 and gap <= 0.02 and reachable:
        return None
    consequence = max(
        _band(max(duration_ratio, cost_ratio), (1.0, 1.25, 1.5, 3.0)),
        _band(gap, (0.0, 0.02, 0.05, 0.15)),
        5 if not reachable else 1,
    )
    parts = []
    if duration_ratio > 1.25:
        parts.append(
            f"it most likely takes {words.weeks(result['duration_weeks']['p50'])}, against a "
            f"{words.deadline(project['deadline_weeks'])} deadline ({words.times(duration_ratio)} "
            "longer)."
        )
    if cost_ratio > 1.25:
        parts.append(
            f"it costs {words.usd(result['cost_usd']['p50'])}, against a "
            f"{words.usd(project['budget_usd'])} budget."
        )
    if gap > 0.02 or not reachable:
        parts.append(
            f"it reaches about {words.percent(metric)} {metric_words(project)}, against the "
            f"{words.percent(project['target_value'])} expected."
        )
    impact = "As planned, " + parts[0] + "".join(" " + words.capital(p) for p in parts[1:])
    return _risk(
        "expectation_gap",
        1.0 - result["probability"]["all_targets"],
        consequence,
        impact,
        "Only 54% of AI projects move from pilot to production (Gartner 2022). Targets set "
        "before the data and the team are known are often out of reach.",
        "Reset expectations now, using these numbers. Narrow the scope to one use case. "
        "Reuse an existing model instead of building one. Agree on a first goal the team can "
        "meet.",
    )


def _top_driver(result, output):
    rows = [row for row in result["drivers"].get(output, []) if row["correlation"] > 0]
    return rows[0]["label"].lower() if rows else ""


CHECKS = (
    data_shortfall,
    class_imbalance,
    label_noise,
    missing_data,
    sampling_bias,
    production_shift,
    concept_drift,
    runaway_compute,
    budget_overrun,
    schedule_overrun,
    talent_ramp_up,
    attrition,
    hiring,
    explainability,
    bias_fairness,
    privacy,
    deployment_readiness,
    legacy_integration,
    regulatory,
    expectation_gap,
)
