"""Unique indexes of the indicators app that Piccolo's column API cannot express: one snapshot
value per indicator, period and territory; one manual value per indicator, territory and period."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T03:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indicators unique indexes"

INDEXES = {
    "indicator_snapshot_code_period_territory": (
        "CREATE UNIQUE INDEX {} ON indicator_snapshot (indicator_code, period, territory)"
    ),
    "indicator_snapshot_code_period_level": "CREATE INDEX {} ON indicator_snapshot (indicator_code, period, level)",
    "indicator_manual_value_code_territory_period": (
        "CREATE UNIQUE INDEX {} ON indicator_manual_value (indicator_code, territory, period)"
    ),
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="indicators", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        for name, statement in INDEXES.items():
            await engine.run_ddl(statement.format(name))

    async def drop_indexes() -> None:
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
