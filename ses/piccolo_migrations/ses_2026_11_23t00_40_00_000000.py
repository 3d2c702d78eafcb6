"""Composite and unique indexes that Piccolo's column API cannot express; both engines accept them."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T00:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "register composite indexes"

STATEMENTS = (
    "CREATE UNIQUE INDEX year_figures_organisation_year ON year_figures (organisation, year)",
    "CREATE INDEX audit_record_entity ON audit_record (entity_type, entity_id)",
    "CREATE INDEX organisation_name_order ON organisation (name_search, id)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ses", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    async def drop_indexes() -> None:
        engine = engine_finder()
        for name in ("year_figures_organisation_year", "audit_record_entity", "organisation_name_order"):
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
