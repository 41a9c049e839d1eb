"""Check-ins: where a running project stands, recorded through the page or posted by a pipeline.

The fields come from the engine's `PROGRESS` (labels, help, units, ranges), so the form, the JSON
endpoint and the engine never disagree. Recording a check-in queues an estimate of the latest
revision that starts from it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone

from projects import estimates, presenters
from projects.engine.inputs import PROGRESS, PROGRESS_BY_KEY, InputError, normalise_progress
from projects.forms import FieldRow, allowed_text, field_for, message_in_form_terms
from projects.models import ApiToken, CheckIn, Estimate, Project, Team

# A check-in must say at least where the time and the money stand; the rest may stay empty.
REQUIRED = ("weeks_elapsed", "spent_usd")
NOTE_MAX_LENGTH = 2000
# A token reads "rb_" + 43 URL-safe characters (256 random bits); its first 11 identify it.
TOKEN_PREFIX = "rb_"
PREFIX_LENGTH = 11


# The form -------------------------------------------------------------------------------------


# Check-ins dated up to this many days after today are taken (time zones ahead of the server's);
# the same slack before the day the project was created.
DATE_SLACK = datetime.timedelta(days=1)


def date_problem(day: datetime.date, project: Project) -> str:
    """Why a check-in cannot be dated `day` (empty when it can): a future date would become the
    starting point of every later estimate, and a project cannot have progressed before it
    existed."""
    today = timezone.localdate()
    if day > today + DATE_SLACK:
        return f"must not be in the future: today is {today.isoformat()}, got {day.isoformat()}"
    created = timezone.localdate(project.created_at) if project.created_at else today
    if day < created - DATE_SLACK:
        return (
            f"must not be before the project was created ({created.isoformat()}), "
            f"got {day.isoformat()}"
        )
    return ""


class CheckInForm(forms.Form):
    """The date, every progress field of the engine, and a note."""

    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="The day these figures describe.",
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.initial.setdefault("date", timezone.localdate())
        for spec in PROGRESS:
            field = field_for(spec)
            if spec.key in REQUIRED:
                field.required = True
                field.widget.attrs["required"] = True
            self.fields[spec.key] = field
        self.fields["note"] = forms.CharField(
            label="Note",
            required=False,
            max_length=NOTE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="What happened since the last check-in (optional).",
        )
        self.progress: dict | None = None

    def rows(self) -> list[FieldRow]:
        """The progress fields as the project form shows inputs: unit, allowed values, default."""
        return [
            FieldRow(
                field=self[spec.key],
                spec=spec,
                unit="%" if spec.percent else spec.unit,
                allowed=allowed_text(spec)[:1].upper() + allowed_text(spec)[1:],
                empty_means=spec.null_means if spec.nullable else "",
            )
            for spec in PROGRESS
        ]

    def clean_date(self):
        day = self.cleaned_data["date"]
        problem = date_problem(day, self.project)
        if problem:
            raise forms.ValidationError(f"Date: {problem}.")
        return day

    def clean(self):
        cleaned = super().clean()
        # Fields already marked (required, unreadable) are left out so that the engine checks
        # the rest, and every problem shows at once.
        raw = {
            spec.key: cleaned[spec.key]
            for spec in PROGRESS
            if spec.key not in self.errors and (cleaned.get(spec.key) is not None or spec.nullable)
        }
        try:
            progress = normalise_progress(raw)
        except InputError as exc:
            for key, message in exc.errors.items():
                if key in PROGRESS_BY_KEY:
                    self.add_error(key, message_in_form_terms(PROGRESS_BY_KEY[key], message))
                else:
                    self.add_error(None, f"{key}: {message}")
        else:
            if not self.errors:
                self.progress = progress
        return cleaned


# The JSON payload -----------------------------------------------------------------------------

# Integers in a posted body longer than this are kept as their length only: far outside every
# range, and Python refuses to even read one of more than 4,300 digits.
MAX_INTEGER_DIGITS = 30


class LongInteger:
    """An integer of too many digits to be any check-in value, as json.loads met it."""

    def __init__(self, digits: int):
        self.digits = digits

    def __str__(self) -> str:
        return f"a {self.digits:,}-digit number"

    __repr__ = __str__


def bounded_int(text: str) -> int | LongInteger:
    """json.loads's `parse_int`: short integers as int, longer ones as LongInteger."""
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_INTEGER_DIGITS else LongInteger(digits)


