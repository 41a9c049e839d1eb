"""What became of a project: shipped or stopped before production, and its production score in
the months after launch. Nothing is overwritten: a correction is a new row and the old one is
kept, marked withdrawn and pointing at its replacement (as check-ins are corrected), and
reopening a project withdraws its outcome with the reason, recorded."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from projects.models.projects import Project

# Outcome dates may be up to a day after today (time zones ahead of the server's).
OUTCOME_DATE_SLACK = timedelta(days=1)
# The earliest start anyone could mean: older dates are typing mistakes (year 0202).
EARLIEST_START = date(1990, 1, 1)
# Cost and score limits: the engine's own (MODEL.md: budget_usd ≤ 1e10, scores 0 to 1).
MAX_COST_USD = 1e10
NOTE_MAX_LENGTH = 2000
LATER_MONTHS = (3, 6, 12)


class Withdrawable(models.Model):
    """A row that is withdrawn, never deleted, when it is corrected or taken back."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_token = models.ForeignKey(
        "ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The corrected row that took this one's place, if it was corrected.",
    )

    class Meta:
        abstract = True

    def withdraw(self, by, replaced_by=None) -> bool:
        """Mark it withdrawn (kept, never deleted); False when it was withdrawn already."""
        now = timezone.now()
        changed = (
            type(self)
            .objects.filter(pk=self.pk, withdrawn_at=None)
            .update(withdrawn_at=now, withdrawn_by=by, replaced_by=replaced_by)
        )
        if changed:
            self.withdrawn_at, self.withdrawn_by, self.replaced_by = now, by, replaced_by
        return bool(changed)

    @property
    def source(self) -> str:
        """Who recorded it: a user's name, or the API token's."""
        if self.api_token_id:
            return f"API token “{self.api_token.name}”"
        return self.author.get_username() if self.author else "a deleted user"


class Outcome(Withdrawable):
    """How a project ended. A project has at most one current outcome (not withdrawn)."""

    class Status(models.TextChoices):
        SHIPPED = "shipped", "Shipped"
        STOPPED = "stopped", "Stopped before production"

    class StopReason(models.TextChoices):
        # The keys are projects.calibration.STOP_REASONS'.
        TARGET_NOT_REACHABLE = "target_not_reachable", "The target was not reachable"
        OVER_BUDGET = "over_budget", "Over budget"
        OVER_TIME = "over_time", "Over time"
        PRIORITIES_CHANGED = "priorities_changed", "Priorities changed"
        OTHER = "other", "Other"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    status = models.CharField(max_length=10, choices=Status.choices)
    started_on = models.DateField(
        help_text="The day the project started: its weeks are counted from here."
    )
    ended_on = models.DateField(help_text="The launch date, or the day the project was stopped.")
    cost_usd = models.FloatField(help_text="Actual total cost, or the money spent when stopped.")
    production_score = models.FloatField(
        null=True, blank=True, help_text="The target metric in production at launch (0 to 1)."
    )
    stop_reason = models.CharField(max_length=25, choices=StopReason.choices, blank=True)
    note = models.TextField(blank=True)
    reopen_reason = models.TextField(
        blank=True,
        help_text="Why the project was reopened, when it was withdrawn without a replacement.",
    )
    demo = models.BooleanField(
        default=False, help_text="Made up by seed_demo for the demo team; the pages say so."
    )

    class Meta:
        ordering = ["project", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(withdrawn_at=None),
                name="one_current_outcome_per_project",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.project} ({self.ended_on})"

    @property
    def shipped(self) -> bool:
        return self.status == self.Status.SHIPPED

    @property
    def actual_weeks(self) -> float:
        return (self.ended_on - self.started_on).days / 7.0

    def fields(self) -> dict:
        """The recorded figures, as `outcomes.record` takes them (to compare a correction)."""
        return {
            "status": self.status,
            "started_on": self.started_on,
            "ended_on": self.ended_on,
            "cost_usd": self.cost_usd,
            "production_score": self.production_score,
            "stop_reason": self.stop_reason,
            "note": self.note,
        }


class LaterScore(Withdrawable):
    """The target metric measured in production some months after launch."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="later_scores")
    months = models.PositiveSmallIntegerField(choices=[(m, f"{m} months") for m in LATER_MONTHS])
    score = models.FloatField()

    class Meta:
        ordering = ["project", "months", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "months"],
                condition=models.Q(withdrawn_at=None),
                name="one_current_later_score_per_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.score:.3f} after {self.months} months"
