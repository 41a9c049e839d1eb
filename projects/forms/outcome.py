"""The forms of a closed project: how it ended (with its later production scores), and reopening
it. The rules are projects/outcomes.py's, shared with the API; this module reads what people
type (dates, "$212,000", "83%") and words the messages with the field's label."""

from __future__ import annotations

from django import forms

from projects import outcomes
from projects.engine.inputs import InputSpec
from projects.formatting import DEFAULT_CURRENCY, currency, currency_label
from projects.forms.fields import NumberField
from projects.models import Outcome, Project
from projects.models.outcomes import LATER_MONTHS, MAX_COST_USD, NOTE_MAX_LENGTH

COST = InputSpec(
    "cost_usd", "number", None, outcomes.LABELS["cost_usd"], "", "outcome", "USD", 0, MAX_COST_USD
)
SCORE = InputSpec(
    "production_score", "number", None, "Production score", "", "outcome", "", 0, 1, percent=True
)
REOPEN_REASON_MAX_LENGTH = 500
SHARE_RANGE = "must be from 0 to 1 (0.83 for 83%)"


def later_field(months: int) -> str:
    return f"score_{months}_months"


class OutcomeForm(forms.Form):
    """Shipped (launch date, cost, score at launch, later scores) or stopped (date, money
    spent, reason, note). Hidden parts of the page are the other status's; the rules refuse
    a stopped project's score and a shipped project's stop reason, so nothing is saved unseen."""

    status = forms.ChoiceField(
        label=outcomes.LABELS["status"],
        choices=Outcome.Status.choices,
        widget=forms.RadioSelect,
    )
    started_on = forms.DateField(
        label=outcomes.LABELS["started_on"],
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="The day the project started; its weeks are counted from here. Left empty: the "
        "start recorded before, else the day it was created in Riskboard.",
    )
    ended_on = forms.DateField(
        label=outcomes.LABELS["ended_on"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="The day it went into production, or the day it was stopped.",
    )
    cost_usd = NumberField(
        COST,
        label=outcomes.LABELS["cost_usd"],
        help_text="In the team's money: the total cost if it shipped, the money spent if it "
        "stopped.",
    )
    production_score = NumberField(
        SCORE,
        label=outcomes.LABELS["production_score"],
        help_text="Shipped only: the target metric measured on real traffic at launch, as a "
        "percentage. Leave empty if it was not measured.",
    )
    stop_reason = forms.ChoiceField(
        label=outcomes.LABELS["stop_reason"],
        choices=[("", "Choose…"), *Outcome.StopReason.choices],
        required=False,
        help_text="Stopped only.",
    )
    note = forms.CharField(
        label=outcomes.LABELS["note"],
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What happened (optional; needed when the reason is “Other”).",
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        for field in self.fields.values():
            # Every message starts with the field's label, as the other forms' do.
            field.error_messages["required"] = f"{field.label}: is required."
            field.error_messages["invalid"] = f"{field.label}: must be a date like 2026-11-26."
            field.error_messages["invalid_choice"] = f"{field.label}: choose one of the options."
        self.initial.setdefault("started_on", outcomes.default_start(project))
        for months in LATER_MONTHS:
            self.fields[later_field(months)] = NumberField(
                SCORE,
                label=f"Production score after {months} months",
                help_text="Shipped only, optional: measured on real traffic.",
            )
        self.outcome: dict | None = None
        self.later: dict[int, float] = {}

    def later_fields(self) -> list:
        return [self[later_field(months)] for months in LATER_MONTHS]

    def clean(self):
        cleaned = super().clean()
        for name in ("cost_usd", "production_score", *map(later_field, LATER_MONTHS)):
            if isinstance(cleaned.get(name), str):
                # Text the number field could not read: say what it takes.
                spec = COST if name == "cost_usd" else SCORE
                self.add_error(name, f"{self.fields[name].label}: must be {_allowed(spec)}.")
                cleaned[name] = None
        fields = {key: cleaned.get(key) for key in outcomes.LABELS}
        for key, problem in outcomes.outcome_problems(fields, self.project).items():
            if key not in self.errors:
                # The form takes scores as percentages; the API, as shares.
                problem = problem.replace(SHARE_RANGE, "must be from 0% to 100%")
                self.add_error(key, f"{self.fields[key].label}: {problem}.")
        shipped = fields["status"] == Outcome.Status.SHIPPED
        for months in LATER_MONTHS:
            name = later_field(months)
            value = cleaned.get(name)
            if value is None or name in self.errors:
                continue
            if not shipped:
                self.add_error(name, f"{self.fields[name].label}: must be empty: not shipped.")
            elif not 0 <= value <= 1:
                self.add_error(name, f"{self.fields[name].label}: must be from 0% to 100%.")
            else:
                self.later[months] = value
        if not self.errors:
            self.outcome = fields
        return cleaned


def _allowed(spec: InputSpec) -> str:
    if spec.percent:
        return "a percentage from 0% to 100%"
    # In the team's money (docs/exports.md); "$" stays "US dollars", the engine's default.
    money_words = "US dollars" if currency() == DEFAULT_CURRENCY else currency_label()
    return f"an amount in {money_words} from 0 to {MAX_COST_USD:,.0f}"


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen it",
        max_length=REOPEN_REASON_MAX_LENGTH,
        widget=forms.TextInput(),
        error_messages={
            "required": "Why reopen it: say why, in a few words.",
            "max_length": f"Why reopen it: at most {REOPEN_REASON_MAX_LENGTH} characters.",
            "null_characters_not_allowed": "Why reopen it: remove the NUL character.",
        },
        help_text="Kept with the withdrawn outcome, for whoever reads the history.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Why reopen it: say why, in a few words.")
        return reason
