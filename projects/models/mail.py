"""Email: the outbox (every email is a row before it is sent, so none is lost), who watches which
project, the outside addresses that get a team's digest through share links, and addresses that
asked for no more emails of a kind. docs/email.md tells the design."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from projects.models.projects import Project, ShareLink
from projects.models.teams import Team


class OutboxQuerySet(models.QuerySet):
    def waiting(self, older_than: timedelta = timedelta(0)) -> OutboxQuerySet:
        """Emails not sent yet and not given up on, queued at least `older_than` ago."""
        return self.filter(
            status=OutboundEmail.Status.QUEUED, created_at__lte=timezone.now() - older_than
        )


class OutboundEmail(models.Model):
    """One email to one address, as it will be sent: subject, both parts and its headers.

    Rows are written in the transaction that decides to send, then a worker sends them; a row
    stays queued until the SMTP server took it. `dedupe_key` makes "at most one" rules
    (one alert per project, watcher and day; one digest per member and week) a database
    constraint rather than a hope."""

    class Kind(models.TextChoices):
        PASSWORD_RESET = "reset", "Password reset"
        INVITATION = "invitation", "Invitation"
        ALERT = "alert", "Alert"
        DIGEST = "digest", "Weekly digest"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    text = models.TextField(help_text="The plain-text part.")
    html = models.TextField(help_text="The HTML part: no remote images, no tracking.")
    headers = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_waiting")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}: {self.subject}"


class Watch(models.Model):
    """A member's choice about a project's alerts: watching, or not (`watching=False` also
    opts them out when the owners make the whole team watch)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    watching = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_watch_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} {'watches' if self.watching else 'ignores'} {self.project}"


class OutsideDigest(models.Model):
    """A team's weekly digest for someone without an account: the projects of `links`, each
    through its share link. A revoked or expired link drops its project; with none left the
    digest stops. The recipient can unsubscribe; an owner can stop it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="outside_digests")
    email = models.EmailField()
    links = models.ManyToManyField(ShareLink, related_name="outside_digests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email", "id"]

    def __str__(self) -> str:
        return f"Digest of {self.team} for {self.email}"

    def active_links(self) -> list[ShareLink]:
        now = timezone.now()
        return [
            link
            for link in self.links.select_related("project").order_by("project__name")
            if link.is_active(now) and not link.project.archived
        ]


class EmailOptOut(models.Model):
    """An address that asked, through an email's unsubscribe link, for no more emails of a kind
    that has no account setting to turn off (invitations, password resets)."""

    email = models.EmailField()
    kind = models.CharField(max_length=12, choices=OutboundEmail.Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.email}: no {self.get_kind_display().lower()} emails"

    @classmethod
    def has(cls, email: str, kind: str) -> bool:
        return cls.objects.filter(email__iexact=email, kind=kind).exists()
