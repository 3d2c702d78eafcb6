"""Computations over organisations of the register: counts, sums and gmina shares by territory.

Each computation is one SQL GROUP BY on the register's territory columns (an organisation carries
its voivodeship, powiat and gmina codes), and lists the organisations behind a value with the same
conditions plus the territory prefix. Only public fields are listed (name, kind, PES letter,
gmina, activity, statuses): never contact persons, report contents or anything under verification.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.columns import Column as DbColumn
from piccolo.columns.combination import Where
from piccolo.query.functions.aggregate import Count, Sum

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


def in_territory(territory: str) -> Where:
    """Organisations inside a TERYT code of any level (the prefix of their gmina code)."""
    return Organisation.gmina_code.like(f"{territory}%")


def not_retired() -> Any:
    return Organisation.activity_state != ActivityState.RETIRED.value


def pes() -> list[Any]:
    return [Organisation.pes_letter.is_not_null(), not_retired()]


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
            query = query.where(self.organisation.gmina_code.like(f"{within}%"))
        return {row["code"]: Figure(float(row["n"] or 0)) for row in await query}

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
        with_any = await self.inner.figures(Level.GMINA, within, period)
        query = Territory.select(Territory.code).where(Territory.level == Level.GMINA.value)
        if within:
            query = query.where(Territory.code.like(f"{within}%"))
        width = CODE_LENGTH[level]
        totals: dict[str, list[float]] = {}
        for row in await query:
            pair = totals.setdefault(row["code"][:width], [0.0, 0.0])
            pair[1] += 1
            if with_any.get(row["code"], Figure(0)).numerator > 0:
                pair[0] += 1
        return {code: Figure(100 * hit, total) for code, (hit, total) in totals.items()}

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        return await self.inner.behind(territory, period, page, size)


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
