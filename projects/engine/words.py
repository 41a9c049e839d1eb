"""Numbers rounded for people: money, weeks, shares and chances in plain words."""

from __future__ import annotations

import math

CHANCE_DENOMINATORS = (2, 3, 4, 5, 10, 20)


MONEY_UNITS = ((1e4, 1.0, ""), (1e6, 1e3, "k"), (1e9, 1e6, "M"), (1e12, 1e9, "B"))


def usd(amount: float) -> str:
    """$480, $4,800, $52k, $520k, $1.2M, $3.4B: two significant figures, rounded first."""
    amount = float(amount)
    if not math.isfinite(amount):
        return "an unbounded amount"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == 0:
        return "$0"
    if amount < 0.5:
        return f"{sign}less than $1"
    rounded = _significant(amount, 2)
    for limit, divisor, suffix in MONEY_UNITS:
        if rounded < limit:
            value = rounded / divisor
            text = f"{value:,.0f}" if divisor <= 1e3 else _trim(value)
            return f"{sign}${text}{suffix}"
    return (
        f"{sign}${_trim(rounded / 1e12) if rounded < 1e14 else f'{rounded / 1e12:,.0f}'} trillion"
    )


def price(amount: float) -> str:
    """A unit price with at most three significant figures: $2.75, $12.5, $890."""
    value = _significant(float(amount), 3) if amount >= 0.001 else float(amount)
    if value >= 100:
        return f"${value:,.0f}"
    return "$" + f"{value:.3f}".rstrip("0").rstrip(".")


def weeks(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        return "forever"
    if value < 1.5:
        return "1 week"
    if value >= 52 * 100:
        return "more than 100 years"
    if value >= 52 * 10:
        return f"about {round(value / 52):,} years"
    if value > 104:
        return f"{_trim(round(value / 52, 1))} years ({round(value):,} weeks)"
    return f"{round(value):,} weeks"


def deadline(value: float) -> str:
    """'26-week', as in 'the 26-week deadline'."""
    return f"{round(float(value)):,}-week"


def person_weeks(value: float) -> str:
    value = float(value)
    if value < 1.5:
        return "about 1 person-week"
    return f"about {_significant(value, 2):,.0f} person-weeks"


def percent(share: float, decimals: int | None = None) -> str:
    """82%, 99.9%: more decimals only where they matter (close to 0 or 100%)."""
    value = 100 * float(share)
    if decimals is None:
        decimals = 0
        if 0 < value < 100:
            nearest_end = min(value, 100 - value)
            decimals = 2 if nearest_end < 0.1 else (1 if nearest_end < 1 else 0)
            # A share that is not 0 or 1 never reads "0%" or "100%" (five nines stay 99.999%).
            while decimals < 8 and round(value, decimals) in (0.0, 100.0):
                decimals += 1
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def percent_pair(value: float, target: float) -> tuple[str, str]:
    """A value and the target it is compared with, each with enough decimals that they read
    differently whenever they differ: 99.8% against 99.9%, 99.95% against 99.9%.

    Each gets the decimals `percent` would give it, and both get more until the two texts
    differ in the same direction as the numbers (trailing zeros are dropped). Pure, for
    the web layer's tables, hover text and what-if too.
    """
    value, target = float(value), float(target)
    value_decimals, target_decimals = _percent_decimals(value), _percent_decimals(target)
    while value != target and max(value_decimals, target_decimals) < 6:
        shown_value = round(100 * value, value_decimals)
        shown_target = round(100 * target, target_decimals)
        # Same order as the numbers themselves, never equal when they differ.
        if shown_value != shown_target and (shown_value < shown_target) == (value < target):
            break
        value_decimals = target_decimals = max(value_decimals, target_decimals) + 1
    return percent(value, value_decimals), percent(target, target_decimals)


def percent_against(value: float, target: float) -> str:
    """The value as `percent_pair` writes it beside the target."""
    return percent_pair(value, target)[0]


def _percent_decimals(share: float) -> int:
    text = percent(share)[:-1]
    return len(text.split(".")[1]) if "." in text else 0


def points(share: float) -> str:
    """A difference of balanced accuracy or accuracy in percentage points."""
    value = round(100 * abs(float(share)))
    return f"{value} point" + ("" if value == 1 else "s")


def chance(probability: float) -> str:
    """'1 in 4', '4 in 5', 'less than 1 in 100', 'almost certain'."""
    probability = float(probability)
    if probability >= 0.995:
        return "more than 99 in 100"
    if probability < 0.01:
        return "less than 1 in 100"
    for denominator in CHANCE_DENOMINATORS:
        numerator = round(probability * denominator)
        if 1 <= numerator < denominator and abs(numerator / denominator - probability) <= 0.025:
            return f"{numerator} in {denominator}"
    return f"{round(probability * 100)} in 100"


def chance_of(probability: float) -> str:
    """'a 1 in 4 chance', 'an 8 in 10 chance', 'less than a 1 in 100 chance'."""
    text = chance(probability)
    if text.startswith(("less than", "more than")):
        # A Monte Carlo estimate never proves 0 or 1: say how close, not "no chance".
        return text.replace(" than ", " than a ") + " chance"
    article = "an" if text.split()[0] in ("8", "11", "18", "80") else "a"
    return f"{article} {text} chance"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def count(value: float) -> str:
    value = float(value)
    if value >= 1e6:
        return f"{_trim(_significant(value, 2) / 1e6)} million"
    if value >= 1000:
        return f"{_significant(value, 2):,.0f}"
    return f"{round(value):,}"


def times(ratio: float) -> str:
    return f"{_trim(round(float(ratio), 1))}×"


def _significant(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    magnitude = math.floor(math.log10(abs(value)))
    factor = 10 ** (magnitude - digits + 1)
    return round(value / factor) * factor


def _trim(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
