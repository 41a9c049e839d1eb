"""The calibration page in pictures: the reliability diagram, the PIT histograms of cost, time and
production score, the hit rates with their Wilson intervals, and the corrected view's cost and
time curves beside the model's own. Figures are plain dicts in the house style (charts/base.py).
"""

from __future__ import annotations

from projects.calibration import (
    FEWEST_FOR_A_PERCENTAGE,
    HORIZONS,
    CalibratedView,
    Curve,
    HorizonSummary,
)
from projects.charts import base
from projects.charts.base import ACCENT, ACCENT_BAND, COMPARE, INK, MUTED, POOR
from projects.formatting import currency, money, weeks

QUANTITY_TITLES = {
    "cost_usd": "cost",
    "duration_weeks": "time",
    "production_metric": "production score",
}
# What a pile of actuals at the right end of a PIT histogram means, per quantity.
RIGHT_MEANS = {
    "cost_usd": "cost more than forecast",
    "duration_weeks": "took longer than forecast",
    "production_metric": "scored higher than forecast",
}
LEFT_MEANS = {
    "cost_usd": "cost less than forecast",
    "duration_weeks": "was quicker than forecast",
    "production_metric": "scored lower than forecast",
}
HIT_KINDS = (
    ("cost_usd", "within_p80_bound", "Cost ≤ P80"),
    ("duration_weeks", "within_p80_bound", "Time ≤ P80"),
    ("production_metric", "within_p80_bound", "Score ≥ P20"),
    ("cost_usd", "inside_p50", "Cost in P50 range"),
    ("duration_weeks", "inside_p50", "Time in P50 range"),
)
HORIZON_COLOURS = {"first": ACCENT, "halfway": "#5b7bd5", "last": COMPARE}
HORIZON_LABELS = {"first": "First estimate", "halfway": "Half-way", "last": "Last before the end"}


def reliability(summary: HorizonSummary) -> dict | None:
    """Forecast chance against how often it happened, per bin, with the count in each bin and
    its Wilson interval; the diagonal is calibration."""
    bins = [b for b in summary.reliability if b.count]
    if not bins:
        return None
    x = [b.mean_forecast * 100 for b in bins]
    y = [b.observed * 100 for b in bins]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [0, 100],
            "y": [0, 100],
            "name": "Calibrated",
            "line": {"color": MUTED, "dash": "dash", "width": 1.5},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": x,
            "y": y,
            "name": "This team",
            "text": [f"n={b.count}" for b in bins],
            "textposition": "top center",
            "textfont": {"size": 11, "color": INK},
            "marker": {
                "color": ACCENT,
                "symbol": "circle",
                "size": [8 + min(b.count, 30) for b in bins],
                "line": {"color": "#fff", "width": 1},
            },
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": [(b.interval.high - b.observed) * 100 for b in bins],
                "arrayminus": [(b.observed - b.interval.low) * 100 for b in bins],
                "color": ACCENT_BAND.replace("0.16", "0.6"),
                "thickness": 1.5,
                "width": 0,
            },
            "hovertemplate": "Forecast about %{x:.0f}%<br>Happened %{y:.0f}% of %{text}"
            "<extra></extra>",
        },
    ]
    total = sum(b.count for b in bins)
    below = sum(b.count for b in bins if b.interval.high < b.mean_forecast)
    alt = (
        f"Reliability diagram of {total} chances forecast at this horizon, in {len(bins)} bins. "
        + "; ".join(
            f"forecast about {round(b.mean_forecast * 100)}%: happened "
            f"{round(b.observed * b.count)} of {b.count}"
            for b in bins
        )
        + "."
    )
    note = (
        "Each dot is a group of chances the forecasts gave (deadline, budget, target"
        + (", production" if summary.brier.get("reaches_production") else "")
        + "), placed at how often those things happened; n is how many, the bar the likely "
        "range. On the dashed line, a forecast of 70% came true 7 times in 10."
    )
    if below:
        note += f" {below} of {total} sit clearly below the line: those chances were too high."
    layout = base.layout(
        height=340,
        showlegend=True,
        legend=base.legend(),
        xaxis=base.axis(title={"text": "Chance forecast"}, range=[-3, 103], ticksuffix="%"),
        yaxis=base.axis(title={"text": "How often it happened"}, range=[-5, 110], ticksuffix="%"),
    )
    return base.figure(
        "reliability", "Forecast chances against what happened", alt, data, layout, note
    )


