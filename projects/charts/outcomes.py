"""The report's outcomes in pictures: cost and weeks as "chance it stays under" curves against
the budget and the deadline, the production metric's spread at launch, the test set against
real traffic, the months after launch, and where the effort goes. The what-if draws the curves
and the months too, against the saved estimate."""

from __future__ import annotations

from projects.charts import base
from projects.charts.base import (
    ACCENT,
    ACCENT_BAND,
    COMPARE,
    COMPARE_BAND,
    GOOD,
    INK,
    INK_SOFT,
)
from projects.formatting import currency, currency_label, money, percent, score, weeks
from projects.vocabulary import metric_name, metric_stats

PHASES = (
    ("data_preparation", "Data preparation"),
    ("modeling", "Modeling"),
    ("deployment", "Deployment"),
    ("integration", "Integration"),
    ("governance", "Governance"),
)
DISTRIBUTION_BINS = 24


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
    metric = metric_name(result.get("inputs"))
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
        shapes.append(base.vertical_line(target * 100))
        shown = (min(low, target), max(high, target))
        annotations.append(
            base.line_label(f"Target {score(target)}: {percent(chance)}", target * 100, *shown, 100)
        )
    shown_low = min(low, target) if target is not None else low
    shown_high = max(high, target) if target is not None else high
    padding = (shown_high - shown_low) * 0.05
    layout = base.layout(
        xaxis=base.axis(
            title={"text": f"Production {metric} at launch (%)"},
            range=[(shown_low - padding) * 100, (shown_high + padding) * 100],
            ticksuffix="%",
        ),
        yaxis=base.axis(title={"text": "Share of scenarios"}, tickformat=".0%", rangemode="tozero"),
        bargap=0,
        margin={"t": 32},
        shapes=shapes,
        annotations=annotations,
    )
    title = f"How {metric} on real traffic could turn out at launch"
    stats = metric_stats(result)
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
    return base.figure("metric", title, alt, data, layout, note)


def test_versus_production(result: dict) -> dict:
    """The team's test-set score beside production at launch and over the first year."""
    metric = metric_name(result.get("inputs"))
    target = (result.get("inputs") or {}).get("target_value")
    offline = result["offline_score"]
    launch = metric_stats(result, metric)
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
    shapes, annotations = base.target_line(target)
    layout = base.layout(
        yaxis=base.axis(title={"text": "Score (%)"}, range=[0, 105], ticksuffix="%"),
        xaxis=base.axis(tickfont={"size": 12, "color": INK_SOFT}, tickangle=0),
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
    return base.figure("test-vs-production", title, alt, data, layout, note)


def _first_year(result: dict, metric: str) -> dict:
    """The 12-month average of the metric: the engine's own figure for accuracy; for recall and
    precision the average of the monthly 10/50/90% bands (with the chosen retraining)."""
    if metric == "accuracy" and result.get("production_accuracy_12m"):
        return result["production_accuracy_12m"]
    monthly = (result.get("production_by_month") or {}).get("with_retraining") or {}
    if not monthly:
        return metric_stats(result, metric)
    return {key: sum(monthly[key][:12]) / len(monthly[key][:12]) for key in ("p10", "p50", "p90")}


def by_month(result: dict, compare: dict | None = None) -> dict:
    """The production metric month by month for two years, with and without retraining."""
    months_data = result["production_by_month"]
    # The engine gives the months in the target metric (months_data["metric"]).
    metric = metric_name(result.get("inputs"))
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
    shapes, annotations = base.target_line(target)
    every_values = [
        v for key, *_ in series for band in ("p10", "p90") for v in months_data[key][band]
    ]
    if target is not None:
        every_values.append(target)
    low, high = min(base.finite(every_values)) * 100, max(base.finite(every_values)) * 100
    padding = max((high - low) * 0.1, 1.0)
    layout = base.layout(
        xaxis=base.axis(
            title={"text": "Months after launch"}, dtick=3, range=[0.5, months[-1] + 0.5]
        ),
        yaxis=base.axis(
            title={"text": f"Production {metric} (%)"},
            range=[max(0.0, low - padding), min(100.0, high + padding)],
            ticksuffix="%",
        ),
        showlegend=True,
        legend=base.legend(),
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
    return base.figure("by-month", title, alt, data, layout)


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
