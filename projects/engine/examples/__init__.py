"""The eight demo stories: input files the web app ships as demo projects.

Each story is an input JSON file beside this module (usable directly with
`python -m projects.engine FILE`), with a title, a one-paragraph description, the risk it is
about, and the overrides that give its earlier state (for the demo's first revision).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

STORIES: list[dict[str, Any]] = [
    {
        "slug": "churn_after_migration",
        "title": "Churn prediction across three systems",
        "description": "Predict which customers will leave, joining billing, CRM and support "
        "data whose customer IDs stopped matching after a migration. Many values are missing, "
        "and the training data holds only customers who made it through the redesigned "
        "signup flow.",
        "risks": ["missing_data", "sampling_bias"],
        "earlier": {
            "consistent_ids": True,
            "missing_value_rate": 0.1,
            "missing_not_at_random": False,
        },
    },
    {
        "slug": "card_fraud_accuracy",
        "title": "Card-fraud detection at 99.9% accuracy",
        "description": "Flag fraudulent card transactions. 0.1% of transactions are fraud, "
        "and stakeholders ask for 99.9% accuracy.",
        "risks": ["class_imbalance"],
        "earlier": {"target_value": 0.99},
    },
    {
        "slug": "ticket_sentiment_shift",
        "title": "Support-ticket sentiment from product reviews",
        "description": "A sentiment model trained on clean product reviews scores 95% on its "
        "own test set; it will read messy support tickets full of typos and sarcasm.",
        "risks": ["production_shift"],
        "earlier": {"production_shift": "fresh"},
    },
    {
        "slug": "resume_screening_bias",
        "title": "Resume screening for hiring",
        "description": "Rank job applicants, with labels taken from past hiring decisions.",
        "risks": ["bias_fairness"],
        "earlier": {"historical_labels": False},
    },
    {
        "slug": "seasonal_recommendations_drift",
        "title": "Seasonal product recommendations",
        "description": "Recommend products in a seasonal shop, with no retraining and no "
        "monitoring, versioning or rollback.",
        "risks": ["concept_drift", "deployment_readiness"],
        "earlier": {"drift": "stable"},
    },
    {
        "slug": "crm_integration",
        "title": "NLP triage wired into an undocumented CRM",
        "description": "Route incoming requests with an NLP model that must be wired into a "
        "CRM whose API is undocumented and rate-limited.",
        "risks": ["legacy_integration"],
        "earlier": {"legacy_api": "poor", "legacy_systems": 1},
    },
    {
        "slug": "frontier_chatbot",
        "title": "A frontier chatbot in three months",
        "description": '"Something like a frontier chatbot in three months", built from '
        "scratch by two junior engineers: a 70-billion-parameter model trained on 15 trillion "
        "tokens, on 2,048 H100 GPUs, with a $400k budget.",
        "risks": ["expectation_gap", "talent_ramp_up"],
        "earlier": {"deadline_weeks": 26, "junior_ml": 1, "senior_ml": 1},
    },
    {
        "slug": "gpu_weekend_runaway",
        "title": "Image model on 8 GPUs without auto-stop",
        "description": "Fine-tune an image model for defect detection on 8 GPUs at $12.50 "
        "an hour each, with no auto-stop: one weekend left running costs about $4,800.",
        "risks": ["runaway_compute"],
        "earlier": {"gpus_per_run": 4},
    },
]


def path(slug: str) -> Path:
    return HERE / f"{slug}.json"


def load(slug: str) -> dict[str, Any]:
    """The story's current inputs."""
    with path(slug).open(encoding="utf-8") as handle:
        return json.load(handle)


def load_earlier(slug: str) -> dict[str, Any]:
    """The story's earlier inputs: the current ones with the story's overrides applied."""
    story = next(story for story in STORIES if story["slug"] == slug)
    return {**load(slug), **story["earlier"]}
