"""The residents' search as a use-case: from what a visitor typed to the rows, map and messages of
the /uslugi page, in the visitor's language. Nothing here writes; bad input becomes a message."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from ses.db import committed_writes
from ses.directory import geo, queries, taxonomy
from ses.directory.hsds import as_datetime, codes
from ses.directory.i18n import MESSAGES, translator
from ses.directory.publishing import category_with_children
from ses.directory.queries import Filters
from ses.directory.services import is_overdue
from ses.directory.vocab import LANGUAGES, Cost
from ses.territories.tables import Territory
from ses.text import fold

PER_PAGE = 20
MAX_TEXT = 100


@dataclass
class SearchInput:
    text: str = ""
    gmina: str = ""
    lat: str = ""
    lon: str = ""
    category: str = ""
    group: str = ""
    cost: str = ""
    language: str = ""
    page: str = "1"


@dataclass
class Outcome:
    errors: list[str] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    gmina: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    map: geo.SvgMap | None = None


async def gminas_named(text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Gminas whose name starts with (else contains) the folded text, exact names first."""
    needle = " ".join(fold(text).replace("%", " ").replace("_", " ").split())
    if not needle:
        return []
    columns = (
        Territory.code,
        Territory.name,
        Territory.name_search,
        Territory.type_label,
        Territory.gmina_type,
        Territory.population,
    )
    rows = await (
        Territory.select(*columns)
        .where((Territory.level == "gmina") & Territory.name_search.like(f"{needle}%"))
        .order_by(Territory.population, ascending=False)
        .limit(200)
    )
    if not rows:
        rows = await (
            Territory.select(*columns)
            .where((Territory.level == "gmina") & Territory.name_search.like(f"%{needle}%"))
            .order_by(Territory.population, ascending=False)
            .limit(200)
        )
    rows = sorted(rows, key=lambda r: (r["name_search"] != needle, -(r["population"] or 0)))[:limit]
    return await _with_powiats(rows)


