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
    reestimate_every_days = models.PositiveIntegerField(
        default=7,
        help_text="Re-estimate on a schedule every this many days (weekly by default); "
        "0 turns it off. Archived projects are never re-estimated.",
    )
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

    class Trigger(models.TextChoices):
        REVISION = "revision", "New revision"
        MANUAL = "manual", "Re-estimated on request"
        SCHEDULE = "schedule", "Scheduled re-estimate"
        CHECKIN = "checkin", "Check-in"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="estimates")
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="estimates",
        editable=False,
        help_text="The revision's project, copied here so that the database can hold a project "
        "to one queued-or-running estimate.",
    )
    rerun_requested = models.BooleanField(
        default=False,
        help_text="Someone asked for an estimate of a newer revision or check-in while this one "
        "was pending; when it finishes, the project's latest state is queued.",
    )
    checkin = models.ForeignKey(
        "CheckIn",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="estimates",
        help_text="The check-in this estimate starts from, if any.",
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.REVISION)
    progress = models.PositiveSmallIntegerField(
        default=0, help_text="Share of the simulation done, in percent, while running."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    seed = models.BigIntegerField(null=True, blank=True)
    trials = models.PositiveIntegerField()
    engine_version = models.CharField(max_length=50, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    PENDING = (Status.QUEUED, Status.RUNNING)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_pending_estimate_per_project",
            )
        ]

    def __str__(self) -> str:
        return f"Estimate {self.pk} of {self.revision} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        if self.project_id is None and self.revision_id is not None:
            self.project_id = Revision.objects.values_list("project_id", flat=True).get(
                pk=self.revision_id
            )
        super().save(*args, **kwargs)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def is_stalled(self, now: datetime) -> bool:
        """Queued or running for so long that it was surely interrupted (a restart, a crash)."""
        return not self.is_finished and self.created_at < now - STALLED_AFTER


class ShareLink(models.Model):
    """A read-only link to a project's report for people without an account."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, help_text="At least 128 random bits.")
    label = models.CharField(max_length=200, blank=True, help_text="Who the link is for.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Share link for {self.project} ({self.label or self.created_at:%Y-%m-%d})"

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class CheckIn(models.Model):
    """Where a running project stands; the next estimate starts from here."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    weeks_elapsed = models.FloatField()
    spent_usd = models.FloatField()
    labels_done = models.PositiveIntegerField(default=0)
    people_now = models.PositiveIntegerField(null=True, blank=True)
    offline_score = models.FloatField(null=True, blank=True)
    production_score = models.FloatField(null=True, blank=True)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_token = models.ForeignKey(
        "ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A wrong check-in is withdrawn, never deleted: estimates made from it stay explained.
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
        help_text="The corrected check-in that took this one's place, if it was corrected.",
    )

    class Meta:
        ordering = ["project", "-date", "-id"]

    def __str__(self) -> str:
        return f"Check-in {self.date} of {self.project}"

    def progress(self) -> dict:
        """The engine's `progress` argument (projects.engine.inputs.PROGRESS)."""
        return {
            "weeks_elapsed": self.weeks_elapsed,
            "spent_usd": self.spent_usd,
            "labels_done": self.labels_done,
            "people_now": self.people_now,
            "offline_score": self.offline_score,
            "production_score": self.production_score,
        }


class ApiToken(models.Model):
    """A team's token for pipelines that post check-ins; only its hash is stored."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12, help_text="The token's first characters, to tell it apart."
    )
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.team}"


# How long an invitation link stays valid.
INVITATION_VALID_FOR = timedelta(days=7)


class Invitation(models.Model):
    """An owner's invitation to join a team. Nobody becomes a member without accepting: the
    invitee opens the link (only its hash is stored) while signed in as the invited account, or
    signs up from it. Single use, and it expires after INVITATION_VALID_FOR.

    It names the invited account by email or by username, exactly one of the two, as the owner
    typed it; nothing here says whether such an account exists. Delivery by email can send the
    link to `email` (or to the email of the account called `username`)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True, help_text="The address invited, when invited by email.")
    username = models.CharField(
        max_length=150, blank=True, help_text="The username invited, when invited by username."
    )
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.EDITOR
    )
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the token in the invitation link."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(email="") & ~models.Q(username=""))
                | (~models.Q(email="") & models.Q(username="")),
                name="invitation_names_email_or_username",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.invitee} to {self.team} ({self.role})"

    @property
    def invitee(self) -> str:
        """The email or username invited, as the owner typed it."""
        return self.email or self.username

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

    def is_for(self, user) -> bool:
        """Whether `user` is the account invited: its username or its email is the one invited
        (a username may contain @ too)."""
        names = {user.get_username().casefold()}
        if user.email:
            names.add(user.email.casefold())
        return self.invitee.casefold() in names
