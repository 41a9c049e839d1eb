"""Plotly figures of an engine result: one function per chart, each a plain dict.

Every function returns `{"key", "title", "alt", "data", "layout"}`: `title` is the plain-words
heading the page shows above the chart, `alt` the text alternative screen readers get instead
of the picture, and `data`/`layout` go to `Plotly.react` unchanged (static/js/charts.js). No
Plotly import: the figures are JSON, built and tested without a browser.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from projects.presenters import METRIC_WORDS, money, percent, score, weeks

logger = logging.getLogger(__name__)

# One palette for every chart, taken from static/css/riskboard.css.
INK = "#1b2330"
INK_SOFT = "#3b4656"
MUTED = "#5f6b7a"
GRID = "#edf0f4"
LINE = "#dfe3ea"
ACCENT = "#1f3a8a"
ACCENT_BAND = "rgba(31, 58, 138, 0.16)"
COMPARE = "#8a96a8"
COMPARE_BAND = "rgba(138, 150, 168, 0.20)"
GOOD = "#17704a"
POOR = "#a8261d"
FAIR = "#8a5a00"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

PHASES = (
    ("data_preparation", "Data preparation"),
    ("modeling", "Modeling"),
    ("deployment", "Deployment"),
    ("integration", "Integration"),
    ("governance", "Governance"),
)
DRIVER_OUTPUTS = (
    ("cost_usd", "What moves the cost"),
    ("duration_weeks", "What moves the schedule"),
    ("production_metric", "What moves production {metric}"),
)
TOP_DRIVERS = 6
DISTRIBUTION_BINS = 24
# Likelihood bands of the engine's 5×5 risk matrix (docs/model.md, Risks).
LIKELIHOOD_BANDS = (0.1, 0.3, 0.5, 0.7)
LIKELIHOOD_WORDS = ("<10%", "10–30%", "30–50%", "50–70%", "≥70%")
CONSEQUENCE_WORDS = ("Minor", "Moderate", "Serious", "Major", "Severe")
SEVERITY_COLOURS = (
    (5, "#eef1f5"),  # low: product under 5
    (10, "#fdf1d8"),  # medium: 5–9
    (20, "#f8d3ce"),  # high: 10–16
    (26, "#e9a49c"),  # critical: 20 and over
)


# Shared layout --------------------------------------------------------------------------------


def _layout(**overrides: Any) -> dict:
    """The look every chart shares: system font, quiet grid, no Plotly title, tight margins."""
    layout = {
        "font": {"family": FONT, "size": 13, "color": INK_SOFT},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "height": 300,
        "showlegend": False,
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT, "size": 13}},
        "xaxis": _axis(),
        "yaxis": _axis(),
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _axis(**overrides: Any) -> dict:
    axis = {
        "gridcolor": GRID,
        "linecolor": LINE,
        "zeroline": False,
        "automargin": True,
        "fixedrange": True,
        "tickfont": {"size": 12, "color": MUTED},
        "title": {"font": {"size": 12, "color": MUTED}},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(axis.get(key), dict):
            axis[key] = {**axis[key], **value}
        else:
            axis[key] = value
    return axis


def _legend() -> dict:
    return {
        "orientation": "h",
        "x": 0,
        "y": 1.02,
        "xanchor": "left",
        "yanchor": "bottom",
        "font": {"size": 12},
    }


def _figure(key: str, title: str, alt: str, data: list, layout: dict, note: str = "") -> dict:
    """`note`: a sentence the page shows under the title, where it wraps on small screens."""
    return {"key": key, "title": title, "note": note, "alt": alt, "data": data, "layout": layout}


def _vertical_line(x: float, colour: str = INK, dash: str = "dash") -> dict:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": colour, "width": 1.5, "dash": dash},
    }


def _horizontal_line(y: float, colour: str = INK, dash: str = "dash") -> dict:
    return {
        "type": "line",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": y,
        "y1": y,
        "line": {"color": colour, "width": 1.5, "dash": dash},
    }


def _target_line(target: float | None) -> tuple[list[dict], list[dict]]:
    """The dashed target line across a score chart, labelled at the right (none without one)."""
    if target is None:
        return [], []
    label = _note(
        f"Target {score(target)}",
        1.0,
        target * 100,
        xref="paper",
        xanchor="right",
        yanchor="bottom",
        font={"size": 12, "color": POOR},
    )
    return [_horizontal_line(target * 100, POOR)], [label]


def _note(text: str, x: float, y: float, **options: Any) -> dict:
    note = {
        "text": text,
        "x": x,
        "y": y,
        "showarrow": False,
        "font": {"size": 12, "color": INK},
        "bgcolor": "rgba(255,255,255,0.85)",
    }
    note.update(options)
    return note


def _line_label(text: str, x: float, low: float, high: float, scale: float = 1.0) -> dict:
    """A short label above the plot at a vertical line, on the side of the line with room."""
    left_half = x <= (low + high) / 2 * scale
    return _note(
        text,
        x,
        1.0,
        yref="paper",
        yanchor="bottom",
        xanchor="left" if left_half else "right",
        xshift=4 if left_half else -4,
        yshift=2,
    )


def _finite(values: list) -> list[float]:
    return [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]


def metric_name(result: dict) -> str:
    inputs = result.get("inputs") or {}
    return METRIC_WORDS.get(inputs.get("target_metric"), "accuracy")


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
) -> dict:
    quantiles = result["curves"]["quantiles"]
    values = result["curves"][curve_key]
    data = []
    if compare is not None:
        data.append(
            _s_trace(compare["curves"][curve_key], quantiles, "Saved estimate", COMPARE, hover)
        )
    data.append(
        _s_trace(values, quantiles, "What if" if compare is not None else "Chance", ACCENT, hover)
    )
    shapes, annotations = [], []
    # The last scenarios stretch far: show up to the 98th percentile (and the line).
    low, high = min(values), _at(values, quantiles, 0.98)
    if compare is not None:
        high = max(high, _at(compare["curves"][curve_key], quantiles, 0.98))
    if limit is not None:
        low, high = min(low, limit), max(high, limit)
        shapes.append(_vertical_line(limit))
        # Above the plot at the line, on the side with room; the full sentence is the note.
        annotations.append(
            _line_label(f"{limit_words} {value_text(limit)}: {percent(chance)}", limit, low, high)
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
    layout = _layout(
        xaxis=_axis(
            title={"text": axis_title},
            range=[max(0.0, low - padding), high + padding],
            tickprefix=tick_prefix,
        ),
        yaxis=_axis(
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
    return _figure(key, title, alt, data, layout, note)


def _s_trace(values: list, quantiles: list, name: str, colour: str, hover: str) -> dict:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": values,
        "y": quantiles,
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
        axis_title="Total cost (USD)",
        value_text=money,
        limit_words="Budget",
        chance_words="chance of staying within it",
        compare=compare,
        hover="%{y:.0%} chance of $%{x:,.3s} or less",
        tick_prefix="$",
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
        hover="%{y:.0%} chance of %{x:.0f} weeks or less",
    )


# The production metric ------------------------------------------------------------------------


def _cdf_at(points: list[float], values: list[float], quantiles: list[float]) -> list[float]:
    """The share of scenarios at or below each point, read off the quantile curve."""
    shares = []
    for point in points:
        if point <= values[0]:
            shares.append(0.0 if point < values[0] else quantiles[0])
            continue
        if point >= values[-1]:
            shares.append(1.0)
            continue
        share = 1.0
        for index in range(1, len(values)):
            if values[index] >= point:
                below, above = values[index - 1], values[index]
                weight = (point - below) / (above - below) if above > below else 1.0
                share = quantiles[index - 1] + weight * (quantiles[index] - quantiles[index - 1])
                break
        shares.append(share)
    return shares


def metric_distribution(result: dict) -> dict:
    """How the production metric at launch spreads over the scenarios, with the target line."""
    metric = metric_name(result)
    target = (result.get("inputs") or {}).get("target_value")
    chance = result["probability"].get("meets_target")
    quantiles = result["curves"]["quantiles"]
    values = result["curves"]["production_metric"]
    low, high = values[0], values[-1]
    if high - low < 1e-4:
        # Every scenario lands on (nearly) the same value: one bar, a point wide.
        low, high = low - 0.005, high + 0.005
    width = (high - low) / DISTRIBUTION_BINS
    edges = [low + width * index for index in range(DISTRIBUTION_BINS + 1)]
    shares = _cdf_at(edges, values, quantiles)
    masses = [max(0.0, shares[i + 1] - shares[i]) for i in range(DISTRIBUTION_BINS)]
    if values[-1] - values[0] < 1e-4:
        masses = [0.0] * DISTRIBUTION_BINS
        masses[DISTRIBUTION_BINS // 2] = 1.0
    centres = [(edges[i] + edges[i + 1]) / 2 for i in range(DISTRIBUTION_BINS)]
    colours = [GOOD if target is not None and centre >= target else ACCENT for centre in centres]
    data = [
        {
            "type": "bar",
            "x": [centre * 100 for centre in centres],
            "y": masses,
            "width": width * 100 * 0.92,
            "marker": {"color": colours, "opacity": 0.85},
            "name": f"Production {metric}",
            "hovertemplate": "%{y:.0%} of scenarios near %{x:.1f}%<extra></extra>",
        }
    ]
    shapes, annotations = [], []
    if target is not None:
        shapes.append(_vertical_line(target * 100))
        shown = (min(low, target), max(high, target))
        annotations.append(
            _line_label(f"Target {score(target)}: {percent(chance)}", target * 100, *shown, 100)
        )
    shown_low = min(low, target) if target is not None else low
    shown_high = max(high, target) if target is not None else high
    padding = (shown_high - shown_low) * 0.05
    layout = _layout(
        xaxis=_axis(
            title={"text": f"Production {metric} at launch (%)"},
            range=[(shown_low - padding) * 100, (shown_high + padding) * 100],
            ticksuffix="%",
        ),
        yaxis=_axis(title={"text": "Share of scenarios"}, tickformat=".0%", rangemode="tozero"),
        bargap=0,
        margin={"t": 32},
        shapes=shapes,
        annotations=annotations,
    )
    title = f"How {metric} on real traffic could turn out at launch"
    stats = result.get("production_metric") or {}
    alt = (
        f"{title}. Bar chart of the simulated scenarios: 1 in 10 below "
        f"{score(stats.get('p10'))}, half below {score(stats.get('p50'))}, 9 in 10 below "
        f"{score(stats.get('p90'))}."
    )
    if target is not None:
        alt += f" The target of {score(target)} is reached in {percent(chance)} of scenarios."
    note = (
        f"Target {score(target)}: {percent(chance)} chance of reaching it. Green bars reach it."
        if target is not None
        else ""
    )
    return _figure("metric", title, alt, data, layout, note)


def test_versus_production(result: dict) -> dict:
    """The team's test-set score beside production at launch and over the first year."""
    metric = metric_name(result)
    target = (result.get("inputs") or {}).get("target_value")
    offline = result["offline_score"]
    launch = result.get("production_metric") or result[f"production_{metric}"]
    year = _first_year(result, metric)
    bars = [
        ("Test set", offline, COMPARE),
        ("At launch", launch, ACCENT),
        ("First year", year, ACCENT),
    ]
    data = [
        {
            "type": "bar",
            "x": [label for label, _, _ in bars],
            "y": [stats["p50"] * 100 for _, stats, _ in bars],
            "marker": {"color": [colour for _, _, colour in bars]},
            "width": 0.55,
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": [max(0.0, (s["p90"] - s["p50"]) * 100) for _, s, _ in bars],
                "arrayminus": [max(0.0, (s["p50"] - s["p10"]) * 100) for _, s, _ in bars],
                "color": INK_SOFT,
                "thickness": 1.5,
                "width": 6,
            },
            "text": [score(stats["p50"]) for _, stats, _ in bars],
            "textposition": "inside",
            "textangle": 0,
            "insidetextanchor": "start",
            "textfont": {"color": "#fff", "size": 13},
            "customdata": [[score(s["p10"]), score(s["p90"])] for _, s, _ in bars],
            "hovertemplate": "%{x}<br>Most likely %{text}; 1 in 10 below %{customdata[0]}, "
            "1 in 10 above %{customdata[1]}<extra></extra>",
        }
    ]
    shapes, annotations = _target_line(target)
    layout = _layout(
        yaxis=_axis(title={"text": "Score (%)"}, range=[0, 105], ticksuffix="%"),
        xaxis=_axis(tickfont={"size": 12, "color": INK_SOFT}, tickangle=0),
        shapes=shapes,
        annotations=annotations,
        margin={"t": 16, "b": 64},
    )
    title = "The test set against real traffic"
    gap = (offline["p50"] - launch["p50"]) * 100
    alt = (
        f"{title}. Most likely scores: {score(offline['p50'])} balanced accuracy on the team's "
        f"test set, {score(launch['p50'])} {metric} in production at launch, and "
        f"{score(year['p50'])} {metric} on average over the first 12 months"
    )
    direction = "lower" if gap >= 0 else "higher"
    alt += f" ({abs(round(gap))} points {direction} at launch than on the test set)."
    if target is not None:
        alt += f" The target is {score(target)}."
    note = (
        f"Most likely score, with 8 in 10 scenarios within the whiskers: balanced accuracy on "
        f"the team's test set, then {metric} in production at launch and averaged over the "
        "first 12 months."
    )
    return _figure("test-vs-production", title, alt, data, layout, note)


