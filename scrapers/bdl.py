"""GUS BDL API: population of voivodeships, powiats and gminas for a year (fetch + pure parse).

BDL unit ids are 12 characters; the TERYT code is read from positions 2–3 (voivodeship), 7–8
(powiat) and 9–11 (gmina with its type), never from the NUTS digits in between (shared reference
"data-sources" §2). Values flagged other than "1" (a plain value) are reported, not stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

LEVELS = {2: "voivodeship", 5: "powiat", 6: "gmina"}


class MalformedPayload(ValueError):
    pass


def teryt_of(unit_id: str, level: int) -> str | None:
    """'011212001011' at level 6 → '1201011'; level 5 → '1201'; level 2 → '12'."""
    if len(unit_id) != 12 or not unit_id.isdigit() or unit_id[2:4] == "00":
        return None  # not a unit of a voivodeship (Poland, a macro-region)
    if level == 2 and unit_id[4:] == "0" * 8:
        return unit_id[2:4]
    if level == 5 and unit_id[7:9] != "00" and unit_id[9:] == "000":
        return unit_id[2:4] + unit_id[7:9]
    if level == 6 and unit_id[7:9] != "00" and unit_id[9:11] != "00":
        return unit_id[2:4] + unit_id[7:12]
    return None


@dataclass
class Page:
    values: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    next_url: str | None = None


def parse_population(payload: str | Mapping[str, Any], year: int, level: int) -> Page:
    """One page of `/data/by-variable/{id}` (or its bare `results` list) → TERYT code → population."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError as error:
            raise MalformedPayload(f"Odpowiedź BDL nie jest poprawnym JSON-em: {error.msg}.") from error
    results = (
        payload
        if isinstance(payload, list)
        else payload.get("results")
        if isinstance(payload, Mapping)
        else None
    )
    if not isinstance(results, list):
        raise MalformedPayload("Odpowiedź BDL nie zawiera listy wyników (results).")
    page = Page()
    if isinstance(payload, Mapping):
        page.next_url = (payload.get("links") or {}).get("next")
    for unit in results:
        code = teryt_of(str(unit.get("id", "")), level)
        if code is None:
            page.problems.append(
                f"Jednostki BDL {unit.get('id')} ({unit.get('name')}) nie da się przypisać do TERYT."
            )
            continue
        found = [v for v in unit.get("values") or [] if str(v.get("year")) == str(year)]
        if not found:
            page.problems.append(f"Brak wartości za {year} dla {unit.get('name')} ({code}).")
            continue
        value = found[0]
        if value.get("attrId") != 1 or not isinstance(value.get("val"), int | float):
            page.problems.append(
                f"Wartość dla {unit.get('name')} ({code}) oznaczona jako niepełna lub niedostępna."
            )
            continue
        page.values[code] = int(value["val"])
    return page


async def fetch_population(
    client: httpx.AsyncClient, variable: str, year: int, level: int
) -> tuple[dict[str, int], list[str], int]:
    """Every page of one level: (code → population, problems, requests made)."""
    url: str | None = f"/data/by-variable/{variable}"
    params: dict[str, Any] | None = {"unit-level": level, "year": year, "page-size": 100, "format": "json"}
    values: dict[str, int] = {}
    problems: list[str] = []
    requests = 0
    while url:
        response = await client.get(url, params=params)
        requests += 1
        response.raise_for_status()
        page = parse_population(response.text, year, level)
        values.update(page.values)
        problems += page.problems
        url, params = page.next_url, None
    return values, problems, requests
