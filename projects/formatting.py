"""Numbers and dates as the pages write them, for the forms and the presenters alike.

Two kinds of numbers: an input's exact value as a form shows it for editing (`number_text`:
"500,000", "90"), and a result rounded the way people say it (`money`: "$412k"; `percent`:
"62%"). Dates are one `date_text`: "3 Nov 2026", in the site's time zone.

Money is written with the symbol of the team whose project is shown: the views activate it
(`use_currency`) where they resolve the team, as Django activates a time zone, and every
function here that writes money reads it. Nothing is converted: a team's amounts are in its own
money. `in_currency` rewrites the "$" amounts of the engine's stored sentences.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from projects.engine import words
from projects.engine.inputs import InputSpec

# The team's money ------------------------------------------------------------------------------

DEFAULT_CURRENCY = "$"
_currency: ContextVar[str] = ContextVar("currency", default=DEFAULT_CURRENCY)

# Amounts the engine's sentences quote from published sources (MODEL.md section 6), which are US
# dollars whatever the team's money is: they are written "US$4.88M" for other currencies, never
# re-labelled. tests/web/test_currency.py checks that every "$" amount written literally in the
# engine is listed here.
CITED_DOLLAR_AMOUNTS = (
    "$4.88M",  # IBM's average cost of a data breach, 2024
    "$9.77M",  # the same in healthcare
    "$24,000",  # the FDA's user fees for a medical device's review, 2025: the lowest
    "$162,000",  # and the highest
)
# A "$" that starts an amount ("$480", "−$52k", "less than $1"), not one inside a word ("US$").
_DOLLAR_AMOUNT = re.compile(r"(?<![A-Za-z$])\$(?=\d)")


def currency() -> str:
    """The symbol money is written with now: the team's, where a view activated it, else "$"."""
    return _currency.get()


def use_currency(symbol: str | None) -> None:
    """Write money with `symbol` from now on in this request (or thread); None or "" resets it
    to "$". Every request starts with "$" (projects.apps resets it)."""
    _currency.set(symbol or DEFAULT_CURRENCY)


@contextmanager
def currency_of(symbol: str | None) -> Iterator[None]:
    """Money written with `symbol` inside the block (a task, a command, an email), as before
    after it."""
    token = _currency.set(symbol or DEFAULT_CURRENCY)
    try:
        yield
    finally:
        _currency.reset(token)


def currency_label() -> str:
    """The money's name in a unit or a heading: "USD" for the default "$", else the symbol
    ("€", "CHF")."""
    symbol = currency()
    return "USD" if symbol == DEFAULT_CURRENCY else symbol.strip()


def money_unit(unit: str) -> str:
    """An input's unit in the team's money: "USD/hour" -> "€/hour" ("USD/hour" for "$")."""
    if not unit.startswith("USD"):
        return unit
    return currency_label() + unit.removeprefix("USD")


def in_currency(text: str, symbol: str | None = None) -> str:
    """One of the engine's sentences with its "$" amounts in the team's money (`symbol`, else
    the active one): "costs about $4,800" -> "costs about €4,800" or "CHF 4,800". The amounts it
    quotes from published sources stay dollars, written "US$4.88M"."""
    symbol = symbol or currency()
    if symbol == DEFAULT_CURRENCY or "$" not in text:
        return text
    for cited in CITED_DOLLAR_AMOUNTS:
        text = text.replace(cited, "US" + cited)
    return _DOLLAR_AMOUNT.sub(lambda _: symbol, text)


def result_in_currency(value: Any) -> Any:
    """An engine result (or any part of it) with every sentence in it rewritten by
    `in_currency`; numbers and keys are left as they are. The stored result is not changed."""
    if isinstance(value, str):
        return in_currency(value)
    if currency() == DEFAULT_CURRENCY:
        return value
    if isinstance(value, dict):
        return {key: result_in_currency(item) for key, item in value.items()}
    if isinstance(value, list):
        return [result_in_currency(item) for item in value]
    return value


