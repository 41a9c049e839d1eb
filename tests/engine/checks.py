"""Shared checks: the output contract of MODEL.md §3, the plain-language rules of §5, and the
scenarios the engine tests run on (the defaults and the eight demo stories)."""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

from projects.engine import INPUTS, estimate
from projects.engine.examples import STORIES, load

ROOT = Path(__file__).resolve().parents[2]

STAT_KEYS = ("mean", "p5", "p10", "p50", "p80", "p90", "p95", "mc_error")
QUANTILES = ("p5", "p10", "p50", "p80", "p90", "p95")
STATS_OUTPUTS = (
    "cost_usd",
    "duration_weeks",
    "effort_person_weeks",
    "offline_score",
    "production_accuracy",
    "production_recall",
    "production_precision",
    "production_accuracy_12m",
)
SHARE_OUTPUTS = STATS_OUTPUTS[3:]  # scores and metrics: shares between 0 and 1
PHASES = ("data_preparation", "modeling", "deployment", "integration", "governance")
PROBABILITIES = (
    "within_budget",
    "by_deadline",
    "meets_target",
    "reaches_production",
    "all_targets",
)
JOINED = PROBABILITIES[:-1]  # all_targets is every one of these in the same trial
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
RISK_FIELDS = ("key", "title", "likelihood", "severity", "impact", "explanation", "mitigation")
DRIVER_OUTPUTS = ("cost_usd", "duration_weeks", "production_metric")
LEVER_DELTA_KEYS = (
    "within_budget",
    "by_deadline",
    "meets_target",
    "reaches_production",
    "all_targets",
    "cost_p50_usd",
    "duration_p50_weeks",
)
# Copied from MODEL.md §4.5, not imported, so that a drift of the engine's list is caught.
MODEL_MD_RISK_KEYS = (
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

STORY_SLUGS = tuple(story["slug"] for story in STORIES)
SCENARIO_NAMES = ("defaults", *STORY_SLUGS)


def scenario(name: str) -> dict[str, Any]:
    """The inputs of a named scenario: "defaults" (nothing set) or a demo story's file."""
    return {} if name == "defaults" else load(name)


@cache
def _cached_estimate(name: str, levers: bool, trials: int | None) -> str:
    inputs = scenario(name)
    inputs.setdefault("seed", 11)  # the stories bring their own seed
    if trials is not None:
        inputs["trials"] = trials
    return json.dumps(estimate(inputs, levers=levers), allow_nan=False)


def scenario_result(name: str, *, levers: bool = True, trials: int | None = None) -> dict:
    """A scenario's result, computed once per session (a fresh copy on each call)."""
    return json.loads(_cached_estimate(name, levers, trials))


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_finite_float(value: Any) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_stats(name: str, stats: Any) -> None:
    assert isinstance(stats, dict), name
    missing = set(STAT_KEYS) - set(stats)
    assert not missing, f"{name} lacks {sorted(missing)}"
    for key in STAT_KEYS:
        assert is_finite_float(stats[key]), f"{name}.{key} = {stats[key]!r}"
    values = [stats[key] for key in QUANTILES]
    assert values == sorted(values), f"{name} quantiles out of order: {values}"
    assert stats["mc_error"] >= 0, name


def check_result(result: Any, *, levers: bool = True) -> None:
    """Assert everything MODEL.md §3 promises about one result."""
    assert isinstance(result, dict)
    text = json.dumps(result, allow_nan=False)  # no NaN or infinity anywhere, JSON types only
    assert json.loads(text) == result, "the result does not survive a JSON round trip"

    assert isinstance(result["engine_version"], str) and result["engine_version"]
    assert is_int(result["trials"]) and result["trials"] >= 1000
    assert is_int(result["seed"]) and result["seed"] >= 0

    echo = result["inputs"]
    assert isinstance(echo, dict)
    assert set(echo) == {spec.key for spec in INPUTS}, "the inputs echo is not the full set"
    assert echo["seed"] == result["seed"]
    assert echo["trials"] == result["trials"]

    for name in STATS_OUTPUTS:
        check_stats(name, result[name])
    for name in SHARE_OUTPUTS:
        stats = result[name]
        assert stats["p5"] >= 0.0 and stats["p95"] <= 1.0, f"{name} outside [0, 1]: {stats}"
        assert 0.0 <= stats["mean"] <= 1.0, name
    assert result["cost_usd"]["p5"] >= 0.0
    assert result["duration_weeks"]["p5"] > 0.0
    assert result["effort_person_weeks"]["p5"] > 0.0

    shares = result["phase_share"]
    assert set(shares) == set(PHASES)
    assert all(is_finite_float(value) and value >= 0.0 for value in shares.values()), shares
    assert abs(math.fsum(shares.values()) - 1.0) <= 1e-9, shares

    probability = result["probability"]
    assert set(probability) == set(PROBABILITIES)
    for key in PROBABILITIES:
        assert is_finite_float(probability[key]) and 0.0 <= probability[key] <= 1.0, key
    for key in JOINED:
        assert probability["all_targets"] <= probability[key], (key, probability)
    assert set(result["stopped_by"]) == {"value", "overrun", "organisation"}
    for share in result["stopped_by"].values():
        assert is_finite_float(share) and 0.0 <= share <= 1.0
    assert set(result["compute"]) == {"gpu_hours", "training_weeks"}
    for stats in result["compute"].values():
        assert set(stats) == {"mean", "p5", "p10", "p50", "p80", "p90", "p95", "mc_error"}
        assert all(is_finite_float(value) and value >= 0.0 for value in stats.values()), stats
    for entry in result["impossible"]:
        assert entry["cause"] in ("labeling", "compute") and entry["reason"].strip()

    needed = result["labels_needed_p50"]
    assert needed is None or (is_int(needed) and needed >= 0), needed

    check_risks(result["risks"])
    check_drivers(result["drivers"])
    check_levers(result["levers"], levers=levers)

    summary = result["summary"]
    assert isinstance(summary, list) and summary
    assert all(isinstance(sentence, str) and sentence.strip() for sentence in summary)


def check_risks(risks: Any) -> None:
    assert isinstance(risks, list)
    keys = [risk["key"] for risk in risks]
    assert len(keys) == len(set(keys)), f"duplicate risk keys: {keys}"
    for risk in risks:
        missing = set(RISK_FIELDS) - set(risk)
        assert not missing, f"risk {risk.get('key')} lacks {sorted(missing)}"
        assert risk["key"] in MODEL_MD_RISK_KEYS, risk["key"]
        assert risk["severity"] in SEVERITY_RANK, risk["severity"]
        assert is_number(risk["likelihood"]) and 0.0 <= risk["likelihood"] <= 1.0, risk
        for field in ("title", "impact", "explanation", "mitigation"):
            assert isinstance(risk[field], str) and risk[field].strip(), (risk["key"], field)
        assert re.search(r"\d", risk["impact"]), f"{risk['key']} impact has no number"
    ranks = [SEVERITY_RANK[risk["severity"]] for risk in risks]
    assert ranks == sorted(ranks), f"risks not most severe first: {keys}"


def check_drivers(drivers: Any) -> None:
    assert isinstance(drivers, dict)
    assert set(DRIVER_OUTPUTS) <= set(drivers), sorted(drivers)
    for output in DRIVER_OUTPUTS:
        rows = drivers[output]
        assert isinstance(rows, list)
        for row in rows:
            assert isinstance(row["name"], str) and row["name"]
            assert isinstance(row["label"], str) and row["label"]
            assert is_number(row["correlation"]) and -1.0 <= row["correlation"] <= 1.0
        names = [row["name"] for row in rows]
        assert len(names) == len(set(names)), names
        sizes = [abs(row["correlation"]) for row in rows]
        assert sizes == sorted(sizes, reverse=True), f"{output} drivers not by |correlation|"


def check_levers(rows: Any, *, levers: bool = True) -> None:
    assert isinstance(rows, list)
    if not levers:
        assert rows == [], "levers=False must give an empty levers list"
        return
    keys = [row["key"] for row in rows]
    assert len(keys) == len(set(keys)), f"duplicate levers: {keys}"
    for row in rows:
        assert isinstance(row["key"], str) and row["key"]
        assert isinstance(row["label"], str) and row["label"].strip()
        assert isinstance(row["change"], str) and row["change"].strip()
        delta = row["delta"]
        assert set(LEVER_DELTA_KEYS) <= set(delta), (row["key"], sorted(delta))
        for key in LEVER_DELTA_KEYS:
            assert is_finite_float(delta[key]), (row["key"], key, delta[key])
        for key in PROBABILITIES:
            assert -1.0 <= delta[key] <= 1.0, (row["key"], key, delta[key])
    gains = [row["delta"]["all_targets"] for row in rows]
    assert gains == sorted(gains, reverse=True), "levers not ranked by gain in all_targets"


# --- MODEL.md §5: plain language -----------------------------------------------------------

JARGON = re.compile(r"\bp\d{1,2}\b|percentile", re.IGNORECASE)
DOLLARS = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)")
# Amounts after "$" are judged by significant figures instead ("$0.478" an hour is fine).
LONG_DECIMAL = re.compile(r"(?<![$\d.,])\d*\.\d{3,}")