async def _with_powiats(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    powiat_codes = list({row["code"][:4] for row in rows})
    names = {}
    if powiat_codes:
        found = await Territory.select(Territory.code, Territory.name).where(
            Territory.code.is_in(powiat_codes)
        )
        names = {row["code"]: row["name"] for row in found}
    return [{**row, "powiat": names.get(row["code"][:4], "")} for row in rows]


def with_labels(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    return [{**row, "kind": type_label(row, lang)} for row in rows]


GMINAS_TTL_SECONDS = 300.0
_gminas: tuple[float, int, dict[str, dict[str, Any]]] | None = None


async def _all_gminas() -> dict[str, dict[str, Any]]:
    """Every gmina with its powiat's name, read once and kept (TERYT changes with `ses migrate` or a
    population sync: a write of this process, or five minutes, refreshes it)."""
    global _gminas
    now, writes = time.monotonic(), committed_writes()
    if _gminas is None or _gminas[1] != writes or now - _gminas[0] > GMINAS_TTL_SECONDS:
        rows = await Territory.select(
            Territory.code,
            Territory.name,
            Territory.name_search,
            Territory.type_label,
            Territory.gmina_type,
            Territory.population,
        ).where(Territory.level == "gmina")
        powiats = await Territory.select(Territory.code, Territory.name).where(Territory.level == "powiat")
        names = {row["code"]: row["name"] for row in powiats}
        found = {row["code"]: {**row, "powiat": names.get(row["code"][:4], "")} for row in rows}
        _gminas = (now, writes, found)
    return _gminas[2]


async def gmina(code: str) -> dict[str, Any] | None:
    found = (await _all_gminas()).get(code)
    return dict(found) if found else None


def type_label(row: dict[str, Any], lang: str) -> str:
    """ "gmina miejska" in the visitor's language (other TERC types keep their Polish label)."""
    key = f"gmina_type_{row.get('gmina_type')}"
    return translator(lang)(key) if key in MESSAGES else str(row.get("type_label") or "")


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


async def search(given: SearchInput, lang: str) -> Outcome:
    t = translator(lang)
    out = Outcome()
    text = given.text.strip()
    if len(text) > MAX_TEXT:
        out.errors.append(t("too_long"))
        return out
    filters = Filters()
    await _check_filters(given, filters, out, t)
    try:
        out.page = int(given.page or "1")
    except ValueError:
        out.page = 0
    if not 1 <= out.page <= 10_000:
        out.errors.append(t("bad_page"))
        out.page = 1
    home: tuple[float, float] | None = None
    code = given.gmina.strip()
    if code and text and not text[-7:].isdigit():
        named = await gmina(code) if len(code) == 7 and code.isdigit() else None
        if named is None or fold(named["name"]) != fold(text):
            code = ""  # the visitor typed another place: the name wins over the earlier choice
    if not code and text[-7:].isdigit():  # a suggestion chosen from the list ends with its code
        code = text[-7:]
    if code:
        out.gmina = await gmina(code) if len(code) == 7 and code.isdigit() else None
        if out.gmina is None:
            out.errors.append(t("unknown_gmina", text=code[:20]))
    elif given.lat or given.lon:
        lat, lon = _number(given.lat), _number(given.lon)
        if lat is None or lon is None:
            out.errors.append(t("bad_coordinates"))
        elif not geo.inside_poland(lat, lon) or (found := geo.gmina_at(lat, lon)) is None:
            out.errors.append(t("outside_poland"))
        else:
            home = (lat, lon)
            out.gmina = await gmina(found)
    elif text:
        choices = await gminas_named(text)
        exact = [row for row in choices if row["name_search"] == fold(text)]
        if len(exact) == 1 or len(choices) == 1:
            out.gmina = (exact or choices)[0]
        elif choices:
            out.choices = choices
        else:
            out.errors.append(t("no_gmina", text=text))
    if out.errors or out.gmina is None:
        return out
    filters.gmina = out.gmina["code"]
    filters.near = home or geo.centroid(out.gmina["code"])
    rows, out.total = await queries.service_at_locations(
        filters, limit=PER_PAGE, offset=(out.page - 1) * PER_PAGE
    )
    out.pages = max(1, math.ceil(out.total / PER_PAGE))
    if out.page > out.pages:
        out.errors.append(t("bad_page"))
        return out
    out.rows = await _presented(rows, filters.near, lang)
    points = [(row["latitude"], row["longitude"], row["name"]) for row in out.rows]
    out.map = geo.svg_map(out.gmina["code"], points, home)
    return out


async def _check_filters(given: SearchInput, filters: Filters, out: Outcome, t: Any) -> None:
    categories = await taxonomy.terms("category")
    groups = await taxonomy.terms("target_group")
    if given.category:
        if given.category in categories:
            filters.category_ids = await category_with_children(given.category)
        else:
            out.errors.append(t("bad_filter", text=given.category[:40]))
    if given.group:
        if given.group in groups:
            filters.target_group = given.group
        else:
            out.errors.append(t("bad_filter", text=given.group[:40]))
    if given.cost:
        if given.cost in {c.value for c in Cost}:
            filters.cost = given.cost
        else:
            out.errors.append(t("bad_filter", text=given.cost[:40]))
    if given.language:
        if given.language in LANGUAGES:
            filters.language = given.language
        else:
            out.errors.append(t("bad_filter", text=given.language[:40]))


async def _presented(
    rows: list[dict[str, Any]], near: tuple[float, float] | None, lang: str
) -> list[dict[str, Any]]:
    terms = {term["id"]: term for term in await taxonomy.all_terms()}
    by_code = {term["code"]: term for term in terms.values()}
    index = ("pl", "en", "uk").index(lang)
    out = []
    for row in rows:
        confirmed = as_datetime(row["confirmed_at"])
        category = terms.get(row["category"])
        out.append(
            {
                **row,
                "category_label": taxonomy.label(category, lang) if category else "",
                "groups": [
                    taxonomy.label(by_code[c], lang) for c in codes(row["target_groups"]) if c in by_code
                ],
                "language_labels": [LANGUAGES[c][index] for c in codes(row["languages"]) if c in LANGUAGES],
                "distance_km": round(geo.distance_km(*near, row["latitude"], row["longitude"]), 1)
                if near
                else None,
                "confirmed_on": confirmed.date().isoformat() if confirmed else None,
                "stale": is_overdue(confirmed),
            }
        )
    return out


async def options(lang: str) -> dict[str, list[tuple[str, str]]]:
    """The choices of the filters, labelled in the visitor's language."""
    t = translator(lang)
    index = ("pl", "en", "uk").index(lang)
    categories = await taxonomy.terms("category")
    groups = await taxonomy.terms("target_group")
    return {
        "category": [
            (code, ("— " if term["parent_code"] else "") + taxonomy.label(term, lang))
            for code, term in categories.items()
        ],
        "group": [(code, taxonomy.label(term, lang)) for code, term in groups.items()],
        "cost": [(c.value, t(c.value)) for c in Cost],
        "language": [(code, names[index]) for code, names in LANGUAGES.items()],
    }
