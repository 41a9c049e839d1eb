"""Hypothesis strategies built from the engine's own input metadata (`projects.engine.INPUTS`).

Valid inputs respect every range, exclusive bound, nullability and the cross-field rules
(achievable_score above baseline_score, a non-empty team). Invalid values break exactly one key.
"""

from __future__ import annotations

import math
import string

from hypothesis import strategies as st

from projects.engine import INPUTS, INPUTS_BY_KEY

TEAM_KEYS = ("senior_ml", "junior_ml", "data_engineers", "open_positions")
SIZING_KEYS = ("model_parameters", "training_tokens")


def _number(spec, *, floor: float | None = None) -> st.SearchStrategy:
    low = spec.minimum if floor is None else max(spec.minimum, floor)
    exclude_low = spec.min_exclusive and floor is None
    floats = st.floats(
        min_value=low,
        max_value=spec.maximum,
        exclude_min=exclude_low,
        exclude_max=spec.max_exclusive,
        allow_nan=False,
        allow_infinity=False,
    )
    whole_low = math.floor(low) + 1 if exclude_low or low != math.floor(low) else int(low)
    whole_high = math.ceil(spec.maximum) - 1 if spec.max_exclusive else math.floor(spec.maximum)
    if whole_low > whole_high:
        return floats
    return floats | st.integers(whole_low, whole_high)


def _integer(spec) -> st.SearchStrategy:
    low = int(spec.minimum)
    high = int(spec.maximum) if spec.maximum is not None else 2**63 - 1
    whole = st.integers(low, high)
    # JSON has one number type: 3.0 for an integer key is accepted as 3.
    return whole | whole.filter(lambda n: abs(n) < 2**52).map(float)


@st.composite
def pilot_curves(draw, *, plausible: bool = True) -> list[dict]:
    """Pilot points in any order; plausible ones score no worse with more examples.

    (An erratic curve may be refused as unfittable: see test_properties.py.)
    """
    counts = draw(st.lists(st.integers(1, 10**9), min_size=3, max_size=8, unique=True))
    scores = st.floats(min_value=0, max_value=1, exclude_min=True, allow_nan=False)
    drawn = [draw(scores) for _ in counts]
    if plausible:
        counts, drawn = sorted(counts), sorted(drawn)
    points = [
        {"examples": count, "score": score} for count, score in zip(counts, drawn, strict=True)
    ]
    # Repeated example counts are fine as long as three are different.
    points += draw(st.lists(st.sampled_from(points), max_size=2))
    return draw(st.permutations(points))


TEXT_ALPHABET = string.ascii_letters + string.digits + " -'éü"


def value_for(spec) -> st.SearchStrategy:
    """Any valid value for one input."""
    if spec.kind == "choice":
        base = st.sampled_from(spec.choice_values)
    elif spec.kind == "bool":
        base = st.booleans()
    elif spec.kind == "number":
        base = _number(spec)
    elif spec.kind == "integer":
        base = _integer(spec)
    elif spec.kind == "text":
        base = st.text(TEXT_ALPHABET, min_size=1, max_size=spec.extra["max_length"]).filter(
            lambda text: text.strip()
        )
    elif spec.kind == "curve":
        base = pilot_curves()
    else:  # pragma: no cover - a new kind must get a strategy here
        raise AssertionError(f"no strategy for kind {spec.kind!r} of {spec.key}")
    return st.none() | base if spec.nullable else base


@st.composite
def valid_inputs(draw, *, trials: int = 1000) -> dict:
    """A valid input dict: any subset of keys, any valid values, trials fixed for speed."""
    chosen = draw(
        st.fixed_dictionaries(
            {}, optional={spec.key: value_for(spec) for spec in INPUTS if spec.key != "trials"}
        )
    )
    chosen["trials"] = trials
    value = {**{spec.key: spec.default for spec in INPUTS}, **chosen}
    if value["achievable_score"] <= value["baseline_score"]:
        chosen["achievable_score"] = draw(
            st.floats(min_value=value["baseline_score"], max_value=1.0, exclude_min=True)
        )
    if sum(value[key] for key in TEAM_KEYS) == 0:
        chosen[draw(st.sampled_from(TEAM_KEYS))] = draw(st.integers(1, 30))
    sizing = [value[key] is None for key in SIZING_KEYS]
    if any(sizing) and not all(sizing):  # compute is sized from both keys or neither
        missing = SIZING_KEYS[sizing.index(True)]
        chosen[missing] = draw(value_for(INPUTS_BY_KEY[missing]).filter(lambda v: v is not None))
    return chosen


# --- invalid values -------------------------------------------------------------------------

NOT_NUMBERS = st.one_of(
    st.booleans(),
    st.text(max_size=8),
    st.sampled_from(["5", "0.5", "1e3", "NaN", "Infinity", ""]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])


