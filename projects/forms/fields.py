"""Form fields made from the engine's input metadata, shared by the project, what-if and
check-in forms.

No input is listed here by hand: every field comes from an `InputSpec` of
`projects.engine.inputs`, and validation is the engine's. This module only translates between
what people type (percentages, "500,000", one pilot measurement per line) and the engine's
values, and words the engine's messages in the form's units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms

from projects.engine.inputs import INPUTS, INPUTS_BY_KEY, MAX_PILOT_POINTS, InputSpec
from projects.formatting import currency, money_unit, number_text, percent_text

# Longest text a number field reads. The longest allowed value typed in full with separators
# ("9,223,372,036,854,775,807", the largest seed) is 25 characters; anything much longer is not
# a number anyone means, and refusing it by its length costs nothing.
MAX_NUMBER_TEXT = 50
# The largest power of ten any input allows is 10^18 (a seed); a number whose leading digit is
# past 10^20 is far outside every range, and refused before it is ever turned into an integer.
MAX_NUMBER_EXPONENT = 20
# Plain decimal notation only: digits, one point, an optional exponent of at most four digits.
# Everything else (NaN, sNaN, Infinity, hex, words) is left for the engine to name as text.
_PLAIN_NUMBER = re.compile(r"(?P<sign>[+-]?)(?:\d+(?:\.\d*)?|\.\d+)(?:[eE](?P<exponent>[+-]?\d+))?")


class NumberRefused(ValueError):
    """Text refused by its form alone, before any conversion: `reason` says why, in words that
    follow "Must be <allowed values>; "."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def parse_number(spec: InputSpec, text: str) -> Any:
    """What someone typed, as the engine's value; unreadable text goes to the engine as is, so
    that its message says what was expected.

    Raises NumberRefused, in microseconds, for text too long to be a number and for numbers far
    outside every range (1e1000000 would otherwise become a million-digit integer). Only plain
    decimal notation is converted, so no signalling NaN or overflow can reach the arithmetic."""
    if len(text) > MAX_NUMBER_TEXT:
        raise NumberRefused(
            f"the text typed is {len(text):,} characters long, and a number here needs at "
            f"most {MAX_NUMBER_TEXT}"
        )
    cleaned = re.sub(r"[\s,_]", "", text)
    if spec.percent:
        cleaned = cleaned.removesuffix("%")
    if spec.unit.startswith("USD"):
        cleaned = cleaned.removeprefix(currency().strip())
    match = _PLAIN_NUMBER.fullmatch(cleaned)
    if match is None:
        return text
    exponent = match["exponent"] or "0"
    if len(exponent.lstrip("+-").lstrip("0")) > 4:
        if exponent.startswith("-"):
            return 0  # a number this close to zero is zero to every input
        raise NumberRefused(f"{cleaned} is far outside that")
    number = Decimal(cleaned)  # exact and cheap: at most 50 characters, a small exponent
    if number and number.adjusted() > MAX_NUMBER_EXPONENT:
        raise NumberRefused(f"{cleaned} is far outside that")
    if spec.percent:
        number /= 100
    if spec.kind == "integer" and number == number.to_integral_value():
        return int(number)
    return float(number)


# Messages in the form's terms -----------------------------------------------------------------

_GOT_NUMBER = re.compile(r"\bgot (-?(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?)(?![\w%])")


def percent_range_text(spec: InputSpec) -> str:
    """Allowed values of a percentage input, e.g. "a percentage above 0% up to 100%"."""
    low = percent_text(spec.minimum) if spec.minimum is not None else ""
    high = percent_text(spec.maximum) if spec.maximum is not None else ""
    if low and high:
        low_word = "above" if spec.min_exclusive else "from"
        high_word = "below" if spec.max_exclusive else "up to"
        return f"a percentage {low_word} {low} {high_word} {high}"
    if low:
        return f"a percentage {'above' if spec.min_exclusive else 'of at least'} {low}"
    return "a percentage"


def allowed_text(spec: InputSpec) -> str:
    """The allowed values as the form shows them."""
    return percent_range_text(spec) if spec.percent else spec.range_text()


