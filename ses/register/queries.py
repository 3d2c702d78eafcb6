"""Reading the register: filters, sorting, paging, facet counts and streamed exports.

Everything is counted and grouped in SQL; exports walk the table in id order in batches, so memory
stays flat whatever the size of the register.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collections import OrderedDict

from piccolo.query.functions.aggregate import Count, Max

from ses.errors import FieldError, ValidationFailed
from ses.register.services import OUTPUT_COLUMNS
from ses.register.tables import Organisation
from ses.text import fold

SORTS = {
    "name": (Organisation.name_search, True),
    "-name": (Organisation.name_search, False),
    "updated_at": (Organisation.updated_at, True),
    "-updated_at": (Organisation.updated_at, False),
    "created_at": (Organisation.created_at, True),
    "-created_at": (Organisation.created_at, False),
    "registered_on": (Organisation.registered_on, True),
    "-registered_on": (Organisation.registered_on, False),
    "id": (Organisation.id, True),
    "-id": (Organisation.id, False),
}
FACETS = {
    "kind": Organisation.kind,
    "pes_letter": Organisation.pes_letter,
    "legal_form": Organisation.legal_form,
    "activity_state": Organisation.activity_state,
    "ps_state": Organisation.ps_state,
    "unit_state": Organisation.unit_state,
    "voivodeship": Organisation.voivodeship_code,
    "powiat": Organisation.powiat_code,
}
ROLES = ("owes", "founder")


@dataclass
class RegisterFilter:
    kind: list[str] = field(default_factory=list)
    pes_letter: list[str] = field(default_factory=list)
    legal_form: list[str] = field(default_factory=list)
    activity_state: list[str] = field(default_factory=list)
    ps_state: list[str] = field(default_factory=list)
    unit_state: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    territory: str | None = None
    q: str | None = None
    krs: str | None = None
    nip: str | None = None
    regon: str | None = None
    modified_after: datetime | None = None
    include_retired: bool = False

    def conditions(self) -> list[Any]:
        problems: list[FieldError] = []
        where: list[Any] = []
        for name in ("kind", "pes_letter", "legal_form", "activity_state", "ps_state", "unit_state"):
            values = getattr(self, name)
            if values:
                where.append(Organisation._meta.get_column_by_name(name).is_in(values))
        if not self.include_retired and "retired" not in self.activity_state:
            where.append(Organisation.activity_state != "retired")
        for role in self.role:
            if role == "owes":
                where.append(Organisation.is_owes == True)  # noqa: E712 - Piccolo builds SQL from ==
            elif role == "founder":
                where.append(
                    Organisation.id.is_in(
                        Organisation.select(Organisation.founder).where(Organisation.founder.is_not_null())
                    )
                )
            else:
                problems.append(FieldError("role", f"Nieznana rola „{role}”. Dozwolone: {', '.join(ROLES)}."))
        if self.territory:
            code = self.territory
            if not code.isdigit() or len(code) not in (2, 4, 6, 7):
                problems.append(
                    FieldError("territory", "Kod TERYT ma 2 (województwo), 4 (powiat) lub 6–7 (gmina) cyfr.")
                )
            elif len(code) == 2:
                where.append(Organisation.voivodeship_code == code)
            elif len(code) == 4:
                where.append(Organisation.powiat_code == code)
            else:
                # The 7th digit is the gmina type, which changes with the type: match on six.
                where.append(Organisation.gmina_code.like(f"{code[:6]}%"))
        if self.q:
            needle = fold(self.q).replace("%", "").replace("_", "")
            if needle:
                where.append(Organisation.name_search.like(f"%{needle}%"))
        for name in ("krs", "nip", "regon"):
            value = getattr(self, name)
            if value:
                where.append(Organisation._meta.get_column_by_name(name) == value)
        if self.modified_after:
            where.append(Organisation.updated_at > self.modified_after)
        if problems:
            raise ValidationFailed("Niepoprawne parametry wyszukiwania.", problems)
        return where


class AggregateCache:
    """Counts and facet counts of register queries, valid while the register is unchanged.

    Every change to an organisation moves `updated_at` forward and rows are never deleted, so
    MAX(updated_at) — one index lookup — tells whether a cached count is still true. Counting the
    filtered rows of a national register costs ~15 ms on SQLite; the lookup costs microseconds.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    async def get_or_compute(self, key: tuple[Any, ...], stamp: Any, compute: Any) -> Any:
        full_key = (*key, stamp)
        if full_key in self.entries:
            self.entries.move_to_end(full_key)
            return self.entries[full_key]
        value = await compute()
        self.entries[full_key] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value


AGGREGATES = AggregateCache()


async def register_stamp() -> Any:
    row = await Organisation.select(Max(Organisation.updated_at, alias="stamp")).first()
    return row["stamp"] if row else None


def _filter_key(filters: RegisterFilter) -> tuple[Any, ...]:
    return tuple(tuple(value) if isinstance(value, list) else value for value in vars(filters).values())


def _order(sort: str) -> tuple[Any, bool]:
    if sort not in SORTS:
        raise ValidationFailed(
            "Niepoprawne parametry wyszukiwania.",
            [FieldError("sort", f"Nieznane sortowanie „{sort}”. Dozwolone: {', '.join(SORTS)}.")],
        )
    return SORTS[sort]


async def search(
    filters: RegisterFilter, *, sort: str, page: int, page_size: int, facets: list[str]
) -> dict[str, Any]:
    where = filters.conditions()
    column, ascending = _order(sort)
    unknown = [name for name in facets if name not in FACETS]
    if unknown:
        raise ValidationFailed(
            "Niepoprawne parametry wyszukiwania.",
            [FieldError("facets", f"Nieznany wymiar „{name}”. Dozwolone: {', '.join(FACETS)}.") for name in unknown],
        )
    query = (
        Organisation.select(*OUTPUT_COLUMNS)
        .order_by(column, ascending=ascending)
        .order_by(Organisation.id, ascending=ascending)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    count = Organisation.count()
    if where:
        query = query.where(*where)
        count = count.where(*where)
    stamp = await register_stamp()
    key = _filter_key(filters)
    result: dict[str, Any] = {
        "items": await query,
        "page": page,
        "page_size": page_size,
        "total": await AGGREGATES.get_or_compute(("count", *key), stamp, lambda: count.run()),
    }
    if facets:
        result["facets"] = {
            name: await AGGREGATES.get_or_compute(
                ("facet", name, *key), stamp, lambda name=name: facet_counts(FACETS[name], where)
            )
            for name in facets
        }
    return result


async def facet_counts(column: Any, where: list[Any]) -> dict[str, int]:
    query = Organisation.select(column.as_alias("value"), Count(alias="n")).group_by(column)
    if where:
        query = query.where(*where)
    return {("" if row["value"] is None else str(row["value"])): row["n"] for row in await query}


async def stream_rows(filters: RegisterFilter, batch: int = 2000) -> AsyncIterator[list[dict[str, Any]]]:
    """The filtered register in id order, one batch at a time (keyset paging, flat memory)."""
    where = filters.conditions()
    last_id = 0
    while True:
        query = (
            Organisation.select(*OUTPUT_COLUMNS)
            .where(Organisation.id > last_id, *where)
            .order_by(Organisation.id)
            .limit(batch)
        )
        rows = await query
        if not rows:
            return
        yield rows
        last_id = rows[-1]["id"]
