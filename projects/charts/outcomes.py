"""The report's cost and time in pictures: cost and weeks as "chance it stays under" curves
against the budget and the deadline, and where the effort goes. The what-if draws the curves
too, against the saved estimate. The quality charts are in `charts/quality.py`."""

from __future__ import annotations

from projects.charts import base
from projects.charts.base import ACCENT, COMPARE, INK
from projects.formatting import MAX_SHOWN_WEEKS, currency, currency_label, money, percent, weeks

PHASES = (
    ("data_preparation", "Data preparation"),
    ("modeling", "Modeling"),
    ("deployment", "Deployment"),
    ("integration", "Integration"),
    ("governance", "Governance"),
)


# S-curves -------------------------------------------------------------------------------------


def _s_curve(
    result: dict,
    *,
    key: str,
    curve_key: str,
    limit: float | None,
    chance: float | None,
    title: str,
    axis_title: str,
    value_text,
    limit_words: str,
    chance_words: str,
    compare: dict | None,
    hover: str,
    tick_prefix: str = "",
    axis_limit: float | None = None,
) -> dict:
    quantiles = result["curves"]["quantiles"]
    values = result["curves"][curve_key]
    data = []
    if compare is not None:
        saved = compare["curves"][curve_key]
        data.append(_s_trace(saved, quantiles, "Saved estimate", COMPARE, hover, value_text))
    name = "What if" if compare is not None else "Chance"
    data.append(_s_trace(values, quantiles, name, ACCENT, hover, value_text))
    shapes, annotations = [], []
    # The last scenarios stretch far: show up to the 98th percentile (and the line).
    low, high = min(values), _at(values, quantiles, 0.98)
    if compare is not None:
        high = max(high, _at(compare["curves"][curve_key], quantiles, 0.98))
    if axis_limit is not None:
        # An impossible plan's tail (20,000 weeks) would squash the curve into a step.
        high = min(high, axis_limit)
    if limit is not None:
        low, high = min(low, limit), max(high, limit)
        shapes.append(base.vertical_line(limit))
        # Above the plot at the line, on the side with room; the full sentence is the note.
        annotations.append(
            base.line_label(
                f"{limit_words} {value_text(limit)}: {percent(chance)}", limit, low, high
            )
        )
        if chance is not None:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [limit],
                    "y": [chance],
                    "name": limit_words,
                    "showlegend": False,
                    "marker": {"color": INK, "size": 9, "line": {"color": "#fff", "width": 2}},
                    "hovertemplate": f"{limit_words} {value_text(limit)}<br>"
                    f"{percent(chance)} {chance_words}<extra></extra>",
                }
            )
    padding = (high - low) * 0.04 or abs(high) * 0.05 or 1.0
    layout = base.layout(
        xaxis=base.axis(
            title={"text": axis_title},
            range=[max(0.0, low - padding), high + padding],
            tickprefix=tick_prefix,
        ),
        yaxis=base.axis(
            title={"text": "Chance of this or less"},
            range=[0, 1.04],
            tickformat=".0%",
            dtick=0.25,
        ),
        margin={"t": 32},
        shapes=shapes,
        annotations=annotations,
        showlegend=compare is not None,
        # The S-curve's lower right is empty: the legend goes there.
        legend={
            "x": 1,
            "y": 0.04,
            "xanchor": "right",
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0.9)",
            "font": {"size": 12},
        },
    )
    median = value_text(_at_half(values, quantiles))
    alt = (
        f"{title}. The curve rises from {value_text(min(values))} to {value_text(max(values))}; "
        f"half the scenarios end below {median}."
    )
    if limit is not None:
        alt += (
            f" At the {limit_words.lower()} of {value_text(limit)}: "
            f"{percent(chance)} {chance_words}."
        )
    if compare is not None:
        alt += (
            " The grey curve is the saved estimate, for comparison: half its scenarios end "
            f"below {value_text(_at_half(compare['curves'][curve_key], quantiles))}."
        )
    note = (
        f"{limit_words} {value_text(limit)}: {percent(chance)} {chance_words}."
        if limit is not None
        else ""
    )
    return base.figure(key, title, alt, data, layout, note)


def _s_trace(values: list, quantiles: list, name: str, colour: str, hover: str, value_text) -> dict:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": values,
        "y": quantiles,
        "customdata": [value_text(value) for value in values],
        "name": name,
        "line": {"color": colour, "width": 2.5, "shape": "spline", "smoothing": 0.3},
        "hovertemplate": hover + "<extra>" + (name if name != "Chance" else "") + "</extra>",
    }


def _at(values: list, quantiles: list, share: float) -> float:
    """The value with `share` of the scenarios below it, from the curve's quantiles."""
    for value, quantile in zip(values, quantiles, strict=False):
        if quantile >= share - 1e-9:
            return value
    return values[-1]


def _at_half(values: list, quantiles: list) -> float:
    return _at(values, quantiles, 0.5)


def cost_curve(result: dict, compare: dict | None = None) -> dict:
    """S-curve of the total cost, with the budget line and the chance of staying within it."""
    budget = (result.get("inputs") or {}).get("budget_usd")
    chance = result["probability"].get("within_budget")
    return _s_curve(
        result,
        key="cost",
        curve_key="cost_usd",
        limit=budget,
        chance=chance,
        title="Chance the cost stays under each amount",
        axis_title=f"Total cost ({currency_label()})",
        value_text=money,
        limit_words="Budget",
        chance_words="chance of staying within it",
        compare=compare,
        hover=f"%{{y:.0%}} chance of {currency()}%{{x:,.3s}} or less",
        tick_prefix=currency(),
    )


def duration_curve(result: dict, compare: dict | None = None) -> dict:
    """S-curve of the weeks to production, with the deadline and the chance of meeting it."""
    deadline = (result.get("inputs") or {}).get("deadline_weeks")
    return _s_curve(
        result,
        key="duration",
        curve_key="duration_weeks",
        limit=deadline,
        chance=result["probability"].get("by_deadline"),
        title="Chance of being live within each number of weeks",
        axis_title="Weeks to production",
        value_text=weeks,
        limit_words="Deadline",
        chance_words="chance of meeting it",
        compare=compare,
        hover="%{y:.0%} chance of %{customdata} or less",
        axis_limit=MAX_SHOWN_WEEKS,
    )


# Effort ---------------------------------------------------------------------------------------


def phases(result: dict) -> dict:
    """Where the effort goes: the share of person-weeks by phase."""
    shares = result["phase_share"]
    rows = [(label, shares.get(key, 0.0)) for key, label in PHASES]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [label for label, _ in rows],
            "x": [share for _, share in rows],
            "marker": {"color": ACCENT},
            "text": [percent(share) for _, share in rows],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": "%{y}: %{x:.0%} of the effort<extra></extra>",
        }
    ]
    layout = base.layout(
        xaxis=base.axis(
            title={"text": "Share of the effort"},
            tickformat=".0%",
            range=[0, min(1.0, max(share for _, share in rows) * 1.25 + 0.02)],
        ),
        yaxis=base.axis(autorange="reversed", gridcolor="rgba(0,0,0,0)"),
        height=240,
        margin={"l": 120, "r": 24, "t": 8, "b": 44},
    )
    title = "Where the effort goes"
    alt = f"{title}, as a share of person-weeks: " + ", ".join(
        f"{label.lower()} {percent(share)}" for label, share in rows
    )
    return base.figure("phases", title, alt + ".", data, layout)