def text_problem(text: str) -> str:
    """Why text cannot be stored as it is (empty when it can): a NUL, which PostgreSQL refuses,
    or a lone surrogate, which no database can encode."""
    if "\x00" in text:
        return "must not contain NUL characters (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"must be valid Unicode text; character {exc.start + 1} is a lone surrogate "
            f"(\\u{ord(text[exc.start]):04x})"
        )
    return ""


def parse_payload(payload: Any, project: Project) -> tuple[dict | None, dict[str, str]]:
    """A posted check-in -> (fields for `record`, errors by field name).

    Accepts the PROGRESS keys (weeks_elapsed and spent_usd required), `date` (YYYY-MM-DD,
    default today) and `note`. Every problem is reported at once, each under its field.
    """
    if not isinstance(payload, dict):
        return None, {"body": "must be a JSON object of check-in fields"}
    errors: dict[str, str] = {}
    known = {spec.key for spec in PROGRESS} | {"date", "note"}
    for key in payload:
        if key not in known:
            # JSON keys are text; a long one is named by its start.
            errors[key if len(key) <= 100 else key[:100] + "…"] = (
                "is not a check-in field; known fields are " + ", ".join(sorted(known))
            )
    for key in REQUIRED:
        if key not in payload:
            errors[key] = f"is required: {PROGRESS_BY_KEY[key].range_text()}"
    day = timezone.localdate()
    if "date" in payload:
        date = payload["date"]
        try:
            if not isinstance(date, str) or len(date) > 10:
                raise ValueError("not a date")
            day = datetime.date.fromisoformat(date)
        except ValueError:
            errors["date"] = f"must be a date like 2026-11-26, got {_short(date)}"
        else:
            if date_problem(day, project):
                errors["date"] = date_problem(day, project)
    note = payload.get("note", "")
    if not isinstance(note, str):
        errors["note"] = "must be text"
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = f"must be at most {NOTE_MAX_LENGTH} characters, got {len(note)}"
    elif text_problem(note):
        errors["note"] = text_problem(note)
    numbers = {}
    for key, value in payload.items():
        if key not in PROGRESS_BY_KEY:
            continue
        if isinstance(value, LongInteger):
            errors[key] = f"must be {PROGRESS_BY_KEY[key].range_text()}, got {value}"
        else:
            numbers[key] = value
    progress = None
    try:
        progress = normalise_progress(numbers)
    except InputError as exc:
        errors.update({key: message for key, message in exc.errors.items() if key not in errors})
    if errors:
        return None, errors
    return {"date": day, "note": note, "progress": progress}, {}