def pit_histogram(summary: HorizonSummary, quantity: str) -> dict | None:
    """Where each actual fell in its forecast, in ten bins of percentile; flat is calibrated."""
    histogram = summary.pit_histograms[quantity]
    if histogram.total == 0:
        return None
    centres = [
        (low + high) / 2 * 100
        for low, high in zip(histogram.edges, histogram.edges[1:], strict=False)
    ]
    name = QUANTITY_TITLES[quantity]
    right = sum(histogram.counts[-2:])
    left = sum(histogram.counts[:2])
    data = [
        {
            "type": "bar",
            "x": centres,
            "y": list(histogram.counts),
            "width": 9,
            "name": "Projects",
            "marker": {"color": ACCENT},
            "hovertemplate": "%{y} project(s) at the %{x:.0f}th percentile or so<extra></extra>",
        }
    ]
    shapes = [base.horizontal_line(histogram.expected_per_bin, MUTED)]
    annotations = [
        base.note(
            "flat if calibrated",
            1.0,
            histogram.expected_per_bin,
            xref="paper",
            xanchor="right",
            yanchor="bottom",
            font={"size": 11, "color": MUTED},
        )
    ]
    alt = (
        f"Histogram of where {histogram.total} actual {name} values fell in their forecasts, in "
        f"ten bins from the 0th to the 100th percentile: {', '.join(map(str, histogram.counts))}. "
        f"{right} in the top fifth ({RIGHT_MEANS[quantity]}), {left} in the bottom fifth."
    )
    note = (
        f"Bars at the right: projects that {RIGHT_MEANS[quantity]}; at the left, that "
        f"{LEFT_MEANS[quantity]}. {histogram.total} project"
        f"{'' if histogram.total == 1 else 's'}."
    )
    layout = base.layout(
        height=240,
        margin={"l": 48, "r": 12, "t": 12, "b": 44},
        bargap=0.05,
        shapes=shapes,
        annotations=annotations,
        xaxis=base.axis(
            title={"text": f"Percentile of the forecast where the actual {name} fell"},
            range=[0, 100],
            ticksuffix="",
            dtick=20,
        ),
        yaxis=base.axis(
            title={"text": "Projects"},
            rangemode="tozero",
            dtick=1 if histogram.total < 12 else None,
        ),
    )
    return base.figure(f"pit-{quantity}", f"Where the actual {name} fell", alt, data, layout, note)


def hit_rates(summaries: dict[str, HorizonSummary]) -> dict | None:
    """The P50 and P80 hit rates at each horizon with their Wilson intervals, against the rate a
    calibrated forecast gets."""
    kinds = [
        (quantity, kind, label)
        for quantity, kind, label in HIT_KINDS
        if any(summaries[h].hit_rates[quantity][kind].count for h in HORIZONS)
    ]
    if not kinds:
        return None
    labels = [label for _, _, label in kinds]
    # The expected rate is a dashed bar across each category; the legend names it.
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [None],
            "y": [None],
            "name": "Expected if calibrated",
            "line": {"color": POOR, "dash": "dash", "width": 2},
            "hoverinfo": "skip",
        }
    ]
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "y",
            "x0": index - 0.42,
            "x1": index + 0.42,
            "y0": summaries["first"].hit_rates[q][k].expected * 100,
            "y1": summaries["first"].hit_rates[q][k].expected * 100,
            "line": {"color": POOR, "width": 2, "dash": "dash"},
        }
        for index, (q, k, _) in enumerate(kinds)
    ]
    for horizon in HORIZONS:
        rates = [summaries[horizon].hit_rates[q][k] for q, k, _ in kinds]
        shown = [rate for rate in rates if rate.count]
        if not shown:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [label for label, rate in zip(labels, rates, strict=True) if rate.count],
                "offsetgroup": horizon,
                "y": [rate.rate * 100 for rate in shown],
                "name": HORIZON_LABELS[horizon],
                "customdata": [f"{rate.hits} of {rate.count}" for rate in shown],
                "marker": {
                    "color": HORIZON_COLOURS[horizon],
                    "size": 9,
                    "symbol": {"first": "circle", "halfway": "diamond", "last": "square"}[horizon],
                },
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [(rate.interval.high - rate.rate) * 100 for rate in shown],
                    "arrayminus": [(rate.rate - rate.interval.low) * 100 for rate in shown],
                    "color": HORIZON_COLOURS[horizon],
                    "thickness": 1.5,
                    "width": 4,
                },
                "hovertemplate": f"{HORIZON_LABELS[horizon]}: %{{customdata}}<extra></extra>",
            }
        )
    counts = [summaries["first"].hit_rates[q][k].count for q, k, _ in kinds]
    few = max(counts) < FEWEST_FOR_A_PERCENTAGE
    alt = "Hit rates with their likely ranges, at each horizon: " + "; ".join(
        f"{label}: "
        + ", ".join(
            f"{HORIZON_LABELS[h].lower()} {summaries[h].hit_rates[q][k].hits} of "
            f"{summaries[h].hit_rates[q][k].count}"
            for h in HORIZONS
        )
        + f" (expected {round(summaries['first'].hit_rates[q][k].expected * 100)}%)"
        for q, k, label in kinds
    )
    note = (
        "Each marker is the share of projects that came in within the bound, with the range it "
        "is likely to be in (95% Wilson interval); the dashed red line is what calibrated "
        "forecasts get."
    )
    if few:
        note += " With so few projects the ranges are wide: read the counts, not the markers."
    layout = base.layout(
        height=330,
        showlegend=True,
        legend=base.legend(),
        scattermode="group",
        shapes=shapes,
        xaxis=base.axis(type="category"),
        yaxis=base.axis(title={"text": "Share within the bound"}, range=[-3, 103], ticksuffix="%"),
    )
    return base.figure(
        "hit-rates", "How often the bounds held, at each horizon", alt, data, layout, note
    )