def message_in_form_terms(spec: InputSpec, message: str, line_numbers: list[int] = ()) -> str:
    """The engine's message for `spec`, with shares in percent and pilot points as lines."""
    if spec.kind == "curve":
        message = _curve_message(spec, message, line_numbers)
    elif spec.percent:
        message = message.replace(spec.range_text(), percent_range_text(spec))
        message = _GOT_NUMBER.sub(lambda match: f"got {percent_text(match.group(1))}", message)
        # The engine's shares as the form's percentages: "scores 0.5 (50%)" -> "scores 50%",
        # "Enter 0.5" -> "Enter 50%".
        message = re.sub(r"\b\d*\.\d+ \((\d+(?:\.\d+)?%)\)", r"\1", message)
        message = re.sub(
            r"\b(Enter|enter) (0?\.\d+|1(?:\.0+)?)\b",
            lambda match: f"{match.group(1)} {percent_text(match.group(2))}",
            message,
        )
    for other in INPUTS:
        # Other percentage inputs named with their value, e.g. "(baseline_score 0.5)".
        if other.percent:
            message = re.sub(
                rf"\b{other.key} (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\b",
                lambda match, other=other: (
                    f"{_lower_first(other.label)} {percent_text(match.group(1))}"
                ),
                message,
            )
    return message[:1].upper() + message[1:]


def add_engine_errors(
    form: forms.Form, errors: dict[str, str], specs: dict[str, InputSpec]
) -> None:
    """The engine's messages (InputError.errors) beside their fields, in the form's terms; a key
    that is none of the form's `specs` goes on top of the form."""
    for key, message in errors.items():
        spec = specs.get(key)
        if spec is None:
            form.add_error(None, f"{key}: {message}")
            continue
        lines = getattr(form.fields[key], "line_numbers", [])
        form.add_error(key, message_in_form_terms(spec, message, lines))


