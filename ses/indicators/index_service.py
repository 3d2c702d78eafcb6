"""The composite condition index with its data: the weights in force (staff set them; every set is
kept), the components' values by territory, and the computation (`composite.composite_index`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import FieldError, ValidationFailed
from ses.indicators import cache, services
from ses.indicators.composite import Component, Standing, check_weights, composite_index
from ses.indicators.impact_tables import IndexWeighting
from ses.indicators.model import CODE_LENGTH, LEVEL_LABELS, Direction, Indicator, Level, Period

DEFAULT_METHOD = "minmax"
DEFAULT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("pes.active", 0.3),
    ("ps.active", 0.25),
    ("pes.gminas_share", 0.25),
    ("ps.gminas_share", 0.2),
)
"""Used until staff set their own: the register's own indicators, which every installation has."""
INDEX_LEVELS = (Level.POWIAT, Level.GMINA)


@dataclass(frozen=True)
class Weighting:
    method: str
    components: tuple[tuple[str, float], ...]
    set_at: datetime | None
    set_by: str
    reason: str

    @property
    def is_default(self) -> bool:
        return self.set_at is None


@dataclass(frozen=True)
class IndexTable:
    weighting: Weighting
    indicators: dict[str, Indicator]
    level: Level
    territory: str
    period: Period
    standings: list[Standing]
    names: dict[str, str]


async def weighting() -> Weighting:
    row = await IndexWeighting.select().order_by(IndexWeighting.id, ascending=False).first()
    if row is None:
        return Weighting(DEFAULT_METHOD, DEFAULT_WEIGHTS, None, "", "")
    pairs = tuple((item["indicator"], float(item["weight"])) for item in json.loads(row["components"]))
    return Weighting(row["method"], pairs, row["set_at"], row["set_by"], row["reason"])


def eligible(catalogue: dict[str, Indicator]) -> dict[str, bool]:
    """Indicators that may enter the index (computed at powiat level) → whether they have a direction."""
    return {
        code: ind.direction is not Direction.NEUTRAL
        for code, ind in catalogue.items()
        if Level.POWIAT in ind.levels
    }


async def set_weighting(
    method: str, pairs: Sequence[tuple[str, float]], reason: str, actor: Actor
) -> Weighting:
    """Store a new set of weights (all checked first: nothing is stored when one is wrong)."""
    catalogue = await services.full_catalogue()
    known = eligible(catalogue)
    problems = check_weights(method, pairs, known)
    for number, (code, _weight) in enumerate(pairs):
        if code in catalogue and code not in known:
            problems.append(
                FieldError(
                    f"components.{number}.indicator",
                    f"Wskaźnik „{code}” nie liczy się dla powiatów: nie może wejść do indeksu.",
                )
            )
    if problems:
        raise ValidationFailed("Wagi indeksu nie zostały zapisane.", problems)
    stamp = datetime.now(UTC)
    components = [{"indicator": code, "weight": weight} for code, weight in pairs]
    async with write_transaction():
        before = await weighting()
        await IndexWeighting.insert(
            IndexWeighting(
                method=method,
                components=json.dumps(components),
                reason=reason,
                set_at=stamp,
                set_by=actor.label,
            )
        )
        await record_event(
            actor,
            "set",
            "indicator_index_weighting",
            None,
            {
                "method": (before.method, method),
                "components": (_text(before.components), _text(tuple(pairs))),
            },
            reason=reason or None,
        )
    cache.clear()
    return await weighting()


def _text(pairs: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{code}={weight:g}" for code, weight in pairs)


def _figure(ind: Indicator, value: services.Value) -> float | None:
    return value.per_10k if ind.per_10k else value.value


async def index_table(
    level_text: str | None,
    territory: str | None,
    period_text: str | None,
    region: str,
    today: date | None = None,
) -> IndexTable:
    """The index of every territory of `level` inside `territory` (the region when omitted)."""
    period = services.read_period(period_text, today)
    problems = []
    level = Level.POWIAT
    if level_text:
        try:
            level = Level(level_text)
        except ValueError:
            level = None  # type: ignore[assignment]
        if level not in INDEX_LEVELS:
            problems.append(FieldError("level", f"„{level_text}”: indeks liczy się dla powiatów albo gmin."))
    within = territory or region
    if level in INDEX_LEVELS and (
        within not in await services.territory_codes() or len(within) >= CODE_LENGTH[level]
    ):
        problems.append(
            FieldError("territory", f"„{within}”: podaj kod TERYT województwa (albo powiatu dla gmin).")
        )
    if problems:
        raise ValidationFailed("Niepoprawne zapytanie o indeks.", problems)
    chosen = await weighting()
    catalogue = await services.full_catalogue()
    missing = [code for code, _ in chosen.components if code not in catalogue]
    wrong_level = [
        code for code, _ in chosen.components if code in catalogue and level not in catalogue[code].levels
    ]
    if missing or wrong_level:
        raise ValidationFailed(
            "Indeksu nie da się policzyć z obecnymi wagami.",
            [FieldError("components", f"Nie ma wskaźnika „{code}”.") for code in missing]
            + [
                FieldError("level", f"Wskaźnik „{code}” nie liczy się na poziomie „{LEVEL_LABELS[level]}”.")
                for code in wrong_level
            ],
        )
    values: dict[str, dict[str, float | None]] = {}
    names: dict[str, str] = {}
    for code, _ in chosen.components:
        ind = catalogue[code]
        table = await services.compute(ind, level, within, period, today)
        values[code] = {v.territory: _figure(ind, v) for v in table.values}
        names.update({v.territory: v.name for v in table.values})
    components = [
        Component(code, weight, catalogue[code].direction is Direction.LOWER_BETTER)
        for code, weight in chosen.components
    ]
    territories = [unit["code"] for unit in await services.territories(level, within)]
    standings = composite_index(components, values, territories, chosen.method)
    return IndexTable(
        weighting=chosen,
        indicators={code: catalogue[code] for code, _ in chosen.components},
        level=level,
        territory=within,
        period=period,
        standings=standings,
        names=names,
    )


def weights_in(rows: Sequence[Any]) -> list[tuple[str, float]]:
    return [(str(row.indicator), float(row.weight)) for row in rows]
