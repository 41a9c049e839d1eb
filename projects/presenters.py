"""Wording, rounding and formatting for the pages: templates show what these functions return.

Everything here is plain Python over plain data (engine results, revision inputs), so that it
is tested without a browser.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from projects.engine.inputs import INPUTS, INPUTS_BY_KEY, PROGRESS
from projects.formatting import (
    date_text,
    input_value_text,
    money,
    money_delta,
    percent,
    points_delta,
    score,
    weeks,
    weeks_delta,
)
from projects.models import CheckIn, Estimate

logger = logging.getLogger(__name__)

# Probabilities at or above GOOD_CHANCE read as likely, below POOR_CHANCE as unlikely.
GOOD_CHANCE = 0.8
POOR_CHANCE = 0.5
# A change in the chance of meeting all targets smaller than this is "steady".
TREND_THRESHOLD = 0.02
TOP_DRIVERS = 4
TOP_LEVERS = 5

METRIC_WORDS = {"accuracy": "accuracy", "recall": "recall", "precision": "precision"}


def chance_tone(probability: float | None) -> str:
    """good, fair or poor, for colouring a probability."""
    if probability is None:
        return "none"
    if probability >= GOOD_CHANCE:
        return "good"
    if probability >= POOR_CHANCE:
        return "fair"
    return "poor"


# Inputs in the form's words and units ---------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


def revision_changes(
    old_inputs: dict | None, new_inputs: dict, keys: tuple[str, ...] | None = None
) -> list[Change]:
    """The inputs that differ between two revisions (only those of `keys`, if given), in form
    order."""
    if old_inputs is None:
        return []
    changes = []
    for spec in INPUTS:
        if keys is not None and spec.key not in keys:
            continue
        old = old_inputs.get(spec.key, spec.default)
        new = new_inputs.get(spec.key, spec.default)
        if old != new:
            changes.append(
                Change(spec.label, input_value_text(spec, old), input_value_text(spec, new))
            )
    return changes


# The report -----------------------------------------------------------------------------------


@dataclass
class Chance:
    label: str
    probability: float
    text: str
    tone: str
    bar: int  # width of the bar, 0-100


@dataclass
class Outcome:
    label: str
    target: str
    low: str
    middle: str
    high: str
    chance: str
    tone: str


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
    by_deadline: str
    within_budget: str
    meets_target: str
    cost: str
    duration: str

    @property
    def deltas(self) -> list[tuple[str, str]]:
        return [
            ("Deadline", self.by_deadline),
            ("Budget", self.within_budget),
            ("Target", self.meets_target),
            ("Median cost", self.cost),
            ("Median weeks", self.duration),
        ]


@dataclass
class Report:
    summary: list[str]
    chances: list[Chance]
    outcomes: list[Outcome]
    risks: list[Risk]
    driver_groups: list[DriverGroup]
    levers: list[Lever]
    details: list[tuple[str, str]] = field(default_factory=list)


def target_metric_name(inputs: dict) -> str:
    return METRIC_WORDS.get(inputs.get("target_metric"), "accuracy")


def report(result: dict) -> Report:
    """Everything the report page shows, from an engine result (MODEL.md section 3)."""
    inputs = result.get("inputs", {})
    probability = result["probability"]
    metric = target_metric_name(inputs)
    metric_stats = result.get(f"production_{metric}") or result.get("production_metric") or {}

    chances = [
        _chance("In production by the deadline", probability.get("by_deadline")),
        _chance("Within budget", probability.get("within_budget")),
        _chance(f"Reaches the target {metric}", probability.get("meets_target")),
        _chance("All three at once", probability.get("all_targets")),
    ]
    outcomes = [
        Outcome(
            label="Cost",
            target=money(inputs.get("budget_usd")),
            low=money(result["cost_usd"]["p10"]),
            middle=money(result["cost_usd"]["p50"]),
            high=money(result["cost_usd"]["p90"]),
            chance=percent(probability.get("within_budget")),
            tone=chance_tone(probability.get("within_budget")),
        ),
        Outcome(
            label="Weeks to production",
            target=weeks(inputs.get("deadline_weeks")),
            low=weeks(result["duration_weeks"]["p10"]),
            middle=weeks(result["duration_weeks"]["p50"]),
            high=weeks(result["duration_weeks"]["p90"]),
            chance=percent(probability.get("by_deadline")),
            tone=chance_tone(probability.get("by_deadline")),
        ),
        Outcome(
            label=f"Production {metric}",
            target=score(inputs.get("target_value")),
            low=score(metric_stats.get("p10")),
            middle=score(metric_stats.get("p50")),
            high=score(metric_stats.get("p90")),
            chance=percent(probability.get("meets_target")),
            tone=chance_tone(probability.get("meets_target")),
        ),
    ]
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
    return Report(
        summary=list(result.get("summary", [])),
        chances=chances,
        outcomes=outcomes,
        risks=risks,
        driver_groups=driver_groups,
        levers=levers,
        details=details,
    )


def _chance(label: str, probability: float | None) -> Chance:
    value = probability if probability is not None else 0.0
    return Chance(
        label=label,
        probability=value,
        text=percent(probability),
        tone=chance_tone(probability),
        bar=max(0, min(100, round(value * 100))),
    )


def driver_strength(correlation: float) -> str:
    size = abs(correlation)
    if size >= 0.5:
        return "strong"
    if size >= 0.3:
        return "moderate"
    if size >= 0.1:
        return "weak"
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
        all_targets=points_delta(delta.get("all_targets")),
        all_targets_tone=_delta_tone(delta.get("all_targets")),
        by_deadline=points_delta(delta.get("by_deadline")),
        within_budget=points_delta(delta.get("within_budget")),
        meets_target=points_delta(delta.get("meets_target")),
        cost=money_delta(delta.get("cost_p50_usd")),
        duration=weeks_delta(delta.get("duration_p50_weeks")),
    )


def _delta_tone(delta: float | None) -> str:
    if delta is None or abs(delta) < 0.005:
        return "none"
    return "good" if delta > 0 else "poor"


# Portfolio ------------------------------------------------------------------------------------


@dataclass
class Trend:
    symbol: str
    text: str
    tone: str


def trend(latest: dict | None, previous: dict | None) -> Trend:
    """The chance of meeting all targets now against the previous estimate."""
    if not latest or not previous:
        return Trend("", "first estimate", "none")
    now, before = latest.get("all_targets"), previous.get("all_targets")
    if now is None or before is None:
        return Trend("", "no comparison", "none")
    delta = now - before
    if delta >= TREND_THRESHOLD:
        return Trend(
            "↑", f"up {points_delta(delta).lstrip('+')} since the previous estimate", "good"
        )
    if delta <= -TREND_THRESHOLD:
        return Trend(
            "↓", f"down {points_delta(delta).lstrip('−')} since the previous estimate", "poor"
        )
    return Trend("→", "steady since the previous estimate", "none")


@dataclass
class PortfolioRow:
    project: Any
    chances: list[Chance]
    last_estimate: str
    trend: Trend
    status_note: str


def portfolio_row(project, recent: list[dict]) -> PortfolioRow:
    """One project in the portfolio. `recent`: its latest finished estimates, newest first (two
    are used), as rows with `finished_at` and `result__probability`; `project.latest_status` is
    the status of its newest estimate (ProjectQuerySet.with_latest_status)."""
    latest = recent[0]["result__probability"] if recent else None
    previous = recent[1]["result__probability"] if len(recent) > 1 else None
    finished_at = recent[0]["finished_at"] if recent else None
    latest_status = project.latest_status
    keys = (
        ("by_deadline", "Deadline"),
        ("within_budget", "Budget"),
        ("meets_target", "Target"),
        ("all_targets", "All three"),
    )
    chances = [_chance(label, (latest or {}).get(key)) for key, label in keys]
    if latest is None:
        for chance in chances:
            chance.text, chance.tone, chance.bar = "–", "none", 0
    notes = {
        "failed": "The latest estimate failed",
        "queued": "Estimate queued",
        "running": "Estimate running",
        None: "Not estimated yet",
    }
    note = notes.get(latest_status, "") if latest_status != "done" else ""
    if latest_status is None and latest is not None:
        note = ""
    return PortfolioRow(
        project=project,
        chances=chances,
        last_estimate=date_text(finished_at),
        trend=trend(latest, previous),
        status_note=note,
    )


def spec_label(key: str) -> str:
    spec = INPUTS_BY_KEY.get(key)
    return spec.label if spec else key


# The project page -----------------------------------------------------------------------------


def report_or_failure(estimate) -> tuple[Report | None, str]:
    """The report of a finished estimate, or None and what went wrong when its result cannot be
    shown (an old engine's, say); (None, "") without an estimate."""
    if estimate is None:
        return None, ""
    try:
        return report(estimate.result), ""
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        logger.exception("Estimate %s could not be shown", estimate.pk)
        return None, f"{exc.__class__.__name__}: {exc}"


def revision_history(project, revisions: list) -> list[dict]:
    """Each revision (newest first) with what changed since the one before and the chance of
    meeting all three targets from its latest estimate."""
    latest_estimates: dict[int, dict] = {}
    for row in project.estimates.order_by("-created_at", "-id").values(
        "revision_id", "status", "result__probability"
    ):
        latest_estimates.setdefault(row["revision_id"], row)
    history = []
    for index, revision in enumerate(revisions):
        previous = revisions[index + 1] if index + 1 < len(revisions) else None
        estimate = latest_estimates.get(revision.pk)
        probability = (estimate or {}).get("result__probability") or {}
        history.append(
            {
                "revision": revision,
                "created": date_text(revision.created_at, with_time=True),
                "changes": revision_changes(previous.inputs if previous else None, revision.inputs),
                "first": previous is None,
                "status": estimate["status"] if estimate else None,
                "all_targets": percent(probability.get("all_targets")) if probability else "",
            }
        )
    return history


def conflict(project, based_on: int | None, latest) -> dict:
    """What someone else saved (revision `latest`) while a form based on `based_on` was open."""
    earlier = project.revisions.filter(number=based_on).first()
    return {
        "revision": latest,
        "changes": revision_changes(earlier.inputs if earlier else None, latest.inputs),
    }


def tracking_panel(project) -> dict:
    """The check-ins of a project (newest first, the latest 20) and its re-estimate cadence."""
    rows = checkin_rows(project)
    days = project.reestimate_every_days
    if project.archived:
        cadence = "Archived projects are never re-estimated on a schedule."
    elif days == 0:
        cadence = "Scheduled re-estimates are off."
    else:
        cadence = "Re-estimated every day." if days == 1 else f"Re-estimated every {days} days."
    return {"rows": rows, "more": project.checkins.count() > len(rows), "cadence": cadence}


@dataclass
class CheckInRow:
    checkin: Any
    date: str
    figures: list[tuple[str, str]]
    by: str
    estimate: Any
    all_targets: str


def checkin_rows(project, limit: int = 20) -> list[CheckInRow]:
    """The project's latest check-ins, newest first, in the form's words and units."""
    found = []
    checkins = (
        project.checkins.select_related("author", "api_token")
        .prefetch_related("estimates")
        .order_by("-date", "-created_at", "-id")[:limit]
    )
    for checkin in checkins:
        values = checkin.progress()
        figures = [
            (spec.label, input_value_text(spec, values[spec.key]))
            for spec in PROGRESS
            if values[spec.key] is not None or spec.key in CheckIn.REQUIRED
        ]
        if checkin.api_token_id:
            by = f"posted with the token {checkin.api_token.name}"
        elif checkin.author_id:
            by = f"by {checkin.author.get_username()}"
        else:
            by = ""
        mine = sorted(checkin.estimates.all(), key=lambda e: (e.created_at, e.pk))
        first = mine[0] if mine else None
        found.append(
            CheckInRow(
                checkin=checkin,
                date=date_text(checkin.date),
                figures=figures,
                by=by,
                estimate=first,
                all_targets=percent(
                    ((first.result or {}).get("probability") or {}).get("all_targets")
                )
                if first is not None and first.status == Estimate.Status.DONE
                else "",
            )
        )
    return found


def share_rows(project, absolute_url) -> list[dict]:
    """The project's share links for its owners and editors; `absolute_url(path)` makes the
    link people copy (request.build_absolute_uri)."""
    now = timezone.now()
    rows = []
    for link in project.share_links.select_related("created_by"):
        active = link.is_active(now)
        if link.revoked_at:
            state = f"Revoked {date_text(link.revoked_at)}"
        elif not active:
            state = f"Expired {date_text(link.expires_at)}"
        elif link.expires_at:
            state = f"Expires {date_text(link.expires_at, with_time=True)}"
        else:
            state = "Never expires"
        rows.append(
            {
                "link": link,
                "active": active,
                "url": absolute_url(reverse("shared_report", args=[link.token])),
                "created": date_text(link.created_at, with_time=True),
                "by": link.created_by.get_username() if link.created_by else "a deleted user",
                "state": state,
            }
        )
    return rows


# The team page --------------------------------------------------------------------------------


def invitation_rows(team) -> list[dict]:
    """The team's invitations still waiting for an answer, for its owners."""
    rows = []
    for invitation in team.invitations.filter(
        accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).select_related("created_by"):
        rows.append(
            {
                "invitation": invitation,
                "role": invitation.get_role_display().lower(),
                "by": invitation.created_by.get_username() if invitation.created_by else "",
                "expires": date_text(invitation.expires_at, with_time=True),
            }
        )
    return rows
