"""The unique (scope, key) index of the idempotency keys, which Piccolo's column API cannot express.

It is what makes a second answer to one key impossible under concurrency on both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T02:34:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "idempotency key unique index"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ses", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX idempotency_scope_key ON idempotency_key (scope, key)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX idempotency_scope_key")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
