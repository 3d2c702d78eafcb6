"""The public side of the directory as use-cases: checks the parameters of a public query and
returns HSDS objects (no Litestar here). Everything returned is built from public columns only."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ses.directory import geo, hsds, queries, taxonomy
from ses.directory.ids import TAXONOMY_IDS, number_of
from ses.directory.queries import Filters
from ses.errors import ErrorCollector, NotFound
from ses.territories.services import gmina_codes
from ses.territories.tables import Territory

MAX_PROXIMITY_M = 200_000


@dataclass
class PublicQuery:
    """The parameters of the HSDS API (and SES's `gmina`), as a client sent them."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    postcode: str | None = None
    proximity: str | None = None
    modified_after: datetime | None = None
    gmina: str | None = None
    page: int = 1
    per_page: int = 50


async def voivodeship_names() -> dict[str, str]:
    rows = await Territory.select(Territory.code, Territory.name).where(Territory.level == "voivodeship")
    return {row["code"]: row["name"] for row in rows}


async def filters_of(query: PublicQuery, max_per_page: int) -> Filters:
    """Check every parameter at once; a bad one answers 422 naming it, nothing is searched."""
    errors = ErrorCollector()
    if query.page < 1:
        errors.add("page", "Numer strony zaczyna się od 1.")
    if not 1 <= query.per_page <= max_per_page:
        errors.add("per_page", f"Rozmiar strony musi mieścić się w zakresie 1–{max_per_page}.")
    if query.page * query.per_page > 1_000_000:
        errors.add(
            "page", "Za daleka strona: pobierz cały katalog jako paczkę danych (/hsds/datapackage.zip)."
        )
    if query.search and len(query.search) > 200:
        errors.add("search", "Wyszukiwany tekst może mieć najwyżej 200 znaków.")
    filters = Filters(text=query.search, modified_after=query.modified_after)
    if query.gmina is not None:
        if query.gmina not in await gmina_codes():
            errors.add("gmina", f"Nie ma gminy o kodzie TERYT {query.gmina!r} (7 cyfr, np. 0463011).")
        else:
            filters.gmina = query.gmina
    if query.taxonomy_term_id:
        await _term_filter(query.taxonomy_term_id, filters, errors)
    if query.taxonomy_id:
        taxonomy_number = number_of("taxonomy", query.taxonomy_id)
        if taxonomy_number not in TAXONOMY_IDS.values():
            errors.add("taxonomy_id", "Nie ma taksonomii o tym identyfikatorze.")
    if query.organization_id:
        org = number_of("organization", query.organization_id)
        if org is None:
            errors.add("organization_id", "Nie ma organizacji o tym identyfikatorze.")
        filters.organisation_id = org
    if query.postcode is not None:
        if not _is_postcode(query.postcode):
            errors.add("postcode", "Kod pocztowy ma postać NN-NNN, np. 87-100.")
        filters.postcode = query.postcode
    if query.proximity is not None:
        try:
            metres = float(query.proximity)
        except ValueError:
            metres = -1.0
        if not 0 < metres <= MAX_PROXIMITY_M or not math.isfinite(metres):
            errors.add("proximity", f"Odległość podaje się w metrach, od 1 do {MAX_PROXIMITY_M}.")
        elif query.postcode is None:
            errors.add("proximity", "Parametr proximity działa razem z parametrem postcode.")
        else:
            filters.within_m = metres
    errors.raise_if_any("Niepoprawne parametry zapytania.")
    if filters.within_m is not None and filters.postcode:
        centre = await _postcode_centre(filters.postcode)
        filters.near = centre
        filters.postcode = None  # the circle around the postcode replaces the exact match
        if centre is None:
            filters.service_ids = [0]  # an unknown postcode has nothing around it
    return filters


def _is_postcode(text: str) -> bool:
    return len(text) == 6 and text[2] == "-" and (text[:2] + text[3:]).isdigit()


async def _postcode_centre(postcode: str) -> tuple[float, float] | None:
    from ses.directory.tables import ServiceLocation

    rows = await ServiceLocation.select(ServiceLocation.latitude, ServiceLocation.longitude).where(
        ServiceLocation.postal_code == postcode
    )
    if not rows:
        return None
    return sum(r["latitude"] for r in rows) / len(rows), sum(r["longitude"] for r in rows) / len(rows)


async def _term_filter(term_text: str, filters: Filters, errors: ErrorCollector) -> None:
    number = number_of("taxonomy_term", term_text)
    term = next((t for t in await taxonomy.all_terms() if t["id"] == number), None)
    if term is None:
        errors.add("taxonomy_term_id", "Nie ma terminu taksonomii o tym identyfikatorze.")
    elif term["taxonomy"] == "category":
        filters.category_ids = await category_with_children(term["code"])
    else:
        filters.target_group = term["code"]


async def category_with_children(code: str) -> list[int]:
    found = await taxonomy.terms("category")
    return [t["id"] for t in found.values() if t["code"] == code or t["parent_code"] == code]


def _window(query: PublicQuery) -> tuple[int, int]:
    return query.per_page, (query.page - 1) * query.per_page


async def list_services(query: PublicQuery, max_per_page: int) -> dict[str, Any]:
    filters = await filters_of(query, max_per_page)
    limit, offset = _window(query)
    if filters.near is not None or filters.service_ids:
        rows, total = await _services_near(filters, limit, offset)
    else:
        rows, total = await queries.services(filters, limit=limit, offset=offset)
    return hsds.page([hsds.service_brief(row) for row in rows], total, query.page, query.per_page)


async def _services_near(filters: Filters, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    found, _ = await queries.service_at_locations(filters, limit=100_000, offset=0)
    ids = list(dict.fromkeys(row["service_id"] for row in found))
    if not ids:
        return [], 0
    rows, _ = await queries.services(Filters(service_ids=ids[offset : offset + limit]), limit=limit, offset=0)
    return rows, len(ids)


async def list_service_at_locations(query: PublicQuery, max_per_page: int) -> dict[str, Any]:
    filters = await filters_of(query, max_per_page)
    if filters.gmina and filters.near is None:
        filters.near = geo.centroid(filters.gmina)
    limit, offset = _window(query)
    rows, total = await queries.service_at_locations(filters, limit=limit, offset=offset)
    names = await voivodeship_names()
    contents = [hsds.service_at_location(row, names.get(row["gmina_code"][:2], "")) for row in rows]
    return hsds.page(contents, total, query.page, query.per_page)


async def full_services(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fully nested HSDS services for rows of queries.services (locations, areas, terms)."""
    ids = [row["service_id"] for row in rows]
    locations = await queries.locations_of(ids)
    areas = await queries.areas_of(ids)
    all_terms = await taxonomy.all_terms()
    by_id = {t["id"]: t for t in all_terms}
    by_code = {t["code"]: t for t in all_terms}
    names = await voivodeship_names()
    return [
        hsds.service_full(
            row,
            locations=[loc for loc in locations if loc["service_id"] == row["service_id"]],
            areas=[area for area in areas if area["service_id"] == row["service_id"]],
            terms=by_id,
            terms_by_code=by_code,
            voivodeships=names,
        )
        for row in rows
    ]


async def one_service(service_text: str) -> dict[str, Any]:
    number = number_of("service", service_text)
    rows = []
    if number is not None:
        rows, _ = await queries.services(Filters(service_ids=[number]), limit=1, offset=0)
    if not rows:
        raise NotFound(f"Nie ma w katalogu usługi o identyfikatorze {service_text[:60]!r}.")
    return (await full_services(rows))[0]


async def one_service_at_location(text: str) -> dict[str, Any]:
    number = number_of("service_at_location", text)
    rows: list[dict[str, Any]] = []
    if number is not None:
        from ses.directory.tables import ServiceLocation

        owner = (
            await ServiceLocation.select(ServiceLocation.service).where(ServiceLocation.id == number).first()
        )
        if owner:
            filters = Filters(service_ids=[owner["service"]])
            rows, _ = await queries.service_at_locations(filters, limit=1000, offset=0)
            rows = [row for row in rows if row["location_id"] == number]
    if not rows:
        raise NotFound(f"Nie ma w katalogu usługi w miejscu o identyfikatorze {text[:60]!r}.")
    names = await voivodeship_names()
    return hsds.service_at_location(rows[0], names.get(rows[0]["gmina_code"][:2], ""))


async def list_organizations(query: PublicQuery, max_per_page: int) -> dict[str, Any]:
    await filters_of(query, max_per_page)
    limit, offset = _window(query)
    rows, total = await queries.organisations(text=query.search, limit=limit, offset=offset)
    return hsds.page([hsds.organization(row) for row in rows], total, query.page, query.per_page)


async def one_organization(text: str) -> dict[str, Any]:
    number = number_of("organization", text)
    rows: list[dict[str, Any]] = []
    if number is not None:
        rows, _ = await queries.organisations(text=None, organisation_ids=[number], limit=1, offset=0)
    if not rows:
        raise NotFound(f"Nie ma w katalogu organizacji o identyfikatorze {text[:60]!r}.")
    services, _ = await queries.services(Filters(organisation_id=number), limit=10_000, offset=0)
    return hsds.organization(rows[0], full=True, services=services)


async def list_taxonomies() -> dict[str, Any]:
    contents = [hsds.taxonomy(name) for name in TAXONOMY_IDS]
    return hsds.page(contents, len(contents), 1, max(len(contents), 1))


async def list_terms(query: PublicQuery, max_per_page: int) -> dict[str, Any]:
    await filters_of(query, max_per_page)
    found = await taxonomy.all_terms()
    if query.taxonomy_id:
        wanted = number_of("taxonomy", query.taxonomy_id)
        found = [t for t in found if TAXONOMY_IDS[t["taxonomy"]] == wanted]
    if query.search:
        from ses.text import fold

        needle = fold(query.search)
        found = [
            t for t in found if needle in fold(f"{t['name_pl']} {t['name_en']} {t['name_uk']} {t['code']}")
        ]
    by_code = {t["code"]: t for t in await taxonomy.all_terms()}
    limit, offset = _window(query)
    contents = [
        hsds.taxonomy_term(t, by_code[t["parent_code"]]["id"] if t["parent_code"] in by_code else None)
        for t in found[offset : offset + limit]
    ]
    return hsds.page(contents, len(found), query.page, query.per_page)
