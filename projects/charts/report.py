"""The rest of the report's charts (what drives the spread, the levers, the risk matrix), and
every chart of a report and of a what-if, by their place on the page."""

from __future__ import annotations

import logging

from projects import vocabulary
from projects.charts import base
from projects.charts.base import ACCENT, COMPARE, GOOD, INK, MUTED, POOR
from projects.charts.outcomes import cost_curve, duration_curve, phases
from projects.charts.quality import by_month, metric_distribution, test_versus_production
from projects.engine.risks import LIKELIHOOD_BANDS, SEVERITIES, likelihood_band, severity
from projects.formatting import money_delta, percent, points_delta, weeks_delta

logger = logging.getLogger(__name__)

DRIVER_OUTPUTS = (
    ("cost_usd", "What moves the cost"),
    ("duration_weeks", "What moves the schedule"),
    ("production_metric", "What moves production {metric}"),
)
TOP_DRIVERS = 6
# The lever chart draws all three targets in the accent, the single targets in lighter shades
# of it, so that the bar the levers are ranked by stands out; a chance without a shade here
# takes its own colour.
LEVER_SHADES = {
    vocabulary.ALL_TARGETS: ACCENT,
    "by_deadline": "#6f8fd8",
    "within_budget": "#9fb3e3",
    "meets_target": COMPARE,
}
# The risk matrix's columns are the engine's likelihood bands (docs/model.md, Risks).
LIKELIHOOD_WORDS = (
    f"<{round(LIKELIHOOD_BANDS[0] * 100)}%",
    *(
        f"{round(low * 100)}–{round(high * 100)}%"
        for low, high in zip(LIKELIHOOD_BANDS, LIKELIHOOD_BANDS[1:], strict=False)
    ),
    f"≥{round(LIKELIHOOD_BANDS[-1] * 100)}%",
)
CONSEQUENCE_WORDS = ("Minor", "Moderate", "Serious", "Major", "Severe")
SEVERITY_COLOURS = dict(zip(SEVERITIES, ("#eef1f5", "#fdf1d8", "#f8d3ce", "#e9a49c"), strict=True))


# Drivers and levers ---------------------------------------------------------------------------


def drivers_tornado(result: dict, output: str) -> dict | None:
    """The uncertainties that move one outcome most, as a tornado: longest bar on top."""
    rows = (result.get("drivers") or {}).get(output) or []
    if not rows:
        return None
    rows = sorted(rows[:TOP_DRIVERS], key=lambda row: -abs(row["correlation"]))
    metric = vocabulary.metric_name(result.get("inputs"))
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
    layout = base.layout(
        xaxis=base.axis(
            title={"text": f"Lowers {noun}  ←  strength  →  raises {noun}"},
            range=[-1, 1],
            dtick=0.5,
            zeroline=True,
            zerolinecolor=MUTED,
        ),
        yaxis=base.axis(autorange="reversed", gridcolor="rgba(0,0,0,0)"),
        height=64 + 30 * len(rows),
        margin={"l": 220, "r": 16, "t": 8, "b": 44},
    )
    alt = f"{title}, strongest first: " + "; ".join(
        f"{row['label']} ({'raises' if row['correlation'] > 0 else 'lowers'} {noun}, "
        f"strength {abs(row['correlation']):.2f})"
        for row in rows
    )
    return base.figure(f"drivers-{output.replace('_', '-')}", title, alt + ".", data, layout)


