"""The territorial reference data shipped inside the package (pure: reads files, no database)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ses.text import fold

LEVELS = ("voivodeship", "powiat", "gmina")
LEVEL_OF_LENGTH = {2: "voivodeship", 4: "powiat", 7: "gmina"}
GEOJSON_FILES = {"voivodeship": "wojewodztwa.geojson", "powiat": "powiaty.geojson", "gmina": "gminy.geojson"}


@dataclass(frozen=True)
class TerritoryRow:
    code: str
    level: str
    name: str
    name_search: str
    gmina_type: str | None
    type_label: str
    parent_code: str | None
    population: int | None


def _data_text(name: str) -> str:
    return resources.files("ses.territories").joinpath("data", name).read_text(encoding="utf-8")


def _population() -> dict[str, int]:
    """Population by TERC 2025 code; gminas whose type changed since 2020 match on six digits."""
    by_code: dict[str, int] = {}
    for row in csv.DictReader(_data_text("population_2020.csv").splitlines()):
        by_code[row["terc_2025"]] = int(row["population"])
    return by_code


def read_territories() -> list[TerritoryRow]:
    population = _population()
    population_by_six = {code[:6]: value for code, value in population.items() if len(code) == 7}
    rows: list[TerritoryRow] = []
    for row in csv.DictReader(_data_text("terc.csv").splitlines()):
        code = row["terc"]
        level = LEVEL_OF_LENGTH[len(code)]
        name = row["name"].capitalize() if level == "voivodeship" else row["name"]
        people = population.get(code)
        if people is None and level == "gmina":
            people = population_by_six.get(code[:6])
        rows.append(
            TerritoryRow(
                code=code,
                level=level,
                name=name.lower() if level == "voivodeship" else name,
                name_search=fold(name),
                gmina_type=row["rodz"] or None,
                type_label=row["kind_pl"],
                parent_code=None if level == "voivodeship" else code[: 2 if level == "powiat" else 4],
                population=people,
            )
        )
    return rows


@lru_cache(maxsize=3)
def boundaries(level: str) -> dict[str, dict[str, Any]]:
    """GeoJSON features of one level keyed by TERC code (parsed once, then kept in memory)."""
    collection = json.loads(_data_text(GEOJSON_FILES[level]))
    features: dict[str, dict[str, Any]] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        code = props.get("terc_2025") or props["terc"]
        features[code] = feature
    return features