# Inputs as a form shows them ------------------------------------------------------------------


def decimal_text(number: Decimal, grouping: bool) -> str:
    """A decimal without trailing zeros or exponent, e.g. 90, 4.5, 1,000,000."""
    number = number.normalize()
    if number == number.to_integral_value():
        return f"{int(number):,}" if grouping else str(int(number))
    return format(number, ",f" if grouping else "f")


def as_decimal(value: int | float) -> Decimal:
    # repr() gives the shortest text that round-trips, so 0.07 stays 0.07, not 0.0700000…
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def number_text(spec: InputSpec, value: Any) -> str:
    """An engine number as the form shows it: percentages for shares, separators for amounts."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    number = as_decimal(value)
    if spec.percent:
        return decimal_text(number * 100, grouping=False)
    return decimal_text(number, grouping=bool(spec.unit))


def percent_text(value: int | float | str) -> str:
    """An exact share in percent: 0.9 -> "90%", 0.075 -> "7.5%"."""
    number = Decimal(value) if isinstance(value, str) else as_decimal(value)
    return decimal_text(number * 100, grouping=True) + "%"


_SINGULAR = {"people": "person"}


def _per(period: str) -> str:
    """ "hour" -> "an hour", "month" -> "a month"."""
    return f"{'an' if period == 'hour' or period[:1] in 'aeiou' else 'a'} {period}"


def _unit_words(unit: str, value: float) -> str:
    quantity, _, period = unit.partition("/")
    words = f"{quantity} {_per(period)}" if period else quantity
    if value == 1:
        first, _, rest = words.partition(" ")
        first = _SINGULAR.get(first, first[:-1] if first.endswith("s") else first)
        words = f"{first} {rest}".strip()
    return words


def input_value_text(spec: InputSpec, value: Any) -> str:
    """One input's value as the form shows it, with its unit: "$500,000", "90%", "26 weeks"."""
    if value is None:
        return f"not set ({spec.null_means})" if spec.null_means else "not set"
    if spec.kind == "bool":
        return "yes" if value else "no"
    if spec.kind == "choice":
        return dict(spec.choices).get(value, str(value))
    if spec.kind == "curve":
        if not isinstance(value, list):
            return str(value)
        points = [
            f"{point['examples']:,} examples → {score(point['score'])}"
            for point in value
            if isinstance(point, dict) and {"examples", "score"} <= set(point)
        ]
        if len(points) <= 4:
            return "; ".join(points)
        return f"{len(points)} measurements, {points[0]} … {points[-1]}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if spec.percent:
        return f"{number_text(spec, value)}%"
    if spec.unit.startswith("USD"):
        amount = f"{value:,.2f}" if not float(value).is_integer() else f"{int(value):,}"
        per = spec.unit.removeprefix("USD").removeprefix("/")
        return f"{currency()}{amount}" + (f" {_per(per)}" if per else "")
    text = number_text(spec, value)
    return f"{text} {_unit_words(spec.unit, value)}".strip()


# Results, rounded the way people say them ------------------------------------------------------


def percent(probability: float | None) -> str:
    """A probability as a whole percentage; Monte Carlo never says 0% or 100%."""
    if probability is None or not math.isfinite(probability):
        return "–"
    if probability < 0.005:
        return "under 1%"
    if probability > 0.995:
        return "over 99%"
    return f"{round(probability * 100)}%"


def score(value: float | None, against: float | None = None) -> str:
    """A score (accuracy, recall, F1, …) as a percentage: whole between 10% and 99%, one decimal
    below 10%, and near 0% or 100% as many as it takes not to read 0% or 100% (99.95%).

    With `against` (the target it is shown beside), enough digits that the two read differently
    whenever they differ, in the same order: 99.8% against 99.9%, never "100%" against
    "100%" (the engine's `words.percent_pair`, so the pages and the summary agree)."""
    if value is None or not math.isfinite(value):
        return "–"
    decimals = _decimals(words.percent(value))
    if 0.01 <= value < 0.1:
        decimals = max(decimals, 1)
    if against is not None and math.isfinite(against):
        decimals = max(decimals, _decimals(words.percent_pair(value, against)[0]))
    return words.percent(value, decimals)


