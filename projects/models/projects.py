"""Projects, the immutable revisions of their inputs, their estimates, check-ins and share links,
with the rules on them: which estimate a report shows, when a project is due, who saved first."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from projects.models.teams import Team
from projects.models.tokens import TOKEN_PATTERN, Revocable, new_token, same_token

# The longest an estimate may take (a million scenarios) is well under this.
STALLED_AFTER = timedelta(minutes=15)
# Check-ins dated up to this many days after today are taken (time zones ahead of the server's);
# the same slack before the day the project was created.
CHECKIN_DATE_SLACK = timedelta(days=1)


class ProjectQuerySet(models.QuerySet):
    def with_latest_status(self) -> ProjectQuerySet:
        """Each project with `latest_status`, the status of its newest estimate (None before
        the first)."""
        newest = Estimate.objects.filter(project=models.OuterRef("pk")).order_by(
            "-created_at", "-id"
        )
        return self.annotate(latest_status=models.Subquery(newest.values("status")[:1]))

    def due(self, now: datetime | None = None) -> list[Project]:
        """The projects due for a scheduled re-estimate at `now` (default: now): not archived,
        not closed, with a cadence (days > 0), with a revision, and with no estimate started
        (queued) within the last `reestimate_every_days`."""
        now = now or timezone.now()
        candidates = (
            self.filter(archived=False, reestimate_every_days__gt=0)
            # A closed project (shipped or stopped) has nothing left to forecast. The model is
            # looked up by name: models/outcomes.py imports this module.
            .exclude(
                models.Exists(
                    apps.get_model("projects", "Outcome").objects.filter(
                        project=models.OuterRef("pk"), withdrawn_at=None
                    )
                )
            )
            .filter(models.Exists(Revision.objects.filter(project=models.OuterRef("pk"))))
            .annotate(last_estimate_at=models.Max("revisions__estimates__created_at"))
            .order_by("id")
        )
        return [
            project
            for project in candidates
            if project.last_estimate_at is None
            or project.last_estimate_at <= now - timedelta(days=project.reestimate_every_days)
        ]


class Project(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    team_watches = models.BooleanField(
        default=False,
        help_text="An owner made the whole team watch: every member gets its alerts unless "
        "they stopped them.",
    )
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

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The project's report page."""
        return reverse("project", args=[self.pk])

    @classmethod
    def start(
        cls, team: Team, *, name: str, description: str, inputs: dict, author, note: str = ""
    ) -> Revision:
        """A new project with its first revision; returns the revision."""
        with transaction.atomic():
            project = cls.objects.create(
                team=team, name=name, description=description, created_by=author
            )
            return project.add_revision(inputs, author, note)

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

    def revise(
        self, *, name: str, description: str, inputs: dict, author, note: str, based_on: int | None
    ) -> Revision | None:
        """Save the name, the description and the next revision, unless someone saved a revision
        after `based_on` (the one the form started from): then nothing is saved and None is
        returned, so that the page shows what they changed.

        The two are compared under the same lock of the project row that numbers the new
        revision: of two saves from the same revision, the second waits and is then refused."""
        with transaction.atomic():
            Project.objects.select_for_update().filter(pk=self.pk).first()
            current = self.latest_revision()
            if current is not None and based_on and based_on != current.number:
                return None
            self.name, self.description = name, description
            self.save(update_fields=["name", "description", "updated_at"])
            return self.add_revision(inputs, author, note)

    def shown_estimate(self) -> Estimate | None:
        """The estimate the project's current report shows: the latest revision's newest when
        it finished, else the last one that finished, so that a failed or pending estimate never
        hides the last good report."""
        latest = self.latest_revision()
        estimate = latest.latest_estimate() if latest else None
        if estimate is not None and estimate.status == Estimate.Status.DONE:
            return estimate
        return (
            self.estimates.done().select_related("revision").order_by("-finished_at", "-id").first()
        )

    def current_outcome(self):
        """How the project ended (an `Outcome`), or None while it is open."""
        return self.outcomes.filter(withdrawn_at=None).select_related("author", "api_token").first()

    def latest_checkin(self) -> CheckIn | None:
        """Where the project stands now: its most recent check-in still counting, or None."""
        return (
            self.checkins.filter(withdrawn_at=None).order_by("-date", "-created_at", "-id").first()
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

    def finished_estimate(self) -> Estimate | None:
        """Its newest estimate when that one is done, with a result: what a what-if starts from."""
        estimate = self.latest_estimate()
        if estimate is None or estimate.status != Estimate.Status.DONE or not estimate.result:
            return None
        return estimate


class EstimateQuerySet(models.QuerySet):
    def done(self) -> EstimateQuerySet:
        return self.filter(status=Estimate.Status.DONE)

    def pending(self) -> EstimateQuerySet:
        """Queued or running: a project has at most one such estimate."""
        return self.filter(status__in=Estimate.PENDING)

    def newest_done_per_project(self) -> EstimateQuerySet:
        """Of these estimates, each project's newest finished one (by finish time): the one the
        portfolio shows."""
        newest = (
            Estimate.objects.done()
            .filter(project=models.OuterRef("project"))
            .order_by("-finished_at", "-id")
            .values("id")[:1]
        )
        return self.done().filter(id=models.Subquery(newest))


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

    objects = EstimateQuerySet.as_manager()

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


class ShareLink(Revocable, models.Model):
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

    @classmethod
    def issue(
        cls, project: Project, *, label: str, expires_in_days: int | None, created_by
    ) -> ShareLink:
        """A new link to the project's report, expiring after `expires_in_days` (None: never)."""
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        return cls.objects.create(
            project=project,
            token=new_token(),
            label=label,
            created_by=created_by,
            expires_at=expires_at,
        )

    @classmethod
    def for_token(cls, token: str) -> ShareLink | None:
        """The link with this token, whatever its state; None if there is none."""
        if not TOKEN_PATTERN.match(token):
            return None
        link = cls.objects.select_related("project__team").filter(token=token).first()
        if link is None or not same_token(link.token, token):
            return None
        return link

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class CheckIn(models.Model):
    """Where a running project stands; the next estimate starts from here."""

    # A check-in says at least where the time and the money stand; the rest may stay empty.
    REQUIRED = ("weeks_elapsed", "spent_usd")
    NOTE_MAX_LENGTH = 2000

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

    @staticmethod
    def date_problem(day: date, project: Project) -> str:
        """Why a check-in of `project` cannot be dated `day` (empty when it can): a future date
        would become the starting point of every later estimate, and a project cannot have
        progressed before it existed."""
        today = timezone.localdate()
        if day > today + CHECKIN_DATE_SLACK:
            return f"must not be in the future: today is {today.isoformat()}, got {day.isoformat()}"
        created = timezone.localdate(project.created_at) if project.created_at else today
        if day < created - CHECKIN_DATE_SLACK:
            return (
                f"must not be before the project was created ({created.isoformat()}), "
                f"got {day.isoformat()}"
            )
        return ""

    def withdraw(self, by, replaced_by: CheckIn | None = None) -> bool:
        """Mark it withdrawn (kept, never deleted); False when it was withdrawn already."""
        now = timezone.now()
        changed = CheckIn.objects.filter(pk=self.pk, withdrawn_at=None).update(
            withdrawn_at=now, withdrawn_by=by, replaced_by=replaced_by
        )
        if changed:
            self.withdrawn_at, self.withdrawn_by, self.replaced_by = now, by, replaced_by
        return bool(changed)

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
