"""Charts drawn on the server as SVG: bars, grouped bars, lines and a heatmap.

No script and no library: each chart is a small SVG string (``role="img"`` with a title; the
figures themselves are in the table printed under it, which is what screen readers read).
Labels come from data (group names...), so every text is escaped. Colours are presentation
attributes, never ``style``, because the panel's CSP allows no inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from core.reports.tables import Chart, Table

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 58
PALETTE = ("#1f6fb2", "#e08a1e", "#3a9a5b", "#b8455a", "#7b5fb0", "#5d6573", "#2aa3a3", "#a67c00")


def numeric_columns(table: Table) -> list[int]:
    """The columns a chart draws: those the table names, else every column of figures."""
    if table.plotted:
        return [table.columns.index(name) for name in table.plotted]
    found = []
    for index in range(1, len(table.columns)):
        values = [row[index] for row in table.rows]
        if values and all(isinstance(v, int | float) or v is None for v in values):
            found.append(index)
    return found


def render_chart(table: Table, title: str, series_names: Sequence[str]) -> Markup:
    """The chart for ``table`` (nothing when it has no figures); ``series_names`` are the
    column headings as shown (translated), in the table's column order."""
    if table.chart == Chart.NONE or not table.rows:
        return Markup("")
    columns = numeric_columns(table)
    if not columns:
        return Markup("")
    if table.chart == Chart.HEATMAP:
        body = _heatmap(table, columns)
    else:
        if table.chart == Chart.BARS:
            columns = columns[:1]
        names = [series_names[i] for i in columns]
        body = (_line if table.chart == Chart.LINE else _bars)(table, columns) + _legend(names)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _figures(table: Table, columns: list[int]) -> list[list[float]]:
    """The figures drawn; durations (columns ending ``_s``) in hours."""
    hours = [table.columns[i].endswith("_s") for i in columns]
    return [
        [
            (float(v) / 3600 if hour else float(v)) if isinstance(v, int | float) else 0.0
            for v, hour in zip((row[i] for i in columns), hours, strict=True)
        ]
        for row in table.rows
    ]


def _scale(top: float) -> tuple[float, list[float]]:
    """A round maximum for the axis and its tick values."""
    if top <= 0:
        return 1.0, [0.0, 1.0]
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        size = step * magnitude / 2
        if size * 5 >= top:
            return size * 5, [size * n for n in range(6)]
    return top, [0.0, top]


def _axes(maximum: float, ticks: list[float]) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for tick in ticks:
        y = TOP + plot_h - plot_h * tick / maximum
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6eb"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#5d6573">{_short(tick)}</text>'
        )
    return "".join(parts)


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _x_labels(labels: list[str], slot: float) -> str:
    every = max(1, int(len(labels) / 24) + 1) if len(labels) > 24 else 1
    parts = []
    for index, label in enumerate(labels):
        if index % every:
            continue
        x = LEFT + slot * (index + 0.5)
        y = HEIGHT - BOTTOM + 14
        parts.append(
            f'<text x="{x:.1f}" y="{y}" font-size="10" fill="#1d2330" text-anchor="end" '
            f'transform="rotate(-35 {x:.1f} {y})">{escape(label[:18])}</text>'
        )
    return "".join(parts)


def _bars(table: Table, columns: list[int]) -> str:
    figures = _figures(table, columns)
    maximum, ticks = _scale(max((v for row in figures for v in row), default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(figures)
    bar = slot * 0.8 / len(columns)
    parts = [_axes(maximum, ticks)]
    for index, row in enumerate(figures):
        for series, value in enumerate(row):
            height = plot_h * value / maximum
            x = LEFT + slot * index + slot * 0.1 + bar * series
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{max(bar - 1, 1):.1f}" '
                f'height="{height:.1f}" fill="{PALETTE[series % len(PALETTE)]}"/>'
            )
    parts.append(_x_labels([str(row[0]) for row in table.rows], slot))
    return "".join(parts)


def _line(table: Table, columns: list[int]) -> str:
    figures = _figures(table, columns)
    maximum, ticks = _scale(max((v for row in figures for v in row), default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(figures)
    parts = [_axes(maximum, ticks)]
    for series in range(len(columns)):
        points = " ".join(
            f"{LEFT + slot * (i + 0.5):.1f},{TOP + plot_h - plot_h * row[series] / maximum:.1f}"
            for i, row in enumerate(figures)
        )
        colour = PALETTE[series % len(PALETTE)]
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    parts.append(_x_labels([str(row[0]) for row in table.rows], slot))
    return "".join(parts)


def _heatmap(table: Table, columns: list[int]) -> str:
    figures = _figures(table, columns)
    top = max((v for row in figures for v in row), default=0.0) or 1.0
    cell_w = (WIDTH - LEFT - RIGHT) / len(columns)
    cell_h = (HEIGHT - TOP - 30) / len(figures)
    parts = []
    for r, row in enumerate(figures):
        y = TOP + cell_h * r
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#1d2330">{escape(str(table.rows[r][0]))}</text>'
        )
        for c, value in enumerate(row):
            shade = int(245 - 200 * value / top)
            parts.append(
                f'<rect x="{LEFT + cell_w * c:.1f}" y="{y:.1f}" width="{cell_w - 1:.1f}" '
                f'height="{cell_h - 1:.1f}" fill="rgb({shade},{min(shade + 5, 255)},255)"/>'
            )
    for c, index in enumerate(columns):
        if c % 3 == 0:
            parts.append(
                f'<text x="{LEFT + cell_w * (c + 0.5):.1f}" y="{HEIGHT - 12}" font-size="10" '
                f'text-anchor="middle" fill="#1d2330">{escape(table.columns[index])}</text>'
            )
    return "".join(parts)


def _legend(names: list[str]) -> str:
    if len(names) < 2:
        return ""
    parts = []
    x = LEFT
    for series, name in enumerate(names):
        colour = PALETTE[series % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{HEIGHT - 5}" font-size="11" fill="#1d2330">'
            f"{escape(name[:28])}</text>"
        )
        x += 24 + 7 * min(len(name), 28)
    return "".join(parts)
