"""Teams and who may do what in them: memberships with roles, invitations, and API tokens."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from projects.models.tokens import Revocable, hash_token, new_token, same_token

# How long an invitation link stays valid.
INVITATION_VALID_FOR = timedelta(days=7)
# An API token reads "rb_" + 43 URL-safe characters (256 random bits); its first 11 identify it.
API_TOKEN_PREFIX = "rb_"
API_TOKEN_SHOWN_LENGTH = 11
# A team's currency symbol: at most this many letters or currency signs ("$", "€", "CHF", "R$").
CURRENCY_MAX_CHARACTERS = 4


def normal_currency(text: str) -> str:
    """The currency symbol as stored from what an owner typed: letters, currency signs and
    dots only, without spaces around, plus one space after a symbol that ends in a letter or a
    dot, so that amounts read "CHF 4,800" and "€4,800". Raises ValidationError naming the field
    for anything else: no digits, signs or punctuation that could pass for part of a number, a
    formula or markup."""
    symbol = text.strip()
    allowed = f"at most {CURRENCY_MAX_CHARACTERS} letters or currency signs, such as $, €, £ or CHF"
    if not symbol:
        raise ValidationError(f"Currency symbol: type the symbol of the team's money: {allowed}.")
    if len(symbol) > CURRENCY_MAX_CHARACTERS:
        raise ValidationError(
            f"Currency symbol: “{symbol[:20]}” is {len(symbol)} characters long; use {allowed}."
        )
    wrong = [
        char
        for char in symbol
        if not (unicodedata.category(char) in ("Lu", "Ll", "Lo", "Sc") or char == ".")
    ]
    if wrong:
        shown = "space" if wrong[0].isspace() else wrong[0]
        raise ValidationError(
            f"Currency symbol: “{shown}” cannot be part of a currency symbol; use {allowed}."
        )
    return symbol + " " if unicodedata.category(symbol[-1]) != "Sc" else symbol


def validate_currency(value: str) -> None:
    if normal_currency(value) != value:
        raise ValidationError(
            f"Currency symbol: store it as “{normal_currency(value)}”, as the settings page does."
        )


class TeamNeedsAnOwner(Exception):
    """A change that would leave a team without an owner; `member` is the last one."""

    def __init__(self, member: Membership):
        self.member = member
        super().__init__(f"{member.user} is the only owner of {member.team}")


class Team(models.Model):
    name = models.CharField(max_length=100)
    personal = models.BooleanField(
        default=False, help_text="Created for one user at sign-up; it can take members too."
    )
    currency = models.CharField(
        "currency symbol",
        max_length=8,
        default="$",
        validators=[validate_currency],
        help_text="Written before every amount of the team's projects; nothing is converted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="IANA name, e.g. Europe/Paris: the weekly digest's Monday morning and the "
        "dates on the team's pages.",
    )
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
    def create_owned(cls, user, name: str, *, personal: bool = False) -> Team:
        """A new team, owned by `user`."""
        with transaction.atomic():
            team = cls.objects.create(name=name, personal=personal)
            Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
        return team

    @classmethod
    def create_personal(cls, user) -> Team:
        """The team every new user starts with, owned by them."""
        return cls.create_owned(user, f"{user.get_username()}'s team", personal=True)

    def change_member(self, membership_id: int, by, *, role: str | None) -> Membership:
        """As the owner `by`, give a member `role`, or remove them when `role` is None.

        Raises Membership.DoesNotExist when the member was removed meanwhile, PermissionDenied
        when `by` is no longer an owner, and TeamNeedsAnOwner when the change would leave the
        team without an owner."""
        with transaction.atomic():
            members = self._lock_members()
            member = next((m for m in members if m.pk == membership_id), None)
            if member is None:
                raise Membership.DoesNotExist(f"Membership {membership_id} of {self} is gone.")
            mine = next((m for m in members if m.user_id == by.pk), None)
            if mine is None or not mine.can_manage:  # demoted or removed meanwhile
                raise PermissionDenied("Only a team owner can change members.")
            if member.role == Membership.Role.OWNER and role != member.role:
                self._keep_an_owner(members, member)
            if role is None:
                member.delete()
            else:
                member.role = role
                member.save(update_fields=["role"])
        return member

    def remove_member(self, user) -> None:
        """`user` leaves the team, whatever their role, unless they are its last owner
        (TeamNeedsAnOwner); Membership.DoesNotExist when they are not a member."""
        with transaction.atomic():
            members = self._lock_members()
            mine = next((m for m in members if m.user_id == user.pk), None)
            if mine is None:
                raise Membership.DoesNotExist(f"{user} is not a member of {self}.")
            if mine.role == Membership.Role.OWNER:
                self._keep_an_owner(members, mine)
            mine.delete()

    def _lock_members(self) -> list[Membership]:
        """The team's memberships, locked until the transaction ends: owners are counted and the
        change made under the lock, so that two owners demoting each other at once cannot leave
        the team without one."""
        return list(
            Membership.objects.select_for_update(of=("self",))
            .filter(team=self)
            .select_related("user", "team")
        )

    @staticmethod
    def _keep_an_owner(members: list[Membership], losing: Membership) -> None:
        if sum(1 for m in members if m.role == Membership.Role.OWNER) == 1:
            raise TeamNeedsAnOwner(losing)


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
    weekly_digest = models.BooleanField(
        default=False, help_text="The member asked for the team's digest every Monday morning."
    )
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


class Invitation(Revocable, models.Model):
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

    @classmethod
    def issue(cls, team: Team, invitee: str, role: str, created_by) -> tuple[Invitation, str]:
        """A new invitation of `invitee` (an email or a username) and the token of its link,
        which is shown only this once."""
        token = new_token()
        by_email = "@" in invitee
        invitation = cls.objects.create(
            team=team,
            email=invitee if by_email else "",
            username="" if by_email else invitee,
            role=role,
            token_hash=hash_token(token),
            created_by=created_by,
            expires_at=timezone.now() + INVITATION_VALID_FOR,
        )
        return invitation, token

    @classmethod
    def for_token(cls, token: str) -> Invitation | None:
        """The invitation whose link carries `token`, whatever its state; None if there is none."""
        if not 20 <= len(token) <= 100:
            return None
        wanted = hash_token(token)
        found = cls.objects.select_related("team", "created_by").filter(token_hash=wanted).first()
        if found is None or not same_token(found.token_hash, wanted):
            return None
        return found

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

    def accept(self, user) -> Membership | None:
        """Make `user` a member as the invitation says, once: the invitation is locked and marked
        accepted in the same transaction. None when it was used, revoked or expired meanwhile.
        Someone who is a member already keeps their role."""
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=self.pk)
            if not locked.is_pending(timezone.now()) or not locked.is_for(user):
                return None
            locked.accepted_at = timezone.now()
            locked.accepted_by = user
            locked.save(update_fields=["accepted_at", "accepted_by"])
            membership, _ = Membership.objects.get_or_create(
                team=locked.team, user=user, defaults={"role": locked.role}
            )
        return membership

    def revoke(self) -> bool:
        """Withdraw the invitation unless it was accepted or revoked already."""
        now = timezone.now()
        changed = Invitation.objects.filter(pk=self.pk, accepted_at=None, revoked_at=None).update(
            revoked_at=now
        )
        if changed:
            self.revoked_at = now
        return bool(changed)


class ApiToken(Revocable, models.Model):
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

    @classmethod
    def issue(cls, team: Team, name: str, created_by) -> tuple[ApiToken, str]:
        """A new token for the team; returns the saved row and the token, shown only this once."""
        token = API_TOKEN_PREFIX + new_token()
        saved = cls.objects.create(
            team=team,
            name=name,
            prefix=token[:API_TOKEN_SHOWN_LENGTH],
            token_hash=hash_token(token),
            created_by=created_by,
        )
        return saved, token

    @classmethod
    def for_header(cls, authorization: str) -> ApiToken | None:
        """The unrevoked token an `Authorization: Bearer …` header names, or None."""
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        wanted = hash_token(token)
        found = cls.objects.select_related("team").filter(token_hash=wanted).first()
        if found is None or not same_token(found.token_hash, wanted) or found.revoked_at:
            return None
        return found

    def mark_used(self) -> None:
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=timezone.now())