def _out_of_range(spec) -> st.SearchStrategy:
    options = []
    low, high = spec.minimum, spec.maximum
    # Bounds such as 2**63 - 1 are not floats: start from the nearest float outside the range.
    below_edge, above_edge = float(low), float(high)
    below = st.floats(
        max_value=below_edge,
        exclude_max=below_edge == low and not spec.min_exclusive,
        allow_nan=False,
        allow_infinity=False,
    )
    above = st.floats(
        min_value=above_edge,
        exclude_min=above_edge == high and not spec.max_exclusive,
        allow_nan=False,
        allow_infinity=False,
    )
    options += [
        below.filter(lambda v: v < low or (v == low and spec.min_exclusive)),
        above.filter(lambda v: v > high or (v == high and spec.max_exclusive)),
    ]
    if spec.kind == "integer":
        options.append(st.integers(max_value=math.ceil(low) - 1))
        options.append(st.integers(min_value=math.floor(high) + 1))
    options.append(st.sampled_from([10**400, -(10**400)]))
    options.append(st.sampled_from([v for v in (1e308, -1e308) if not low <= v <= high]))
    return st.one_of(options)


def invalid_value_for(spec) -> st.SearchStrategy:
    """Values that must be rejected for this key, whatever the other keys hold."""
    options = []
    if not spec.nullable:
        options.append(st.none())
    if spec.kind in ("number", "integer"):
        options += [NOT_NUMBERS, NON_FINITE, _out_of_range(spec)]
        if spec.kind == "integer":
            fractions = st.floats(min_value=spec.minimum, max_value=min(spec.maximum, 1e15))
            options.append(fractions.map(lambda v: v + 0.5 if v.is_integer() else v))
    elif spec.kind == "bool":
        options += [
            st.integers(),
            st.floats(allow_nan=False),
            st.sampled_from(["true", "false", "yes", "1", "", "True"]),
            st.lists(st.booleans(), max_size=2),
        ]
    elif spec.kind == "choice":
        choices = spec.choice_values
        options += [
            st.text(max_size=12).filter(lambda text: text not in choices),
            st.sampled_from([c.upper() for c in choices] + [f" {c}" for c in choices]),
            st.integers(),
            st.booleans(),
            st.lists(st.sampled_from(choices), min_size=1, max_size=2),
        ]
    elif spec.kind == "text":
        longest = spec.extra["max_length"]
        options += [
            st.sampled_from(["", " ", "\t\n"]),
            st.text(TEXT_ALPHABET, min_size=longest + 1, max_size=longest + 20).filter(
                lambda text: len(text.strip()) > longest
            ),
            st.sampled_from(["fraud\x00", "a\nb", "tab\there", "bell\x07"]),
            st.integers(),
            st.booleans(),
            st.lists(st.text(max_size=3), max_size=2),
        ]
    elif spec.kind == "curve":
        options.append(bad_pilot_curves())
    return st.one_of(options)


GOOD_POINTS = [
    {"examples": 100, "score": 0.7},
    {"examples": 1000, "score": 0.8},
    {"examples": 10000, "score": 0.85},
]
BAD_EXAMPLES = [0, -5, 10**9 + 1, 1.5, True, "100", None, math.nan, math.inf, 1e308, 10**400]
BAD_SCORES = [0, 0.0, -0.1, 1.0000001, 2, True, "0.8", None, math.nan, math.inf, -math.inf]


@st.composite
def bad_pilot_curves(draw):
    kind = draw(st.sampled_from(["shape", "short", "point", "examples", "score", "repeats"]))
    if kind == "shape":
        return draw(
            st.one_of(
                st.text(max_size=5),
                st.integers(),
                st.booleans(),
                st.just({"examples": 100, "score": 0.5}),
            )
        )
    if kind == "short":
        return draw(st.lists(st.sampled_from(GOOD_POINTS), max_size=2))
    points = [dict(point) for point in GOOD_POINTS]
    index = draw(st.integers(0, 2))
    if kind == "point":
        points[index] = draw(
            st.one_of(
                st.just({"examples": 100}),
                st.just({"score": 0.5}),
                st.just({"examples": 100, "score": 0.5, "extra": 1}),
                st.just([100, 0.5]),
                st.integers(),
            )
        )
    elif kind == "examples":
        points[index]["examples"] = draw(st.sampled_from(BAD_EXAMPLES))
    elif kind == "score":
        points[index]["score"] = draw(st.sampled_from(BAD_SCORES))
    else:
        points = [GOOD_POINTS[0], GOOD_POINTS[1], dict(GOOD_POINTS[1], score=0.9)]
    return points


UNKNOWN_KEYS = st.text(string.ascii_lowercase + "_", min_size=1, max_size=20).filter(
    lambda key: key not in INPUTS_BY_KEY
)
