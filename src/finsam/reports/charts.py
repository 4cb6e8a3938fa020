"""SVG charts, drawn once on the server: Python lays out the geometry, the template
`reports/bar_chart.svg` writes the markup, and the same markup goes into a page and a PDF.

Every chart carries a title and a description for screen readers (role="img"), and every bar its value
as text, so that nothing is told by colour alone; the page shows the same figures in a table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# Colours with at least 4.5:1 contrast against white, told apart also by the legend's text and order.
SERIES_COLOURS = ("#4a52b6", "#b4540a", "#1c6b48", "#6b2e7a")

LABEL_WIDTH = 230
BAR_AREA = 360
VALUE_WIDTH = 110
BAR_HEIGHT = 14
BAR_GAP = 3
ROW_GAP = 12
TOP = 44
LABEL_CHARS = 34


def _n(value: float) -> str:
    """A coordinate for SVG: plain decimal point, never localised (the template must not format numbers)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


# Coordinates are kept as text made by _n, so that the template's number localisation cannot touch them.
@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    colour: str
    text: str
    text_x: str
    text_y: str


@dataclass(frozen=True)
class Row:
    label: str
    full_label: str
    label_x: str
    label_y: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    x: str
    text: str
    text_y: str


@dataclass(frozen=True)
class LegendItem:
    name: str
    colour: str
    x: str
    text_x: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    width: str
    height: str
    plot_left: str
    plot_top: str
    plot_bottom: str
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...]

    def svg(self) -> SafeString:
        return SafeString(render_to_string("reports/bar_chart.svg", {"chart": self}))


def _nice_ceiling(value: Decimal) -> Decimal:
    """1, 2, 2.5 or 5 times a power of ten, at least `value` (so the gridlines fall on round figures)."""
    if value <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(float(value)))
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        candidate = step * Decimal(10) ** exponent
        if candidate >= value:
            return candidate
    return Decimal(10) ** (exponent + 1)  # pragma: no cover - the loop always returns


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    format_value: Callable[[Decimal], str],
    ticks: int = 4,
) -> BarChart:
    """Horizontal grouped bars: one row per category, one bar per series (None draws no bar and says "–")."""
    values = [v for _, row in series for v in row if v is not None]
    top = _nice_ceiling(max([abs(v) for v in values], default=Decimal(0)))
    scale = Decimal(BAR_AREA) / top
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    rows = []
    y = float(TOP)
    for index, category in enumerate(categories):
        bars = []
        for number, (_name, row) in enumerate(series):
            value = row[index]
            bar_y = y + number * (BAR_HEIGHT + BAR_GAP)
            width = 0.0 if value is None else float(max(abs(value), Decimal(0)) * scale)
            if value is not None and value != 0:
                width = max(width, 1.0)
            bars.append(
                Bar(
                    x=_n(LABEL_WIDTH),
                    y=_n(bar_y),
                    width=_n(width),
                    height=_n(BAR_HEIGHT),
                    colour=SERIES_COLOURS[number % len(SERIES_COLOURS)],
                    text="–" if value is None else format_value(value),
                    text_x=_n(LABEL_WIDTH + width + 5),
                    text_y=_n(bar_y + BAR_HEIGHT - 3),
                )
            )
        rows.append(
            Row(
                label=_short(category),
                full_label=category,
                label_x=_n(LABEL_WIDTH - 8),
                label_y=_n(y + group_height / 2 + 4),
                bars=tuple(bars),
            )
        )
        y += group_height + ROW_GAP
    plot_bottom = y - ROW_GAP + 6
    tick_marks = tuple(
        Tick(
            x=_n(LABEL_WIDTH + BAR_AREA * i / ticks),
            text=format_value(top * i / ticks),
            text_y=_n(plot_bottom + 14),
        )
        for i in range(ticks + 1)
    )
    legend = tuple(
        LegendItem(
            name=name,
            colour=SERIES_COLOURS[n % len(SERIES_COLOURS)],
            x=_n(LABEL_WIDTH + n * 130),
            text_x=_n(LABEL_WIDTH + n * 130 + 18),
        )
        for n, (name, _) in enumerate(series)
    )
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        width=_n(LABEL_WIDTH + BAR_AREA + VALUE_WIDTH),
        height=_n(plot_bottom + 22),
        plot_left=_n(LABEL_WIDTH),
        plot_top=_n(TOP - 6),
        plot_bottom=_n(plot_bottom),
        rows=tuple(rows),
        ticks=tick_marks,
        legend=legend,
    )
