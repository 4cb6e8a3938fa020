"""Loading the reference data (regions and municipalities) shipped in finsam/data. Idempotent."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(region_model: Any, municipality_model: Any) -> tuple[int, int]:
    """Create or update the 21 regions and 290 municipalities; returns their counts."""
    official = {(r["kind"], r["code"]): r["name"] for r in _rows("official_names.csv")}
    regions = {}
    for row in _rows("counties.csv"):
        code = row["county_code"]
        region, _ = region_model.objects.update_or_create(
            code=code,
            defaults={
                "name": official.get(("region", code), f"Region {row['county_name_short']}"),
                "county_name": row["county_name"],
            },
        )
        regions[code] = region
    for row in _rows("municipalities.csv"):
        code = row["municipality_code"]
        municipality_model.objects.update_or_create(
            code=code,
            defaults={
                "name": official.get(("municipality", code), row["municipality_name"]),
                "short_name": row["municipality_name_short"],
                "region": regions[row["county_code"]],
            },
        )
    return len(regions), municipality_model.objects.count()
