"""The SVG bar chart: bars proportional to the values, every value written out, coordinates that the
template's Swedish number formatting cannot turn into commas, and a title and description for screen
readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.test import override_settings

from finsam.core.money import format_tkr
from finsam.reports.charts import grouped_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart(**overrides: object) -> object:
    arguments: dict[str, object] = {
        "chart_id": "prov",
        "title": "Budget och utfall",
        "description": "Två poster.",
        "categories": ["Insats med ett mycket långt namn som inte får plats i diagrammet", "Lokaler"],
        "series": [("Budget", [Decimal("600000"), Decimal("50000")]), ("Utfall", [Decimal("300000"), None])],
        "format_value": format_tkr,
    }
    arguments.update(overrides)
    return grouped_bar_chart(**arguments)  # type: ignore[arg-type]


@override_settings(LANGUAGE_CODE="sv")
def test_the_chart_is_valid_svg_with_a_title_and_a_description() -> None:
    root = ET.fromstring(str(chart().svg()))  # type: ignore[attr-defined]  # noqa: S314 - our own markup

    assert root.get("role") == "img" and root.get("aria-labelledby") == "prov-title prov-desc"
    assert root.find(f"{SVG}title").text == "Budget och utfall"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Två poster."  # type: ignore[union-attr]


@override_settings(LANGUAGE_CODE="sv")
def test_bars_are_proportional_and_every_value_is_written() -> None:
    svg = str(chart().svg())  # type: ignore[attr-defined]
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    bars = [r for r in root.iter(f"{SVG}rect") if float(r.get("height", "0")) == 14]
    widths = [float(bar.get("width", "0")) for bar in bars]

    assert widths[0] == 2 * widths[1]  # 600 000 against 300 000
    assert widths[3] == 0  # no outcome: no bar
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "600\u00a0tkr" in texts and "300\u00a0tkr" in texts and "–" in texts
    assert "Insats med ett mycket långt namn…" in texts  # cut at a word, the table has it all


@override_settings(LANGUAGE_CODE="sv", USE_THOUSAND_SEPARATOR=True)
def test_coordinates_are_never_localised() -> None:
    svg = str(chart().svg())  # type: ignore[attr-defined]

    for name, value in re.findall(r'\b(x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg):
        assert re.fullmatch(r"-?\d+(\.\d+)?", value), f"{name}={value!r}"


def test_an_empty_chart_still_has_an_axis() -> None:
    empty = chart(categories=[], series=[("Budget", [])])

    assert empty.rows == () and len(empty.ticks) == 5  # type: ignore[attr-defined]