def _decimals(percent_text: str) -> int:
    number = percent_text.rstrip("%")
    return len(number.split(".")[1]) if "." in number else 0


def money(amount: float | None) -> str:
    """Money rounded the way people say it, in the team's currency: $850, $4,800, $412k, $1.3M,
    $25M, $2.1B (€412k, CHF 412k)."""
    if amount is None or not math.isfinite(amount):
        return "–"
    sign = "−" if amount < 0 else ""
    symbol = currency()
    amount = abs(amount)
    if amount < 10_000:
        return f"{sign}{symbol}{amount:,.0f}"
    if amount < 999_500:
        return f"{sign}{symbol}{amount / 1000:,.0f}k"
    if amount < 9_950_000:
        return f"{sign}{symbol}{amount / 1e6:.1f}M"
    if amount < 999_500_000:
        return f"{sign}{symbol}{amount / 1e6:,.0f}M"
    return f"{sign}{symbol}{amount / 1e9:,.1f}B"


# Beyond this many weeks a plan is not late but impossible: no number of weeks is worth printing
# ("20,113 weeks" for 20,000 labels at one a week).
MAX_SHOWN_WEEKS = 520


def weeks(value: float | None) -> str:
    """Weeks, whole above 10 and to a half below: "23 weeks", "4.5 weeks", "1 week"; past ten
    years, "over 10 years"."""
    if value is None or not math.isfinite(value):
        return "–"
    if value > MAX_SHOWN_WEEKS:
        return "over 10 years"
    shown = round(value) if value >= 10 else round(value * 2) / 2
    text = f"{shown:g}"
    return f"{text} week" if shown == 1 else f"{text} weeks"


def gpu_hours(value: float | None) -> str:
    """GPU-hours the way people say them, two significant figures: "850", "1,200", "76,000",
    "31M"."""
    if value is None or not math.isfinite(value):
        return "–"
    if value < 1000:
        return f"{value:,.0f}"
    rounded = float(f"{value:.2g}")
    if rounded >= 1e6:
        millions = rounded / 1e6
        return f"{millions:,.1f}M".replace(".0M", "M") if millions < 10 else f"{millions:,.0f}M"
    return f"{rounded:,.0f}"


def points_delta(delta: float | None) -> str:
    """A change in probability in percentage points: "+12 points", "−3 points", "no change"."""
    if delta is None or not math.isfinite(delta):
        return "–"
    points = round(delta * 100)
    if points == 0:
        return "no change"
    return f"{'+' if points > 0 else '−'}{abs(points)} point{'s' if abs(points) != 1 else ''}"


def money_delta(delta: float | None) -> str:
    if delta is None or not math.isfinite(delta):
        return "–"
    if abs(delta) < 500:
        return "no change"
    return ("+" if delta > 0 else "") + money(delta)


def weeks_delta(delta: float | None) -> str:
    if delta is None or not math.isfinite(delta):
        return "–"
    if abs(delta) < 0.25:
        return "no change"
    if abs(delta) > MAX_SHOWN_WEEKS:
        return "over 10 years more" if delta > 0 else "over 10 years less"
    return ("+" if delta > 0 else "−") + weeks(abs(delta))


# Dates ----------------------------------------------------------------------------------------


def date_text(moment: datetime | date | None, with_time: bool = False) -> str:
    """A day as the pages write it, "3 Nov 2026"; a moment is first put in the site's time
    zone, and `with_time` adds the time and zone: "3 Nov 2026, 14:05 CET"."""
    if moment is None:
        return "–"
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    text = f"{moment.day} {moment:%b %Y}"
    return f"{text}, {moment:%H:%M} {moment:%Z}" if with_time else text
