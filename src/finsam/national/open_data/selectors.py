"""Open data (R-NATIONAL: results known inside and outside): the registry, coverage, the national
aggregates (suppressed, R-SUPPRESS) and the members' contributions, as rows of plain values.

Public: nothing here is personal. The figures come from the same selectors as the national dashboard
(registry coverage, the statistics app's national figures, finance's national aggregates), so that the two
cannot differ. Each resource is described field by field in `RESOURCES`; `datapackage.json` and the
/open-data/ page are made from that list, so adding a resource (the decided state allocations, say) is one
entry there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from finsam.core.access import SYSTEM
from finsam.finance import selectors as finance
from finsam.national.allocation import selectors as allocation
from finsam.registry import selectors as registry
from finsam.statistics import selectors as statistics

Row = dict[str, Any]


@dataclass(frozen=True)
class Query:
    """What a request may ask for: the day of the coverage, the year of the figures."""

    day: date
    year: int


@dataclass(frozen=True)
class DataField:
    name: str
    type: str  # Frictionless Table Schema: string, integer, number, boolean, date
    description: Any  # lazy Swedish text
    user_text: bool = False  # typed by users: written so that a spreadsheet reads it as text


@dataclass(frozen=True)
class Resource:
    name: str
    title: Any
    description: Any
    fields: tuple[DataField, ...]
    rows: Callable[[Query], list[Row]]
    parameter: str = ""  # "date" or "year" when the file takes one

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def json_path(self) -> str:
        return f"{self.name}.json"


# --- the rows --------------------------------------------------------------------------------------


def association_rows(query: Query) -> list[Row]:
    return [
        {
            "id": a.pk,
            "name": a.name,
            "org_number": a.org_number,
            "seat_code": a.seat.code,
            "seat_name": a.seat.name,
            "founded": a.founded,
            "ended": a.dissolved,
        }
        for a in registry.associations().select_related("seat").order_by("name", "pk")
    ]


def member_rows(query: Query) -> list[Row]:
    return [
        {
            "association_id": m.association_id,
            "kind": m.kind,
            "code": m.code,
            "name": m.name,
            "start": m.joined,
            "end": m.left,
        }
        for m in registry.members().order_by("association_id", "kind", "joined", "pk")
    ]


def coverage_rows(query: Query) -> list[Row]:
    coverage = registry.coverage(day=query.day)
    return [
        {
            "date": coverage.day,
            "code": m.code,
            "name": m.name,
            "county_code": m.county_code,
            "county_name": m.county_name,
            "covered": m.covered,
            "association_ids": ";".join(str(a.id) for a in m.associations),
            "association_names": ";".join(a.name for a in m.associations),
        }
        for m in coverage.municipalities
    ]


def county_rows(query: Query) -> list[Row]:
    coverage = registry.coverage(day=query.day)
    return [
        {
            "date": coverage.day,
            "code": c.code,
            "name": c.name,
            "region_name": c.region_name,
            "municipalities": c.municipalities,
            "covered": c.covered,
            "region_covered": c.region_covered,
        }
        for c in coverage.counties
    ]


def coverage_document(query: Query) -> dict[str, Any]:
    """The contract of `GET /open-data/coverage.json`."""
    coverage = registry.coverage(day=query.day)
    return {
        "date": coverage.day.isoformat(),
        "municipalities": [
            {
                "code": m.code,
                "name": m.name,
                "county": {"code": m.county_code, "name": m.county_name},
                "associations": [{"id": a.id, "name": a.name} for a in m.associations],
            }
            for m in coverage.municipalities
        ],
        "counties": [
            {"code": c.code, "name": c.name, "municipalities": c.municipalities, "covered": c.covered}
            for c in coverage.counties
        ],
    }


def statistics_rows(query: Query) -> list[Row]:
    """Every cell of the national statistics of the year, suppressed (R-SUPPRESS): a hidden count has no
    value. Read as the system: the national figures are the same whoever asks."""
    stats = statistics.national_statistics(user=SYSTEM, year=query.year)
    rows = []
    for item in stats.tables:
        dimensions = item.dimensions
        for cell in item.table.cells:
            labels = dict(zip(dimensions, cell.key, strict=True))
            row_dimension = dimensions[0]
            column_dimension = dimensions[1] if len(dimensions) > 1 else ""
            rows.append(
                {
                    "year": stats.year,
                    "table": item.key,
                    "table_title": str(item.title),
                    "row_dimension": row_dimension,
                    "row": labels[row_dimension],
                    "row_name": item.name(row_dimension, labels[row_dimension]),
                    "column_dimension": column_dimension,
                    "column": labels.get(column_dimension, ""),
                    "column_name": item.name(column_dimension, labels[column_dimension])
                    if column_dimension
                    else "",
                    "value": cell.value,
                    "suppressed": cell.suppressed,
                }
            )
    return rows


def contribution_rows(query: Query) -> list[Row]:
    data = finance.national_finance(year=query.year)
    names = registry.association_names(association_ids=[a.association_id for a in data.by_association])
    rows = []
    for association in sorted(
        data.by_association, key=lambda a: (names.get(a.association_id, ""), a.association_id)
    ):
        for kind in finance.KIND_ORDER:
            if kind in association.by_kind:
                rows.append(
                    {
                        "year": query.year,
                        "association_id": association.association_id,
                        "association_name": names.get(association.association_id, ""),
                        "kind": str(kind),
                        "amount": association.by_kind[kind],
                    }
                )
    return rows


def allocation_rows(query: Query) -> list[Row]:
    return [
        {
            "year": row.year,
            "association_id": row.association_id,
            "association_name": row.association_name,
            "amount": row.amount,
            "decided_on": row.decided_on,
        }
        for row in allocation.decided_allocations()
    ]


# --- the descriptions --------------------------------------------------------------------------------

ASSOCIATION_ID = DataField("association_id", "integer", _("Förbundets id (fältet id i associations.csv)."))
ASSOCIATION_NAME = DataField("association_name", "string", _("Förbundets namn."), user_text=True)
KIND = DataField(
    "kind",
    "string",
    _("Slag av medlem: fk (Försäkringskassan), af (Arbetsförmedlingen), region eller municipality (kommun)."),
)
DAY = DataField("date", "date", _("Dagen som täckningen avser (ÅÅÅÅ-MM-DD)."))
YEAR = DataField("year", "integer", _("Året som uppgifterna avser."))

RESOURCES: tuple[Resource, ...] = (
    Resource(
        name="associations",
        title=_("Samordningsförbund"),
        description=_("Alla samordningsförbund i registret, även upplösta."),
        fields=(
            DataField("id", "integer", _("Förbundets id i plattformen; stabilt.")),
            DataField("name", "string", _("Förbundets namn."), user_text=True),
            DataField("org_number", "string", _("Organisationsnummer (NNNNNN-NNNN).")),
            DataField("seat_code", "string", _("Kommunkod för förbundets säte.")),
            DataField("seat_name", "string", _("Kommunen där förbundet har sitt säte.")),
            DataField("founded", "date", _("Dagen förbundet bildades.")),
            DataField("ended", "date", _("Dagen förbundet upplöstes; tom om det finns kvar.")),
        ),
        rows=association_rows,
    ),
    Resource(
        name="members",
        title=_("Förbundsmedlemmar med perioder"),
        description=_(
            "Varje förbunds medlemmar med dagarna de gick in och ut; en medlem kan ha flera perioder."
        ),
        fields=(
            ASSOCIATION_ID,
            KIND,
            DataField("code", "string", _("Kommunkod eller länskod; FK eller AF för staten.")),
            DataField("name", "string", _("Medlemmens namn.")),
            DataField("start", "date", _("Inträdesdag.")),
            DataField("end", "date", _("Sista dag som medlem; tom om medlemskapet pågår.")),
        ),
        rows=member_rows,
    ),
    Resource(
        name="coverage",
        title=_("Täckning per kommun"),
        description=_(
            "Alla 290 kommuner en viss dag (parametern date, i dag om den utelämnas) och de förbund som "
            "kommunen då är medlem i. Samma rader som i coverage.json."
        ),
        fields=(
            DAY,
            DataField("code", "string", _("Kommunkod (fyra siffror).")),
            DataField("name", "string", _("Kommunens namn.")),
            DataField("county_code", "string", _("Länskod (två siffror).")),
            DataField("county_name", "string", _("Länets namn.")),
            DataField("covered", "boolean", _("true om kommunen är medlem i minst ett förbund den dagen.")),
            DataField("association_ids", "string", _("Förbundens id, åtskilda med semikolon.")),
            DataField(
                "association_names", "string", _("Förbundens namn, åtskilda med semikolon."), user_text=True
            ),
        ),
        rows=coverage_rows,
        parameter="date",
    ),
    Resource(
        name="coverage-counties",
        title=_("Täckning per län"),
        description=_(
            "Alla 21 län en viss dag (parametern date): kommuner i förbund och om regionen är med."
        ),
        fields=(
            DAY,
            DataField("code", "string", _("Länskod (två siffror).")),
            DataField("name", "string", _("Länets namn.")),
            DataField("region_name", "string", _("Regionens namn.")),
            DataField("municipalities", "integer", _("Antal kommuner i länet.")),
            DataField("covered", "integer", _("Antal av dem som är medlem i minst ett förbund.")),
            DataField("region_covered", "boolean", _("true om regionen är medlem i minst ett förbund.")),
        ),
        rows=county_rows,
        parameter="date",
    ),
    Resource(
        name="national-statistics",
        title=_("Nationell statistik (röjandeskyddad)"),
        description=_(
            "Deltaganden i individinriktade insatser ett år (parametern year): per förbund och kön, "
            "åldersgrupp, sysselsättning vid avslut, försörjning och tid i insatsen. Antal 1–4 döljs, och "
            "fler celler döljs så att en dold uppgift inte kan räknas fram ur summorna; en dold cell har "
            "inget värde."
        ),
        fields=(
            YEAR,
            DataField(
                "table",
                "string",
                _("Tabellens nyckel: started, started_age, exited, outcome, income, duration."),
            ),
            DataField("table_title", "string", _("Tabellens rubrik.")),
            DataField(
                "row_dimension", "string", _("Radernas dimension, till exempel association eller age_band.")
            ),
            DataField("row", "string", _("Radens kategori (för förbund dess id); total för summan.")),
            DataField("row_name", "string", _("Radens kategori i klartext."), user_text=True),
            DataField("column_dimension", "string", _("Kolumnernas dimension; tom i en envägstabell.")),
            DataField("column", "string", _("Kolumnens kategori; total för summan; tom i en envägstabell.")),
            DataField("column_name", "string", _("Kolumnens kategori i klartext.")),
            DataField("value", "integer", _("Antal deltaganden; tomt när uppgiften är dold.")),
            DataField("suppressed", "boolean", _("true när uppgiften är dold (röjandeskydd).")),
        ),
        rows=statistics_rows,
        parameter="year",
    ),
    Resource(
        name="contributions",
        title=_("Medlemmarnas bidrag"),
        description=_(
            "Medlemmarnas bidrag ett år (parametern year) enligt förbundens fastställda budgetar, per "
            "förbund och slag av medlem."
        ),
        fields=(
            YEAR,
            ASSOCIATION_ID,
            ASSOCIATION_NAME,
            KIND,
            DataField("amount", "number", _("Bidrag i kronor med två decimaler (punkt som decimaltecken).")),
        ),
        rows=contribution_rows,
        parameter="year",
    ),
    Resource(
        name="state-allocations",
        title=_("Statens medel till förbunden"),
        description=_(
            "Den nationella arbetsgruppens beslut om fördelningen av statens medel (R-STATE-MODEL), varje "
            "beslutat år och förbund: det belopp som gäller för året."
        ),
        fields=(
            YEAR,
            ASSOCIATION_ID,
            ASSOCIATION_NAME,
            DataField(
                "amount", "number", _("Statens medel i kronor med två decimaler (punkt som decimaltecken).")
            ),
            DataField("decided_on", "date", _("Dagen beslutet fattades.")),
        ),
        rows=allocation_rows,
    ),
)


def resource(name: str) -> Resource:
    return next(r for r in RESOURCES if r.name == name)


def csv_value(value: Any, field: DataField) -> str:
    """A value as the Frictionless defaults read it: empty for null, true/false, ISO dates, plain decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def header(item: Resource) -> Sequence[str]:
    return [f.name for f in item.fields]
