"""Unique and composite indexes of the network, and the one row of the network version.

One invitation and one response per organisation and round, made impossible to duplicate under
concurrency on both engines; (source, target) and (valid_from, valid_to) serve the graph reads.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T12:01:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "network unique indexes and version row"

INDEXES = {
    "network_invitation_round_org": "CREATE UNIQUE INDEX {} ON network_survey_invitation (survey_round, organisation)",
    "network_response_round_org": "CREATE UNIQUE INDEX {} ON network_survey_response (survey_round, respondent)",
    "network_relation_pair": "CREATE INDEX {} ON network_relation (source, target)",
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="network", description=DESCRIPTION)

    async def create() -> None:
        engine = engine_finder()
        for name, statement in INDEXES.items():
            await engine.run_ddl(statement.format(name))
        await engine.run_ddl(
            "INSERT INTO network_state (id, version, token, changed_at) "
            "VALUES (1, 0, 'initial', CURRENT_TIMESTAMP)"
        )

    async def drop() -> None:
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")
        await engine.run_ddl("DELETE FROM network_state")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
