"""Charts drawn on our side: plain geometry here, SVG markup in templates/dashboard/_chart.html.

No script and no style attribute (the CSP forbids both): positions are SVG
attributes, colours come from classes in static/css/dashboard.css. Every
chart also carries its figures as a table (shown under it, and its CSV).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
PLOT_HEIGHT = 170
LEFT, RIGHT, TOP, BOTTOM = 48, 10, 12, 26
PALETTE = 9  # classes c0 … c8


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    css: str
    title: str


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor
    css: str = ""


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    css: str = "axis"


@dataclass
class Dot:
    x: float
    y: float
    css: str
    title: str


@dataclass
class Polyline:
    points: str
    css: str


@dataclass
class Svg:
    height: float
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    polylines: list[Polyline] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    width: int = WIDTH


@dataclass
class Chart:
    key: str  # also the CSV's ?chart= value
    title: str
    description: str  # read out by screen readers as the SVG's <desc>
    columns: list[str]
    rows: list[list]  # as shown in the table
    csv_rows: list[list] | None = None  # raw values for the CSV, when they differ from the table's
    svg: Svg | None = None
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, css class)
    note: str = ""

    @property
    def empty(self) -> bool:
        """No figure in it but zeros: the page says so instead of drawing a flat chart or a table of 0."""
        return not any(isinstance(cell, int | float) and cell for row in self.rows for cell in row[1:])

    @property
    def csv(self) -> list[list]:
        return self.csv_rows if self.csv_rows is not None else self.rows

    @property
    def svg_html(self) -> SafeString:
        return svg_markup(self)

    @property
    def table_html(self) -> SafeString:
        return table_markup(self)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above value, so axis labels are round."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _y_axis(svg: Svg, top: float, fmt: Callable[[float], str]) -> None:
    base = TOP + PLOT_HEIGHT
    for fraction in (0, 0.5, 1):
        y = base - PLOT_HEIGHT * fraction
        svg.lines.append(Line(LEFT, y, WIDTH - RIGHT, y, "grid" if fraction else "axis"))
        svg.labels.append(Label(LEFT - 6, y + 4, fmt(top * fraction), "end", "tick"))


def _x_labels(svg: Svg, labels: Sequence[str], x_of: Callable[[int], float]) -> None:
    n = len(labels)
    picks = sorted({0, n // 2, n - 1}) if n > 2 else list(range(n))
    for i in picks:
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        svg.labels.append(Label(x_of(i), TOP + PLOT_HEIGHT + 17, labels[i], anchor, "tick"))


def _count(value: float) -> str:
    return f"{value:,.0f}"


MAX_BARS = 120


def _weekly(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]):
    """Seven labels to a bar, so a long range still draws bars wider than a pixel."""
    starts = range(0, len(labels), 7)
    return [f"week of {labels[i]}" for i in starts], [(name, [sum(v[i : i + 7]) for i in starts]) for name, v in series]


def columns(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> Svg | None:
    """Vertical bars, one per label; several series are stacked in order (colours c0, c1, …).

    Past MAX_BARS labels, the bars are weekly sums (the table keeps every day).
    """
    if len(labels) > MAX_BARS:
        labels, series = _weekly(labels, series)
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    if not labels or not any(totals):
        return None
    top = nice_ceiling(max(totals))
    svg = Svg(height=TOP + PLOT_HEIGHT + BOTTOM)
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / len(labels)
    bar = max(slot * 0.8, 0.6)
    _y_axis(svg, top, _count)
    for i, label in enumerate(labels):
        y = TOP + PLOT_HEIGHT
        for s, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = PLOT_HEIGHT * value / top
            y -= h
            title = f"{label}: {value:,}" if len(series) == 1 else f"{label}, {name}: {value:,}"
            svg.rects.append(Rect(LEFT + i * slot + (slot - bar) / 2, y, bar, h, f"c{s % PALETTE}", title))
    _x_labels(svg, labels, lambda i: LEFT + i * slot + slot / 2)
    return svg


def hbars(items: Sequence[tuple[str, int]], label_width: int = 200) -> Svg | None:
    """Horizontal bars, one per (label, value), in the order given."""
    if not items or not any(value for _, value in items):
        return None
    row = 22
    top = max(value for _, value in items)
    svg = Svg(height=TOP + row * len(items) + 6)
    room = WIDTH - label_width - RIGHT - 70  # space for the value after the bar
    for i, (label, value) in enumerate(items):
        y = TOP + i * row
        w = room * value / top if top else 0
        svg.labels.append(Label(label_width - 8, y + 15, label, "end", "cat"))
        svg.rects.append(Rect(label_width, y + 3, max(w, 0.5), row - 6, "c0", f"{label}: {value:,}"))
        svg.labels.append(Label(label_width + w + 6, y + 15, f"{value:,}", "start", "val"))
    return svg


def lines(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Callable[[float], str],
) -> Svg | None:
    """One line per series over the labels; a missing value breaks nothing, its point is skipped."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not labels or not values:
        return None
    top = nice_ceiling(max(values))
    svg = Svg(height=TOP + PLOT_HEIGHT + BOTTOM)
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(labels) - 1, 1)

    def x_of(i: int) -> float:
        return LEFT + (i * step if len(labels) > 1 else plot_width / 2)

    _y_axis(svg, top, fmt)
    for s, (name, vs) in enumerate(series):
        points = []
        for i, v in enumerate(vs):
            if v is None:
                continue
            x, y = x_of(i), TOP + PLOT_HEIGHT - PLOT_HEIGHT * v / top
            points.append(f"{x:.1f},{y:.1f}")
            svg.dots.append(Dot(x, y, f"c{s % PALETTE}", f"{labels[i]}, {name}: {fmt(v)}"))
        svg.polylines.append(Polyline(" ".join(points), f"c{s % PALETTE}"))
    _x_labels(svg, labels, x_of)
    return svg


