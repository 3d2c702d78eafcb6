"""Real gminas (TERYT TERC with population) to place generated organisations in (pure: shipped files)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ses.territories.reference import read_territories

DEMO_VOIVODESHIP = "04"  # kujawsko-pomorskie


@dataclass(frozen=True)
class Gmina:
    code: str
    name: str
    gmina_type: str
    """1 urban, 2 rural, 3 urban-rural (TERC RODZ)"""
    population: int
    powiat_name: str
    voivodeship_name: str

    @property
    def powiat_code(self) -> str:
        return self.code[:4]

    @property
    def voivodeship_code(self) -> str:
        return self.code[:2]

    @property
    def is_urban(self) -> bool:
        return self.gmina_type == "1"


@lru_cache(maxsize=1)
def country_gminas() -> tuple[Gmina, ...]:
    """Every gmina of Poland in TERC order; gminas without a 2020 population figure (new in 2025)
    get the smallest population seen, so they still receive a few organisations."""
    rows = read_territories()
    names = {row.code: row.name for row in rows if row.level != "gmina"}
    gminas = [row for row in rows if row.level == "gmina"]
    smallest = min(row.population for row in gminas if row.population)
    return tuple(
        Gmina(
            code=row.code,
            name=row.name,
            gmina_type=row.gmina_type or "2",
            population=row.population or smallest,
            powiat_name=names.get(row.code[:4], ""),
            voivodeship_name=names.get(row.code[:2], ""),
        )
        for row in gminas
    )


def region_gminas(voivodeship: str = DEMO_VOIVODESHIP) -> tuple[Gmina, ...]:
    return tuple(gmina for gmina in country_gminas() if gmina.code.startswith(voivodeship))
