"""The forms of a project: the guided project form, the what-if panel and a share link."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from projects.engine.inputs import (
    INPUTS,
    INPUTS_BY_KEY,
    SECTIONS,
    InputError,
    InputSpec,
    normalise,
    pilot_warnings,
)
from projects.engine.model import derive
from projects.engine.summary import trivial_target_sentence
from projects.forms.fields import (
    FieldRow,
    YesNoField,
    add_engine_errors,
    allowed_text,
    field_for,
    message_in_form_terms,
    upper_first,
)
from projects.vocabulary import METRIC_MEANINGS, METRIC_WORDS, warning_text
from projects.whatif import WHATIF_KEYS

# The section the form folds away, for people who want to set the simulation itself.
ADVANCED_SECTION = "simulation"
# The longest a share link may last before it expires.
MAX_EXPIRY_DAYS = 365


@dataclass
class Section:
    key: str
    title: str
    rows: list[FieldRow]
    advanced: bool

    @property
    def has_errors(self) -> bool:
        return any(row.field.errors for row in self.rows)


def _metric_help() -> list[tuple[str, str]]:
    """One line on each target metric the engine offers, under the choice."""
    return [
        (METRIC_WORDS[key][:1].upper() + METRIC_WORDS[key][1:], METRIC_MEANINGS[key])
        for key, _ in INPUTS_BY_KEY["target_metric"].choices
        if key in METRIC_MEANINGS
    ]


class ProjectForm(forms.Form):
    """The project's name and description, every engine input, and a note on what changed."""

    name = forms.CharField(label="Project name", max_length=200)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or two sentences on what the model is for.",
    )
    note = forms.CharField(
        label="What changed?",
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={"placeholder": "What changed? (optional; shown in the project's history)"}
        ),
    )

    based_on = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        help_text="The revision this form started from, to notice saves made meanwhile.",
    )

    def __init__(self, *args, inputs: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        values = {spec.key: spec.default for spec in INPUTS}
        values.update({key: value for key, value in (inputs or {}).items() if key in values})
        for spec in INPUTS:
            self.fields[spec.key] = field_for(spec)
            self.initial.setdefault(spec.key, values[spec.key])
        self.inputs: dict | None = None

    def sections(self) -> list[Section]:
        warnings = self.input_warnings()
        sections = []
        for key, title in SECTIONS:
            rows = [
                FieldRow(
                    field=self[spec.key],
                    spec=spec,
                    allowed=upper_first(allowed_text(spec))
                    if spec.kind in ("number", "integer")
                    else "",
                    # A three-way choice names its default in the empty option already.
                    empty_means=spec.null_means if spec.nullable and spec.kind != "bool" else "",
                    warnings=warnings.get(spec.key, []),
                    choice_help=_metric_help() if spec.key == "target_metric" else [],
                )
                for spec in INPUTS
                if spec.section == key
            ]
            if rows:
                sections.append(Section(key, title, rows, advanced=key == ADVANCED_SECTION))
        return sections

    def input_warnings(self) -> dict[str, list[str]]:
        """Inputs the engine accepts but that look wrong, by key, as the estimate's `warnings`
        will say: pilot scores that fall or go up and down, a target a model without skill
        already meets. From what was typed when it is valid, else from the saved values; none
        while the form has errors to fix first."""
        if self.is_bound:
            inputs = self.inputs if self.is_valid() else None
        else:
            try:
                inputs = normalise({spec.key: self.initial.get(spec.key) for spec in INPUTS})
            except InputError:
                inputs = None
        if inputs is None:
            return {}
        found: dict[str, list[str]] = {}
        for item in pilot_warnings(inputs["pilot_curve"]):
            found.setdefault(item["field"], []).append(warning_text(item["field"], item["message"]))
        trivial = trivial_target_sentence(inputs, derive(inputs))
        if trivial:
            found.setdefault("target_value", []).append(trivial)
        return found

    def clean(self):
        cleaned = super().clean()
        # Inputs whose text could not even be read are already marked; the engine checks the
        # rest, so that every problem shows at once.
        raw = {
            spec.key: cleaned[spec.key]
            for spec in INPUTS
            if spec.key in cleaned and self._was_sent(spec)
        }
        try:
            self.inputs = normalise(raw)
        except InputError as exc:
            add_engine_errors(self, exc.errors, INPUTS_BY_KEY)
        return cleaned

    def _was_sent(self, spec: InputSpec) -> bool:
        """A browser sends every field but unticked boxes; a field left out of a hand-made
        request takes the engine's default, as a missing key does in the engine."""
        if isinstance(self.fields[spec.key], YesNoField):
            return True
        return self.add_prefix(spec.key) in self.data


class WhatIfForm(forms.Form):
    """The inputs the team controls (whatif.WHATIF_KEYS), on top of a revision's inputs; the
    engine validates them."""

    def __init__(self, data=None, *, base_inputs: dict, **kwargs):
        super().__init__(data, **kwargs)
        self.base_inputs = base_inputs
        self.inputs: dict | None = None
        for key in WHATIF_KEYS:
            spec = INPUTS_BY_KEY[key]
            self.fields[key] = field_for(spec)
            self.initial[key] = base_inputs.get(key, spec.default)

    def rows(self) -> list[FieldRow]:
        """The fields for _input.html, in the panel's order."""
        return [FieldRow(field=self[key], spec=INPUTS_BY_KEY[key]) for key in WHATIF_KEYS]

    def clean(self):
        cleaned = super().clean()
        changed = {key: cleaned[key] for key in WHATIF_KEYS if key in cleaned}
        try:
            self.inputs = normalise({**self.base_inputs, **changed})
        except InputError as exc:
            for key, message in exc.errors.items():
                spec = INPUTS_BY_KEY.get(key)
                if key in self.fields and spec is not None:
                    self.add_error(key, message_in_form_terms(spec, message))
                else:
                    # Only the panel's inputs change; say so if a saved one is now refused.
                    label = spec.label if spec else key
                    self.add_error(None, f"{label} (saved in the revision): {message}")
        return cleaned


class ShareForm(forms.Form):
    """A read-only link to the report: who it is for, and when it expires (if ever)."""

    label = forms.CharField(
        label="Who is it for?",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Board meeting, 3 March"}),
    )
    expires_in_days = forms.IntegerField(
        label="Expires after",
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        widget=forms.TextInput(attrs={"placeholder": "never", "inputmode": "numeric"}),
        help_text=f"Days, 1 to {MAX_EXPIRY_DAYS}; leave empty for a link that lasts until revoked.",
        error_messages={
            "invalid": "Type a whole number of days, like 30, or leave it empty.",
            "min_value": "A link must last at least 1 day; leave it empty for no expiry.",
            "max_value": f"At most {MAX_EXPIRY_DAYS} days; leave it empty for no expiry.",
        },
    )
