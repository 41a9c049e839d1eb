"""What every chart shares: the palette (taken from static/css/riskboard.css), the layout and
axes, the legend, the figure dict, and the lines and labels drawn across a plot.

Every chart is a dict `{"key", "title", "note", "alt", "data", "layout"}` (`figure`): `title` is
the plain-words heading the page shows above it, `note` a sentence under the title, `alt` the
text alternative screen readers get instead of the picture, and `data`/`layout` go to
`Plotly.react` unchanged (static/js/charts.js). No Plotly import: the figures are JSON, built
and tested without a browser.
"""

from __future__ import annotations

import math
from typing import Any

from projects.formatting import score

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


def _merged(defaults: dict, overrides: dict) -> dict:
    """`defaults` with `overrides`; a dict overriding a dict is merged into it, one level deep."""
    merged = dict(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def layout(**overrides: Any) -> dict:
    """The look every chart shares: system font, quiet grid, no Plotly title, tight margins."""
    defaults = {
        "font": {"family": FONT, "size": 13, "color": INK_SOFT},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "height": 300,
        "showlegend": False,
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT, "size": 13}},
        "xaxis": axis(),
        "yaxis": axis(),
    }
    return _merged(defaults, overrides)


def axis(**overrides: Any) -> dict:
    """A quiet axis: light grid, muted ticks, fixed range (no zooming)."""
    defaults = {
        "gridcolor": GRID,
        "linecolor": LINE,
        "zeroline": False,
        "automargin": True,
        "fixedrange": True,
        "tickfont": {"size": 12, "color": MUTED},
        "title": {"font": {"size": 12, "color": MUTED}},
    }
    return _merged(defaults, overrides)


def legend() -> dict:
    return {
        "orientation": "h",
        "x": 0,
        "y": 1.02,
        "xanchor": "left",
        "yanchor": "bottom",
        "font": {"size": 12},
    }


def figure(key: str, title: str, alt: str, data: list, layout: dict, note: str = "") -> dict:
    """`note`: a sentence the page shows under the title, where it wraps on small screens."""
    return {"key": key, "title": title, "note": note, "alt": alt, "data": data, "layout": layout}


def vertical_line(x: float, colour: str = INK, dash: str = "dash") -> dict:
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


def horizontal_line(y: float, colour: str = INK, dash: str = "dash") -> dict:
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


def target_line(target: float | None) -> tuple[list[dict], list[dict]]:
    """The dashed target line across a score chart, labelled at the right (none without one)."""
    if target is None:
        return [], []
    label = note(
        f"Target {score(target)}",
        1.0,
        target * 100,
        xref="paper",
        xanchor="right",
        yanchor="bottom",
        font={"size": 12, "color": POOR},
    )
    return [horizontal_line(target * 100, POOR)], [label]


def note(text: str, x: float, y: float, **options: Any) -> dict:
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


def line_label(text: str, x: float, low: float, high: float, scale: float = 1.0) -> dict:
    """A short label above the plot at a vertical line, on the side of the line with room."""
    left_half = x <= (low + high) / 2 * scale
    return note(
        text,
        x,
        1.0,
        yref="paper",
        yanchor="bottom",
        xanchor="left" if left_half else "right",
        xshift=4 if left_half else -4,
        yshift=2,
    )


def finite(values: list) -> list[float]:
    """The finite numbers among `values`."""
    return [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
