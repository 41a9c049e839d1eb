"""The history of a project's risk: its finished estimates as points linked to what caused
them, and "what changed and why" between two of them. The charts are projects/charts/history.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from projects import vocabulary
from projects.engine.inputs import PROGRESS
from projects.formatting import date_text, input_value_text, percent, points_delta
from projects.models import Estimate, Project
from projects.presenters.project import Change, revision_changes

# A risk whose likelihood moved by at least this much is listed as moved.
RISK_MOVE = 0.05


# Points ---------------------------------------------------------------------------------------


@dataclass
class Point:
    """One finished estimate in the history, with what caused it and where that is."""

    estimate: Estimate
    number: int
    when: str
    cause: str
    cause_url: str
    probability: dict
    cost_p50: float | None
    weeks_p50: float | None
    metric_p50: float | None
    metric: str
    chances: list[tuple[str, str]] = field(default_factory=list)  # (short label, percent)
    target: float | None = None  # the quality target the estimate was judged against


def cause_of(estimate: Estimate) -> tuple[str, str]:
    """What caused an estimate, in words, and the link to it (revision report or check-in)."""
    revision = estimate.revision
    project_url = reverse("project", args=[revision.project_id])
    revision_url = f"{project_url}?{urlencode({'revision': revision.number})}"
    trigger = estimate.trigger
    if trigger == Estimate.Trigger.CHECKIN and estimate.checkin_id:
        checkin = estimate.checkin
        return (
            f"Check-in of {date_text(checkin.date)}",
            f"{project_url}#checkin-{checkin.pk}",
        )
    if trigger == Estimate.Trigger.SCHEDULE:
        return f"Scheduled re-estimate of revision {revision.number}", revision_url
    if trigger == Estimate.Trigger.MANUAL:
        return f"Revision {revision.number} re-estimated on request", revision_url
    return f"Revision {revision.number}", revision_url


def _p50(stats: dict) -> float | None:
    value = stats.get("p50")
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def points(project: Project) -> list[Point]:
    """The project's finished estimates, oldest first, numbered from 1."""
    done = (
        project.estimates.done().select_related("revision", "checkin").order_by("finished_at", "id")
    )
    found = []
    for number, estimate in enumerate(done, start=1):
        result = estimate.result or {}
        inputs = result.get("inputs") or estimate.revision.inputs
        metric = vocabulary.metric_name(inputs)
        cause, url = cause_of(estimate)
        probability = result.get("probability") or {}
        found.append(
            Point(
                estimate=estimate,
                number=number,
                when=date_text(estimate.finished_at, with_time=True),
                cause=cause,
                cause_url=url,
                probability=probability,
                cost_p50=_p50(result.get("cost_usd") or {}),
                weeks_p50=_p50(result.get("duration_weeks") or {}),
                metric_p50=_p50(vocabulary.metric_stats(result, vocabulary.metric_key(inputs))),
                metric=metric,
                chances=[
                    (chance.short, percent(probability.get(chance.key)))
                    for chance in vocabulary.CHANCES
                ],
                target=vocabulary.target_value({"inputs": inputs}),
            )
        )
    return found


# What changed and why -------------------------------------------------------------------------


@dataclass
class RiskLine:
    title: str
    likelihood: str
    detail: str = ""


@dataclass
class Comparison:
    before: Estimate
    after: Estimate
    before_cause: str
    after_cause: str
    input_changes: list[Change]
    progress_changes: list[Change]
    chances: list[vocabulary.Movement]
    outcomes: list[vocabulary.Movement]
    risks_appeared: list[RiskLine]
    risks_gone: list[RiskLine]
    risks_moved: list[RiskLine]
    notes: list[str]

    @property
    def nothing_changed(self) -> bool:
        return not (self.input_changes or self.progress_changes)


def _progress_of(estimate: Estimate) -> dict | None:
    result = estimate.result or {}
    if result.get("progress") is not None:
        return result["progress"]
    return estimate.checkin.progress() if estimate.checkin_id else None


def progress_changes(before: dict | None, after: dict | None) -> list[Change]:
    """Check-in fields that differ, in the check-in form's words and units."""
    if before == after:
        return []
    changes = []
    for spec in PROGRESS:
        old = (before or {}).get(spec.key, spec.default) if before is not None else None
        new = (after or {}).get(spec.key, spec.default) if after is not None else None
        if old != new:
            changes.append(
                Change(
                    spec.label,
                    "no check-in" if before is None else input_value_text(spec, old),
                    "no check-in" if after is None else input_value_text(spec, new),
                )
            )
    return changes


def _risks(result: dict) -> dict[str, dict]:
    return {risk.get("key") or risk.get("title"): risk for risk in result.get("risks") or []}


def _risk_lines(old: dict, new: dict) -> tuple[list[RiskLine], list[RiskLine], list[RiskLine]]:
    """The risks that appeared, went away, and became much more or less likely."""
    old_risks, new_risks = _risks(old), _risks(new)
    appeared = [
        RiskLine(risk.get("title", key), percent(risk.get("likelihood")))
        for key, risk in new_risks.items()
        if key not in old_risks
    ]
    gone = [
        RiskLine(risk.get("title", key), percent(risk.get("likelihood")))
        for key, risk in old_risks.items()
        if key not in new_risks
    ]
    moved = []
    for key, risk in new_risks.items():
        if key not in old_risks:
            continue
        a, b = old_risks[key].get("likelihood"), risk.get("likelihood")
        if isinstance(a, int | float) and isinstance(b, int | float) and abs(b - a) >= RISK_MOVE:
            moved.append(
                RiskLine(
                    risk.get("title", key),
                    percent(b),
                    f"from {percent(a)} ({points_delta(b - a)})",
                )
            )
    return appeared, gone, moved


def what_changed(before: Estimate, after: Estimate) -> Comparison:
    """What changed between two finished estimates and how the outlook moved."""
    old, new = before.result or {}, after.result or {}
    outlook = vocabulary.compare(old, new)
    appeared, gone, moved = _risk_lines(old, new)
    notes = []
    if old.get("seed") != new.get("seed") or old.get("trials") != new.get("trials"):
        notes.append(
            "The two estimates drew different random scenarios (seed or number of scenarios), "
            "so small moves of a point or two can be chance alone."
        )
    if old.get("engine_version") != new.get("engine_version"):
        notes.append(
            f"The engine changed between them ({old.get('engine_version') or '–'} → "
            f"{new.get('engine_version') or '–'}); part of the move may come from the model."
        )
    return Comparison(
        before=before,
        after=after,
        before_cause=cause_of(before)[0],
        after_cause=cause_of(after)[0],
        # What people typed (the revisions), not the results' inputs: those carry each seed.
        input_changes=revision_changes(before.revision.inputs or {}, after.revision.inputs or {}),
        progress_changes=progress_changes(_progress_of(before), _progress_of(after)),
        chances=outlook.chances,
        outcomes=outlook.medians,
        risks_appeared=appeared,
        risks_gone=gone,
        risks_moved=moved,
        notes=notes,
    )
