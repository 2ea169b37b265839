"""The report's charts drawn as static SVG: lines over periods, and horizontal bars per category
in small multiples (one panel per beroepsgroep, each with its own scale).

Drawn here, in a few milliseconds a chart, not by a charting library: the report has two kinds
of chart, and rendering them through Vega-Lite (altair and vl-convert's JavaScript engine) took
~1.5 s of every night's CPU, ~0.6 s of it on the night's last stretch. Every text is escaped;
numbers are in Dutch notation; each mark carries its value as an SVG `<title>` (a tooltip in
every browser, read by screen readers), and the whole chart an `aria-label`.

A hidden value is drawn as the mark 'x' on the axis, an incomplete one (coverage below the floor)
in a light colour with '*', a value that cannot be computed as '.': the chart itself says what
the figure is, not only its table.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd

from pipeline.publication.text import INCOMPLETE_MARK, format_number
from schemas.vocabulary import INCOMPLETE

COMPLETE, HIDDEN, MISSING = "volledig", "verborgen", "niet te berekenen"
COLOURS = {COMPLETE: "#1f4e79", INCOMPLETE: "#9bb7d4"}
LINE_COLOUR, AXIS_COLOUR, GRID_COLOUR, TEXT_COLOUR = "#7f8c99", "#888888", "#dddddd", "#222222"
FONT = "DejaVu Sans, Arial, sans-serif"
FONT_SIZE, TITLE_SIZE, MARK_SIZE = 11, 13, 14
CHAR_WIDTH = 0.6  # a character's width in font sizes, to make room for labels (a bound: no font)
SHAPES = ("circle", "square", "triangle", "diamond", "cross")
POLYGONS: dict[str, tuple[tuple[float, float], ...]] = {  # the corners around a point's centre
    "triangle": ((0, -6), (5.5, 4), (-5.5, 4)),
    "diamond": ((0, -6), (6, 0), (0, 6), (-6, 0)),
    "cross": ((-2, -6), (2, -6), (2, -2), (6, -2), (6, 2), (2, 2), (2, 6), (-2, 6), (-2, 2),
              (-6, 2), (-6, -2), (-2, -2)),
}  # fmt: skip
STATUS_LEGEND = {COMPLETE: COMPLETE,
                 INCOMPLETE: f"onvolledig{INCOMPLETE_MARK} (dekking onder de drempel)"}  # fmt: skip


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _width(text: str, size: int = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Ticks from 0 to at least `maximum` in steps of 1, 2 or 5 times a power of ten."""
    maximum = maximum if maximum > 0 and math.isfinite(maximum) else 1.0
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    last = math.ceil(round(maximum / step, 9))
    return [round(i * step, 10) for i in range(last + 1)]


def _tick_text(value: float, ticks: Sequence[float]) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = 0 if float(step).is_integer() else min(3, max(1, -math.floor(math.log10(step))))
    if decimals and not float(round(step * 10**decimals, 9)).is_integer():
        decimals += 1
    return format_number(value, decimals)


def _tooltip(parts: Sequence[str], value: float | None, status: str) -> str:
    shown = format_number(value, 1) if value is not None else "geen waarde"
    return _e(f"{', '.join(parts)}: {shown} ({status})")


def _svg(width: float, height: float, title: str, body: str) -> str:
    """The chart: its title shown on top and as its accessible name."""
    w, h = math.ceil(width), math.ceil(height)
    return (f'<svg role="img" aria-label="{_e(title)}" class="chart" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="{FONT_SIZE}" '
            f'fill="{TEXT_COLOUR}"><rect width="{w}" height="{h}" fill="white"/>'
            f'<text x="8" y="18" font-size="{TITLE_SIZE}" font-weight="bold">{_e(title)}</text>'
            f"{body}</svg>")  # fmt: skip


def _marker(shape: str, x: float, y: float, fill: str, tip: str) -> str:
    """A point of 70 square pixels, as Vega-Lite's `size=70`."""
    r = 4.7
    tag = f"<title>{tip}</title>"
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}">{tag}</circle>'
    if shape == "square":
        return (f'<rect x="{x - 4.2:.1f}" y="{y - 4.2:.1f}" width="8.4" height="8.4" '
                f'fill="{fill}">{tag}</rect>')  # fmt: skip
    points = POLYGONS[shape]
    drawn = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in points)
    return f'<polygon points="{drawn}" fill="{fill}">{tag}</polygon>'


