"""Territories in the database: loading the reference data and answering queries about it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ses.db import write_transaction
from ses.errors import NotFound
from ses.territories.reference import LEVEL_OF_LENGTH, boundaries, read_territories
from ses.territories.tables import Territory
from ses.text import fold

_gmina_codes: frozenset[str] | None = None
_all_codes: frozenset[str] | None = None


async def load_territories() -> int:
    """Insert or refresh the shipped TERC units; returns how many units the database holds."""
    global _gmina_codes, _all_codes
    rows = read_territories()
    async with write_transaction():
        existing = {
            row["code"]: (row["name"], row["population"])
            for row in await Territory.select(Territory.code, Territory.name, Territory.population)
        }
        fresh = [Territory(**row.__dict__) for row in rows if row.code not in existing]
        for start in range(0, len(fresh), 500):
            await Territory.insert(*fresh[start : start + 500])
        for row in rows:
            if row.code in existing and existing[row.code] != (row.name, row.population):
                await Territory.update(
                    {Territory.population: row.population, Territory.name: row.name}
                ).where(Territory.code == row.code)
    _gmina_codes = _all_codes = None
    _NAMES.clear()
    _ROWS.clear()
    return await Territory.count()


async def gmina_codes() -> frozenset[str]:
    """The set of gmina codes, read once per process (reference data changes only on reload)."""
    global _gmina_codes
    if _gmina_codes is None:
        rows = await Territory.select(Territory.code).where(Territory.level == "gmina")
        _gmina_codes = frozenset(row["code"] for row in rows)
    return _gmina_codes


async def territory_codes() -> frozenset[str]:
    """Every TERC code in the database (voivodeships, powiats, gminas), read once per process."""
    global _all_codes
    if _all_codes is None:
        _all_codes = frozenset(row["code"] for row in await Territory.select(Territory.code))
    return _all_codes


async def gmina_exists_checker() -> Callable[[str], bool]:
    codes = await gmina_codes()
    return codes.__contains__


COLUMNS = (
    Territory.code,
    Territory.level,
    Territory.name,
    Territory.type_label,
    Territory.gmina_type,
    Territory.parent_code,
    Territory.population,
)


async def list_territories(
    *, level: str | None, parent: str | None, q: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    if level:
        conditions.append(Territory.level == level)
    if parent:
        conditions.append(Territory.code.like(f"{parent}%"))
        conditions.append(Territory.code != parent)
    if q:
        conditions.append(Territory.name_search.like(f"%{fold(q).replace('%', '').replace('_', '')}%"))
    query = Territory.select(*COLUMNS).order_by(Territory.code).limit(limit).offset(offset)
    count = Territory.count()
    if conditions:
        query = query.where(*conditions)
        count = count.where(*conditions)
    return list(await query), await count


async def get_territory(code: str) -> dict[str, Any]:
    row = await Territory.select(*COLUMNS).where(Territory.code == code).first()
    if row is None:
        raise NotFound(f"Nie ma jednostki terytorialnej o kodzie {code}.")
    chain = []
    parent = row["parent_code"]
    while parent:
        up = (
            await Territory.select(Territory.code, Territory.name, Territory.level, Territory.parent_code)
            .where(Territory.code == parent)
            .first()
        )
        if up is None:
            break
        chain.append({"code": up["code"], "name": up["name"], "level": up["level"]})
        parent = up["parent_code"]
    row["parents"] = list(reversed(chain))
    row["children"] = await Territory.count().where(Territory.parent_code == code)
    return row


def feature_collection(level: str, within: str | None = None) -> dict[str, Any]:
    """GeoJSON of one level, optionally only units inside a voivodeship or powiat code."""
    features = [
        feature
        for code, feature in sorted(boundaries(level).items())
        if not within or code.startswith(within)
    ]
    return {"type": "FeatureCollection", "features": features}


def feature_of(code: str) -> dict[str, Any]:
    level = LEVEL_OF_LENGTH.get(len(code))
    feature = boundaries(level).get(code) if level else None
    if feature is None:
        raise NotFound(f"Brak granic jednostki o kodzie {code}.")
    return feature


_NAMES: dict[str, str] = {}
_ROWS: dict[str, dict[str, Any]] = {}


async def territory_rows() -> dict[str, dict[str, Any]]:
    """Code → the unit's code, level, name, folded name, type and population, for every TERC unit
    (about 2,900; reference data, read once per process like `territory_names`). The report form's
    type-ahead looks names up here instead of asking the database on every keystroke."""
    if not _ROWS:
        rows = await Territory.select(
            Territory.code,
            Territory.level,
            Territory.name,
            Territory.name_search,
            Territory.type_label,
            Territory.population,
        )
        _ROWS.update({row["code"]: row for row in rows})
    return _ROWS


async def territory_names() -> dict[str, str]:
    """Code → name of every TERC unit (about 2,900; reference data loaded by `ses migrate`, read
    once per process)."""
    if not _NAMES:
        rows = await Territory.select(Territory.code, Territory.name, Territory.level)
        _NAMES.update({row["code"]: row["name"] for row in rows})
    return _NAMES