def _first_year(result: dict, metric: str) -> dict:
    """The 12-month average of the metric: the engine's own figure for accuracy; for recall and
    precision the average of the monthly 10/50/90% bands (with the chosen retraining)."""
    if metric == "accuracy" and result.get("production_accuracy_12m"):
        return result["production_accuracy_12m"]
    monthly = (result.get("production_by_month") or {}).get("with_retraining") or {}
    if not monthly:
        return result.get("production_metric") or result[f"production_{metric}"]
    return {key: sum(monthly[key][:12]) / len(monthly[key][:12]) for key in ("p10", "p50", "p90")}


def by_month(result: dict, compare: dict | None = None) -> dict:
    """The production metric month by month for two years, with and without retraining."""
    months_data = result["production_by_month"]
    metric = METRIC_WORDS.get(months_data.get("metric"), metric_name(result))
    months = months_data["months"]
    cadence = months_data.get("retrain_every_months") or 0
    target = (result.get("inputs") or {}).get("target_value")
    series = []
    if cadence:
        series.append(("without_retraining", "Never retrained", COMPARE, COMPARE_BAND, "dot"))
        every = "every month" if cadence == 1 else f"every {cadence} months"
        series.append(("with_retraining", f"Retrained {every}", ACCENT, ACCENT_BAND, "solid"))
    else:
        series.append(("without_retraining", "No retraining planned", ACCENT, ACCENT_BAND, "solid"))
    data = []
    for key, name, colour, band, dash in series:
        band_values = months_data[key]
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": months,
                "y": [v * 100 for v in band_values["p90"]],
                "line": {"width": 0, "shape": "hv"},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": key,
                "name": f"{name}: 9 in 10 below",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": months,
                "y": [v * 100 for v in band_values["p10"]],
                "fill": "tonexty",
                "fillcolor": band,
                "line": {"width": 0, "shape": "hv"},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": key,
                "name": f"{name}: 1 in 10 below",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": months,
                "y": [v * 100 for v in band_values["p50"]],
                "line": {"color": colour, "width": 2.5, "dash": dash, "shape": "hv"},
                "name": name,
                "legendgroup": key,
                "hovertemplate": f"Month %{{x}}: most likely %{{y:.1f}}% {metric}"
                f"<extra>{name}</extra>",
            }
        )
    shapes, annotations = _target_line(target)
    every_values = [
        v for key, *_ in series for band in ("p10", "p90") for v in months_data[key][band]
    ]
    if target is not None:
        every_values.append(target)
    low, high = min(_finite(every_values)) * 100, max(_finite(every_values)) * 100
    padding = max((high - low) * 0.1, 1.0)
    layout = _layout(
        xaxis=_axis(title={"text": "Months after launch"}, dtick=3, range=[0.5, months[-1] + 0.5]),
        yaxis=_axis(
            title={"text": f"Production {metric} (%)"},
            range=[max(0.0, low - padding), min(100.0, high + padding)],
            ticksuffix="%",
        ),
        showlegend=True,
        legend=_legend(),
        shapes=shapes,
        annotations=annotations,
        margin={"t": 40},
    )
    title = f"Production {metric} month by month over the first two years"
    last = len(months) - 1
    parts = [
        f"{name}: most likely {score(months_data[key]['p50'][0])} in month 1 and "
        f"{score(months_data[key]['p50'][last])} in month {months[last]}"
        for key, name, *_ in reversed(series)
    ]
    alt = f"{title}. " + "; ".join(parts) + ". Shaded bands hold 8 in 10 scenarios."
    del compare  # the band chart compares retraining plans already
    return _figure("by-month", title, alt, data, layout)


