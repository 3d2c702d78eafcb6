"""Figures of many computations at many levels with as few statements as they allow.

What a computation may offer beside `figures` (all optional, see `model.Computation`):

- `additive = True`: its figures by gmina seat sum up the levels, so it runs once, at its finest
  level, and is summed up (`roll_up`);
- `batch_key(period)` and `figures_many(computations, level, within, period)`: computations of one
  class with the same key are computed together, in one statement (counts over the register as one
  `SUM(CASE …)` each in one GROUP BY, sums over one table side by side);
- `inner` and `from_gminas(figures, level, within)`: a share of gminas computed from its count by
  gmina, which is then asked for once with the rest;
- `figures_at_levels(levels, within, period)`: one call answers every level.

Every figure is exactly what the computation's own `figures` gives for that level (tested against it
in tests/indicators/test_batch.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable, Mapping, Sequence
from typing import Any

from ses.db import engine
from ses.indicators.model import CODE_LENGTH, Computation, Figure, Level, Period

FigureMap = Mapping[str, Figure]


def roll_up(figures: FigureMap, width: int) -> dict[str, Figure]:
    """Figures of a finer level summed into the territories `width` digits long (additive ones)."""
    out: dict[str, list[float | None]] = {}
    for code, figure in figures.items():
        pair = out.setdefault(code[:width], [0.0, None])
        pair[0] = (pair[0] or 0.0) + figure.numerator
        if figure.denominator is not None:
            pair[1] = (pair[1] or 0.0) + figure.denominator
    return {code: Figure(num or 0.0, den) for code, (num, den) in out.items()}


def _finest(levels: Sequence[Level]) -> Level:
    return max(levels, key=lambda lv: CODE_LENGTH[lv])


def _base(computation: Any, levels: Sequence[Level]) -> list[tuple[Any, Level]]:
    """What must be computed for `computation` at `levels`: (computation, level) pairs."""
    if hasattr(computation, "figures_at_levels"):
        return []
    if hasattr(computation, "from_gminas"):
        return [(computation.inner, Level.GMINA)]
    if getattr(computation, "additive", False):
        return [(computation, _finest(levels))]
    return [(computation, level) for level in levels]


async def figures_together(
    computations: Sequence[Computation],
    levels_each: Sequence[Sequence[Level]],
    within: str | None,
    period: Period,
) -> list[dict[Level, FigureMap]]:
    """For each computation, its figures at each of its `levels_each` inside the prefix `within`.
    The caller has checked that every computation `covers` the period."""
    asked: dict[tuple[int, Level], tuple[Any, Level]] = {}
    for computation, levels in zip(computations, levels_each, strict=True):
        for one, level in _base(computation, levels):
            asked.setdefault((id(one), level), (one, level))
    at_levels = [
        (i, computation.figures_at_levels(list(levels), within, period))  # type: ignore[attr-defined]
        for i, (computation, levels) in enumerate(zip(computations, levels_each, strict=True))
        if hasattr(computation, "figures_at_levels")
    ]
    # Those answering every level at once (the network's joins over the ties) are the longest:
    # started first, so they have a connection before the register's statements take the pool.
    *answered, answers = await side_by_side(
        [*(call for _, call in at_levels), _compute(list(asked.values()), within, period)]
    )
    by_levels = {i: dict(found) for (i, _), found in zip(at_levels, answered, strict=True)}
    out: list[dict[Level, FigureMap]] = []
    for i, (computation, levels) in enumerate(zip(computations, levels_each, strict=True)):
        c: Any = computation
        if i in by_levels:
            out.append(by_levels[i])
            continue
        if hasattr(c, "from_gminas"):
            inner = answers[(id(c.inner), Level.GMINA)]
            if not getattr(c, "additive", False):
                out.append({level: await c.from_gminas(inner, level, within) for level in levels})
                continue
            finest = _finest(levels)
            base = await c.from_gminas(inner, finest, within)
        elif getattr(c, "additive", False):
            finest = _finest(levels)
            base = answers[(id(c), finest)]
        else:
            out.append({level: answers[(id(c), level)] for level in levels})
            continue
        out.append(_rolled_up(base, finest, levels))
    return out


def _rolled_up(base: FigureMap, finest: Level, levels: Sequence[Level]) -> dict[Level, FigureMap]:
    """`base` (figures at `finest`) summed into each coarser level of `levels`, each from the
    next finer one (powiats from gminas, voivodeships from the 380 powiats, not again from gminas)."""
    out: dict[Level, FigureMap] = {finest: base}
    finer = base
    for level in sorted(levels, key=lambda lv: -CODE_LENGTH[lv]):
        if level is not finest:
            finer = out[level] = roll_up(finer, CODE_LENGTH[level])
    return out


async def _compute(
    asks: list[tuple[Any, Level]], within: str | None, period: Period
) -> dict[tuple[int, Level], FigureMap]:
    """Each (computation, level)'s figures; those sharing a batch key in one call."""
    alone: list[tuple[Any, Level]] = []
    together: dict[tuple[Level, type, Hashable], list[Any]] = {}
    for computation, level in asks:
        key = computation.batch_key(period) if hasattr(computation, "figures_many") else None
        if key is None:
            alone.append((computation, level))
        else:
            together.setdefault((level, type(computation), key), []).append(computation)
    groups = []
    for (level, kind, _key), group in together.items():
        if len(group) == 1:
            alone.append((group[0], level))
        else:
            groups.append((level, kind, group))
    found = await side_by_side(
        [computation.figures(level, within, period) for computation, level in alone]
        + [kind.figures_many(group, level, within, period) for level, kind, group in groups]
    )
    answers: dict[tuple[int, Level], FigureMap] = {}
    for (computation, level), figures in zip(alone, found, strict=False):
        answers[(id(computation), level)] = figures
    for (level, _kind, group), many in zip(groups, found[len(alone) :], strict=True):
        for computation, figures in zip(group, many, strict=True):
            answers[(id(computation), level)] = figures
    return answers


async def side_by_side(calls: Sequence[Awaitable[Any]]) -> list[Any]:
    """The answers of independent statements, run side by side on separate pooled connections
    outside a transaction: the database works on both cores (SQLite's threads, PostgreSQL's
    backends) — the ties join on one while the register's counts run on the other. Inside a
    transaction (one connection) one after another."""
    if engine().current_transaction.get() is not None:
        return [await call for call in calls]
    return list(await asyncio.gather(*calls))
