"""The forms of a running project: a check-in, and how often it is re-estimated."""

from __future__ import annotations

import contextlib

from django import forms
from django.utils import timezone

from projects.engine.inputs import PROGRESS, PROGRESS_BY_KEY, InputError, normalise_progress
from projects.forms.fields import (
    FieldRow,
    add_engine_errors,
    allowed_text,
    field_for,
    upper_first,
)
from projects.models import CheckIn, Project

# The longest cadence the page offers to set: a year.
MAX_CADENCE_DAYS = 365


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
            if spec.key in CheckIn.REQUIRED:
                field.required = True
                field.widget.attrs["required"] = True
            self.fields[spec.key] = field
        self.fields["note"] = forms.CharField(
            label="Note",
            required=False,
            max_length=CheckIn.NOTE_MAX_LENGTH,
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
                allowed=upper_first(allowed_text(spec)),
                empty_means=spec.null_means if spec.nullable else "",
            )
            for spec in PROGRESS
        ]

    def checkin(self) -> dict:
        """The valid check-in as `checkins.record` takes it: its date, progress and note."""
        return {
            "date": self.cleaned_data["date"],
            "progress": self.progress,
            "note": self.cleaned_data["note"],
        }

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
            add_engine_errors(self, exc.errors, PROGRESS_BY_KEY)
        else:
            if not self.errors:
                self.progress = progress
        return cleaned


class CadenceForm(forms.Form):
    """How often the project is re-estimated on a schedule: whole days, 0 for never.

    The field is read as plain text, never by a Django field that would refuse some text with
    its own words first: every refusal is `cadence_rejection`'s, which names the field."""

    reestimate_every_days = forms.Field(required=False)

    def clean_reestimate_every_days(self) -> int:
        text = (self.cleaned_data["reestimate_every_days"] or "").strip()
        days = None
        if len(text) > 6:
            # Longer than any cadence: judged by its form, never converted.
            days = -1 if text.lstrip("+-").isdigit() else None
        else:
            with contextlib.suppress(ValueError):
                days = int(text)
        if days is None or not 0 <= days <= MAX_CADENCE_DAYS:
            raise forms.ValidationError(cadence_rejection(text, days))
        return days


def cadence_rejection(text: str, days: int | None) -> str:
    """Why a cadence was refused and what to enter instead, starting with the field's label
    on the project page ("Re-estimate every"): the message is shown at the top of the page,
    away from the field, so it has to say which field it means."""
    # The value is quoted back only when short and plain: a right-to-left mark or a control
    # character in a message would scramble the text around it.
    shown = f"“{text}”" if len(text) <= 20 and text.isprintable() else "what was entered"
    if not text:
        problem = "no number of days was given"
    elif days is None:
        problem = f"{shown} is not a whole number of days"
    else:
        problem = f"{shown} is outside 0 to {MAX_CADENCE_DAYS} days"
    return (
        f"Re-estimate every: {problem}. Enter a whole number of days from 1 to "
        f"{MAX_CADENCE_DAYS}, or 0 to turn scheduled re-estimates off."
    )
