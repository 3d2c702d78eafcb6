"""One run per job and slot: the unique index that keeps a second scheduler process from a slot."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T02:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "job_run unique (job_id, slot)"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ses", description=DESCRIPTION)

    async def create() -> None:
        await engine_finder().run_ddl("CREATE UNIQUE INDEX job_run_job_slot ON job_run (job_id, slot)")

    async def drop() -> None:
        await engine_finder().run_ddl("DROP INDEX job_run_job_slot")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
