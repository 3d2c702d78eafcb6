"""Open data as plain JSON (`/api/v1/public/…`): the register's public part and the directory.

The same public reads as the HSDS API (queries.py selects only the columns declared public in
public.py), shaped as SES's own JSON for callers who do not speak HSDS. Every parameter is checked
at once; a bad one answers 422 naming it, and nothing is searched. No Litestar here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ses.directory import queries, taxonomy
from ses.directory.hsds import codes
from ses.directory.public import PUBLIC
from ses.directory.publishing import _is_postcode, category_with_children
from ses.directory.queries import Filters
from ses.directory.vocab import LANGUAGES, Cost
from ses.errors import ErrorCollector, NotFound
from ses.register.tables import Organisation
from ses.register.vocab import Kind
from ses.territories.services import gmina_codes
from ses.text import fold, like_pattern

ORGANISATION_FIELDS = PUBLIC[Organisation]


@dataclass
class ServiceSearch:
    search: str | None = None
    category: str | None = None
    target_group: str | None = None
    cost: str | None = None
    language: str | None = None
    gmina: str | None = None
    postcode: str | None = None
    organisation_id: int | None = None
    modified_after: datetime | None = None
    page: int = 1
    page_size: int = 50


@dataclass
class OrganisationSearch:
    search: str | None = None
    gmina: str | None = None
    kind: str | None = None
    modified_after: datetime | None = None
    page: int = 1
    page_size: int = 50


def _paging(errors: ErrorCollector, page: int, page_size: int, search: str | None, maximum: int) -> None:
    if page < 1:
        errors.add("page", "Numer strony zaczyna się od 1.")
    if not 1 <= page_size <= maximum:
        errors.add("page_size", f"Rozmiar strony musi mieścić się w zakresie 1–{maximum}.")
    if page * page_size > 1_000_000:
        errors.add(
            "page", "Za daleka strona: pobierz cały katalog jako paczkę danych (/hsds/datapackage.zip)."
        )
    if search and len(search) > 200:
        errors.add("search", "Wyszukiwany tekst może mieć najwyżej 200 znaków.")


async def _gmina(errors: ErrorCollector, code: str | None) -> str | None:
    if code is not None and code not in await gmina_codes():
        errors.add("gmina", f"Nie ma gminy o kodzie TERYT {code[:20]!r} (7 cyfr, np. 0463011).")
        return None
    return code


async def service_filters(query: ServiceSearch, maximum: int) -> Filters:
    errors = ErrorCollector()
    _paging(errors, query.page, query.page_size, query.search, maximum)
    filters = Filters(
        text=query.search, modified_after=query.modified_after, organisation_id=query.organisation_id
    )
    filters.gmina = await _gmina(errors, query.gmina)
    if query.category is not None:
        found = await category_with_children(query.category)
        if not found:
            errors.add("category", f"Nie ma kategorii o kodzie {query.category[:60]!r}.")
        filters.category_ids = found
    if query.target_group is not None:
        if query.target_group not in await taxonomy.terms("target_group"):
            errors.add("target_group", f"Nie ma grupy odbiorców o kodzie {query.target_group[:60]!r}.")
        filters.target_group = query.target_group
    if query.cost is not None:
        if query.cost not in {c.value for c in Cost}:
            errors.add("cost", "Koszt: free (bezpłatna) albo paid (odpłatna).")
        filters.cost = query.cost
    if query.language is not None:
        if query.language not in LANGUAGES:
            errors.add("language", f"Język jako kod ISO 639: {', '.join(LANGUAGES)}.")
        filters.language = query.language
    if query.postcode is not None:
        if not _is_postcode(query.postcode):
            errors.add("postcode", "Kod pocztowy ma postać NN-NNN, np. 87-100.")
        filters.postcode = query.postcode
    errors.raise_if_any("Niepoprawne parametry zapytania.")
    return filters


def _term(term: dict[str, Any] | None) -> dict[str, Any] | None:
    if term is None:
        return None
    return {k: term[k] for k in ("code", "name_pl", "name_en", "name_uk")}


async def _services(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [row["service_id"] for row in rows]
    locations = await queries.locations_of(ids)
    areas = await queries.areas_of(ids)
    terms = {t["id"]: t for t in await taxonomy.all_terms()}
    groups = await taxonomy.terms("target_group")
    out = []
    for row in rows:
        sid = row["service_id"]
        out.append(
            {
                "id": sid,
                "organisation": {"id": row["organisation_id"], "name": row["organisation_name"]},
                **{k: row[k] for k in ("name", "description", "eligibility", "cost", "fees_description")},
                **{
                    k: row[k]
                    for k in ("opening_hours", "email", "phone", "url", "confirmed_at", "updated_at")
                },
                "category": _term(terms.get(row["category"])),
                "target_groups": [
                    _term(groups[c]) or {"code": c} for c in codes(row["target_groups"]) if c in groups
                ],
                "languages": codes(row["languages"]),
                "locations": [
                    {
                        k: loc[k]
                        for k in (
                            "street",
                            "locality",
                            "postal_code",
                            "gmina_code",
                            "latitude",
                            "longitude",
                            "accessibility",
                        )
                    }
                    | {"id": loc["location_id"], "name": loc["location_name"]}
                    for loc in locations
                    if loc["service_id"] == sid
                ],  # fmt: skip
                "areas": [
                    {"code": a["territory_code"], "name": a["territory_name"]}
                    for a in areas
                    if a["service_id"] == sid
                ],
            }
        )
    return out


async def list_services(query: ServiceSearch, maximum: int) -> tuple[list[dict[str, Any]], int]:
    filters = await service_filters(query, maximum)
    offset = (query.page - 1) * query.page_size
    rows, total = await queries.services(filters, limit=query.page_size, offset=offset)
    return await _services(rows), total


async def one_service(service_id: int) -> dict[str, Any]:
    rows, _ = await queries.services(Filters(service_ids=[service_id]), limit=1, offset=0)
    if not rows:
        raise NotFound(f"Nie ma w katalogu opublikowanej usługi nr {service_id}.")
    return (await _services(rows))[0]


# --------------------------------------------------------------------------- the register's public part


def _organisation_where(query: OrganisationSearch) -> tuple[str, list[Any]]:
    parts = ["o.activity_state <> 'retired'"]
    args: list[Any] = []
    if query.search and fold(query.search):
        parts.append("o.name_search LIKE {} ESCAPE '\\'")
        args.append(like_pattern(fold(query.search)))
    if query.gmina:
        parts.append("o.gmina_code = {}")
        args.append(query.gmina)
    if query.kind:
        parts.append("o.kind = {}")
        args.append(query.kind)
    if query.modified_after:
        parts.append("o.updated_at >= {}")
        args.append(query.modified_after)
    return " AND ".join(parts), args


async def list_organisations(query: OrganisationSearch, maximum: int) -> tuple[list[dict[str, Any]], int]:
    errors = ErrorCollector()
    _paging(errors, query.page, query.page_size, query.search, maximum)
    await _gmina(errors, query.gmina)
    if query.kind is not None and query.kind not in {k.value for k in Kind}:
        errors.add("kind", f"Nieznany rodzaj podmiotu {query.kind[:40]!r}.")
    errors.raise_if_any("Niepoprawne parametry zapytania.")
    where, args = _organisation_where(query)
    columns = ", ".join(f"o.{name}" for name in ORGANISATION_FIELDS)
    base = " FROM organisation o WHERE " + where
    rows = await Organisation.raw(
        f"SELECT {columns}" + base + " ORDER BY o.id LIMIT {} OFFSET {}",
        *args,
        query.page_size,
        (query.page - 1) * query.page_size,
    )
    total = await Organisation.raw("SELECT COUNT(*) AS n" + base, *args)
    return [dict(row) for row in rows], int(total[0]["n"])


async def one_organisation(org_id: int) -> dict[str, Any]:
    columns = ", ".join(f"o.{name}" for name in ORGANISATION_FIELDS)
    rows = await Organisation.raw(
        f"SELECT {columns} FROM organisation o WHERE o.id = {{}} AND o.activity_state <> 'retired'", org_id
    )
    if not rows:
        raise NotFound(f"Nie ma w rejestrze organizacji nr {org_id}.")
    services, _ = await queries.services(Filters(organisation_id=org_id), limit=1000, offset=0)
    return {**dict(rows[0]), "services": [{"id": s["service_id"], "name": s["name"]} for s in services]}