# --- Markup ------------------------------------------------------------------------
# Written here rather than in a template loop: a year of daily bars is thousands
# of elements, and Django's template engine would spend most of the page's time on them.


def _n(value: float) -> str:
    return f"{value:.1f}"


def svg_markup(chart: Chart) -> SafeString:
    svg = chart.svg
    if svg is None:
        return mark_safe("")  # noqa: S308  (empty)
    ident = f"chart-{chart.key}"
    parts = [
        f'<svg class="dash-svg" viewBox="0 0 {svg.width} {_n(svg.height)}" role="img" '
        f'aria-labelledby="{ident}-svgtitle {ident}-desc" focusable="false" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{ident}-svgtitle">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>',
    ]
    parts += [
        f'<line x1="{_n(x.x1)}" y1="{_n(x.y1)}" x2="{_n(x.x2)}" y2="{_n(x.y2)}" class="{x.css}"/>' for x in svg.lines
    ]
    parts += [
        f'<rect x="{_n(r.x)}" y="{_n(r.y)}" width="{_n(r.w)}" height="{_n(r.h)}" class="{r.css}">'
        f"<title>{escape(r.title)}</title></rect>"
        for r in svg.rects
    ]
    parts += [f'<polyline points="{p.points}" class="line {p.css}" fill="none"/>' for p in svg.polylines]
    parts += [
        f'<circle cx="{_n(d.x)}" cy="{_n(d.y)}" r="3" class="{d.css}"><title>{escape(d.title)}</title></circle>'
        for d in svg.dots
    ]
    parts += [
        f'<text x="{_n(t.x)}" y="{_n(t.y)}" text-anchor="{t.anchor}" class="{t.css}">{escape(t.text)}</text>'
        for t in svg.labels
    ]
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is our own numbers and class names.
    return mark_safe("".join(parts))  # noqa: S308


def table_markup(chart: Chart) -> SafeString:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in chart.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{escape(cell)}</th>' if i == 0 else f"<td>{escape(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in chart.rows
    )
    return mark_safe(  # noqa: S308  (cells escaped above)
        f'<table class="table table-sm mb-0"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
