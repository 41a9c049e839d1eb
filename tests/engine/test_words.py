"""Numbers in words for people (projects.engine.words): money, shares, chances, weeks."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.engine import words

from .checks import significant_digits

FAST = settings(max_examples=200, deadline=None, database=None)
UNITS = {"": 1.0, "k": 1e3, "M": 1e6, "B": 1e9, " trillion": 1e12}


def _dollars(text: str) -> float:
    match = re.fullmatch(r"(-?)\$([\d,]+(?:\.\d+)?)([kMB]?| trillion)", text)
    assert match, text
    value = float(match.group(2).replace(",", "")) * UNITS[match.group(3)]
    return -value if match.group(1) else value


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "$0"),
        (480, "$480"),
        (4_800, "$4,800"),
        (4_849, "$4,800"),
        (52_000, "$52k"),
        (519_999, "$520k"),
        (1_200_000, "$1.2M"),
        (3_400_000_000, "$3.4B"),
        (-1_234, "-$1,200"),
    ],
)
def test_usd_rounds_to_two_significant_figures(amount, text):
    assert words.usd(amount) == text


@pytest.mark.parametrize("amount", [math.inf, -math.inf, math.nan])
def test_usd_of_a_non_finite_amount_is_words_not_a_number(amount):
    text = words.usd(amount)
    assert "inf" not in text.lower() and "nan" not in text.lower()
    assert not re.search(r"\d", text)


@FAST
@given(amount=st.floats(min_value=0.5, max_value=1e13))
def test_usd_is_close_and_short(amount):
    text = words.usd(amount)
    shown = _dollars(text)
    assert abs(shown - amount) <= 0.05 * amount + 0.5, (amount, text)
    assert significant_digits(re.sub(r"[^\d.,]", "", text)) <= 3, text


@pytest.mark.parametrize("amount", [999_999, 999_999_999])
def test_an_amount_that_rounds_up_is_written_in_the_next_unit(amount):
    assert words.usd(amount) == words.usd(10 ** round(math.log10(amount)))


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.5, "50%"),
        (0.123456, "12%"),
        (0.005, "0.5%"),
        (0.999, "99.9%"),
        (0.9999, "99.99%"),
        (0.9, "90%"),
        (0.0, "0%"),
        (1.0, "100%"),
    ],
)
def test_percent_shows_decimals_only_near_0_and_100(share, text):
    assert words.percent(share) == text


@FAST
@given(share=st.floats(min_value=0, max_value=1))
def test_percent_is_short_and_close(share):
    text = words.percent(share)
    # Two decimals at most, unless more are needed to keep a share off 0% and 100%.
    most = 2 if 1e-4 <= share <= 1 - 1e-4 or share in (0.0, 1.0) else 8
    match = re.fullmatch(r"(\d+)(?:\.(\d{1," + str(most) + r"}))?%", text)
    assert match, text
    decimals = len(match.group(2) or "")
    assert abs(float(text[:-1]) - 100 * share) <= 0.5 * 10**-decimals + 1e-9, (share, text)


@pytest.mark.parametrize("share", [1e-5, 0.99999])
def test_percent_never_rounds_a_share_to_0_or_100(share):
    assert words.percent(share) not in ("0%", "100%")


@pytest.mark.parametrize(
    ("probability", "text"),
    [
        (0.0, "less than 1 in 100"),
        (0.004, "less than 1 in 100"),
        (0.25, "1 in 4"),
        (0.5, "1 in 2"),
        (0.8, "4 in 5"),
        (0.99, "99 in 100"),
        (0.996, "more than 99 in 100"),
        (1.0, "more than 99 in 100"),
    ],
)
def test_chance_in_words(probability, text):
    assert words.chance(probability) == text


@FAST
@given(probability=st.floats(min_value=0.01, max_value=0.995, exclude_max=True))
def test_chance_is_a_close_simple_fraction(probability):
    text = words.chance(probability)
    match = re.fullmatch(r"(\d+) in (\d+)", text)
    assert match, (probability, text)
    numerator, denominator = int(match.group(1)), int(match.group(2))
    assert 1 <= numerator < denominator
    assert denominator in (2, 3, 4, 5, 10, 20, 100)
    assert abs(numerator / denominator - probability) <= 0.025 + 1e-12, (probability, text)


@FAST
@given(probability=st.floats(min_value=0, max_value=1))
def test_chance_of_uses_the_right_article(probability):
    text = words.chance_of(probability)
    assert text.endswith(" chance")
    number = re.search(r"\d+", text).group(0)
    if text.startswith(("less than", "more than")):
        return
    said_an = text.startswith("an ")
    # "an 8", "an 11", "an 18", "an 80-something"; "a" before every other number.
    assert said_an == (number.startswith("8") or number in ("11", "18")), text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.4, "1 week"),
        (1.2, "1 week"),
        (26.4, "26 weeks"),
        (104, "104 weeks"),
        (130, "2.5 years (130 weeks)"),
        (math.inf, "forever"),
    ],
)
def test_weeks_in_words(value, text):
    assert words.weeks(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(999, "999"), (284_807, "280,000"), (1_500_000, "1.5 million"), (0, "0")],
)
def test_counts_in_words(value, text):
    assert words.count(value) == text


@pytest.mark.parametrize(("ratio", "text"), [(2.0, "2×"), (3.46, "3.5×"), (1.04, "1×")])
def test_times_in_words(ratio, text):
    assert words.times(ratio) == text


def test_person_weeks_are_rounded():
    assert words.person_weeks(0.7) == "about 1 person-week"
    assert words.person_weeks(123.4) == "about 120 person-weeks"
