"""Reporting's idempotency keys move to the core table `idempotency_key` (ses/idempotency).

Keys already stored keep answering retries: they are copied over (the report id becomes the
resource id) before the old table is dropped. The `ses` app's migration made the new table.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

COPY = (
    "INSERT INTO idempotency_key (scope, key, fingerprint, resource_id, status_code, response, created_at) "
    "SELECT scope, key, fingerprint, report, status_code, response, created_at FROM report_idempotency_key "
    "WHERE status_code <> 0 ON CONFLICT DO NOTHING"
)

ID = "2026-12-06T02:33:21:514880"
VERSION = "1.38.0"
DESCRIPTION = "idempotency keys moved to the core"


async def forwards() -> MigrationManager:
    manager = MigrationManager(
        migration_id=ID, app_name="reporting", description=DESCRIPTION
    )

    async def copy_keys() -> None:
        await engine_finder().run_ddl(COPY)

    manager.add_raw(copy_keys)  # raw steps run before the table is dropped
    manager.drop_table(
        class_name="IdempotencyKey",
        tablename="report_idempotency_key",
        schema=None,
    )

    return manager