def _short(value: Any) -> str:
    """A posted value or key, quoted for a message: short, and without characters that would
    scramble it (controls, NUL, lone surrogates)."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "…"
        return repr(text) if text.isprintable() else "text with unprintable characters"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


# Recording ------------------------------------------------------------------------------------


def record(
    project: Project,
    *,
    date: datetime.date,
    progress: dict,
    note: str = "",
    author=None,
    api_token: ApiToken | None = None,
    background: bool | None = None,
    estimate: bool = True,
) -> tuple[CheckIn, Estimate | None]:
    """Save a check-in and queue an estimate of the latest revision that starts from it
    (unless `estimate` is False)."""
    with transaction.atomic():
        checkin = CheckIn.objects.create(
            project=project,
            date=date,
            note=note,
            author=author,
            api_token=api_token,
            **{spec.key: progress[spec.key] for spec in PROGRESS},
        )
    revision = project.latest_revision()
    if revision is None or not estimate:
        return checkin, None
    queued = estimates.queue_estimate(
        revision, trigger=Estimate.Trigger.CHECKIN, checkin=checkin, background=background
    )
    return checkin, queued


def withdraw(checkin: CheckIn, by, replaced_by: CheckIn | None = None) -> bool:
    """Mark a check-in withdrawn (kept, never deleted); False if it already was."""
    return bool(
        CheckIn.objects.filter(pk=checkin.pk, withdrawn_at=None).update(
            withdrawn_at=timezone.now(), withdrawn_by=by, replaced_by=replaced_by
        )
    )


def correct(
    checkin: CheckIn, *, date: datetime.date, progress: dict, note: str, author
) -> tuple[CheckIn, Estimate | None]:
    """Replace a check-in by a corrected one: the old one is withdrawn and points to the new
    one, and the project is re-estimated from where it now stands."""
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.withdrawn_at is not None:
            raise ValueError("This check-in was withdrawn meanwhile; it cannot be corrected.")
        corrected, _ = record(
            checkin.project, date=date, progress=progress, note=note, author=author, estimate=False
        )
        withdraw(locked, author, replaced_by=corrected)
    return corrected, _estimate_from_latest(checkin.project)


def _estimate_from_latest(project: Project) -> Estimate | None:
    revision = project.latest_revision()
    if revision is None:
        return None
    return estimates.queue_estimate(revision, trigger=Estimate.Trigger.CHECKIN)


def reestimate_after_withdrawal(project: Project) -> Estimate | None:
    """The project's estimate from the check-in that stands now the withdrawn one does not."""
    return _estimate_from_latest(project)


# What the project page shows ------------------------------------------------------------------


@dataclass
class CheckInRow:
    checkin: CheckIn
    date: str
    figures: list[tuple[str, str]]
    by: str
    estimate: Estimate | None
    all_targets: str


def rows(project: Project, limit: int = 20) -> list[CheckInRow]:
    """The project's latest check-ins, newest first, in the form's words and units."""
    found = []
    checkins = (
        project.checkins.select_related("author", "api_token")
        .prefetch_related("estimates")
        .order_by("-date", "-created_at", "-id")[:limit]
    )
    for checkin in checkins:
        values = checkin.progress()
        figures = [
            (spec.label, presenters.input_value_text(spec, values[spec.key]))
            for spec in PROGRESS
            if values[spec.key] is not None or spec.key in REQUIRED
        ]
        if checkin.api_token_id:
            by = f"posted with the token {checkin.api_token.name}"
        elif checkin.author_id:
            by = f"by {checkin.author.get_username()}"
        else:
            by = ""
        mine = sorted(checkin.estimates.all(), key=lambda e: (e.created_at, e.pk))
        found.append(
            CheckInRow(
                checkin=checkin,
                date=f"{checkin.date.day} {checkin.date:%b %Y}",
                figures=figures,
                by=by,
                estimate=mine[0] if mine else None,
                all_targets=presenters.percent(
                    ((mine[0].result or {}).get("probability") or {}).get("all_targets")
                )
                if mine and mine[0].status == Estimate.Status.DONE
                else "",
            )
        )
    return found


# API tokens -----------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(team: Team, name: str, created_by) -> tuple[ApiToken, str]:
    """A new token for the team; returns the saved row and the token, shown only this once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    saved = ApiToken.objects.create(
        team=team,
        name=name,
        prefix=token[:PREFIX_LENGTH],
        token_hash=hash_token(token),
        created_by=created_by,
    )
    return saved, token


def token_from(authorization: str) -> ApiToken | None:
    """The active token an `Authorization: Bearer …` header names, or None."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    wanted = hash_token(token)
    found = ApiToken.objects.select_related("team").filter(token_hash=wanted).first()
    # The lookup is by hash (an index); compare once more in constant time all the same.
    if found is None or not secrets.compare_digest(found.token_hash, wanted):
        return None
    if found.revoked_at is not None:
        return None
    return found
