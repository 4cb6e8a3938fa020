"""SVG bar charts, drawn by matplotlib once on the server; the same markup goes into a page and a PDF.

Matplotlib lays out the chart (axis, gridlines, value labels, legend, room for long category names); this
module then makes its SVG fit the platform's pages:

- every `style` attribute and the `<style>` element become SVG presentation attributes (`fill`, `stroke`,
  `font-size` …), so that the chart passes a Content Security Policy without `unsafe-inline`;
- the drawing's units are pixels (matplotlib writes points), so that the text, 12 units, is 12 px when the
  chart is shown at its own width;
- it carries a title and a description for screen readers (`role="img"`), the drawing itself hidden from
  them; every bar has its value as text, so that nothing is told by colour alone, and the page shows the
  same figures in a table;
- the markup is the same for the same chart (no date, ids salted with the chart's id), and is kept once
  drawn: in the process, and in the cache `charts` (settings.CACHES: files under the data directory) that
  every process of the installation shares and that outlives a restart, under a digest of everything the
  chart is drawn from. A statistics page with seven charts does not lay them out again while its figures
  stay the same, in whichever process it is asked for.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import math
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# Colours with at least 4.5:1 contrast against white, told apart also by the legend's text and order.
SERIES_COLOURS = ("#4a52b6", "#b4540a", "#1c6b48", "#6b2e7a")
TEXT_COLOUR = "#1b1e23"
MUTED_COLOUR = "#5f6165"
GRID_COLOUR = "#d5d6d8"
FONTS = ["Liberation Sans", "DejaVu Sans"]  # DejaVu comes with matplotlib: always there
FONT_SIZE = 12  # px: the smallest text in a chart
WIDTH = 640  # px, the chart at its own size, category names included
NAMES = 200  # px of it for the category names, left of the plot
LABEL_CHARS = 28  # a category's name is wrapped at this width, on at most three lines
BAR = 16  # px, the thickness of one bar
GROUP_GAP = 12  # px between the groups of bars

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_DECLARATION = re.compile(r"\s*([a-z-]+)\s*:\s*(.+?)\s*$")


@dataclass(frozen=True)
class BarChart:
    """A horizontal grouped bar chart: one group per category, one bar per series."""

    id: str
    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[Decimal | None, ...]], ...]
    format_value: Callable[[Decimal], str]
    integer: bool

    def svg(self) -> SafeString:
        # A template swallows a TypeError from a method it calls and writes nothing: make it an error.
        try:
            return self._svg()
        except TypeError as exc:
            raise RuntimeError(f"the chart {self.id} could not be drawn") from exc

    def _svg(self) -> SafeString:
        return SafeString(_kept(self, get_language() or ""))


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    format_value: Callable[[Decimal], str],
    integer: bool = False,
) -> BarChart:
    """Horizontal grouped bars: one row per category, one bar per series (None draws no bar and says "–").
    `integer`: the values are counts, so the axis has whole numbers only."""
    return BarChart(
        id=chart_id,
        title=str(title),
        description=str(description),
        categories=tuple(str(c) for c in categories),
        series=tuple((str(name), tuple(values)) for name, values in series),
        format_value=format_value,
        integer=integer,
    )


def _label(text: str) -> str:
    lines = textwrap.wrap(text, LABEL_CHARS, break_long_words=True) or [""]
    if len(lines) > 3:
        lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), LABEL_CHARS, placeholder="…")]
    return "\n".join(lines)


CACHE = "charts"  # settings.CACHES


@lru_cache(maxsize=1)
def _drawing_version() -> str:
    """What the drawing is made by, part of every shared key: this module's code and matplotlib's version,
    so that a chart drawn by an earlier version is never served after a deploy (the cache outlives it)."""
    import matplotlib

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16] + "-" + matplotlib.__version__


def _formatter_name(format_value: Callable[[Decimal], str]) -> str | None:
    """A plain module-level function's name and a digest of its code: what the values are written with.
    None for anything else (a lambda, a local function, a partial, a bound method): its name does not say
    what it does, so its charts are kept in the process only."""
    if not inspect.isfunction(format_value) or "<" in format_value.__qualname__:
        return None
    code = format_value.__code__
    body = hashlib.sha256(code.co_code + repr(code.co_consts).encode()).hexdigest()[:16]
    return f"{format_value.__module__}.{format_value.__qualname__}:{body}"


@lru_cache(maxsize=512)
def _kept(chart: BarChart, language: str) -> str:
    """The chart's markup: kept in the process, then in the shared cache, else drawn and kept in both. The
    language is part of the key: the formatting of the values may follow it."""
    formatter = _formatter_name(chart.format_value)
    if formatter is None:
        return _render(chart, language)
    what = repr(
        (
            _drawing_version(),
            chart.id,
            chart.title,
            chart.description,
            chart.categories,
            chart.series,
            formatter,
            chart.integer,
            language,
        )
    )
    key = "chart:" + hashlib.sha256(what.encode()).hexdigest()
    markup = caches[CACHE].get(key)
    if not isinstance(markup, str):
        markup = _render(chart, language)
        caches[CACHE].set(key, markup)
    return markup


def _render(chart: BarChart, language: str) -> str:
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    chart_id, title, description = chart.id, chart.title, chart.description
    categories, series, format_value = chart.categories, chart.series, chart.format_value
    n_series = max(len(series), 1)
    group = n_series * BAR + GROUP_GAP
    lines = sum(_label(c).count("\n") + 1 for c in categories)
    plot_height = max(len(categories) * group, lines * (FONT_SIZE + 4), 2 * group)
    legend = 28 if len(series) > 1 else 0
    axis = 30  # px below the plot: the axis's figures
    height = plot_height + legend + axis + 8
    numbers = [float(v) for _, values in series for v in values if v is not None]
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    if high == low:
        high = low + 1
    settings: dict[Any, Any] = {
        "svg.fonttype": "none",  # text stays text: searchable, read aloud, scaled with the page
        "svg.hashsalt": chart_id,
        "font.family": "sans-serif",
        "font.sans-serif": FONTS,
        "font.size": FONT_SIZE,
        "text.color": TEXT_COLOUR,
        "axes.edgecolor": MUTED_COLOUR,
        "xtick.color": MUTED_COLOUR,
        "xtick.labelcolor": TEXT_COLOUR,
        "ytick.labelcolor": TEXT_COLOUR,
    }
    with matplotlib.rc_context(settings):
        # A fixed layout, not bbox_inches="tight": that draws the figure twice to measure it.
        figure = Figure(figsize=(WIDTH / 72, height / 72), dpi=72)
        axes = figure.add_axes(
            (NAMES / WIDTH, axis / height, (WIDTH - NAMES - 12) / WIDTH, plot_height / height)
        )
        positions = list(range(len(categories)))
        step = BAR / group
        for number, (name, values) in enumerate(series):
            offset = (number - (n_series - 1) / 2) * step
            drawn = [0.0 if v is None else float(v) for v in values]
            bars = axes.barh(
                [p + offset for p in positions],
                drawn,
                height=step,
                color=SERIES_COLOURS[number % len(SERIES_COLOURS)],
                label=name,
            )
            axes.bar_label(
                bars,
                labels=["–" if v is None else format_value(v) for v in values],
                padding=4,
                fontsize=FONT_SIZE,
            )
        axes.set_yticks(positions, [_label(c) for c in categories])
        axes.set_ylim(max(len(categories), 1) - 0.5, -0.5)  # the first category on top
        span = high - low
        axes.set_xlim(low - (0.2 * span if low < 0 else 0), high + 0.2 * span)
        if chart.integer:
            axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        else:
            axes.xaxis.set_major_locator(MaxNLocator(nbins=5))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_value(_decimal(x))))
        axes.xaxis.grid(True, color=GRID_COLOUR, linewidth=1)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.tick_params(axis="y", length=0)
        if len(series) > 1:
            figure.legend(
                loc="upper left",
                bbox_to_anchor=(NAMES / WIDTH, 1.0),
                ncols=min(len(series), 4),
                frameon=False,
                borderaxespad=0.2,
            )
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return _accessible(out.getvalue(), chart_id, title, description)


def _decimal(value: float) -> Decimal:
    """An axis position as the Decimal that `format_value` takes (no float noise: 0.30000000000000004)."""
    value = float(value)  # matplotlib hands numpy's floats
    if math.isclose(value, round(value), abs_tol=1e-9):
        return Decimal(round(value))
    return Decimal(str(round(value, 6)))


def _accessible(markup: str, chart_id: str, title: str, description: str) -> str:
    """Matplotlib's SVG with presentation attributes instead of styles, pixel units, a title and a
    description, and nothing a page does not need."""
    root = ET.fromstring(markup)  # noqa: S314 - matplotlib's own output
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for declaration in style.split(";"):
                match = _DECLARATION.match(declaration)
                if match:
                    element.set(match.group(1), match.group(2))
    # Matplotlib names every group ("figure_1", "patch_3"): the same names in every chart, which a page
    # with several charts must not repeat. Only the ids that something points to stay (clip paths and
    # tick marks, salted with the chart's id).
    referenced = set(re.findall(r"url\(#([^)]+)\)", markup)) | set(re.findall(r'href="#([^"]+)"', markup))
    for element in root.iter():
        if element.get("id") not in referenced:
            element.attrib.pop("id", None)
    # The removed <style> said this for every element.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for dimension in ("width", "height"):
        root.set(dimension, root.get(dimension, "0").removesuffix("pt"))
    root.set("class", "chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    for child in list(root):
        child.set("aria-hidden", "true")
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{chart_id}-title"})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    root.attrib.pop("version", None)
    # Written without ElementTree's namespace registry, which other libraries change (a prefix for the
    # SVG namespace would give "<ns0:svg>"): plain names, the namespaces declared on the root.
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
        for name in [name for name in element.attrib if name.startswith("{")]:
            uri, _, local = name[1:].partition("}")
            value = element.attrib.pop(name)
            if uri == XLINK_NS:
                element.set(f"xlink:{local}", value)
    attributes = dict(root.attrib)
    root.attrib.clear()
    root.attrib.update({"xmlns": SVG_NS, "xmlns:xlink": XLINK_NS, **attributes})
    return ET.tostring(root, encoding="unicode")