def _curve_message(spec: InputSpec, message: str, line_numbers: list[int]) -> str:
    if message.startswith(f"must be {spec.range_text()}"):
        count = re.search(r"got (\d+) points", message)
        got = f"; got {count.group(1)}" if count else ""
        return (
            "needs at least 3 lines, one measurement per line: the number of examples and the "
            f'score in %, like "500, 72"{got}'
        )
    if "score must be" in message:
        message = re.sub(
            r"score must be a number .*?, got",
            "score must be a percentage above 0% up to 100%, got",
            message,
        )
        message = _GOT_NUMBER.sub(lambda match: f"got {percent_text(match.group(1))}", message)

    def line_of(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        number = line_numbers[index] if 0 <= index < len(line_numbers) else index + 1
        return f"line {number}"

    message = re.sub(r"\bpoint (\d+)", line_of, message)
    return message.replace("different example counts", "different numbers of examples")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# Fields ---------------------------------------------------------------------------------------


class NumberField(forms.CharField):
    """A number or integer input, typed as text so that nothing typed is lost on error."""

    def __init__(self, spec: InputSpec, **kwargs):
        self.spec = spec
        mode = "numeric" if spec.kind == "integer" else "decimal"
        widget = forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"})
        super().__init__(required=False, widget=widget, **kwargs)

    def prepare_value(self, value):
        return value if isinstance(value, str) else number_text(self.spec, value)

    def clean(self, value):
        text = super().clean(value)
        if text == "":
            return None
        try:
            return parse_number(self.spec, text)
        except NumberRefused as exc:
            raise forms.ValidationError(
                f"{self.label}: must be {allowed_text(self.spec)}; {exc.reason}."
            ) from None


class ChoiceInputField(forms.CharField):
    """One of the engine's choices; anything else is left for the engine to reject."""

    def __init__(self, spec: InputSpec, **kwargs):
        self.spec = spec
        super().__init__(required=False, widget=forms.Select(choices=spec.choices), **kwargs)

    def clean(self, value):
        text = super().clean(value)
        return text or None


class TextInputField(forms.CharField):
    """Short free text; also the fallback for any kind of input the form does not know yet."""

    def __init__(self, spec: InputSpec, **kwargs):
        self.spec = spec
        attrs = {"autocomplete": "off"}
        if spec.extra.get("max_length"):
            attrs["maxlength"] = spec.extra["max_length"]
        super().__init__(required=False, widget=forms.TextInput(attrs=attrs), **kwargs)

    def prepare_value(self, value):
        return "" if value is None else value

    def clean(self, value):
        text = super().clean(value)
        return text or None


class YesNoField(forms.BooleanField):
    def __init__(self, spec: InputSpec, **kwargs):
        self.spec = spec
        super().__init__(required=False, **kwargs)


class YesNoDefaultField(forms.CharField):
    """A yes/no input that may be left to the engine's default (a three-way choice)."""

    def __init__(self, spec: InputSpec, **kwargs):
        self.spec = spec
        choices = [("", f"Default ({spec.null_means})"), ("yes", "Yes"), ("no", "No")]
        super().__init__(required=False, widget=forms.Select(choices=choices), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "" if value is None else value

    def clean(self, value):
        text = super().clean(value)
        return {"": None, "yes": True, "no": False}.get(text, text)


class PilotCurveField(forms.CharField):
    """Pilot measurements, one "examples, score in %" line each."""

    def __init__(self, spec: InputSpec, **kwargs):
        self.spec = spec
        self.line_numbers: list[int] = []
        # A full curve of MAX_PILOT_POINTS lines of "1,000,000,000, 99.5" fits with room to spare.
        kwargs.setdefault("max_length", MAX_PILOT_POINTS * 40)
        widget = forms.Textarea(
            attrs={"rows": 4, "placeholder": "500, 62\n2000, 70\n8000, 76", "spellcheck": "false"}
        )
        super().__init__(required=False, widget=widget, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            lines = []
            for point in value:
                if isinstance(point, dict):
                    score = point.get("score")
                    score_text = percent_text(score).rstrip("%") if score is not None else ""
                    lines.append(f"{point.get('examples')}, {score_text}")
            return "\n".join(lines)
        return "" if value is None else value

    def clean(self, value):
        text = super().clean(value)
        self.line_numbers = []
        if not text:
            return None
        points = []
        lines = text.splitlines()
        if sum(1 for line in lines if line.strip()) > MAX_PILOT_POINTS:
            raise forms.ValidationError(
                f"At most {MAX_PILOT_POINTS:,} lines, one measurement per line: the number of "
                'examples and the score in %, like "500, 72".'
            )
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line:
                continue
            parts = _two_parts(line)
            if parts is None:
                raise forms.ValidationError(
                    f"Line {number} should be the number of examples and the score in %, "
                    f'like "500, 72"; got "{line[:40]}".'
                )
            examples_text, score_text = parts
            try:
                examples = parse_number(INPUTS_BY_KEY["labeled_examples"], examples_text)
                score = parse_number(_PERCENT_SCORE, score_text)
            except NumberRefused as exc:
                raise forms.ValidationError(
                    f"Line {number} should be the number of examples (1 to 10^9) and the score "
                    f"(a percentage above 0% up to 100%); {exc.reason}."
                ) from None
            points.append({"examples": examples, "score": score})
            self.line_numbers.append(number)
        return points


def _two_parts(line: str) -> list[str] | None:
    """ "5,000, 72", "5000;72%", "5,000 72" or "500,72" -> [examples, score]."""
    for separator in (r"\s*[;\t]\s*", r",\s+", r"\s+", r","):
        parts = [part for part in re.split(separator, line) if part]
        if len(parts) == 2:
            return parts
    return None


# A pilot score is a share entered in percent, like the other scores.
_PERCENT_SCORE = InputSpec(
    key="score", kind="number", default=None, label="Score", help="", section="data",
    percent=True, unit="%",
)  # fmt: skip

FIELD_CLASSES = {
    "number": NumberField,
    "integer": NumberField,
    "choice": ChoiceInputField,
    "curve": PilotCurveField,
    "text": TextInputField,
}


def field_for(spec: InputSpec) -> forms.Field:
    if spec.kind == "bool":
        field_class = YesNoDefaultField if spec.nullable else YesNoField
    else:
        field_class = FIELD_CLASSES.get(spec.kind, TextInputField)
    return field_class(spec, label=spec.label, help_text=spec.help)


@dataclass
class FieldRow:
    """One input as _input.html shows it: the field, its spec, the allowed values and what an
    empty field means (either may be empty to say nothing)."""

    field: forms.BoundField
    spec: InputSpec
    allowed: str = ""
    empty_means: str = ""
    warnings: list[str] = field(default_factory=list)  # accepted, but looks wrong
    choice_help: list[tuple[str, str]] = field(default_factory=list)  # (choice, one line)

    @property
    def unit(self) -> str:
        return "%" if self.spec.percent else money_unit(self.spec.unit)

    @property
    def is_checkbox(self) -> bool:
        return self.spec.kind == "bool" and not self.spec.nullable


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
