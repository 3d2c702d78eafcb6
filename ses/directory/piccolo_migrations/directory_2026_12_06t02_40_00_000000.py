"""The directory's composite indexes and the shipped taxonomy (service categories, target groups).

The taxonomy is data every installation starts with; staff extend it through the API. The terms are
read from ses.directory.vocab as it stands when the migration runs, and are inserted only when absent.
"""

from datetime import UTC, datetime

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T02:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "directory indexes and taxonomy"

INDEXES = {
    "directory_area_code_service": "CREATE INDEX {} ON directory_area (territory_code, service)",
    "directory_location_service_id": "CREATE INDEX {} ON directory_location (service, id)",
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="directory", description=DESCRIPTION)

    async def create_indexes_and_terms() -> None:
        from ses.directory.vocab import CATEGORIES, TARGET_GROUPS

        engine = engine_finder()
        for name, statement in INDEXES.items():
            await engine.run_ddl(statement.format(name))
        stamp = datetime.now(UTC)
        terms = [("category", code, parent, pl, en, uk) for code, parent, pl, en, uk in CATEGORIES]
        terms += [("target_group", code, None, pl, en, uk) for code, pl, en, uk in TARGET_GROUPS]
        for position, (taxonomy, code, parent, pl, en, uk) in enumerate(terms):
            await engine.run_ddl(
                "INSERT INTO directory_term (taxonomy, code, parent_code, name_pl, name_en, name_uk, "
                f"description, position, created_at, updated_at) VALUES ({_q(taxonomy)}, {_q(code)}, "
                f"{_q(parent)}, {_q(pl)}, {_q(en)}, {_q(uk)}, '', {position}, {_q(stamp.isoformat())}, "
                f"{_q(stamp.isoformat())})"
            )

    async def drop_indexes() -> None:
        engine = engine_finder()
        await engine.run_ddl("DELETE FROM directory_term")
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create_indexes_and_terms)
    manager.add_raw_backwards(drop_indexes)
    return manager


def _q(value: str | None) -> str:
    """A literal of our own constants (no user input reaches this migration)."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"