def _legend(
    x: float, y: float, width: float, items: Sequence[tuple[str, str]]
) -> tuple[str, float]:
    """Legend items (a swatch's SVG at 0,0, its text) in rows from (x, y); the SVG, its height."""
    parts, cx, cy = [], x, y
    for swatch, text in items:
        needed = 18 + _width(text) + 14
        if cx > x and cx + needed > x + width:
            cx, cy = x, cy + 18
        parts.append(f'<g transform="translate({cx:.1f},{cy:.1f})">{swatch}'
                     f'<text x="12" y="4">{_e(text)}</text></g>')  # fmt: skip
        cx += needed
    return "".join(parts), cy - y + 18


def _status_items(statuses: Sequence[str]) -> list[tuple[str, str]]:
    return [(f'<rect x="-5" y="-5" width="10" height="10" fill="{COLOURS[s]}"/>', STATUS_LEGEND[s])
            for s in COLOURS if s in statuses]  # fmt: skip


def _value(row: pd.Series) -> float | None:
    value = row["waarde"]
    return None if pd.isna(value) else float(value)


def line_chart_svg(rows: pd.DataFrame, x: str, series: str, title: str, y_title: str) -> str:
    """Lines per series over periods; points coloured by status, 'x' and '.' on the axis."""
    periods = sorted(rows[x].astype(str).unique())
    names = sorted(rows[series].astype(str).unique())
    values = pd.to_numeric(rows["waarde"], errors="coerce")
    ticks = nice_ticks(float(values.max()) if values.notna().any() else 0.0)
    labels = [_tick_text(t, ticks) for t in ticks]
    plot_w, plot_h, top = 520.0, 240.0, 34.0
    left = 22 + max(_width(t) for t in labels) + 6
    band = plot_w / max(1, len(periods))
    lowest = top + plot_h

    def px(period: str) -> float:
        return left + (periods.index(period) + 0.5) * band

    def py(value: float) -> float:
        return lowest - value / ticks[-1] * plot_h

    body = [f'<text transform="translate(12,{top + plot_h / 2:.1f}) rotate(-90)" '
            f'text-anchor="middle" font-weight="bold">{_e(y_title)}</text>']  # fmt: skip
    for tick, text in zip(ticks, labels, strict=True):
        y = py(tick)
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                    f'stroke="{GRID_COLOUR}"/><text x="{left - 5:.1f}" y="{y + 4:.1f}" '
                    f'text-anchor="end">{_e(text)}</text>')  # fmt: skip
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{lowest}" y2="{lowest}" '
                f'stroke="{AXIS_COLOUR}"/>')  # fmt: skip
    for period in periods:
        body.append(f'<text transform="translate({px(period):.1f},{lowest + 12:.1f}) rotate(-45)" '
                    f'text-anchor="end">{_e(period)}</text>')  # fmt: skip
    points, marks = [], []
    for number, name in enumerate(names):
        mine = rows[rows[series].astype(str) == name]
        by_period = {str(row[x]): row for _, row in mine.iterrows()}
        run: list[str] = []
        for period in [*periods, None]:  # a line through consecutive values; a gap breaks it
            row = by_period.get(period) if period is not None else None
            value = _value(row) if row is not None else None
            if period is not None and value is not None:
                run.append(f"{px(period):.1f},{py(value):.1f}")
                continue
            if len(run) > 1:
                body.append(f'<polyline points="{" ".join(run)}" fill="none" '
                            f'stroke="{LINE_COLOUR}" stroke-width="1.5"/>')  # fmt: skip
            run = []
        shape = SHAPES[number % len(SHAPES)]
        for period, row in by_period.items():
            value, status = _value(row), str(row["status"])
            tip = _tooltip([name, period], value, status)
            if value is not None:
                fill = COLOURS.get(status, COLOURS[COMPLETE])
                points.append(_marker(shape, px(period), py(value), fill, tip))
            elif row["teken"]:
                marks.append(f'<text x="{px(period):.1f}" y="{lowest - 6:.1f}" '
                             f'text-anchor="middle" font-weight="bold" font-size="{MARK_SIZE}">'
                             f'<title>{tip}</title>{_e(row["teken"])}</text>')  # fmt: skip
    body += points + marks
    bottom = lowest + 14 + max((_width(p) for p in periods), default=0) * 0.71 + 12
    width = left + plot_w + 16
    items = _status_items(list(rows["status"].astype(str).unique()))
    items += [(_marker(SHAPES[i % len(SHAPES)], 0, 0, LINE_COLOUR, _e(name)), name)
              for i, name in enumerate(names)]  # fmt: skip
    legend, height = _legend(left, bottom, width - left, items)
    return _svg(width, bottom + height + 4, title, "".join(body) + legend)


