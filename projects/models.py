"""Teams, their projects, the immutable revisions of a project's inputs, and saved estimates."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse

# The longest an estimate may take (a million scenarios) is well under this.
STALLED_AFTER = timedelta(minutes=15)


class Team(models.Model):
    name = models.CharField(max_length=100)
    personal = models.BooleanField(
        default=False, help_text="Created for one user at sign-up; it can take members too."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("team", args=[self.pk])

    @classmethod
    def create_personal(cls, user) -> Team:
        """The team every new user starts with, owned by them."""
        team = cls.objects.create(name=f"{user.get_username()}'s team", personal=True)
        Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
        return team


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    @property
    def can_edit(self) -> bool:
        """Owners and editors change projects; viewers only look."""
        return self.role in (self.Role.OWNER, self.Role.EDITOR)

    @property
    def can_manage(self) -> bool:
        """Only owners add, change and remove members."""
        return self.role == self.Role.OWNER


class Project(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The project's report page."""
        return reverse("project", args=[self.pk])

    def latest_revision(self) -> Revision | None:
        return self.revisions.order_by("-number").first()

    def add_revision(self, inputs: dict, author, note: str = "") -> Revision:
        """Save the next revision; numbers count up from 1 per project, never reused."""
        with transaction.atomic():
            # Lock the project row so two saves at once cannot take the same number.
            Project.objects.select_for_update().filter(pk=self.pk).first()
            last = self.revisions.aggregate(last=models.Max("number"))["last"] or 0
            return Revision.objects.create(
                project=self, number=last + 1, inputs=inputs, author=author, note=note
            )


class RevisionIsImmutable(Exception):
    """Raised on any attempt to change a saved revision."""


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RevisionIsImmutable("Revisions are never changed; save a new revision instead.")


class Revision(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    inputs = models.JSONField(help_text="The engine's normalised inputs, defaults filled in.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_number_per_revision")
        ]

    def __str__(self) -> str:
        return f"{self.project} · revision {self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise RevisionIsImmutable(
                f"Revision {self.number} of {self.project} is saved and cannot change; "
                "save a new revision instead."
            )
        super().save(*args, **kwargs)

    def previous(self) -> Revision | None:
        return (
            Revision.objects.filter(project_id=self.project_id, number__lt=self.number)
            .order_by("-number")
            .first()
        )

    def latest_estimate(self) -> Estimate | None:
        return self.estimates.order_by("-created_at", "-id").first()


class Estimate(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="estimates")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    seed = models.BigIntegerField(null=True, blank=True)
    trials = models.PositiveIntegerField()
    engine_version = models.CharField(max_length=50, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Estimate {self.pk} of {self.revision} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def is_stalled(self, now: datetime) -> bool:
        """Queued or running for so long that it was surely interrupted (a restart, a crash)."""
        return not self.is_finished and self.created_at < now - STALLED_AFTER
