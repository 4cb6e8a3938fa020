"""The SVG bar chart, drawn by matplotlib: valid SVG with a title and a description for screen readers,
every value written out, whole numbers on a count axis, text of at least 12 px, and no style that a
Content Security Policy without `unsafe-inline` would block."""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from finsam.core.money import format_tkr
from finsam.reports.charts import grouped_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _count(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}".replace(".", ",")


def chart(**overrides: object) -> object:
    arguments: dict[str, object] = {
        "chart_id": "prov",
        "title": "Budget och utfall",
        "description": "Två poster.",
        "categories": ["Insats med ett mycket långt namn som inte får plats på en rad", "Lokaler"],
        "series": [("Budget", [Decimal("600000"), Decimal("50000")]), ("Utfall", [Decimal("300000"), None])],
        "format_value": format_tkr,
    }
    arguments.update(overrides)
    return grouped_bar_chart(**arguments)  # type: ignore[arg-type]


def svg_of(made: object) -> str:
    return str(made.svg())  # type: ignore[attr-defined]


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@override_settings(LANGUAGE_CODE="sv")
def test_the_chart_is_valid_svg_with_a_title_and_a_description() -> None:
    root = ET.fromstring(svg_of(chart()))  # noqa: S314 - our own markup

    assert root.get("role") == "img" and root.get("aria-labelledby") == "prov-title prov-desc"
    assert root.find(f"{SVG}title").text == "Budget och utfall"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Två poster."  # type: ignore[union-attr]
    drawing = [child for child in root if child.tag not in (f"{SVG}title", f"{SVG}desc")]
    assert drawing and all(child.get("aria-hidden") == "true" for child in drawing)


@override_settings(LANGUAGE_CODE="sv")
def test_every_value_is_written_and_a_missing_one_is_a_dash() -> None:
    written = texts(svg_of(chart()))

    assert {"600\u00a0tkr", "300\u00a0tkr", "50\u00a0tkr", "–"} <= set(written)
    assert "Budget" in written and "Utfall" in written  # the legend, since there are two series


@override_settings(LANGUAGE_CODE="sv")
def test_a_long_category_name_is_wrapped_whole_not_cut() -> None:
    svg = svg_of(chart())

    words = " ".join(texts(svg))
    assert "Insats med ett mycket" in words and "plats på en rad" in words


def test_no_style_attribute_or_element_survives() -> None:
    svg = svg_of(chart())

    assert "style=" not in svg and "<style" not in svg and "<metadata" not in svg
    assert 'fill="#4a52b6"' in svg  # the first series' colour, as an attribute


def test_text_is_at_least_12_px_in_a_chart_drawn_in_pixels() -> None:
    root = ET.fromstring(svg_of(chart()))  # noqa: S314 - our own markup

    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    sizes = [float(t.get("font-size", "0").removesuffix("px")) for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 12


def test_a_count_axis_has_whole_numbers_only() -> None:
    made = chart(
        series=[("Kvinnor", [Decimal(1), Decimal(3)]), ("Män", [Decimal(2), Decimal(0)])],
        format_value=_count,
        integer=True,
    )

    axis = [t for t in texts(svg_of(made)) if re.fullmatch(r"[\d,]+", t)]
    assert axis and all("," not in t for t in axis)


def test_the_same_chart_is_the_same_markup_and_two_charts_share_no_id() -> None:
    first, again, other = svg_of(chart()), svg_of(chart()), svg_of(chart(chart_id="annat"))

    assert first == again
    ids = re.findall(r'id="([^"]+)"', first)
    assert len(ids) == len(set(ids))
    assert not set(ids) & set(re.findall(r'id="([^"]+)"', other))  # one page may hold both


def test_an_empty_chart_still_draws() -> None:
    svg = svg_of(chart(categories=[], series=[("Budget", [])]))

    assert ET.fromstring(svg).get("role") == "img"  # noqa: S314 - our own markup


def test_a_drawn_chart_is_shared_with_the_other_processes_and_not_drawn_again(monkeypatch: Any) -> None:
    """What one process drew is in the shared cache: another process (here: this one with its own memory
    dropped) takes the markup from there without drawing."""
    from finsam.reports import charts

    made = chart(chart_id="delad", series=[("Budget", [Decimal("41"), Decimal("7")])])
    drawn = svg_of(made)
    charts._kept.cache_clear()

    def no_drawing(*_: object) -> str:
        raise AssertionError("drawn again")

    monkeypatch.setattr(charts, "_render", no_drawing)
    assert svg_of(made) == drawn
    # Other figures are another chart: drawn, never served from the first one's entry.
    charts._kept.cache_clear()
    with pytest.raises(AssertionError, match="drawn again"):
        svg_of(chart(chart_id="delad", series=[("Budget", [Decimal("42"), Decimal("7")])]))


@pytest.mark.parametrize(
    "format_value",
    [lambda value: f"{value} st", functools.partial(format_tkr), Decimal.__str__],
    ids=["lambda", "partial", "method"],
)
def test_a_chart_whose_formatter_has_no_plain_name_is_not_shared(monkeypatch: Any, format_value: Any) -> None:
    from finsam.reports import charts

    made = chart(chart_id="lokal", format_value=format_value)
    drawn = svg_of(made)
    charts._kept.cache_clear()
    calls: list[str] = []
    render = charts._render

    def counted(*arguments: Any) -> str:
        calls.append(arguments[0].id)
        return render(*arguments)

    monkeypatch.setattr(charts, "_render", counted)
    assert svg_of(made) == drawn
    assert calls == ["lokal"]


def test_a_chart_drawn_by_another_version_of_the_drawing_is_drawn_again(monkeypatch: Any) -> None:
    """The shared cache outlives a deploy: its key holds the drawing's code and matplotlib's version."""
    from finsam.reports import charts

    made = chart(chart_id="version", series=[("Budget", [Decimal("3"), Decimal("4")])])
    svg_of(made)
    charts._kept.cache_clear()
    monkeypatch.setattr(charts, "_drawing_version", lambda: "a later drawing")
    calls: list[str] = []
    render = charts._render
    monkeypatch.setattr(
        charts, "_render", lambda *arguments: calls.append(arguments[0].id) or render(*arguments)
    )

    svg_of(made)

    assert calls == ["version"]