def summary_figures(summaries: dict[str, HorizonSummary], horizon: str) -> list[dict]:
    summary = summaries[horizon]
    figures = [hit_rates(summaries), reliability(summary)]
    figures += [
        pit_histogram(summary, q) for q in ("cost_usd", "duration_weeks", "production_metric")
    ]
    return [figure for figure in figures if figure is not None]


def corrected_curves(result: dict, view: CalibratedView) -> list[dict]:
    """The model's "chance it stays under" curve of cost and of weeks beside the calibrated one,
    with the budget or the deadline."""
    figures = []
    inputs = result.get("inputs") or {}
    for quantity, limit_key, shown, title in (
        ("cost_usd", "budget_usd", money, "Cost"),
        ("duration_weeks", "deadline_weeks", weeks, "Weeks to production"),
    ):
        if quantity not in view.curves:
            continue
        raw = Curve.from_result(result, quantity)
        corrected = view.curves[quantity]
        limit = inputs.get(limit_key)
        high = max(raw.quantile(0.98), corrected.quantile(0.98), limit or 0)
        data = [
            _s_trace(raw, "The model's forecast", COMPARE, "dash", high),
            _s_trace(corrected, "Calibrated for this team", ACCENT, "solid", high),
        ]
        shapes, annotations = [], []
        if limit:
            shapes.append(base.vertical_line(limit))
            word = "Budget" if quantity == "cost_usd" else "Deadline"
            annotations.append(base.line_label(f"{word} {shown(limit)}", limit, 0, high))
        alt = (
            f"{title}: the model's median {shown(raw.quantile(0.5))} and P80 "
            f"{shown(raw.quantile(0.8))}; calibrated for this team's track record, median "
            f"{shown(corrected.quantile(0.5))} and P80 {shown(corrected.quantile(0.8))}."
        )
        layout = base.layout(
            height=280,
            showlegend=True,
            # Inside the plot at the lower right, where the curves never are: the line's label
            # takes the space above the plot.
            legend={
                **base.legend(),
                "orientation": "v",
                "x": 0.98,
                "xanchor": "right",
                "y": 0.06,
                "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.85)",
            },
            shapes=shapes,
            annotations=annotations,
            xaxis=base.axis(
                title={"text": title},
                range=[0, high * 1.02],
                tickprefix=currency() if quantity == "cost_usd" else "",
            ),
            yaxis=base.axis(
                title={"text": "Chance it stays under"}, range=[0, 101], ticksuffix="%"
            ),
        )
        figures.append(
            base.figure(
                f"calibrated-{quantity}",
                f"{title}: the model and the calibrated view",
                alt,
                data,
                layout,
            )
        )
    return figures


def _s_trace(curve: Curve, name: str, colour: str, dash: str, high: float) -> dict:
    values = [float(v) for v in curve.values if v <= high * 1.02]
    levels = [
        float(level) * 100
        for level, v in zip(curve.levels, curve.values, strict=True)
        if v <= high * 1.02
    ]
    return {
        "type": "scatter",
        "mode": "lines",
        "x": values,
        "y": levels,
        "name": name,
        "line": {"color": colour, "dash": dash, "width": 2.5},
        "hovertemplate": "%{y:.0f}% chance it stays under %{x:,.0f}<extra>" + name + "</extra>",
    }
