"""The report's quality charts: how the target metric could turn out at launch, the team's test
set against real traffic, and the months after launch. Every percentage near 0% or 100% keeps
the digits that set it apart from the target (`formatting.score(value, against=target)`), in
the text, the alt text and the hover text alike."""

from __future__ import annotations

from projects import vocabulary
from projects.charts import base
from projects.charts.base import (
    ACCENT,
    ACCENT_BAND,
    COMPARE,
    COMPARE_BAND,
    GOOD,
    INK_SOFT,
)
from projects.formatting import percent, score
from projects.vocabulary import metric_name, metric_stats

DISTRIBUTION_BINS = 24


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
    target = vocabulary.target_value(result)
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
            "customdata": [score(centre, against=target) for centre in centres],
            "hovertemplate": "%{y:.0%} of scenarios near %{customdata}<extra></extra>",
        }
    ]
    shapes, annotations = [], []
    stats = metric_stats(result)
    target_text = score(target, against=stats.get("p50"))
    if target is not None:
        shapes.append(base.vertical_line(target * 100))
        shown = (min(low, target), max(high, target))
        annotations.append(
            base.line_label(f"Target {target_text}: {percent(chance)}", target * 100, *shown, 100)
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
    alt = (
        f"{title}. Bar chart of the simulated scenarios: 1 in 10 below "
        f"{score(stats.get('p10'), against=target)}, half below "
        f"{score(stats.get('p50'), against=target)}, 9 in 10 below "
        f"{score(stats.get('p90'), against=target)}."
    )
    if target is not None:
        alt += f" The target of {target_text} is reached in {percent(chance)} of scenarios."
    note = (
        f"Target {target_text}: {percent(chance)} chance of reaching it. Green bars reach it."
        if target is not None
        else ""
    )
    return base.figure("metric", title, alt, data, layout, note)


def test_versus_production(result: dict) -> dict:
    """The team's test-set score beside production at launch and over the first year."""
    metric = metric_name(result.get("inputs"))
    target = vocabulary.target_value(result)
    offline = result["offline_score"]
    launch = metric_stats(result)
    year = _first_year(result, vocabulary.metric_key(result.get("inputs")))
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
            "text": [score(stats["p50"], against=target) for _, stats, _ in bars],
            "textposition": "inside",
            "textangle": 0,
            "insidetextanchor": "start",
            "textfont": {"color": "#fff", "size": 13},
            "customdata": [
                [score(s["p10"], against=target), score(s["p90"], against=target)]
                for _, s, _ in bars
            ],
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
        f"test set, {score(launch['p50'], against=target)} {metric} in production at launch, "
        f"and {score(year['p50'], against=target)} {metric} on average over the first 12 months"
    )
    direction = "lower" if gap >= 0 else "higher"
    alt += f" ({abs(round(gap))} points {direction} at launch than on the test set)."
    if target is not None:
        alt += f" The target is {score(target, against=launch['p50'])}."
    alt += f" Balanced accuracy is {vocabulary.BALANCED_ACCURACY_MEANING}."
    note = (
        f"Most likely score, with 8 in 10 scenarios within the whiskers: balanced accuracy on "
        f"the team's test set, then {metric} in production at launch and averaged over the "
        "first 12 months. Balanced accuracy averages the share of positive and of negative cases "
        "answered right: guessing scores 50%."
    )
    return base.figure("test-vs-production", title, alt, data, layout, note)


def _first_year(result: dict, metric: str) -> dict:
    """The 12-month average of the metric (keyed `metric`): the engine's own figure for
    accuracy; for the others the average of the monthly 10/50/90% bands (with the chosen
    retraining)."""
    if metric == "accuracy" and result.get("production_accuracy_12m"):
        return result["production_accuracy_12m"]
    monthly = (result.get("production_by_month") or {}).get("with_retraining") or {}
    if not monthly:
        return metric_stats(result)
    return {key: sum(monthly[key][:12]) / len(monthly[key][:12]) for key in ("p10", "p50", "p90")}


def by_month(result: dict, compare: dict | None = None) -> dict:
    """The production metric month by month for two years, with and without retraining."""
    months_data = result["production_by_month"]
    # The engine gives the months in the target metric (months_data["metric"]).
    metric = metric_name(result.get("inputs"))
    months = months_data["months"]
    cadence = months_data.get("retrain_every_months") or 0
    target = vocabulary.target_value(result)
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
                "customdata": [score(v, against=target) for v in band_values["p50"]],
                "hovertemplate": f"Month %{{x}}: most likely %{{customdata}} {metric}"
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
        f"{name}: most likely {score(months_data[key]['p50'][0], against=target)} in month 1 "
        f"and {score(months_data[key]['p50'][last], against=target)} in month {months[last]}"
        for key, name, *_ in reversed(series)
    ]
    alt = f"{title}. " + "; ".join(parts) + ". Shaded bands hold 8 in 10 scenarios."
    del compare  # the band chart compares retraining plans already
    return base.figure("by-month", title, alt, data, layout)
