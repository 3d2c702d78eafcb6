"""The fast computation of every indicator (counts together in one GROUP BY, sums side by side,
additive ones summed up the levels, network density for all levels at once) gives exactly what each
computation gives alone, level by level, on a small register with ties, year figures, PS statuses
and status changes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

import pytest

from ses.db import bulk_insert, write_transaction
from ses.indicators import batch, cache, services, snapshots
from ses.indicators.model import CODE_LENGTH, current_period
from ses.territories.tables import Territory

pytestmark = pytest.mark.anyio

FIRST_ID = 900_001
KINDS = [
    ("association", "e"), ("foundation", "e"), ("kgw", "e"), ("social_cooperative", "a"),
    ("work_cooperative", "d"), ("church_entity", "f"), ("cis", "c"), ("wtz", "b"), ("zaz", "b"),
    ("gmina_office", None), ("business", None), ("lgd", None),
]  # fmt: skip


async def small_register(orgs: int = 400, ties: int = 600) -> None:
    """Organisations in the gminas of two voivodeships (and one powiat left empty), year figures
    for this year and last, ties inside and across powiats, and PS status changes this year."""
    rng = random.Random(16)
    gminas = [
        row["code"]
        for row in await Territory.select(Territory.code).where(
            Territory.level == "gmina", Territory.code.like("04%") | Territory.code.like("14%")
        )
        if not row["code"].startswith("0401")
    ]
    gminas = rng.sample(gminas, 60)
    stamp = datetime.now(UTC)
    year = date.today().year
    rows, figures, statuses, events = [], [], [], []
    for n in range(orgs):
        oid = FIRST_ID + n
        kind, letter = rng.choice(KINDS)
        gmina = rng.choice(gminas)
        ps = rng.choice([None, None, "active", "under_control", "submitted", "lost"]) if letter else None
        unit = "active" if kind in ("cis", "wtz", "zaz") and rng.random() < 0.8 else None
        activity = rng.choice(["active", "existing", "registered", "suspended", "retired"])
        rows.append(
            (oid, f"Organizacja {n}", f"organizacja {n}", kind, letter, "inna", activity,
             rng.random() < 0.1, gmina[:2], gmina[:4], gmina, ps, unit, False, 1, stamp, stamp)
        )  # fmt: skip
        for fig_year in (year, year - 1):
            if rng.random() < 0.7:
                employees = rng.randint(0, 30)
                figures.append(
                    (len(figures) + FIRST_ID, oid, fig_year, employees, employees // 3, employees // 7,
                     "owes_report", stamp)
                )  # fmt: skip
        if ps in ("active", "lost"):
            sid = FIRST_ID + len(statuses)
            statuses.append((sid, oid, "ps", ps, 1, stamp, stamp))
            moved = date(year, rng.randint(1, 12), 1)
            if moved <= date.today():
                events.append((sid, sid, None if ps == "active" else "active", ps, moved, "test", stamp))
    tie_rows = []
    for n in range(ties):
        a = FIRST_ID + rng.randrange(orgs)
        b = FIRST_ID + rng.randrange(orgs)
        if a == b:
            continue
        start = rng.choice([None, date(year - 3, 1, 1), date(year, 6, 1), date(year + 1, 1, 1)])
        end = rng.choice([None, None, date(year - 1, 12, 31)])
        tie_rows.append(
            (FIRST_ID + n, a, b, "cooperates", False, 1.0, start, end, 1.0, "import", 1, stamp, stamp)
        )
    async with write_transaction():
        await bulk_insert(
            "organisation",
            ["id", "name", "name_search", "kind", "pes_letter", "legal_form", "activity_state", "is_owes",
             "voivodeship_code", "powiat_code", "gmina_code", "ps_state", "unit_state", "is_demo", "version",
             "created_at", "updated_at"],
            rows,
        )  # fmt: skip
        await bulk_insert(
            "year_figures",
            ["id", "organisation", "year", "employees", "employees_at_risk", "employees_disabled", "source",
             "updated_at"],
            figures,
        )  # fmt: skip
        await bulk_insert(
            "legal_status",
            ["id", "organisation", "status_type", "state", "version", "created_at", "updated_at"],
            statuses,
        )
        await bulk_insert(
            "status_event", ["id", "status", "from_state", "to_state", "on_date", "actor", "at"], events
        )
        await bulk_insert(
            "network_relation",
            ["id", "source", "target", "relation_type", "directed", "weight", "valid_from", "valid_to",
             "confidence", "origin", "version", "created_at", "updated_at"],
            tie_rows,
        )  # fmt: skip


def _key(row: tuple[Any, ...]) -> tuple[str, str, str]:
    return row[0], row[2], row[3]


async def test_every_value_equals_each_computation_alone_at_each_level(app_tx):
    await small_register()
    period = current_period()
    fast = {_key(row): row[4:8] for row in await snapshots.compute_all(period)}
    compared, nonzero = 0, 0
    for ind in services.catalogue().values():
        if not ind.computation.covers(period, date.today()):
            continue
        for level in ind.levels:
            alone = await ind.computation.figures(level, None, period)
            table = services.assemble(
                ind, level, None, period, await services.territories(level, None), alone, True, "live"
            )
            for value in table.values:
                expected = (value.value, value.numerator, value.denominator, value.population)
                assert fast[(ind.code, level.value, value.territory)] == expected, (ind.code, level, value)
                compared += 1
                nonzero += bool(value.numerator)
    assert compared == len(fast)
    assert nonzero > 500  # the register above is not empty where it is counted


async def test_within_a_voivodeship_the_batch_equals_each_computation_alone(app_tx):
    await small_register()
    period = current_period()
    chosen = [ind for ind in services.catalogue().values() if ind.computation.covers(period, date.today())]
    levels = [[lv for lv in ind.levels if CODE_LENGTH[lv] >= 2] for ind in chosen]
    together = await batch.figures_together([ind.computation for ind in chosen], levels, "14", period)
    for ind, by_level in zip(chosen, together, strict=True):
        for level, figures in by_level.items():
            alone = await ind.computation.figures(level, "14", period)
            # (a territory code of None — organisations without one — is never shown)
            assert {k: v for k, v in figures.items() if k} == {k: v for k, v in alone.items() if k}, ind.code


async def test_a_page_of_many_indicators_prefetched_together_keeps_what_each_computes(app_tx, monkeypatch):
    await small_register()
    period = current_period()
    monkeypatch.setattr(cache, "usable", lambda: True)  # the test's transaction: kept for this test only
    cache.clear()
    try:
        chosen = services.catalogue().values()
        wanted = [(ind, min(ind.levels, key=lambda lv: CODE_LENGTH[lv])) for ind in chosen]
        await services.prefetch(wanted, "14", period)
        kept = 0
        for ind, level in wanted:
            found = cache.get(services._key(ind, level, "14", period, None))
            if not ind.computation.covers(period, date.today()):
                assert found is None
                continue
            alone = await services._compute(ind, level, "14", period)
            assert found is not None and found.values == alone.values, ind.code
            kept += 1
        assert kept > 30
    finally:
        cache.clear()
