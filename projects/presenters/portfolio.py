"""The portfolio: each project's chances from its latest estimate, and the trend since the one
before."""

from __future__ import annotations

from dataclasses import dataclass

from projects import vocabulary
from projects.formatting import date_text, points_delta
from projects.models import Estimate, Project
from projects.presenters.report import ChanceBar, chance_bar

# A change in the chance of meeting all targets smaller than this is "steady".
TREND_THRESHOLD = 0.02

STATUS_NOTES = {
    Estimate.Status.FAILED: "The latest estimate failed",
    Estimate.Status.QUEUED: "Estimate queued",
    Estimate.Status.RUNNING: "Estimate running",
}


@dataclass
class Trend:
    symbol: str
    text: str
    tone: str


def trend(latest: dict | None, previous: dict | None) -> Trend:
    """The chance of meeting all targets now against the previous estimate."""
    if not latest or not previous:
        return Trend("", "first estimate", "none")
    now, before = latest.get(vocabulary.ALL_TARGETS), previous.get(vocabulary.ALL_TARGETS)
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
    project: Project
    chances: list[ChanceBar]
    last_estimate: str
    trend: Trend
    status_note: str


def portfolio_row(project: Project, recent: list[dict]) -> PortfolioRow:
    """One project in the portfolio. `recent`: its latest finished estimates, newest first (two
    are used), as rows with `finished_at` and `result__probability`; `project.latest_status` is
    the status of its newest estimate (ProjectQuerySet.with_latest_status)."""
    latest = recent[0]["result__probability"] if recent else None
    previous = recent[1]["result__probability"] if len(recent) > 1 else None
    chances = [
        chance_bar(chance.short, (latest or {}).get(chance.key)) for chance in vocabulary.CHANCES
    ]
    if latest is None:
        for chance in chances:
            chance.text, chance.tone, chance.bar = "–", "none", 0
    if project.latest_status is None:
        note = "" if latest is not None else "Not estimated yet"
    else:
        note = STATUS_NOTES.get(project.latest_status, "")
    return PortfolioRow(
        project=project,
        chances=chances,
        last_estimate=date_text(recent[0]["finished_at"] if recent else None),
        trend=trend(latest, previous),
        status_note=note,
    )
