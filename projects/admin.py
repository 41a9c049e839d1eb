"""Django admin for every model; revisions, estimate results and outcomes are read-only there."""

from django.contrib import admin

from projects.models import (
    ApiToken,
    CheckIn,
    EmailOptOut,
    Estimate,
    Invitation,
    LaterScore,
    Membership,
    OutboundEmail,
    Outcome,
    OutsideDigest,
    Project,
    Revision,
    Team,
    Watch,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "personal", "created_at"]
    list_filter = ["personal"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "team__name"]
    autocomplete_fields = ["user", "team"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "archived", "created_by", "updated_at"]
    list_filter = ["archived"]
    search_fields = ["name", "team__name"]
    autocomplete_fields = ["team"]
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Revisions are history: they can be read here, never changed or deleted one by one."""

    list_display = ["project", "number", "author", "note", "created_at"]
    search_fields = ["project__name", "note"]
    readonly_fields = ["project", "number", "inputs", "author", "note", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Estimate)
class EstimateAdmin(admin.ModelAdmin):
    list_display = [
        "revision",
        "status",
        "trigger",
        "trials",
        "seed",
        "engine_version",
        "finished_at",
    ]
    list_filter = ["status", "trigger", "engine_version"]
    search_fields = ["revision__project__name", "error"]
    readonly_fields = [
        "revision",
        "status",
        "trigger",
        "checkin",
        "progress",
        "seed",
        "trials",
        "engine_version",
        "result",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["project", "date", "weeks_elapsed", "spent_usd", "author", "api_token"]
    search_fields = ["project__name", "note"]
    autocomplete_fields = ["project"]
    readonly_fields = ["author", "api_token", "created_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created on the team page, where the token is shown once; here they can be
    looked at and revoked (set "revoked at")."""

    list_display = ["name", "team", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "team__name"]
    readonly_fields = ["team", "prefix", "token_hash", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["invitee", "team", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "username", "team__name"]
    readonly_fields = ["token_hash", "accepted_by", "accepted_at", "created_by", "created_at"]


# Email ------------------------------------------------------------------------------------------


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits and why. Rows are what went out: read-only."""

    list_display = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["to", "subject"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "watching", "changed_at"]
    list_filter = ["watching"]
    autocomplete_fields = ["user", "project"]


@admin.register(OutsideDigest)
class OutsideDigestAdmin(admin.ModelAdmin):
    list_display = ["email", "team", "created_at", "stopped_at"]
    search_fields = ["email", "team__name"]


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["email"]


# Outcomes ---------------------------------------------------------------------------------------


class HistoryOnlyAdmin(admin.ModelAdmin):
    """Outcomes and later scores are corrected on the project page (or through the API), which
    keeps the old row; the admin only shows them, so that nothing is overwritten silently."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Outcome)
class OutcomeAdmin(HistoryOnlyAdmin):
    list_display = ["project", "status", "ended_on", "cost_usd", "production_score", "withdrawn_at"]
    list_filter = ["status", "demo"]
    search_fields = ["project__name", "note"]


@admin.register(LaterScore)
class LaterScoreAdmin(HistoryOnlyAdmin):
    list_display = ["project", "months", "score", "created_at", "withdrawn_at"]
    search_fields = ["project__name"]
