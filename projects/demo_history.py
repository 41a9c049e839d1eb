"""The demo team's closed past projects, so that its calibration page and calibrated view show
something real (seed_demo adds them; docs/calibration.md, "The demo").

Each past project is one of the engine's example stories, varied, estimated for real three
times (at the start, and from check-ins at 45% and 75% of its actual duration), then closed with
an outcome drawn from a hidden optimistic bias: what it really cost and took is what its first
forecast gave at a random percentile, times COST_BIAS and WEEKS_BIAS; its production score, the
first forecast's at a percentile drawn from the lower part (SCORE_LEVELS). Everything is
seeded, so every run makes the same history, and the outcomes are marked as demo data on every
page. Past projects use 2,000 simulated scenarios (the live demo uses 20,000): enough for
stored curves and chances, and the whole history runs in seconds.
"""

from __future__ import annotations

import datetime

import numpy as np
from django.db import models, transaction
from django.utils import timezone

from projects import checkins, outcomes
from projects.calibration import Curve
from projects.engine import normalise
from projects.engine.examples import load
from projects.engine.inputs import normalise_progress
from projects.estimates import queue_estimate
from projects.models import CheckIn, Estimate, Outcome, Project, Revision, Team

PAST_TRIALS = 2000
DEMO_SEED = 1414
# The hidden bias of the demo team: its projects cost 35% and take 25% more than forecast, and
# score lower in production than forecast: at a percentile of the forecast drawn from 3 to 60,
# not from 0 to 100.
COST_BIAS = 1.35
WEEKS_BIAS = 1.25
SCORE_LEVELS = (0.03, 0.6)
CHECKIN_AT = (0.45, 0.75)

# (name, story, start, input changes, fate): fate is "shipped" or (stop reason, note).
PAST_PROJECTS = (
    ("Churn prediction v1", "churn_after_migration", "2024-01-08", {}, "shipped"),
    (
        "Card-fraud rules replacement",
        "card_fraud_accuracy",
        "2024-02-05",
        {"target_value": 0.995},
        "shipped",
    ),
    ("Review sentiment dashboard", "ticket_sentiment_shift", "2024-03-04", {}, "shipped"),
    (
        "Candidate ranking pilot",
        "resume_screening_bias",
        "2024-04-01",
        {},
        ("priorities_changed", "The hiring freeze made the pilot moot."),
    ),
    (
        "Spring recommendations",
        "seasonal_recommendations_drift",
        "2024-05-06",
        {},
        "shipped",
    ),
    ("Ticket triage in the CRM", "crm_integration", "2024-06-03", {}, "shipped"),
    (
        "Churn prediction for the app",
        "churn_after_migration",
        "2024-09-02",
        {"budget_usd": 300000},
        "shipped",
    ),
    (
        "Chargeback prediction",
        "card_fraud_accuracy",
        "2024-10-07",
        {"target_value": 0.99, "senior_ml": 2},
        ("over_budget", "Labelling chargebacks cost three times the plan."),
    ),
    (
        "Support reply suggestions",
        "ticket_sentiment_shift",
        "2024-11-04",
        {"budget_usd": 250000},
        "shipped",
    ),
    (
        "Autumn recommendations",
        "seasonal_recommendations_drift",
        "2025-01-06",
        {"retrain_every_months": 3},
        "shipped",
    ),
    (
        "Claims routing in the CRM",
        "crm_integration",
        "2025-02-03",
        {"legacy_systems": 2},
        "shipped",
    ),
    (
        "Internal job matching",
        "resume_screening_bias",
        "2025-03-03",
        {"historical_labels": False},
        "shipped",
    ),
    (
        "Returns prediction",
        "churn_after_migration",
        "2025-04-07",
        {"consistent_ids": True, "target_value": 0.5},
        "shipped",
    ),
    (
        "Warranty claim triage",
        "ticket_sentiment_shift",
        "2025-05-05",
        {"production_shift": "fresh"},
        "shipped",
    ),
)


