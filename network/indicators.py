"""What the cooperation network contributes to the committee's indicators: cross-sector ties,
network density per powiat and OWES cooperating with a local action group (KPRES). Each value is
one SQL GROUP BY over the ties valid in the period; the list behind a value names the ties (the
two organisations and the kind of tie) or the organisations, never a report's contents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.query.functions.conditional import Coalesce
from piccolo.querystring import QueryString

from network.tables import Relation
from network.vocab import RELATION_LABELS, RelationType
from ses.indicators import cache
from ses.indicators.batch import side_by_side
from ses.indicators.model import (
    CODE_LENGTH,
    Basis,
    BehindPage,
    Column,
    DashboardPanel,
    Figure,
    Indicator,
    Level,
    Missing,
    Nature,
    Period,
    Programme,
    Unit,
)
from ses.indicators.organisations import (
    LEVEL_FIELD,
    OrganisationCount,
    all_of,
    in_territory,
    read_in_order,
)
from ses.register.tables import Organisation
from ses.web.i18n import N_

GROUP = N_("Sieć współpracy")
SOURCE = "relacje współpracy w SES (sprawozdania OWES, ankiety, wpisy ROPS)"
AREAS = frozenset({Level.VOIVODESHIP, Level.POWIAT})
TIE_COLUMNS = (
    Column("source", N_("Podmiot")),
    Column("relation", N_("Relacja")),
    Column("target", N_("Partner")),
)


def valid_in(period: Period) -> list[Any]:
    """Ties valid at some day of the period (an open end: valid since ever, or still). Written with
    COALESCE so that SQLite reads the table instead of walking the `valid_from` index with a random
    row read per tie (nearly every tie starts before the period's end): 6.0 → … s for 200,000 ties."""
    return [
        Coalesce(Relation.valid_from, date.min) <= period.end,
        Coalesce(Relation.valid_to, date.max) >= period.start,
    ]


def cross_sector() -> Any:
    """One end is a PES and the other is not (local government, labour office, business…)."""
    source_pes, target_pes = Relation.source.pes_letter, Relation.target.pes_letter
    return (source_pes.is_not_null() & target_pes.is_null()) | (
        source_pes.is_null() & target_pes.is_not_null()
    )


@dataclass(frozen=True)
class CrossSectorTies:
    """Cross-sector ties valid in the period, counted where the tie starts (its source)."""

    additive = True  # counted by gmina seat: sums up the levels (see snapshots)

    basis: Basis = Basis.TIES
    missing: Missing = Missing.ZERO

    def covers(self, period: Period, today: date) -> bool:
        return period.start <= today

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        column = getattr(Relation.source, LEVEL_FIELD[level])
        query = (
            Relation.select(column.as_alias("code"), Count(alias="n"))
            .where(cross_sector(), *valid_in(period))
            .group_by(column)
        )
        if within:
            query = query.where(in_territory(within, Relation.source))
        return {row["code"]: Figure(row["n"]) for row in await query}

    async def figures_at_levels(
        self, levels: Sequence[Level], within: str | None, period: Period
    ) -> dict[Level, Mapping[str, Figure]]:
        """`figures` at every level from the one pass over the ties that network density makes too
        (`tie_counts`): the join of each tie to both its organisations is paid once for both."""
        fields = _fields(levels)
        out: dict[Level, Mapping[str, Figure]] = {}
        for level in levels:
            column = fields.index(LEVEL_FIELD[level])
            found: dict[str, float] = {}
            for row in await tie_counts(fields, within, period):
                if row["cross"]:
                    found[row[f"c{column}"]] = found.get(row[f"c{column}"], 0) + int(row["cross"])
            out[level] = {code: Figure(n) for code, n in found.items()}
        return out

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        where = [cross_sector(), *valid_in(period), in_territory(territory, Relation.source)]
        rows = (
            await Relation.select(
                Relation.id,
                Relation.source.name.as_alias("source"),
                Relation.relation_type,
                Relation.target.name.as_alias("target"),
            )
            .where(*where)
            .order_by(Relation.id)
            .limit(size)
            .offset((page - 1) * size)
        )
        total = await Relation.count().where(*where)
        return BehindPage(
            basis=Basis.TIES,
            columns=TIE_COLUMNS,
            rows=[
                {
                    "id": row["id"],
                    "source": row["source"],
                    "relation": RELATION_LABELS.get(RelationType(row["relation_type"]), row["relation_type"])
                    if row["relation_type"] in {t.value for t in RelationType}
                    else row["relation_type"],
                    "target": row["target"],
                }
                for row in rows
            ],
            total=total,
        )


@dataclass(frozen=True)
class Density:
    """Ties with both ends in the territory divided by the possible pairs among the territory's
    organisations that take part in the network in the period: 2E / (N(N−1)), in %."""

    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.NO_DATA

    def covers(self, period: Period, today: date) -> bool:
        return period.start <= today

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        field = LEVEL_FIELD[level]
        source, target = getattr(Relation.source, field), getattr(Relation.target, field)
        edges = Relation.select(source.as_alias("code"), target.as_alias("other"), Count(alias="n")).where(
            *valid_in(period)
        )
        nodes = Organisation.select(getattr(Organisation, field).as_alias("code"), Count(alias="n")).where(
            *_taking_part(period)
        )
        if within:
            edges = edges.where(in_territory(within, Relation.source))
            nodes = nodes.where(in_territory(within))
        # Grouped by both ends; the ties that stay inside one territory are the diagonal.
        inside = {
            row["code"]: row["n"]
            for row in await edges.group_by(source, target)
            if row["code"] == row["other"]
        }
        out = {}
        for row in await nodes.group_by(getattr(Organisation, field)):
            pairs = row["n"] * (row["n"] - 1) / 2
            if pairs:
                out[row["code"]] = Figure(100 * inside.get(row["code"], 0), pairs)
        return out

    async def figures_at_levels(
        self, levels: Sequence[Level], within: str | None, period: Period
    ) -> dict[Level, Mapping[str, Figure]]:
        """`figures` at several levels in two statements (ties, organisations taking part) instead of
        two per level: ties grouped by the source's territory at every level, with the ones that stay
        inside each level counted beside (`SUM(CASE …)`, `tie_counts`, shared with the cross-sector
        ties), and organisations by all levels' codes."""
        fields = _fields(levels)
        own = [getattr(Organisation, field) for field in fields]
        # Counted with CASE over the whole table: SQLite would otherwise look each tie's two ends up
        # by id (an OR of two IN lists), 400,000 random reads for 200,000 ties.
        # For a region, each of its organisations looks its ties up by index instead (`EXISTS`):
        # 1.4 → 0.12 s for a voivodeship's 6,000 of 100,000 organisations on SQLite.
        taking_part = _taking_part_of_each(period) if within else all_of(_taking_part(period))
        taking_part_count = QueryString("SUM(CASE WHEN {} THEN 1 ELSE 0 END)", taking_part, alias="n")
        nodes = Organisation.select(
            *(c.as_alias(f"c{i}") for i, c in enumerate(own)), taking_part_count
        ).group_by(*(read_in_order(c) for c in own))
        if within:
            nodes = nodes.where(in_territory(within))
        edges, node_rows = await side_by_side([tie_counts(fields, within, period), nodes.run()])
        inside: list[dict[str, int]] = [{} for _ in fields]
        for row in edges:
            for i, found in enumerate(inside):
                found[row[f"c{i}"]] = found.get(row[f"c{i}"], 0) + int(row[f"in{i}"] or 0)
        taking_part: list[dict[str, int]] = [{} for _ in fields]
        for row in node_rows:
            for i, found in enumerate(taking_part):
                found[row[f"c{i}"]] = found.get(row[f"c{i}"], 0) + int(row["n"] or 0)
        out: dict[Level, Mapping[str, Figure]] = {}
        for level in levels:
            i = fields.index(LEVEL_FIELD[level])
            figures = {}
            for code, n in taking_part[i].items():
                pairs = n * (n - 1) / 2
                if pairs:
                    figures[code] = Figure(100 * inside[i].get(code, 0), pairs)
            out[level] = figures
        return out

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        return await OrganisationCount(_taking_part, current_only=False).behind(territory, period, page, size)


def _fields(levels: Sequence[Level]) -> tuple[str, ...]:
    """The territory columns of `levels`, coarsest first (one key for the same levels in any order)."""
    return tuple(LEVEL_FIELD[level] for level in sorted(set(levels), key=lambda lv: CODE_LENGTH[lv]))


async def tie_counts(fields: tuple[str, ...], within: str | None, period: Period) -> list[dict[str, Any]]:
    """The ties valid in the period grouped by their source's territory at each of `fields`
    (`c0`, `c1`…), with how many stay inside each (`in0`, `in1`…) and how many are cross-sector
    (`cross`): one pass joining each tie to both its organisations, the costly part of the network's
    indicators on SQLite (a primary-key lookup per end: ~1 s for 200,000 ties). Kept while the data
    is unchanged (`ses.indicators.cache`), so density and the cross-sector ties share it."""

    async def count() -> list[dict[str, Any]]:
        sources = [getattr(Relation.source, field) for field in fields]
        inside = [
            QueryString(
                "SUM(CASE WHEN {} = {} THEN 1 ELSE 0 END)",
                getattr(Relation.source, field),
                getattr(Relation.target, field),
                alias=f"in{i}",
            )
            for i, field in enumerate(fields)
        ]
        crossing = QueryString(
            "SUM(CASE WHEN {} THEN 1 ELSE 0 END)", cross_sector().querystring, alias="cross"
        )
        query = (
            Relation.select(*(c.as_alias(f"c{i}") for i, c in enumerate(sources)), *inside, crossing)
            .where(*valid_in(period))
            .group_by(*sources)
        )
        if within:
            query = query.where(in_territory(within, Relation.source))
        return list(await query)

    return await cache.computed_once(("network.tie_counts", fields, within, period.code), count)


def _taking_part(period: Period) -> list[Any]:
    sources = Relation.select(Relation.source).where(*valid_in(period))
    targets = Relation.select(Relation.target).where(*valid_in(period))
    return [Organisation.id.is_in(sources) | Organisation.id.is_in(targets)]


def _taking_part_of_each(period: Period) -> QueryString:
    """`_taking_part` as a look-up of each organisation's ties (correlated `EXISTS` on the
    source and target indexes): for a few thousand organisations, not the whole register."""
    table = Relation._meta.tablename
    exists = (
        f"EXISTS (SELECT 1 FROM {table} r WHERE r.{{end}} = {{{{}}}} "
        "AND COALESCE(r.valid_from, {{}}) <= {{}} AND COALESCE(r.valid_to, {{}}) >= {{}})"
    )
    bounds = (date.min, period.end, date.max, period.start)
    return QueryString(
        f"({exists.format(end='source')} OR {exists.format(end='target')})",
        Organisation.id,
        *bounds,
        Organisation.id,
        *bounds,
    )


def _owes_with_lgd(period: Period) -> list[Any]:
    # The LGDs as a list rather than a join of each tie to its two ends: one pass over the ties.
    lgds = Organisation.select(Organisation.id).where(Organisation.kind == "lgd")
    lgd_sources = Relation.select(Relation.source).where(*valid_in(period), Relation.target.is_in(lgds))
    lgd_targets = Relation.select(Relation.target).where(*valid_in(period), Relation.source.is_in(lgds))
    return [
        Organisation.is_owes.eq(True),
        Organisation.id.is_in(lgd_sources) | Organisation.id.is_in(lgd_targets),
    ]


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="network.cross_sector_ties",
        name_pl="Powiązania międzysektorowe",
        name_en="Cross-sector ties",
        definition="Liczba relacji współpracy obowiązujących w okresie między PES a podmiotem spoza "
        "ekonomii społecznej (samorząd, urząd pracy, pomoc społeczna, biznes…), według siedziby "
        "podmiotu, od którego relacja wychodzi.",
        unit=Unit.COUNT,
        computation=CrossSectorTies(),
        levels=AREAS,
        nature=Nature.OUTCOME,
        group=GROUP,
        per_10k=True,
        source=SOURCE,
    ),
    Indicator(
        code="network.density",
        name_pl="Gęstość sieci współpracy",
        name_en="Cooperation network density",
        definition="Odsetek możliwych par podmiotów uczestniczących w sieci w danym powiecie, które łączy "
        "relacja obowiązująca w okresie (obie strony w tym samym powiecie): 2E / (N(N−1)).",
        unit=Unit.PERCENT,
        computation=Density(),
        levels=AREAS,
        nature=Nature.OUTCOME,
        group=GROUP,
        source=SOURCE,
    ),
    Indicator(
        code="network.owes_lgd",
        name_pl="OWES współpracujące z LGD",
        name_en="OWES cooperating with local action groups",
        definition="Liczba OWES, które w okresie łączy relacja współpracy z lokalną grupą działania "
        "(wskaźnik KPRES nr 3).",
        unit=Unit.COUNT,
        computation=OrganisationCount(_owes_with_lgd, current_only=False),
        programme=Programme.KPRES,
        nature=Nature.OUTPUT,
        group=GROUP,
        source=SOURCE,
    ),
)

PANELS = (
    DashboardPanel(
        key="network",
        title=GROUP,
        indicators=("network.cross_sector_ties", "network.density", "network.owes_lgd"),
        order=70,
    ),
)