def bar_chart_svg(rows: pd.DataFrame, category: str, facet: str | None, title: str,
                  x_title: str, sort: list[str] | None = None, columns: int = 3) -> str:  # fmt: skip
    """Horizontal bars per category (a panel per `facet`, each with its own scale), marks for
    hidden values, a light bar with '*' for an incomplete one."""
    present = sorted(rows[category].astype(str).unique())
    order = [c for c in sort or [] if c in present] + [c for c in present if c not in (sort or [])]
    panels = sorted(rows[facet].astype(str).unique()) if facet else [""]
    step = 13.0 if len(order) > 12 else 18.0
    bars_w = 190.0 if facet else 420.0
    label_w = max((_width(c) for c in order), default=0) + 8
    panel_w = label_w + bars_w + 40
    header = 18.0 if facet else 0.0
    panel_h = header + step * len(order) + 40
    top, body = 30.0, []
    for number, panel in enumerate(panels):
        ox = 8 + (number % columns) * panel_w
        oy = top + (number // columns) * (panel_h + 10)
        mine = rows[rows[facet].astype(str) == panel] if facet else rows
        values = pd.to_numeric(mine["waarde"], errors="coerce")
        ticks = nice_ticks(float(values.max()) if values.notna().any() else 0.0)
        x0, y0 = ox + label_w, oy + header

        def bx(value: float, x0: float = x0, ticks: list[float] = ticks) -> float:
            return x0 + value / ticks[-1] * bars_w

        if facet:
            body.append(f'<text x="{x0 + bars_w / 2:.1f}" y="{oy + 12:.1f}" text-anchor="middle" '
                        f'font-weight="bold">{_e(panel)}</text>')  # fmt: skip
        bottom = y0 + step * len(order)
        for tick in ticks:
            x = bx(tick)
            body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0:.1f}" y2="{bottom:.1f}" '
                        f'stroke="{GRID_COLOUR}"/><text x="{x:.1f}" y="{bottom + 13:.1f}" '
                        f'text-anchor="middle">{_e(_tick_text(tick, ticks))}</text>')  # fmt: skip
        body.append(f'<line x1="{x0:.1f}" x2="{x0:.1f}" y1="{y0:.1f}" y2="{bottom:.1f}" '
                    f'stroke="{AXIS_COLOUR}"/><text x="{x0 + bars_w / 2:.1f}" '
                    f'y="{bottom + 29:.1f}" text-anchor="middle" font-weight="bold">'
                    f"{_e(x_title)}</text>")  # fmt: skip
        by_category = {str(row[category]): row for _, row in mine.iterrows()}
        for index, name in enumerate(order):
            y = y0 + index * step
            body.append(f'<text x="{x0 - 4:.1f}" y="{y + step / 2 + 4:.1f}" '
                        f'text-anchor="end">{_e(name)}</text>')  # fmt: skip
            row = by_category.get(name)
            if row is None:
                continue
            value, status = _value(row), str(row["status"])
            tip = _tooltip([panel, name] if facet else [name], value, status)
            if value is not None:
                fill = COLOURS.get(status, COLOURS[COMPLETE])
                body.append(f'<rect x="{x0:.1f}" y="{y + step * 0.1:.1f}" '
                            f'width="{max(0.0, bx(value) - x0):.1f}" height="{step * 0.8:.1f}" '
                            f'fill="{fill}"><title>{tip}</title></rect>')  # fmt: skip
            if row["teken"]:
                body.append(f'<text x="{bx(value or 0.0) + 3:.1f}" y="{y + step / 2 + 4:.1f}" '
                            f'font-weight="bold"><title>{tip}</title>{_e(row["teken"])}</text>')  # fmt: skip
    rows_of_panels = math.ceil(len(panels) / columns)
    width = 16 + min(columns, len(panels)) * panel_w
    bottom = top + rows_of_panels * (panel_h + 10)
    items = _status_items(list(rows["status"].astype(str).unique()))
    legend, height = _legend(16, bottom + 4, width - 24, items)
    return _svg(width, bottom + height + 8, title, "".join(body) + legend)
