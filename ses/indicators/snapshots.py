"""Snapshots: every indicator's values for every territory of one period, kept as the time series.

A snapshot is taken by the scheduler (daily, the current year) and on demand (API, CLI). Taking
one again for the same period replaces that period's values in one transaction. Past periods of
indicators that can only read the register as it is today are answered from their snapshots;
"no data" is kept as NULL, never as zero.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ses.db import bulk_insert, write_transaction
from ses.errors import FieldError, ValidationFailed
from ses.indicators import batch, cache
from ses.indicators.model import CODE_LENGTH, Figure, Indicator, Level, Period
from ses.indicators.services import catalogue, read_period, territories, value_parts
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
    today = date.today()
    covered = [ind for ind in chosen if ind.computation.covers(period, today)]
    rows: list[tuple[Any, ...]] = []
    for ind, level, figures in await country_figures(covered, period):
        units = await territories(level, None)
        head = (ind.code, period.code, level.value)
        rows.extend(
            (*head, code, value, numerator, denominator, population, stamp, "")
            for code, _name, population, value, numerator, denominator, _ratio in value_parts(
                ind, units, figures, True, "live"
            )
        )
    return rows


async def country_figures(
    covered: Sequence[Indicator], period: Period
) -> list[tuple[Indicator, Level, Mapping[str, Figure]]]:
    """The figures of indicators (that cover the period) at each of their levels for the whole
    country, with as few statements as the computations allow (`ses.indicators.batch`): an
    additive computation runs once, at its finest level, and is summed up the levels; computations
    that can be computed together (counts over the register, sums over one table) share one GROUP
    BY; a share of gminas reuses its count by gmina; one that answers several levels at once is
    asked once."""
    by_level = await batch.figures_together(
        [ind.computation for ind in covered], [_levels(ind) for ind in covered], None, period
    )
    return [
        (ind, level, figures[level])
        for ind, figures in zip(covered, by_level, strict=True)
        for level in _levels(ind)
    ]


def _levels(ind: Indicator) -> list[Level]:
    return sorted(ind.levels, key=lambda lv: CODE_LENGTH[lv])


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
