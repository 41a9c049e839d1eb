"""The risk register: each risk computed from the trials or the inputs (MODEL.md §4.5).

Severity comes from a 5×5 risk matrix: a likelihood band (from the probability) times a
consequence band (1 to 5, set per risk from how much it costs the project's targets); the
product maps to low (under 5), medium (5 to 9), high (10 to 16) and critical (20 and above).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import classifier, words
from . import priors as P

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


def _risk(key, likelihood, consequence, impact, explanation, mitigation) -> dict[str, Any]:
    likelihood = float(np.clip(likelihood, 0.0, 1.0))
    consequence = int(np.clip(consequence, 1, 5))
    return {
        "key": key,
        "title": TITLES[key],
        "likelihood": round(likelihood, 4),
        "severity": severity(likelihood, consequence),
        "consequence": consequence,
        "impact": impact,
        "explanation": explanation,
        "mitigation": mitigation,
    }


def positive_name(x: dict[str, Any]) -> str:
    return x["positive_class"] or "positive case"


def metric_words(x: dict[str, Any]) -> str:
    name = positive_name(x)
    return {
        "accuracy": "accuracy",
        "recall": f"recall (share of {name} caught)",
        "precision": f"precision (share of {name} alerts that are right)",
    }[x["target_metric"]]


def assess(x: dict[str, Any], prep: Any, a: dict[str, np.ndarray], result: dict[str, Any]):
    """All risks that apply, most severe first."""
    found = [risk for check in CHECKS if (risk := check(x, prep, a, result)) is not None]
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


def data_shortfall(x, prep, a, result):
    have = x["labeled_examples"] + x["planned_new_labels"]
    needed = result["labels_needed_p50"]
    if needed is None or needed <= have:
        return None
    offline_cap = (1.0 - a["curve_floor"]) * (1.0 - a["missing_impact"])
    capped = np.maximum(0.5, offline_cap * a["retention"])
    reachable = classifier.metric(capped, x["target_metric"], prep.production_prevalence)
    data_limited = (~a["meets_target"]) & (reachable >= x["target_value"])
    ratio = needed / max(have, 1)
    extra = needed - have
    label_cost = extra * prep.label_cost * np.mean(P.LABEL_QA_OVERHEAD)
    label_weeks = extra / x["labels_per_week"]
    return _risk(
        "data_shortfall",
        data_limited.mean(),
        _band(ratio, (1.1, 1.5, 3.0, 10.0)),
        f"You have {words.count(have)} labeled examples; an even chance of reaching "
        f"{words.percent(x['target_value'])} {metric_words(x)} needs about "
        f"{words.count(needed)} ({words.times(ratio)} as many).",
        "Accuracy grows with labeled data along a learning curve that flattens; with too few "
        "labels the model cannot reach the target however well it is built (Hestness et al. "
        "2017).",
        f"Label about {words.count(extra)} more examples (roughly {words.usd(label_cost)} and "
        f"{words.weeks(label_weeks)} at the current pace), and first measure the learning "
        "curve on a pilot at 3 to 5 data sizes to confirm the need.",
    )


def class_imbalance(x, prep, a, result):
    training, production = x["positive_fraction"], prep.production_prevalence
    rarest = min(training, production)
    if rarest >= 0.2:
        return None
    name = positive_name(x)
    majority = 1.0 - production
    paradox = x["target_metric"] == "accuracy" and majority >= x["target_value"]
    recall = result["production_recall"]["p50"]
    precision = result["production_precision"]["p50"]
    positives = (x["labeled_examples"] + x["planned_new_labels"]) * training
    if paradox:
        impact = (
            f'Always answering "not {name}" already scores {words.percent(majority)} accuracy, '
            f"meeting the {words.percent(x['target_value'])} target while catching no {name} "
            "at all."
        )
        likelihood, consequence = 1.0, 5
    else:
        impact = (
            f"Only {words.percent(production)} of cases are {name}: the model learns from about "
            f"{words.count(positives)} examples of it and is expected to catch "
            f"{words.percent(recall)} of them, with {words.percent(precision)} of its alerts right."
        )
        likelihood = float(np.mean(a["production_recall"] < 0.5))
        consequence = _band(
            -np.log10(rarest), (-np.log10(0.2), -np.log10(0.05), -np.log10(0.01), -np.log10(0.002))
        )
    return _risk(
        "class_imbalance",
        likelihood,
        consequence,
        impact,
        "When one class is rare, accuracy mostly measures the common class; a model can look "
        "excellent and be useless (credit-card fraud: 0.17% of transactions).",
        f"Judge the model by recall (share of {name} caught) and precision (share of alerts "
        "that are right), or by the cost of a miss against a false alarm; collect more "
        f"{name} examples and use class weights or resampling.",
    )


def label_noise(x, prep, a, result):
    noise = x["label_noise"]
    if noise < 0.05:
        return None
    cap = x["achievable_score"] - P.LABEL_NOISE_ERROR_SHARE * noise
    consequence = _band(noise, (0.05, 0.1, 0.2, 0.35))
    needed = classifier.balanced_needed(
        x["target_metric"], x["target_value"], prep.production_prevalence
    )
    if cap < needed:
        consequence += 1
    return _risk(
        "label_noise",
        0.6,
        consequence,
        f"About {words.percent(noise)} of labels are wrong: that alone caps balanced accuracy "
        f"near {words.percent(cap)}, {words.points(P.LABEL_NOISE_ERROR_SHARE * noise)} below the "
        "best known approach.",
        "A model learns the mistakes in its labels; benchmark test sets average 3.3% wrong "
        "labels (Northcutt et al. 2021).",
        "Have two people label the same 500 examples to measure disagreement, write labeling "
        "guidelines for the cases they disagree on, and relabel or drop the examples a "
        "confident-learning pass flags.",
    )


def missing_data(x, prep, a, result):
    rate = x["missing_value_rate"]
    joins_broken = not x["consistent_ids"] and x["source_systems"] > 1
    if rate < 0.1 and not (x["missing_not_at_random"] and rate >= 0.02) and not joins_broken:
        return None
    loss = a["offline"] / np.maximum(1e-9, 1.0 - a["missing_impact"]) * a["missing_impact"]
    cleaning = float(np.mean(a["data_preparation"])) * (
        rate / (1 + rate)
        + ((P.DATA_PREP_INCONSISTENT_IDS - 1) / P.DATA_PREP_INCONSISTENT_IDS if joins_broken else 0)
    )
    consequence = _band(float(np.median(loss)), (0.01, 0.03, 0.05, 0.08))
    consequence += int(x["missing_not_at_random"]) + int(joins_broken)
    parts = [
        f"{words.percent(rate)} of values are missing"
        + (", and for reasons tied to the values" if x["missing_not_at_random"] else "")
    ]
    if joins_broken:
        parts.append(f"records no longer join reliably across {x['source_systems']} systems")
    impact = (
        "; ".join(parts).capitalize()
        + f": that costs about {words.points(float(np.median(loss)))} of accuracy and "
        f"{words.person_weeks(cleaning)} of cleaning and matching."
    )
    likelihood = float(np.mean(loss >= 0.02)) if prep.pilot is None else 0.5
    if joins_broken:
        likelihood = max(likelihood, 0.7)
    return _risk(
        "missing_data",
        likelihood,
        consequence,
        impact,
        "Gaps and broken joins cost accuracy and weeks of cleaning; when values are missing "
        "for a reason, filling them in hides exactly the cases that matter. (No published "
        "figure: the size of this effect is an assumption.)",
        "Find out why values are missing before filling them in; add 'was missing' indicator "
        "features; rebuild the ID mapping across systems from a trusted key (email, account "
        "number) and measure the match rate before modeling.",
    )


def _mean_retention(shift: str) -> float:
    alpha, beta = P.RETENTION_BETA[shift]
    return alpha / (alpha + beta)


def sampling_bias(x, prep, a, result):
    if x["representative_sample"]:
        return None
    declared = _mean_retention(x["production_shift"])
    effective = _mean_retention(prep.effective_shift)
    offline = result["offline_score"]["p50"]
    lost = offline * (declared - effective)
    if prep.effective_shift == x["production_shift"]:
        lost = offline * 0.05  # already the harshest shift; the funnel still adds its own gap
    return _risk(
        "sampling_bias",
        0.8,
        _band(lost, (0.01, 0.03, 0.06, 0.1)),
        f"The training data leaves out part of the population the model will see: production "
        f"balanced accuracy is expected to fall about {words.points(lost)} further, to about "
        f"{words.percent(float(np.median(a['production_balanced'])))}.",
        "A model trained on survivors of a funnel or a filter learns about them, not about "
        "everyone it will score; the error shows up only after launch.",
        "Collect a sample from the full population (including those filtered out), test on it "
        "before launch, and reweight the training data to match production.",
    )


def production_shift(x, prep, a, result):
    if prep.effective_shift == "same":
        return None
    drop = a["offline"] - a["production_balanced"]
    median_drop = float(np.median(drop))
    offline = result["offline_score"]["p50"]
    production = float(np.median(a["production_balanced"]))
    return _risk(
        "production_shift",
        float(np.mean(drop >= 0.05)),
        _band(median_drop, (0.03, 0.06, 0.12, 0.2)),
        f"{words.percent(offline)} on the team's own test set is likely to become about "
        f"{words.percent(production)} on real traffic (balanced accuracy), "
        f"{words.points(median_drop)} lower.",
        "Test sets flatter models: re-collecting ImageNet's test set by the same protocol cost "
        "11 to 14 points (Recht et al. 2019); a new site keeps about 75% of accuracy (WILDS); "
        "a different kind of input loses 40% or more (ObjectNet).",
        "Before launch, label 300 to 500 real production examples and measure on them; train on "
        "data from the production channel; launch in shadow mode and compare with today's "
        "process first.",
    )


def concept_drift(x, prep, a, result):
    launch = a["production_accuracy"]
    yearly_loss = a["yearly_loss"]
    lost_year = float(np.median(a["production_balanced"] * yearly_loss))
    plan_loss = float(np.median(launch - a["accuracy_12m"]))
    if x["drift"] == "stable" and lost_year < 0.02:
        return None
    # The consequence is what the plan loses (its retraining cadence included); without
    # monitoring nobody sees the loss, which makes it worse.
    consequence = _band(plan_loss, (0.005, 0.02, 0.04, 0.07)) + int(not x["has_monitoring"])
    retrain = x["retrain_every_months"]
    plan = {0: "without retraining", 1: "retraining every month"}.get(
        retrain, f"retraining every {retrain} months"
    )
    at_launch = float(np.median(a["production_balanced"]))
    year_end = float(np.median(np.maximum(0.5, a["production_balanced"] * (1 - yearly_loss))))
    return _risk(
        "concept_drift",
        float(np.mean(yearly_loss >= 0.05)),
        consequence,
        f"Without retraining, balanced accuracy falls from about {words.percent(at_launch)}"
        f" at launch to about {words.percent(year_end)} after 12 months; {plan}, the first "
        f"year averages {words.points(plan_loss)} below launch.",
        "The world moves after launch: 91% of models degraded over time across 32 data sets "
        "(Vela et al. 2022)"
        + (", and seasonal patterns return every year." if x["drift"] == "seasonal" else "."),
        "Monitor production accuracy against fresh labels every week, retrain on recent data "
        f"every {1 if x['drift'] == 'volatile' else 3} months, and keep last season's data so "
        "seasonal patterns are learnt.",
    )


def runaway_compute(x, prep, a, result):
    if prep.gpu_hours * x["training_runs"] <= 0 or x["gpu_hourly_usd"] <= 0:
        return None
    one = P.RUNAWAY_HOURS * x["gpus_per_run"] * x["gpu_hourly_usd"]
    likelihood = float(np.mean(a["runaway_jobs"] >= 1))
    expected = float(np.mean(a["runaway_cost"]))
    share = one / x["budget_usd"]
    gpus = x["gpus_per_run"]
    return _risk(
        "runaway_compute",
        likelihood,
        _band(share, (0.001, 0.005, 0.01, 0.02)),
        f"A training job left running over a weekend costs about {words.usd(one)} "
        f"({gpus} GPU{'s' if gpus != 1 else ''} × 48 hours × "
        f"${x['gpu_hourly_usd']:,.2f}); expected loss over the project "
        f"{words.usd(expected)}.",
        "Without a hard stop, a crashed notebook or a forgotten experiment keeps every GPU "
        "busy until someone notices. (How often this happens is an assumption: 1 in 20 "
        "project-months without auto-stop.)",
        "Turn on auto-stop: a maximum runtime on every training job, idle shutdown for "
        "notebooks, and a budget alert that kills jobs when spend passes a daily limit."
        if not x["auto_stop"]
        else "Keep auto-stop on for every job, including ad-hoc "
        "experiments; review GPU spend weekly.",
    )


def budget_overrun(x, prep, a, result):
    probability = 1.0 - result["probability"]["within_budget"]
    cost = result["cost_usd"]
    if probability < 0.05:
        return None
    overrun = cost["p80"] / x["budget_usd"] - 1.0
    driver = _top_driver(result, "cost_usd")
    return _risk(
        "budget_overrun",
        probability,
        _band(overrun, (0.0, 0.1, 0.25, 0.5)),
        f"{words.capital(words.chance_of(probability))} of costing more than "
        f"{words.usd(x['budget_usd'])}; in the worst 1 in 10 cases it costs "
        f"{words.usd(cost['p90'])} or more.",
        "Most IT projects overrun: on average 27%, and one in six by about 200% (Flyvbjerg & "
        "Budzier 2011)" + (f"; here the biggest source of spread is {driver}." if driver else "."),
        f"Hold a contingency of at least {words.usd(max(0.0, cost['p80'] - x['budget_usd']))} "
        "or cut scope; review spend against this estimate at every check-in.",
    )


def schedule_overrun(x, prep, a, result):
    probability = 1.0 - result["probability"]["by_deadline"]
    duration = result["duration_weeks"]
    if probability < 0.05:
        return None
    overrun = duration["p80"] / x["deadline_weeks"] - 1.0
    driver = _top_driver(result, "duration_weeks")
    return _risk(
        "schedule_overrun",
        probability,
        _band(overrun, (0.0, 0.1, 0.25, 0.5)),
        f"{words.capital(words.chance_of(probability))} of missing the "
        f"{words.deadline(x['deadline_weeks'])} deadline; most likely it takes "
        f"{words.weeks(duration['p50'])}, and {words.weeks(duration['p90'])} in the worst 1 in "
        "10 cases.",
        "Schedules slip with effort, hiring and labeling; one IT project in six overruns its "
        "schedule by about 70% (Flyvbjerg & Budzier 2011)"
        + (f"; here the biggest source of spread is {driver}." if driver else "."),
        "Agree on a first release that fits the deadline (batch scoring, one use case) and "
        "move the rest to a second release; start labeling and integration work in week one.",
    )


def talent_ramp_up(x, prep, a, result):
    juniors, seniors, open_ = x["junior_ml"], x["senior_ml"], x["open_positions"]
    ml = juniors + seniors
    if ml == 0 or (juniors == 0 and open_ == 0):
        return None
    senior_share = seniors / ml
    if senior_share >= 0.5 and open_ == 0:
        return None
    slower = (P.SKILL_BASE - P.SKILL_SENIOR_SHARE_GAIN * senior_share) / (
        P.SKILL_BASE - P.SKILL_SENIOR_SHARE_GAIN
    ) - 1.0
    consequence = 5 if seniors == 0 else _band(1 - senior_share, (0.0, 0.5, 0.67, 0.9))
    return _risk(
        "talent_ramp_up",
        (juniors + open_) / (ml + open_),
        consequence,
        f"{juniors} of {ml} ML engineers {'are' if juniors != 1 else 'is'} junior: they start "
        f"at half speed and reach full speed after about a year, and the team's mix makes the "
        f"work about {words.percent(slower)} longer than an experienced team would need.",
        "Skill is the largest effort driver in software estimation: COCOMO II rates the least "
        "capable teams at 1.42 times nominal effort and the most capable at 0.71 times; "
        "engineers take 3 to 9 months to ramp up.",
        "Add at least one experienced ML engineer (or a part-time senior reviewer) to set the "
        "approach and review the work, and pair each junior with them.",
    )


def attrition(x, prep, a, result):
    people = x["senior_ml"] + x["junior_ml"] + x["data_engineers"] + x["open_positions"]
    probability = float(np.mean(a["departures"] >= 0.5))
    if probability < 0.1:
        return None
    consequence = {"below": 4, "at": 3, "above": 2}[x["pay_vs_market"]] + int(people <= 2)
    rate = P.ATTRITION_PER_YEAR[x["pay_vs_market"]]
    return _risk(
        "attrition",
        probability,
        consequence,
        f"{words.capital(words.chance_of(probability))} that someone leaves before the end "
        f"(pay {x['pay_vs_market']} market: about {words.percent(rate)} leave a year); a "
        "replacement takes about 10 weeks to hire and 3 to 9 months to reach full speed.",
        "Software engineers turn over at about 13% a year, data analysts at 22% (LinkedIn "
        "2017); below-market pay pushes that up.",
        "Pay at or above market for the key people, write down how the data and model work as "
        "you go, and make sure every critical task is known by two people.",
    )


def hiring(x, prep, a, result):
    open_ = x["open_positions"]
    if open_ == 0:
        return None
    team = open_ + x["senior_ml"] + x["junior_ml"] + x["data_engineers"]
    arrival = float(np.median(a["hire_arrival"]))
    return _risk(
        "hiring",
        float(np.mean(a["hire_arrival"] > 0.25 * x["deadline_weeks"])),
        _band(open_ / team, (0.0, 0.15, 0.3, 0.5)),
        f"{open_} open position{'s' if open_ != 1 else ''}: new people are likely to start "
        f"after about {words.weeks(arrival)} and need 3 to 9 months more to reach full speed.",
        "Engineering hires take about 49 days from application to start (LinkedIn), after the "
        "search itself; new engineers take 3 to 9 months to ramp up.",
        "Start hiring now, bring in contractors for the first months, and plan the first "
        "release around the people already on the team.",
    )


def explainability(x, prep, a, result):
    if not prep.needs_explainability:
        return None
    consequence = 3 + int(x["approach"] != "classical")
    work = P.GOVERNANCE_EXPLAINABILITY + P.MODELING_MEDIAN[x["approach"]] * (
        P.MODELING_EXPLAINABILITY - 1
    )
    return _risk(
        "explainability",
        0.6 if prep.regulated else 0.4,
        consequence,
        f"Explaining decisions adds {words.person_weeks(work)} of work and rules out models "
        "that cannot be explained; a model that passes every test can still be refused at "
        "review.",
        "People affected by automated decisions may have a right to an explanation; regulated "
        "domains require it. (The size of this work is an assumption: no published figure.)",
        "Agree with legal and the business what an explanation must contain before modeling, "
        "prefer interpretable models where they reach the target, and test explanations with "
        "real users.",
    )


def bias_fairness(x, prep, a, result):
    decides, historical = x["decisions_about_people"], x["historical_labels"]
    if not (decides or historical):
        return None
    consequence = 5 if decides and historical else (4 if decides else 3)
    consequence += int(x["domain"] == "hiring")
    likelihood = 0.8 if decides and historical else 0.5
    audit = P.GOVERNANCE_FAIRNESS_AUDIT
    if historical:
        impact = (
            "Labels come from past human decisions, so the model learns whatever bias those "
            "decisions held and applies it to every case; if any group's selection rate falls "
            "below 80% of the best group's (the four-fifths rule), that is evidence of adverse "
            f"impact. A fairness audit takes {words.person_weeks(audit)}."
        )
    else:
        impact = (
            "The model decides about people: a selection rate for any group below 80% of the "
            "best group's (the four-fifths rule) is evidence of adverse impact. A fairness "
            f"audit takes {words.person_weeks(audit)}."
        )
    return _risk(
        "bias_fairness",
        likelihood,
        consequence,
        impact,
        "Models trained on past decisions reproduce them at scale; in hiring and credit that "
        "is both a legal and a reputational risk.",
        "Do not train on past decisions alone: use job-related outcomes as labels where "
        "possible, audit selection rates by group before launch and at every retraining, and "
        "keep a person responsible for every final decision.",
    )


def privacy(x, prep, a, result):
    if not x["personal_data"]:
        return None
    planned = x["anonymization_plan"]
    breach = 9.77e6 if x["domain"] == "healthcare" else 4.88e6
    return _risk(
        "privacy",
        0.03 if planned else P.DATASET_SCRAPPED_PROBABILITY,
        5 if x["domain"] in ("healthcare", "finance") else 4,
        (
            "A breach of the training data would cost about "
            f"{words.usd(breach)} on average"
            + (
                "."
                if planned
                else f"; without an anonymisation plan there is "
                f"{words.chance_of(P.DATASET_SCRAPPED_PROBABILITY)} that a data set must be "
                "scrapped late, redoing half of data preparation and labeling."
            )
        ),
        "Personal data brings legal duties and the cost of a breach (IBM Cost of a Data "
        "Breach 2024: $4.88M on average, $9.77M in healthcare). (The scrapping chance is an "
        "assumption.)",
        "Write and test an anonymisation or minimisation plan before training, keep only the "
        "fields the model needs, and run a data protection impact assessment.",
    )


def deployment_readiness(x, prep, a, result):
    names = {
        "has_monitoring": "monitoring",
        "has_versioning": "versioning",
        "has_rollback": "rollback",
        "has_retraining_pipeline": "automated retraining",
    }
    missing = [label for key, label in names.items() if not x[key]]
    if not missing and x["shipped_ml_before"]:
        return None
    extra = P.DEPLOYMENT_PER_MISSING_CAPABILITY * len(missing)
    decay = float(np.mean(a["production_balanced"] * a["yearly_loss"] >= 0.03))
    likelihood = max(
        0.1 * len(missing) + 0.2 * (not x["shipped_ml_before"]),
        decay if not x["has_monitoring"] else 0.0,
    )
    core_missing = sum(not x[key] for key in ("has_monitoring", "has_versioning", "has_rollback"))
    consequence = 1 + core_missing + int(not x["shipped_ml_before"])
    effort = float(np.median(a["deployment"]))
    listed = ", ".join(missing) if missing else "none"
    return _risk(
        "deployment_readiness",
        likelihood,
        consequence,
        f"Missing {listed}: deployment takes {words.person_weeks(effort)} "
        f"({words.percent(extra)} more than with them), and a bad model or a silent accuracy "
        "drop stays live until customers complain.",
        "Getting a model into production is often as much work as building it: 64% of "
        "companies took a month or longer to deploy a model (Algorithmia 2021).",
        "Before the first launch, monitor live predictions against delayed labels, version "
        "every model with its data, and make rollback a single command.",
    )


def legacy_integration(x, prep, a, result):
    systems = x["legacy_systems"]
    if systems == 0 or (x["legacy_api"] == "documented" and systems < 3):
        return None
    integration = a["integration"]
    share = result["phase_share"]["integration"]
    likelihood = {"documented": 0.2, "poor": 0.4, "undocumented": 0.8}[x["legacy_api"]]
    quality = {
        "documented": "documented",
        "poor": "poorly documented",
        "undocumented": "undocumented",
    }[x["legacy_api"]]
    p50, p90 = np.quantile(integration, [0.5, 0.9])
    return _risk(
        "legacy_integration",
        likelihood,
        _band(share, (0.08, 0.15, 0.25, 0.4)),
        f"Wiring into {systems} existing system{'s' if systems != 1 else ''} with {quality} "
        f"interfaces takes {words.person_weeks(p50)}, and {words.person_weeks(p90)} in 1 "
        f"case in 10: {words.percent(share)} of the project's effort.",
        "Legacy interfaces hide rate limits, odd data formats and owners who must approve "
        "changes. (The effort per system is an assumption: no published figure.)",
        "Spike the integration first: call the real interface in week one, measure its rate "
        "limits, and ask the system's owner for a test environment and documentation.",
    )


def regulatory(x, prep, a, result):
    if not prep.regulated:
        return None
    low, high = P.REGULATORY_REVIEW_WEEKS
    fees_low, fees_high = P.COMPLIANCE_USD
    return _risk(
        "regulatory",
        0.9,
        3,
        f"Regulatory review adds {low:.0f} to {high:.0f} weeks at the end, assessment fees "
        f"add {words.usd(fees_low)} to {words.usd(fees_high)}, and compliance work adds "
        f"{words.person_weeks(P.GOVERNANCE_REGULATORY)}.",
        "High-risk AI systems under the EU AI Act need a conformity assessment: an estimated "
        "268 to 536 hours once, plus 104 to 208 a year.",
        "Involve compliance in the first month, keep the documentation the review needs as "
        "you build, and book the review date early.",
    )


def expectation_gap(x, prep, a, result):
    duration_ratio = result["duration_weeks"]["p50"] / x["deadline_weeks"]
    cost_ratio = result["cost_usd"]["p50"] / x["budget_usd"]
    metric = result["production_metric"]["p50"]
    gap = x["target_value"] - metric
    reachable = np.isfinite(
        classifier.balanced_needed(
            x["target_metric"], x["target_value"], prep.production_prevalence
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
            f"it most likely takes {words.weeks(result['duration_weeks']['p50'])} "
            f"against a {words.deadline(x['deadline_weeks'])} deadline "
            f"({words.times(duration_ratio)} longer)"
        )
    if cost_ratio > 1.25:
        parts.append(
            f"costs {words.usd(result['cost_usd']['p50'])} against a "
            f"{words.usd(x['budget_usd'])} budget"
        )
    if gap > 0.02 or not reachable:
        parts.append(
            f"reaches about {words.percent(metric)} {metric_words(x)} against the "
            f"{words.percent(x['target_value'])} expected"
        )
    impact = "As planned, " + "; ".join(parts) + "."
    return _risk(
        "expectation_gap",
        1.0 - result["probability"]["all_targets"],
        consequence,
        impact,
        "On average only 54% of AI projects move from pilot to production (Gartner 2022); "
        "targets set before the data and the team are known are usually out of reach.",
        "Reset expectations now with these numbers: narrow the scope to one use case, reuse "
        "an existing model instead of building one, and agree on a first milestone the team "
        "can meet.",
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
