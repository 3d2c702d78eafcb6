"""Unique and composite indexes of reporting that Piccolo's column API cannot express.

They are what makes duplicates impossible under concurrency on both engines: one report per
OWES, definition and period; one answer per idempotency key; one row per version number.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T01:52:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reporting unique indexes"

INDEXES = {
    "report_definition_code_version": "CREATE UNIQUE INDEX {} ON report_definition (code, version)",
    "report_owes_code_period": "CREATE UNIQUE INDEX {} ON report (owes, definition_code, period)",
    "report_code_period_state": "CREATE INDEX {} ON report (definition_code, period, state)",
    "report_version_report_number": "CREATE UNIQUE INDEX {} ON report_version (report, number)",
    "report_idempotency_scope_key": "CREATE UNIQUE INDEX {} ON report_idempotency_key (scope, key)",
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reporting", description=DESCRIPTION)

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
