"""One annual report per organisation, status type and year (a unique index over three columns)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T02:38:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "annual report unique per organisation, status type and year"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ses", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX annual_report_one_per_year ON annual_report (organisation, status_type, year)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX annual_report_one_per_year")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