def significant_digits(number: str) -> int:
    digits = number.replace(",", "").replace(".", "")
    return len(digits.strip("0")) or 1


def people_texts(result: dict[str, Any]) -> list[str]:
    """Every text an executive reads: summary, risks and levers."""
    texts = list(result["summary"])
    for risk in result["risks"]:
        texts += [risk["title"], risk["impact"], risk["explanation"], risk["mitigation"]]
    for lever in result["levers"]:
        texts += [lever["label"], lever["change"]]
    return texts


def wording_problems(text: str) -> list[str]:
    """Jargon and numbers not rounded for people, found in one text."""
    problems = [f"jargon {match.group(0)!r}" for match in JARGON.finditer(text)]
    for match in DOLLARS.finditer(text):
        if significant_digits(match.group(1)) > 3:
            problems.append(f"unrounded amount {match.group(0)!r}")
    problems += [
        f"long decimal {match.group(0)!r}"
        for match in LONG_DECIMAL.finditer(text)
        if not _near_a_whole_share(match.group(0))
    ]
    return problems


def _near_a_whole_share(number: str) -> bool:
    """99.999% (five nines) or 0.001% need their decimals: rounding would say 100% or 0%."""
    try:
        value = float(number.rstrip("%"))
    except ValueError:
        return False
    return 0 < value < 0.01 or 99.99 < value < 100