def levers(result: dict) -> dict | None:
    """The levers, ranked by how much each raises the chance of meeting all three targets."""
    rows = result.get("levers") or []
    if not rows:
        return None
    rows = sorted(rows, key=lambda row: -(row.get("delta") or {}).get(vocabulary.ALL_TARGETS, 0.0))
    names = [row.get("label", row.get("key", "")) for row in rows]
    # What each lever costs or saves, under its name: a lever that raises the chances by
    # spending money or weeks says so where it is ranked (labeling production data, say).
    prices = [_price(row.get("delta") or {}) for row in rows]
    # Plain text on two lines: Plotly's styled <span> would be an inline style, which the
    # site's Content-Security-Policy refuses.
    ticks = [f"{name}<br>{price}" for name, price in zip(names, prices, strict=True)]
    # All three first: the bar the levers are ranked by.
    chances = sorted(vocabulary.CHANCES, key=lambda chance: chance.key != vocabulary.ALL_TARGETS)
    series = [
        (chance.key, chance.short, LEVER_SHADES.get(chance.key, chance.colour))
        for chance in chances
    ]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": ticks,
            "x": [(row.get("delta") or {}).get(key, 0.0) * 100 for row in rows],
            "name": name,
            "marker": {"color": colour},
            "customdata": [[label, price] for label, price in zip(names, prices, strict=True)],
            "hovertemplate": "%{customdata[0]}<br>"
            + name
            + ": %{x:+.0f} points<br>%{customdata[1]}<extra></extra>",
        }
        for key, name, colour in series
    ]
    gains = [abs(trace_value) for trace in data for trace_value in trace["x"]]
    reach = max(gains + [5.0]) * 1.1
    layout = base.layout(
        barmode="group",
        bargap=0.25,
        bargroupgap=0.05,
        xaxis=base.axis(
            title={"text": "Change in the chance (percentage points)"},
            range=[-reach if min(min(t["x"]) for t in data) < 0 else -reach * 0.05, reach],
            zeroline=True,
            zerolinecolor=MUTED,
            ticksuffix="",
        ),
        yaxis=base.axis(autorange="reversed", gridcolor="rgba(0,0,0,0)"),
        showlegend=True,
        legend=base.legend(),
        height=90 + 60 * len(rows),
        margin={"l": 230, "r": 16, "t": 40, "b": 44},
    )
    title = "Levers ranked by gain in the chance of meeting all three targets"
    best = rows[0]
    best_gain = (best.get("delta") or {}).get(vocabulary.ALL_TARGETS, 0.0)
    alt = f"{title}. " + "; ".join(
        f"{name}: "
        + ", ".join(
            f"{short.lower()} {points_delta((row.get('delta') or {}).get(key, 0.0))}"
            for key, short, _ in series
        )
        + f" ({price.lower()})"
        for name, row, price in zip(names, rows, prices, strict=True)
    )
    if abs(best_gain) < 0.005:
        alt += ". No single lever changes the chance of meeting all three targets."
    return base.figure("levers", title, alt + ".", data, layout)


def _price(delta: dict) -> str:
    """What a lever does to the median cost and weeks, in words: "Median cost +$113k, time
    +6.5 weeks", or "No change in median cost or weeks"."""
    cost = money_delta(delta.get("cost_p50_usd"))
    time = weeks_delta(delta.get("duration_p50_weeks"))
    if cost in ("no change", "–") and time in ("no change", "–"):
        return "No change in median cost or weeks"
    return f"Median cost {cost}, time {time}"


# Risks ----------------------------------------------------------------------------------------


def _cell_colour(band: int, consequence: int) -> str:
    """The colour of a cell of the matrix: its severity, as the engine rates a risk of that
    likelihood band and consequence."""
    likelihood = 0.0 if band == 1 else LIKELIHOOD_BANDS[band - 2]
    return SEVERITY_COLOURS[severity(likelihood, consequence)]


def risk_matrix(result: dict) -> dict | None:
    """The risks on a 5×5 grid of likelihood against consequence, numbered as in the register."""
    risks = result.get("risks") or []
    if not risks:
        return None
    cells = [[_cell_colour(x, y) for x in range(1, 6)] for y in range(1, 6)]
    # A heatmap needs numbers: each cell's colour is looked up by its severity.
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
    layout = base.layout(
        xaxis=base.axis(
            title={"text": "Likelihood"},
            tickangle=0,
            tickvals=list(range(1, 6)),
            ticktext=list(LIKELIHOOD_WORDS),
            range=[0.5, 5.5],
            showgrid=False,
        ),
        yaxis=base.axis(
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
    return base.figure("risk-matrix", title, alt + ".", data, layout)


# All of a report ------------------------------------------------------------------------------


def report_figures(result: dict) -> dict[str, dict]:
    """Every chart of the report, by place on the page; charts with nothing to show are left out.

    `outcomes`: the S-curves, the metric's spread, test set against production, the months
    after launch and the effort by phase. `risks`, `drivers` and `levers` sit with the
    register, the drivers and the levers."""
    drivers = [drivers_tornado(result, output) for output, _ in DRIVER_OUTPUTS]
    return {
        "outcomes": [
            *_time_and_money(result),
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


def _time_and_money(result: dict, saved: dict | None = None) -> list[dict]:
    """The cost and duration S-curves; none for a plan that cannot finish (the engine's
    `impossible`), whose curves would run to "20,000 weeks" and "$219M": the page says why
    instead."""
    if result.get("impossible"):
        return []
    if saved is not None and saved.get("impossible"):
        saved = None  # nothing to compare with: the saved plan had no end
    return [cost_curve(result, compare=saved), duration_curve(result, compare=saved)]


def whatif_figures(result: dict, saved: dict) -> list[dict]:
    """The what-if's charts: its S-curves against the saved estimate's, and its months."""
    return [
        *_time_and_money(result, saved),
        metric_distribution(result),
        by_month(result),
    ]