# Effort, drivers, levers ----------------------------------------------------------------------


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
    layout = _layout(
        xaxis=_axis(
            title={"text": "Share of the effort"},
            tickformat=".0%",
            range=[0, min(1.0, max(share for _, share in rows) * 1.25 + 0.02)],
        ),
        yaxis=_axis(autorange="reversed", gridcolor="rgba(0,0,0,0)"),
        height=240,
        margin={"l": 120, "r": 24, "t": 8, "b": 44},
    )
    title = "Where the effort goes"
    alt = f"{title}, as a share of person-weeks: " + ", ".join(
        f"{label.lower()} {percent(share)}" for label, share in rows
    )
    return _figure("phases", title, alt + ".", data, layout)


def drivers_tornado(result: dict, output: str) -> dict | None:
    """The uncertainties that move one outcome most, as a tornado: longest bar on top."""
    rows = (result.get("drivers") or {}).get(output) or []
    if not rows:
        return None
    rows = sorted(rows[:TOP_DRIVERS], key=lambda row: -abs(row["correlation"]))
    metric = metric_name(result)
    title = dict(DRIVER_OUTPUTS)[output].format(metric=metric)
    noun = {"cost_usd": "cost", "duration_weeks": "weeks", "production_metric": metric}[output]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [row["label"] for row in rows],
            "x": [row["correlation"] for row in rows],
            "marker": {"color": [POOR if row["correlation"] > 0 else GOOD for row in rows]}
            if output != "production_metric"
            else {"color": [GOOD if row["correlation"] > 0 else POOR for row in rows]},
            "customdata": [
                f"more of it raises {noun}"
                if row["correlation"] > 0
                else f"more of it lowers {noun}"
                for row in rows
            ],
            "hovertemplate": "%{y}: %{customdata} (rank correlation %{x:.2f})<extra></extra>",
        }
    ]
    layout = _layout(
        xaxis=_axis(
            title={"text": f"Lowers {noun}  ←  strength  →  raises {noun}"},
            range=[-1, 1],
            dtick=0.5,
            zeroline=True,
            zerolinecolor=MUTED,
        ),
        yaxis=_axis(autorange="reversed", gridcolor="rgba(0,0,0,0)"),
        height=64 + 30 * len(rows),
        margin={"l": 220, "r": 16, "t": 8, "b": 44},
    )
    alt = f"{title}, strongest first: " + "; ".join(
        f"{row['label']} ({'raises' if row['correlation'] > 0 else 'lowers'} {noun}, "
        f"strength {abs(row['correlation']):.2f})"
        for row in rows
    )
    return _figure(f"drivers-{output.replace('_', '-')}", title, alt + ".", data, layout)


