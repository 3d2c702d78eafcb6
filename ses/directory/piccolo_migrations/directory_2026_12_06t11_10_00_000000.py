"""Covering indexes for the residents' search (issue #18, docs/benchmarks.md).

PostgreSQL picks a service's place and distance and the service's status and organisation from these
indexes alone (index-only scans), and reads the wide rows only for the page shown. The location index
keeps (service, id) first, so it replaces `directory_location_service_id`. Plain composite indexes:
the same on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T11:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "directory covering indexes for the residents' search"

INDEXES = {
    "directory_location_service_point": (
        "CREATE INDEX {} ON directory_location (service, id, latitude, longitude)"
    ),
    "directory_service_id_status": "CREATE INDEX {} ON directory_service (id, status, organisation)",
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="directory", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        for name, statement in INDEXES.items():
            await engine.run_ddl(statement.format(name))
        await engine.run_ddl("DROP INDEX directory_location_service_id")

    async def drop_indexes() -> None:
        engine = engine_finder()
        await engine.run_ddl("CREATE INDEX directory_location_service_id ON directory_location (service, id)")
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
