"""Snapshots: every indicator's values for every territory of one period, kept as the time series.

A snapshot is taken by the scheduler (daily, the current year) and on demand (API, CLI). Taking
one again for the same period replaces that period's values in one transaction. Past periods of
indicators that can only read the register as it is today are answered from their snapshots;
"no data" is kept as NULL, never as zero.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ses.db import bulk_insert, write_transaction
from ses.errors import FieldError, ValidationFailed
from ses.indicators import cache
from ses.indicators.model import CODE_LENGTH, Indicator, Period
from ses.indicators.services import (
    ValueTable,
    assemble,
    catalogue,
    compute,
    read_period,
    roll_up,
    territories,
)
from ses.indicators.tables import IndicatorSnapshot

COLUMNS = [
    "indicator_code", "period", "level", "territory", "value", "numerator", "denominator", "population",
    "taken_at", "taken_by",
]  # fmt: skip


@dataclass(frozen=True)
class SnapshotResult:
    period: str
    indicators: int
    values: int
    seconds: float


async def compute_all(period: Period, codes: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
    """Every value of every (chosen) indicator for every territory of its levels, for the period."""
    found = catalogue()
    unknown = [code for code in codes or () if code not in found]
    if unknown:
        raise ValidationFailed(
            "Nieznane wskaźniki.",
            [FieldError("indicators", f"Nie ma wskaźnika o kodzie „{code}”.") for code in unknown],
        )
    chosen = [found[code] for code in codes] if codes else list(found.values())
    stamp = datetime.now(UTC)
    rows: list[tuple[Any, ...]] = []
    today = date.today()
    for ind in chosen:
        for table in await _tables(ind, period, today):
            rows.extend(
                (ind.code, period.code, table.level.value, v.territory, v.value, v.numerator, v.denominator,
                 v.population, stamp, "")
                for v in table.values
            )  # fmt: skip
    return rows


async def _tables(ind: Indicator, period: Period, today: date) -> list[ValueTable]:
    """The indicator's value tables at each of its levels for the whole country. An additive
    computation (counts and sums, and shares kept as numerator and denominator) runs once, at its
    finest level, and is summed up the levels: one statement instead of one per level."""
    computation = ind.computation
    levels = sorted(ind.levels, key=lambda lv: CODE_LENGTH[lv])
    if not computation.covers(period, today):
        return []
    if not getattr(computation, "additive", False):
        return [await compute(ind, level, None, period) for level in levels]
    finest = levels[-1]
    base = await computation.figures(finest, None, period)
    out = []
    for level in levels:
        figures = base if level is finest else roll_up(base, CODE_LENGTH[level])
        out.append(assemble(ind, level, None, period, await territories(level, None), figures, True, "live"))
    return out


async def take_snapshot(
    period_text: str | None, actor: str, codes: Sequence[str] | None = None
) -> SnapshotResult:
    period = read_period(period_text)
    started = time.perf_counter()
    rows = [(*row[:-1], actor) for row in await compute_all(period, codes)]
    written = {row[0] for row in rows}
    async with write_transaction():
        if written:
            await IndicatorSnapshot.delete().where(
                IndicatorSnapshot.period == period.code,
                IndicatorSnapshot.indicator_code.is_in(sorted(written)),
            )
        for start in range(0, len(rows), 5_000):
            await bulk_insert(IndicatorSnapshot._meta.tablename, COLUMNS, rows[start : start + 5_000])
    cache.clear()
    return SnapshotResult(period.code, len(written), len(rows), round(time.perf_counter() - started, 3))


async def scheduled_snapshot() -> SnapshotResult:
    """The scheduler's job: the current year's values, refreshed daily."""
    return await take_snapshot(None, "harmonogram")