def levers(result: dict) -> dict | None:
    """The levers, ranked by how much each raises the chance of meeting all three targets."""
    rows = result.get("levers") or []
    if not rows:
        return None
    rows = sorted(rows, key=lambda row: -(row.get("delta") or {}).get("all_targets", 0.0))
    names = [row.get("label", row.get("key", "")) for row in rows]
    series = (
        ("all_targets", "All three", ACCENT),
        ("by_deadline", "Deadline", "#6f8fd8"),
        ("within_budget", "Budget", "#9fb3e3"),
        ("meets_target", "Target", COMPARE),
    )
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": [(row.get("delta") or {}).get(key, 0.0) * 100 for row in rows],
            "name": name,
            "marker": {"color": colour},
            "hovertemplate": "%{y}<br>" + name + ": %{x:+.0f} points<extra></extra>",
        }
        for key, name, colour in series
    ]
    gains = [abs(trace_value) for trace in data for trace_value in trace["x"]]
    reach = max(gains + [5.0]) * 1.1
    layout = _layout(
        barmode="group",
        bargap=0.25,
        bargroupgap=0.05,
        xaxis=_axis(
            title={"text": "Change in the chance (percentage points)"},
            range=[-reach if min(min(t["x"]) for t in data) < 0 else -reach * 0.05, reach],
            zeroline=True,
            zerolinecolor=MUTED,
            ticksuffix="",
        ),
        yaxis=_axis(autorange="reversed", gridcolor="rgba(0,0,0,0)"),
        showlegend=True,
        legend=_legend(),
        height=90 + 56 * len(rows),
        margin={"l": 220, "r": 16, "t": 40, "b": 44},
    )
    title = "Levers ranked by gain in the chance of meeting all three targets"
    best = rows[0]
    best_gain = (best.get("delta") or {}).get("all_targets", 0.0)
    alt = f"{title}. " + "; ".join(
        f"{name}: all three {_points((row.get('delta') or {}).get('all_targets', 0.0))}, "
        f"deadline {_points((row.get('delta') or {}).get('by_deadline', 0.0))}, "
        f"budget {_points((row.get('delta') or {}).get('within_budget', 0.0))}, "
        f"target {_points((row.get('delta') or {}).get('meets_target', 0.0))}"
        for name, row in zip(names, rows, strict=True)
    )
    if abs(best_gain) < 0.005:
        alt += ". No single lever changes the chance of meeting all three targets."
    return _figure("levers", title, alt + ".", data, layout)


