"""The regional programme in the database: loading it whole from a file, its indicators in the
catalogue (each a definition with baseline and target whose value comes from a computed indicator
or from values entered by hand), and those manual values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count, Max

from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import FieldError, NotFound, ValidationFailed
from ses.indicators import cache, programme
from ses.indicators.model import (
    ALL_LEVELS,
    CODE_LENGTH,
    Basis,
    BehindPage,
    Benchmark,
    Direction,
    Figure,
    Indicator,
    Level,
    Missing,
    Period,
    PeriodError,
    Programme,
    Unit,
    parse_period,
)
from ses.indicators.tables import ManualValue, ProgrammeIndicator
from ses.territories.services import territory_codes
from ses.uploads import off_loop

GROUP = "Wskaźniki programu regionalnego"


@dataclass(frozen=True)
class ManualSeries:
    """Values staff entered by hand for one programme indicator (no rows behind them)."""

    code: str
    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.NO_DATA

    def covers(self, period: Period, today: date) -> bool:
        return True

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        query = ManualValue.select(ManualValue.territory, ManualValue.value).where(
            ManualValue.indicator_code == self.code, ManualValue.period == period.code
        )
        if within:
            query = query.where(ManualValue.territory.like(f"{within}%"))
        width = CODE_LENGTH[level]
        return {
            row["territory"]: Figure(row["value"]) for row in await query if len(row["territory"]) == width
        }

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        return BehindPage(basis=Basis.ORGANISATIONS, columns=(), rows=(), total=0)


_cache: tuple[Any, dict[str, Indicator]] = (None, {})


def _indicator(row: Mapping[str, Any], computed: Mapping[str, Indicator]) -> Indicator:
    base = computed.get(row["computed_from"]) if row["computed_from"] else None
    return Indicator(
        code=row["code"],
        name_pl=row["name_pl"],
        name_en=row["name_en"],
        definition=row["definition"] or (base.definition if base else "Wartości wpisywane przez ROPS."),
        unit=base.unit if base else Unit(row["unit"]),
        computation=base.computation if base else ManualSeries(row["code"]),
        direction=Direction(row["direction"]),
        levels=base.levels if base else ALL_LEVELS,
        programme=Programme.REGIONAL,
        nature=base.nature if base else programme_nature(),
        source=row["source"] or (base.source if base else "wartości wpisane przez ROPS"),
        group=GROUP,
        per_10k=base.per_10k if base else False,
        baseline=Benchmark(row["baseline"], row["baseline_year"]) if row["baseline"] is not None else None,
        target=Benchmark(row["target"], row["target_year"]) if row["target"] is not None else None,
        package="programme",
    )


def programme_nature() -> Any:
    from ses.indicators.model import Nature

    return Nature.OUTCOME


async def programme_indicators(computed: Mapping[str, Indicator]) -> dict[str, Indicator]:
    """The programme's indicators, re-read only when the programme was loaded again."""
    global _cache
    stamp = await ProgrammeIndicator.select(
        Max(ProgrammeIndicator.loaded_at, alias="at"), Count(alias="n")
    ).first()
    key = (stamp["at"], stamp["n"]) if stamp else None
    if key != _cache[0]:
        rows = await ProgrammeIndicator.select().order_by(ProgrammeIndicator.id)
        _cache = (key, {row["code"]: _indicator(row, computed) for row in rows})
    return _cache[1]


async def load(filename: str, data: bytes, computed: Mapping[str, Indicator], actor: Actor) -> int:
    """Replace the programme with the file's indicators (all or nothing); the number loaded."""
    rows = programme.validate(
        await off_loop(programme.read_rows, filename, data), known=computed, taken=computed
    )
    stamp = datetime.now(UTC)
    async with write_transaction():
        manual_codes = {row.code for row in rows if row.computed_from is None}
        orphaned = await ManualValue.count().where(
            ManualValue.indicator_code.not_in(sorted(manual_codes) or [""])
        )
        if orphaned:
            raise ValidationFailed(
                "Program nie został wczytany: w bazie są wartości wpisane ręcznie dla wskaźników, "
                "których nowy plik nie zawiera (albo które ma liczyć SES).",
                [FieldError("file", f"{orphaned} wartości bez wskaźnika ręcznego w pliku.")],
            )
        await ProgrammeIndicator.delete(force=True)
        await ProgrammeIndicator.insert(
            *[
                ProgrammeIndicator(
                    code=row.code,
                    name_pl=row.name_pl,
                    name_en=row.name_en,
                    definition=row.definition,
                    unit=row.unit.value,
                    direction=row.direction.value,
                    baseline=row.baseline,
                    baseline_year=row.baseline_year,
                    target=row.target,
                    target_year=row.target_year,
                    computed_from=row.computed_from,
                    source=row.source,
                    loaded_at=stamp,
                    loaded_by=actor.label,
                )
                for row in rows
            ]
        )
        await record_event(
            actor,
            "load",
            "indicator_programme",
            None,
            {"indicators": (None, ", ".join(row.code for row in rows))},
            reason=f"plik {filename}",
        )
    cache.clear()
    return len(rows)


async def put_manual_value(
    code: str,
    territory: str,
    period_text: str,
    value: float,
    note: str,
    manual: Mapping[str, Indicator],
    actor: Actor,
) -> dict[str, Any]:
    problems = []
    ind = manual.get(code)
    if ind is None:
        raise NotFound(f"Program regionalny nie ma wskaźnika „{code}” z wartościami wpisywanymi ręcznie.")
    if not isinstance(ind.computation, ManualSeries):
        problems.append(
            FieldError("code", f"Wartość wskaźnika „{code}” liczy SES; nie wpisuje się jej ręcznie.")
        )
    if territory not in await territory_codes():
        problems.append(
            FieldError("territory", f"Nie ma jednostki terytorialnej o kodzie TERYT {territory}.")
        )
    try:
        period = parse_period(period_text)
    except PeriodError as exc:
        problems.append(FieldError("period", str(exc)))
    if problems:
        raise ValidationFailed("Wartość nie została zapisana.", problems)
    stamp = datetime.now(UTC)
    async with write_transaction():
        existing = (
            await ManualValue.select(ManualValue.id, ManualValue.value)
            .where(
                ManualValue.indicator_code == code,
                ManualValue.territory == territory,
                ManualValue.period == period.code,
            )
            .first()
        )
        if existing:
            await ManualValue.update(
                {
                    ManualValue.value: value,
                    ManualValue.note: note,
                    ManualValue.entered_at: stamp,
                    ManualValue.entered_by: actor.label,
                }
            ).where(ManualValue.id == existing["id"])
        else:
            await ManualValue.insert(
                ManualValue(
                    indicator_code=code,
                    territory=territory,
                    period=period.code,
                    value=value,
                    note=note,
                    entered_at=stamp,
                    entered_by=actor.label,
                )
            )
        await record_event(
            actor,
            "put",
            "indicator_manual_value",
            None,
            {"value": (existing["value"] if existing else None, value)},
            reason=f"{code} {territory} {period.code}",
        )
    cache.clear()
    return {"indicator": code, "territory": territory, "period": period.code, "value": value, "note": note}
