"""Computations over organisations of the register: counts, sums and gmina shares by territory.

Each computation is one SQL GROUP BY on the register's territory columns (an organisation carries
its voivodeship, powiat and gmina codes), and lists the organisations behind a value with the same
conditions plus the territory prefix. Only public fields are listed (name, kind, PES letter,
gmina, activity, statuses): never contact persons, report contents or anything under verification.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.columns import Column as DbColumn
from piccolo.columns.combination import And, Or, Where
from piccolo.query.functions.aggregate import Count, Sum
from piccolo.querystring import QueryString

from ses.db import is_sqlite
from ses.indicators.model import (
    CODE_LENGTH,
    Basis,
    BehindPage,
    Column,
    Figure,
    Level,
    Missing,
    Period,
)
from ses.register.statuses import STATE_LABELS
from ses.register.tables import Organisation
from ses.register.vocab import ACTIVITY_STATE_LABELS, KIND_LABELS, ActivityState, Kind
from ses.territories.tables import Territory
from ses.web.i18n import N_

Conditions = Callable[[Period], Sequence[Any]]
"""Piccolo conditions on `Organisation` (or on a table joined to it) for a period."""

LEVEL_FIELD = {Level.VOIVODESHIP: "voivodeship_code", Level.POWIAT: "powiat_code", Level.GMINA: "gmina_code"}

ORGANISATION_COLUMNS = (
    Column("name", N_("Nazwa")),
    Column("kind", N_("Rodzaj")),
    Column("pes_letter", N_("Litera PES")),
    Column("gmina", N_("Gmina")),
    Column("activity", N_("Działalność")),
    Column("ps_state", N_("Status PS")),
    Column("unit_state", N_("Status jednostki")),
)


def level_column(level: Level) -> DbColumn:
    return getattr(Organisation, LEVEL_FIELD[level])


def in_territory(territory: str, organisation: Any = Organisation) -> Where:
    """Organisations inside a TERYT code of any level (the prefix of their gmina code).
    `organisation`: `Organisation` or a foreign key to it (`Relation.source`, `YearFigures.organisation`).

    A voivodeship, powiat or gmina is matched on its own column (the register keeps the three
    codes of a seat together, ses/register/validation.py), so its index serves the statement: the
    region's ties are reached from its organisations instead of joining every tie of the country
    (SQLite: 1.1 s → 0.28 s for 200,000 ties). Any other prefix is a LIKE."""
    field = {2: "voivodeship_code", 4: "powiat_code", 7: "gmina_code"}.get(len(territory))
    if field and territory.isdigit():
        return getattr(organisation, field) == territory  # type: ignore[no-any-return]
    return organisation.gmina_code.like(f"{territory}%")  # type: ignore[no-any-return]


def not_retired() -> Any:
    return Organisation.activity_state != ActivityState.RETIRED.value


def pes() -> list[Any]:
    return [Organisation.pes_letter.is_not_null(), not_retired()]


def read_in_order(column: DbColumn) -> DbColumn | QueryString:
    """What to GROUP BY when a whole table is aggregated by a territory column. SQLite would walk
    the column's index and read each row at random (organisations come in no territorial order);
    grouping by the expression `+column` makes it read the table in order and sort instead:
    1.26 → 0.50 s for 100,000 organisations on a loaded machine. PostgreSQL hashes either way."""
    # Hot path, engine branch kept: benchmarks.indicators, docs/benchmarks.md "Indicators and dashboards
    # (issue #16)": every indicator × every level, 11.32 s SQLite (target ≤ 5 s); this plan 1.26 → 0.50 s.
    return QueryString("+{}", column) if is_sqlite() else column


def _on_organisation_only(condition: Any) -> bool:
    """True when a condition reads only `Organisation`'s own columns (no join; a subquery of
    `Organisation.id.is_in(...)` carries its own), so it can be written inside a CASE."""
    if isinstance(condition, And | Or):
        return _on_organisation_only(condition.first) and _on_organisation_only(condition.second)
    if isinstance(condition, Where):
        meta = condition.column._meta
        return not meta.call_chain and meta.table is Organisation
    return False


def all_of(conditions: Sequence[Any]) -> QueryString:
    if not conditions:
        return QueryString("1 = 1")
    return QueryString(" AND ".join("{}" for _ in conditions), *(c.querystring for c in conditions))


@dataclass(frozen=True)
class OrganisationCount:
    """How many organisations meet `where` in each territory.

    `current_only`: a stock of the register as it is now (kinds, states), so it answers only for
    the period that contains today; earlier periods come from snapshots (never from today's data).
    """

    additive = True  # counted by gmina seat: sums up the levels (see snapshots)

    where: Conditions
    current_only: bool = True
    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.ZERO

    def covers(self, period: Period, today: date) -> bool:
        return period.contains(today) if self.current_only else period.start <= today

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        column = level_column(level)
        query = (
            Organisation.select(column.as_alias("code"), Count(alias="n"))
            .where(*self.where(period))
            .group_by(column)
        )
        if within:
            query = query.where(in_territory(within))
        return {row["code"]: Figure(row["n"]) for row in await query}

    def batch_key(self, period: Period) -> Hashable | None:
        """Counts whose conditions read only the organisation's own columns are counted together,
        in one pass over the register (`figures_many`)."""
        if all(_on_organisation_only(condition) for condition in self.where(period)):
            return "organisation"
        return None

    @staticmethod
    async def figures_many(
        computations: Sequence[OrganisationCount], level: Level, within: str | None, period: Period
    ) -> list[Mapping[str, Figure]]:
        """The figures of several counts in one GROUP BY: one `SUM(CASE WHEN … THEN 1 …)` each.
        Exactly what each one's own `figures` gives (a territory none of its rows fall in is absent)."""
        column = level_column(level)
        counts = [
            QueryString("SUM(CASE WHEN {} THEN 1 ELSE 0 END)", all_of(c.where(period)), alias=f"n{i}")
            for i, c in enumerate(computations)
        ]
        query = Organisation.select(column.as_alias("code"), *counts).group_by(read_in_order(column))
        if within:
            query = query.where(in_territory(within))
        rows = await query
        return [
            {row["code"]: Figure(int(row[name])) for row in rows if row[name]}
            for name in (f"n{i}" for i in range(len(computations)))
        ]

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        return await organisation_page([*self.where(period), in_territory(territory)], page, size)


@dataclass(frozen=True)
class OrganisationSum:
    """The sum of a column of a table that belongs to organisations (e.g. year figures), by the
    organisation's territory; `organisation` is that table's foreign key to `Organisation`."""

    additive = True  # counted by gmina seat: sums up the levels (see snapshots)

    value: DbColumn
    organisation: Any
    where: Conditions
    periods: str = "year"
    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.NO_DATA

    def covers(self, period: Period, today: date) -> bool:
        return (period.is_year or self.periods != "year") and period.start <= today

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        table = self.value._meta.table
        column = getattr(self.organisation, LEVEL_FIELD[level])
        query = (
            table.select(column.as_alias("code"), Sum(self.value, alias="n"))
            .where(*self.where(period))
            .group_by(column)
        )
        if within:
            query = query.where(in_territory(within, self.organisation))
        return {row["code"]: Figure(float(row["n"] or 0)) for row in await query}

    def batch_key(self, period: Period) -> Hashable | None:
        """Sums over the same table with the same conditions are summed together (`figures_many`)."""
        return (self.value._meta.table._meta.tablename, self.organisation._meta.name, self.where)

    @staticmethod
    async def figures_many(
        computations: Sequence[OrganisationSum], level: Level, within: str | None, period: Period
    ) -> list[Mapping[str, Figure]]:
        """The figures of sums sharing a `batch_key`, in one GROUP BY (one SUM each)."""
        first = computations[0]
        column = getattr(first.organisation, LEVEL_FIELD[level])
        sums = [Sum(c.value, alias=f"n{i}") for i, c in enumerate(computations)]
        query = (
            first.value._meta.table.select(column.as_alias("code"), *sums)
            .where(*first.where(period))
            .group_by(column)
        )
        if within:
            query = query.where(in_territory(within, first.organisation))
        rows = await query
        return [{row["code"]: Figure(float(row[f"n{i}"] or 0)) for row in rows} for i in range(len(sums))]

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        table = self.value._meta.table
        ids = table.select(self.organisation.id).where(*self.where(period))
        return await organisation_page([Organisation.id.is_in(ids), in_territory(territory)], page, size)


@dataclass(frozen=True)
class GminaShare:
    """The share (in %) of gminas in which `inner` counts at least one organisation."""

    additive = True  # counted by gmina seat: sums up the levels (see snapshots)

    inner: OrganisationCount
    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.NO_DATA  # a territory without gminas has no share

    def covers(self, period: Period, today: date) -> bool:
        return self.inner.covers(period, today)

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        return await self.from_gminas(await self.inner.figures(Level.GMINA, within, period), level, within)

    async def from_gminas(
        self, with_any: Mapping[str, Figure], level: Level, within: str | None
    ) -> Mapping[str, Figure]:
        """The shares at `level` from `inner`'s figures by gmina (computed once for many levels)."""
        width = CODE_LENGTH[level]
        totals: dict[str, list[float]] = {}
        for code in await _gmina_codes(within):
            pair = totals.setdefault(code[:width], [0.0, 0.0])
            pair[1] += 1
            if with_any.get(code, Figure(0)).numerator > 0:
                pair[0] += 1
        return {code: Figure(100 * hit, total) for code, (hit, total) in totals.items()}

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        return await self.inner.behind(territory, period, page, size)


_gminas: dict[str | None, list[str]] = {}


async def _gmina_codes(within: str | None) -> list[str]:
    """The gminas' TERYT codes inside a prefix (reference data: read once per process)."""
    if within not in _gminas:
        query = Territory.select(Territory.code).where(Territory.level == Level.GMINA.value)
        if within:
            query = query.where(Territory.code.like(f"{within}%"))
        codes = [row["code"] for row in await query]
        if not codes:
            return codes  # territories not loaded yet: read again next time
        _gminas[within] = codes
    return _gminas[within]


async def organisation_page(where: Sequence[Any], page: int, size: int) -> BehindPage:
    """One page of organisations meeting `where`, with public fields and Polish labels."""
    query = (
        Organisation.select(
            Organisation.id,
            Organisation.name,
            Organisation.kind,
            Organisation.pes_letter,
            Organisation.gmina_code,
            Organisation.activity_state,
            Organisation.ps_state,
            Organisation.unit_state,
        )
        .where(*where)
        .order_by(Organisation.name_search)
        .order_by(Organisation.id)
        .limit(size)
        .offset((page - 1) * size)
    )
    rows = await query
    total = await Organisation.count().where(*where)
    names = await gmina_names({row["gmina_code"] for row in rows})
    return BehindPage(
        basis=Basis.ORGANISATIONS,
        columns=ORGANISATION_COLUMNS,
        rows=[
            {
                "id": row["id"],
                "name": row["name"],
                "kind": KIND_LABELS.get(Kind(row["kind"]), row["kind"])
                if row["kind"] in _KINDS
                else row["kind"],
                "pes_letter": row["pes_letter"] or "—",
                "gmina": names.get(row["gmina_code"], row["gmina_code"]),
                "gmina_code": row["gmina_code"],
                "activity": _activity(row["activity_state"]),
                "ps_state": STATE_LABELS.get(row["ps_state"], "—") if row["ps_state"] else "—",
                "unit_state": STATE_LABELS.get(row["unit_state"], "—") if row["unit_state"] else "—",
            }
            for row in rows
        ],
        total=total,
    )


_KINDS = {kind.value for kind in Kind}


def _activity(state: str) -> str:
    try:
        return ACTIVITY_STATE_LABELS[ActivityState(state)]
    except ValueError:
        return state


async def gmina_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = await Territory.select(Territory.code, Territory.name).where(Territory.code.is_in(sorted(codes)))
    return {row["code"]: row["name"] for row in rows}
