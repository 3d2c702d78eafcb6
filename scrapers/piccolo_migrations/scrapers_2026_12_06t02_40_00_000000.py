"""Unique keys of sync data: one record per entity and run, one auto-apply row per pair, one facts
row per organisation and source."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T02:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sync unique indexes"

INDEXES = {
    "sync_record_run_key": "CREATE UNIQUE INDEX {} ON sync_record (run, key)",
    "sync_auto_apply_pair": "CREATE UNIQUE INDEX {} ON sync_auto_apply (source, field)",
    "sync_source_facts_org": "CREATE UNIQUE INDEX {} ON sync_source_facts (organisation, source)",
    "sync_change_pending": "CREATE INDEX {} ON sync_change (organisation, field, state)",
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="scrapers", description=DESCRIPTION)

    async def create() -> None:
        for name, statement in INDEXES.items():
            await engine_finder().run_ddl(statement.format(name))

    async def drop() -> None:
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
