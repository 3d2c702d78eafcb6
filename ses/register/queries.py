"""Reading the register: filters, sorting, paging, facet counts and streamed exports.

Everything is counted and grouped in SQL; exports walk the table in id order in batches, so memory
stays flat whatever the size of the register.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import reduce
from typing import Any
from urllib.parse import quote

from piccolo.query import OrderByRaw
from piccolo.query.functions.aggregate import Count, Max, Min

from ses.db import engine, is_sqlite
from ses.errors import FieldError, ValidationFailed
from ses.register.identifiers import IDENTIFIERS
from ses.register.name_search import MIN_INDEXED, fts_candidates, name_conditions, search_words
from ses.register.services import OUTPUT_COLUMNS
from ses.register.stamp import STAMP, in_transaction, register_stamp
from ses.register.tables import Organisation
from ses.single_flight import SingleFlight
from ses.territories.services import territory_codes

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
GMINA_TYPES = "123456789"  # TERC RODZ: the last digit of a gmina code


@dataclass
class RegisterFilter:
    kind: list[str] = field(default_factory=list)
    pes_letter: list[str] = field(default_factory=list)
    legal_form: list[str] = field(default_factory=list)
    activity_state: list[str] = field(default_factory=list)
    ps_state: list[str] = field(default_factory=list)
    unit_state: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    territory: list[str] = field(default_factory=list)
    """TERC codes or prefixes (2 voivodeship, 4 powiat, 6–7 gmina); several codes mean any of them."""
    q: str | None = None
    krs: str | None = None
    nip: str | None = None
    regon: str | None = None
    modified_after: datetime | None = None
    include_retired: bool = False

    def conditions(self, *, name_index: bool = True) -> list[Any]:
        """WHERE conditions of the filter; `name_index=False` leaves the SQLite trigram index out
        of a name search (same rows: see `search` for when walking the name order is cheaper)."""
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
        places = []
        for code in self.territory:
            if not code.isdigit() or len(code) not in (2, 4, 6, 7):
                problems.append(
                    FieldError(
                        "territory",
                        f"Kod TERYT „{code}” ma 2 (województwo), 4 (powiat) lub 6–7 (gmina) cyfr.",
                    )
                )
            elif len(code) == 2:
                places.append(Organisation.voivodeship_code == code)
            elif len(code) == 4:
                places.append(Organisation.powiat_code == code)
            else:
                # The 7th digit is the gmina type, which changes with the type: match on six, as
                # an IN list so the gmina_code index serves it (a LIKE prefix would scan).
                places.append(Organisation.gmina_code.is_in([code[:6] + kind for kind in GMINA_TYPES]))
        if places:
            where.append(reduce(lambda a, b: a | b, places))
        if self.q:
            # Every word must occur in the name, in any order: "fundacja torun" finds
            # "Fundacja „Razem” w Toruniu". Names are matched in their folded form (ł = l, ó = o),
            # through the trigram index (ses/register/name_search.py).
            where += name_conditions(search_words(self.q), use_index=name_index)
        for name in ("krs", "nip", "regon"):
            value = getattr(self, name)
            if value:
                # Accept identifiers as people write them ("526-025-02-74", "KRS 30897").
                where.append(Organisation._meta.get_column_by_name(name) == IDENTIFIERS[name][0](value))
        if self.modified_after:
            since = self.modified_after
            # A time without an offset is taken as UTC, the zone of every timestamp on the wire.
            where.append(Organisation.updated_at > (since if since.tzinfo else since.replace(tzinfo=UTC)))
        if problems:
            raise ValidationFailed("Niepoprawne parametry wyszukiwania.", problems)
        return where


class AggregateCache:
    """Counts and facet counts of register queries, valid while the register is unchanged.

    Every change to an organisation moves `updated_at` forward and rows are never deleted, so
    MAX(updated_at) — one index lookup — tells whether a cached count is still true. Counting the
    filtered rows of a national register costs ~15 ms on SQLite; the lookup costs microseconds.
    Concurrent callers missing the same entry share one computation (32 cold page requests arriving
    together each counted six facets before: the stampede never drained on a busy machine).
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.flights: SingleFlight[Any] = SingleFlight()

    async def get_or_compute(self, key: tuple[Any, ...], stamp: Any, compute: Any) -> Any:
        full_key = (*key, stamp)
        if full_key in self.entries:
            self.entries.move_to_end(full_key)
            return self.entries[full_key]
        if engine().current_transaction.get() is not None:
            value = await compute()  # a transaction's own reads are never shared with other callers
        else:
            value, led = await self.flights.run(full_key, compute)
            if not led:
                return value
        self.entries[full_key] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value


AGGREGATES = AggregateCache()


async def _stamp() -> Any:
    """The stamp the aggregates are kept by: the committed one the list-page cache reads (no
    statement while nothing changed: SQLite's data_version, this process's writes, PostgreSQL's
    recheck interval), or, inside a transaction, the transaction's own."""
    if in_transaction():
        return await register_stamp()
    return await STAMP.current()