def past_project_names() -> list[str]:
    return [name for name, *_ in PAST_PROJECTS]


def add_past_projects(team: Team, user, write) -> int:
    """Add the past projects the team lacks (by name); returns how many were added."""
    added = 0
    for index, (name, slug, start, changes, fate) in enumerate(PAST_PROJECTS):
        if team.projects.filter(name=name).exists():
            continue
        add_past_project(
            team, user, index, name, slug, datetime.date.fromisoformat(start), changes, fate
        )
        write(f"  {name}: closed past project (demo data)")
        added += 1
    return added


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(estimate: Estimate, day: datetime.date) -> None:
    moment = _at(day)
    Estimate.objects.filter(pk=estimate.pk).update(
        created_at=moment, started_at=moment, finished_at=moment
    )


def add_past_project(
    team: Team,
    user,
    index: int,
    name: str,
    slug: str,
    start: datetime.date,
    changes: dict,
    fate,
) -> Project:
    rng = np.random.default_rng(DEMO_SEED + index)
    inputs = normalise(
        {**load(slug), **changes, "trials": PAST_TRIALS, "seed": DEMO_SEED + 100 * index}
    )
    with transaction.atomic():
        project = team.projects.create(
            name=name,
            description="A past project of the demo team, closed with made-up figures.",
            created_by=user,
            reestimate_every_days=0,
        )
        Project.objects.filter(pk=project.pk).update(created_at=_at(start))
        revision = project.add_revision(inputs, user, note="Plan at kick-off")
        # Demo history describes the past: its revision is dated at the start. Revisions are
        # immutable to every edit of the app; this bypass is seed_demo's alone.
        models.QuerySet.update(Revision.objects.filter(pk=revision.pk), created_at=_at(start))
    first = queue_estimate(revision)
    _backdate(first, start)
    if first.status != Estimate.Status.DONE:
        raise RuntimeError(f"{name}: the first estimate failed: {first.error}")
    first.refresh_from_db()
    # What really happened, drawn from the first forecast and the hidden bias.
    level = float(rng.uniform(0.1, 0.9))
    weeks = Curve.from_result(first.result, "duration_weeks").quantile(level) * WEEKS_BIAS
    cost = Curve.from_result(first.result, "cost_usd").quantile(level) * COST_BIAS
    score_level = float(rng.uniform(*SCORE_LEVELS))
    score = Curve.from_result(first.result, "production_metric").quantile(score_level)
    stopped = fate != "shipped"
    share_done = float(rng.uniform(0.5, 0.8)) if stopped else 1.0
    total_weeks = max(2.0, weeks * share_done)
    end = start + datetime.timedelta(days=round(total_weeks * 7))
    for fraction in CHECKIN_AT:
        if stopped and fraction > 0.6:
            continue
        day = start + datetime.timedelta(days=round(weeks * fraction * 7))
        if day >= end:
            continue
        progress = normalise_progress(
            {"weeks_elapsed": round(weeks * fraction, 1), "spent_usd": round(cost * fraction, -2)}
        )
        checkin, estimate = checkins.record(project, date=day, progress=progress, author=user)
        CheckIn.objects.filter(pk=checkin.pk).update(created_at=_at(day))
        if estimate is not None:
            _backdate(estimate, day)
    fields = {
        "status": Outcome.Status.STOPPED if stopped else Outcome.Status.SHIPPED,
        "started_on": start,
        "ended_on": end,
        "cost_usd": round(cost * share_done, -3),
        "production_score": None if stopped else round(score, 3),
        "stop_reason": fate[0] if stopped else "",
        "note": fate[1] if stopped else "",
    }
    outcome, _ = outcomes.record(project, fields, author=user, demo=True)
    Outcome.objects.filter(pk=outcome.pk).update(created_at=_at(end, 16))
    return project
