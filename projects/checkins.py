"""Check-ins: where a running project stands, recorded through the page or posted by a pipeline,
corrected or withdrawn. Each re-estimates the project's latest revision from where it now stands.

The fields come from the engine's `PROGRESS` (labels, help, units, ranges), so the form, the JSON
endpoint and the engine never disagree.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db import transaction
from django.utils import timezone

from projects import estimates
from projects.engine.inputs import PROGRESS, PROGRESS_BY_KEY, InputError, normalise_progress
from projects.forms import FieldRow, allowed_text, field_for, message_in_form_terms
from projects.models import ApiToken, CheckIn, Estimate, Project

# A check-in must say at least where the time and the money stand; the rest may stay empty.
REQUIRED = ("weeks_elapsed", "spent_usd")
NOTE_MAX_LENGTH = 2000


# The form -------------------------------------------------------------------------------------


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
        problem = CheckIn.date_problem(day, self.project)
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
        locked.withdraw(author, replaced_by=corrected)
    return corrected, reestimate(checkin.project)


def reestimate(project: Project) -> Estimate | None:
    """Estimate the latest revision from the check-in that stands now (after a correction or a
    withdrawal); None when the project has no revision."""
    revision = project.latest_revision()
    if revision is None:
        return None
    return estimates.queue_estimate(revision, trigger=Estimate.Trigger.CHECKIN)