async def check_territories(filters: RegisterFilter) -> None:
    """A territory code that names no unit is a mistake worth saying, not an empty result."""
    known = await territory_codes()
    unknown = []
    for code in filters.territory:
        if not code.isdigit() or len(code) not in (2, 4, 6, 7):
            continue  # reported by `conditions()`
        exists = (
            code in known if len(code) in (2, 4) else any(code[:6] + kind in known for kind in GMINA_TYPES)
        )
        if not exists:
            unknown.append(FieldError("territory", f"Nie ma jednostki terytorialnej o kodzie TERYT {code}."))
    if unknown:
        raise ValidationFailed("Niepoprawne parametry wyszukiwania.", unknown)


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
    filters: RegisterFilter,
    *,
    sort: str,
    page: int,
    page_size: int,
    facets: list[str],
    columns: tuple[Any, ...] = OUTPUT_COLUMNS,
) -> dict[str, Any]:
    """One page of the filtered register with its total (and facet counts when asked); `columns`
    narrows the rows to what a caller shows (the list page reads a fifth of the API's columns)."""
    where = filters.conditions()
    await check_territories(filters)
    stamp = await _stamp()
    key = _filter_key(filters)
    name_index = True
    # Hot path, engine branch kept: benchmarks.register, docs/benchmarks.md "Trigram name search and a
    # faster import": search_cold p50 349.7 ms SQLite / 841.8 ms PostgreSQL; each engine's index plan
    # measured against the other (INDEX_DRIVEN_MAX below).
    if filters.q and is_sqlite():
        # Reading each matched row costs SQLite ~3 µs: past a few thousand candidates, counting
        # and paging by the name index (which holds name and activity state) is cheaper.
        words = search_words(filters.q)
        candidates = await AGGREGATES.get_or_compute(("fts", *words), stamp, lambda: fts_candidates(words))
        name_index = candidates <= INDEX_DRIVEN_MAX["sqlite"]
        if not name_index:
            where = filters.conditions(name_index=False)
    column, ascending = _order(sort)
    unknown = [name for name in facets if name not in FACETS]
    if unknown:
        raise ValidationFailed(
            "Niepoprawne parametry wyszukiwania.",
            [
                FieldError("facets", f"Nieznany wymiar „{name}”. Dozwolone: {', '.join(FACETS)}.")
                for name in unknown
            ],
        )
    page_where, order = where, column
    if filters.q and column is Organisation.name_search:
        total, low, high = await AGGREGATES.get_or_compute(
            ("name_bounds", *key), stamp, lambda: _name_bounds(where)
        )
        page_where, order, walk = _name_page_plan(filters, where, name_index, total)
        if walk and total:
            # Walking the name index: from the first (sorted Ż–A, the last) matching name rather
            # than from the first name of the register. The bound is an aggregate of the filter,
            # computed with its count and kept with the same stamp.
            bound = Organisation.name_search >= low if ascending else Organisation.name_search <= high
            page_where = [*page_where, bound]
    else:
        count = Organisation.count()
        if where:
            count = count.where(*where)
        total = await AGGREGATES.get_or_compute(("count", *key), stamp, lambda: count.run())
    query = (
        Organisation.select(*columns)
        .order_by(order, ascending=ascending)
        .order_by(Organisation.id, ascending=ascending)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    if page_where:
        query = query.where(*page_where)
    result: dict[str, Any] = {
        "items": await query,
        "page": page,
        "page_size": page_size,
        "total": total,
    }
    if facets:
        result["facets"] = {
            name: await AGGREGATES.get_or_compute(
                ("facet", name, *key), stamp, lambda name=name: facet_counts(FACETS[name], where)
            )
            for name in facets
        }
    return result


INDEX_DRIVEN_MAX = {"sqlite": 2_000, "postgres": 2_000}
"""Most matches of a name search (SQLite: trigram candidates, counted in the FTS index alone) for
which a name-sorted page reads the matches found by the trigram index and sorts them; with more,
the page walks the name index from the first matching name until it is full (which stops early
unless the matches are spread thinly over the alphabet). Measured at 100,000 organisations, index
against walk from the start of the register: "torun" (229 matches) 1.5 ms / 10–15 ms on SQLite;
"przyjaciol torun" (24) 4 ms / 45 ms; "przyjaciol" (10,436, all in "Stowarzyszenie Przyjaciół …")
15–30 ms / 13–29 ms on SQLite but 20 ms / 87 ms on PostgreSQL; "lodz" (3,608, early in the
alphabet) 35 ms / 3.6 ms on SQLite, whose reads of matched rows cost more (~3 µs each) than
PostgreSQL's bitmap heap scan. Walking from the first match (2026-12-06, #15): "przyjaciol"
~1 ms of SQLite (10.9 → 2.1 ms CPU per API request) and ~1 ms of PostgreSQL instead of 13–27 ms
(the trigram plan reads and sorts all 10,436 matches on every page)."""


def _name_page_plan(
    filters: RegisterFilter, where: list[Any], name_index: bool, total: int
) -> tuple[list[Any], Any, bool]:
    """Conditions and sort column for a name-sorted page of a name search, and whether it walks the
    name index: the same rows, read either from the trigram index or by walking the name index
    (see INDEX_DRIVEN_MAX)."""
    # Hot path, engine branch kept: benchmarks.register (see INDEX_DRIVEN_MAX).
    if is_sqlite():
        # Chosen in `search` from the candidates: with the FTS condition it drives the plan;
        # without it the planner walks (name_search, id, activity_state).
        return where, Organisation.name_search, not name_index
    short = all(len(word) < MIN_INDEXED for word in search_words(filters.q or ""))
    if short or total > INDEX_DRIVEN_MAX["postgres"]:
        # strpos in place of LIKE: the same substring test, which the trigram index cannot serve,
        # so the planner walks the name index whatever it estimates the matches to be (after an
        # import, before ANALYZE, it estimates one row and takes the trigram index).
        return filters.conditions(name_index=False), Organisation.name_search, True
    # PostgreSQL estimates the matches well but assumes they are spread evenly over the name
    # index, and walks it; an expression sorts the same (same text, same collation) but keeps
    # the planner on the trigram index.
    return where, OrderByRaw("organisation.name_search || ''"), False


async def _name_bounds(where: list[Any]) -> tuple[int, str | None, str | None]:
    """How many rows match, and their first and last folded name (one walk of the name index).

    "przyjaciol" (10,436 names, nearly all "Stowarzyszenie Przyjaciół …") made every name-sorted
    page walk 62,000 names before the first match: 10 ms of SQLite per page at 100,000 names.
    """
    row = (
        await Organisation.select(
            Count(alias="n"),
            Min(Organisation.name_search, alias="low"),
            Max(Organisation.name_search, alias="high"),
        ).where(*where)
    )[0]
    return int(row["n"]), row["low"], row["high"]


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


async def stream_plain_rows(
    filters: RegisterFilter, columns: Any, batch: int = 5000
) -> AsyncIterator[list[Any]]:
    """Like `stream_rows`, but rows as plain tuples straight from the driver, read ahead.

    Exports of the whole register spent most of their time turning each row into a dict; a CSV
    needs neither dicts nor (on SQLite) Python dates and timestamps. SQLite: an own read-only
    connection in a worker thread, timestamps stay text ("2026-01-31 12:00:00+00:00"), booleans
    0/1, dates ISO text. PostgreSQL: an own asyncpg connection, records as tuples. Either way the
    next id-ordered batch is being read while the caller writes the current one (flat memory).
    Inside a transaction (tests, or a caller's write) only that transaction's connection sees
    its changes, so the ordinary rows are read through it.
    """
    if engine().current_transaction.get() is not None:
        async for rows in stream_rows(filters, batch):
            yield [tuple(row[name] for name in columns) for row in rows]
        return
    where = filters.conditions()
    selected = [
        Organisation.founder.as_alias("founder_id")
        if name == "founder_id"
        else Organisation._meta.get_column_by_name(name)
        for name in columns
    ]
    id_at = list(columns).index("id")

    def statement(last_id: int, engine_type: str) -> tuple[str, list[Any]]:
        query = (
            Organisation.select(*selected)
            .where(Organisation.id > last_id, *where)
            .order_by(Organisation.id)
            .limit(batch)
        )
        return query.querystrings[0].compile_string(engine_type=engine_type)

    # Hot path, engine branch kept: benchmarks.register, docs/benchmarks.md "Register (#2)": CSV export of
    # 100,000 rows from plain tuples SQLite 11.6 → 2.7 s, PostgreSQL 17.8 → 6.1 s (target ≤ 5 s).
    if is_sqlite():
        connection = sqlite3.connect(
            f"file:{quote(engine().path)}?mode=ro", uri=True, check_same_thread=False
        )

        async def fetch(last_id: int) -> list[Any]:
            sql, args = statement(last_id, "sqlite")
            return await asyncio.to_thread(lambda: connection.execute(sql, args).fetchall())

        async def close() -> None:
            connection.close()
    else:
        pg = await engine().get_new_connection()

        async def fetch(last_id: int) -> list[Any]:
            sql, args = statement(last_id, "postgres")
            return [tuple(record) for record in await pg.fetch(sql, *args)]

        async def close() -> None:
            await pg.close()

    try:
        rows = await fetch(0)
        while rows:
            following = asyncio.ensure_future(fetch(rows[-1][id_at]))
            await asyncio.sleep(0)  # let the next query reach the database before the caller works
            try:
                yield rows
            finally:
                rows = await following
    finally:
        await close()