def _points(delta: float) -> str:
    points = round(delta * 100)
    return "no change" if points == 0 else f"{points:+d} points"


# Risks ----------------------------------------------------------------------------------------


def likelihood_band(likelihood: float) -> int:
    """1 to 5, as the engine bands likelihood in its risk matrix."""
    return 1 + sum(likelihood >= edge for edge in LIKELIHOOD_BANDS)


def _severity_colour(product: int) -> str:
    for below, colour in SEVERITY_COLOURS:
        if product < below:
            return colour
    return SEVERITY_COLOURS[-1][1]


def risk_matrix(result: dict) -> dict | None:
    """The risks on a 5×5 grid of likelihood against consequence, numbered as in the register."""
    risks = result.get("risks") or []
    if not risks:
        return None
    cells = [[_severity_colour(x * y) for x in range(1, 6)] for y in range(1, 6)]
    # A heatmap needs numbers: each cell's colour is looked up by its severity product.
    colours = sorted({colour for row in cells for colour in row})
    data = [
        {
            "type": "heatmap",
            "x": list(range(1, 6)),
            "y": list(range(1, 6)),
            "z": [[colours.index(colour) for colour in row] for row in cells],
            "colorscale": [
                [index / max(1, len(colours) - 1), colour] for index, colour in enumerate(colours)
            ],
            "showscale": False,
            "hoverinfo": "skip",
            "xgap": 3,
            "ygap": 3,
        }
    ]
    placed: dict[tuple[int, int], int] = {}
    xs, ys, numbers, titles = [], [], [], []
    for number, risk in enumerate(risks, start=1):
        column = likelihood_band(float(risk.get("likelihood", 0.0)))
        row = int(risk.get("consequence") or 1)
        row = max(1, min(5, row))
        count = placed.get((column, row), 0)
        placed[(column, row)] = count + 1
        # Up to six risks share a cell in two rows of three.
        xs.append(column - 0.26 + 0.26 * (count % 3))
        ys.append(row + 0.2 - 0.4 * ((count // 3) % 2))
        numbers.append(str(number))
        titles.append(
            f"{number}. {risk.get('title', risk.get('key', ''))}<br>"
            f"Likelihood {percent(risk.get('likelihood'))}; severity {risk.get('severity', '')}"
        )
    data.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": xs,
            "y": ys,
            "text": numbers,
            "textfont": {"color": "#fff", "size": 10},
            "marker": {"size": 21, "color": INK, "line": {"color": "#fff", "width": 1}},
            "hovertext": titles,
            "hoverinfo": "text",
        }
    )
    layout = _layout(
        xaxis=_axis(
            title={"text": "Likelihood"},
            tickangle=0,
            tickvals=list(range(1, 6)),
            ticktext=list(LIKELIHOOD_WORDS),
            range=[0.5, 5.5],
            showgrid=False,
        ),
        yaxis=_axis(
            title={"text": "Consequence"},
            tickvals=list(range(1, 6)),
            ticktext=list(CONSEQUENCE_WORDS),
            range=[0.5, 5.5],
            showgrid=False,
        ),
        height=340,
        margin={"l": 80, "r": 8, "t": 8, "b": 48},
    )
    title = "Risk matrix: how likely against how bad"
    alt = f"{title}. " + "; ".join(
        f"risk {number}, {risk.get('title', '')}: likelihood {percent(risk.get('likelihood'))}, "
        f"consequence {int(risk.get('consequence') or 1)} of 5, {risk.get('severity', '')}"
        for number, risk in enumerate(risks, start=1)
    )
    return _figure("risk-matrix", title, alt + ".", data, layout)


# All of a report ------------------------------------------------------------------------------


def report_figures(result: dict) -> dict[str, dict]:
    """Every chart of the report, by place on the page; charts with nothing to show are left out.

    `outcomes`: the S-curves, the metric's spread, test set against production, the months
    after launch and the effort by phase. `risks`, `drivers` and `levers` sit with the
    register, the drivers and the levers."""
    drivers = [drivers_tornado(result, output) for output, _ in DRIVER_OUTPUTS]
    return {
        "outcomes": [
            cost_curve(result),
            duration_curve(result),
            metric_distribution(result),
            test_versus_production(result),
            by_month(result),
            phases(result),
        ],
        "risks": [figure for figure in [risk_matrix(result)] if figure],
        "drivers": [figure for figure in drivers if figure],
        "levers": [figure for figure in [levers(result)] if figure],
    }


def figures_or_none(result: dict | None) -> dict | None:
    """The report's charts, or None when the result cannot be drawn (an old engine's, say)."""
    if not result:
        return None
    try:
        return report_figures(result)
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError):
        logger.exception("Charts of a result could not be drawn")
        return None


def whatif_figures(result: dict, saved: dict) -> list[dict]:
    """The what-if's charts: its S-curves against the saved estimate's, and its months."""
    return [
        cost_curve(result, compare=saved),
        duration_curve(result, compare=saved),
        metric_distribution(result),
        by_month(result),
    ]
