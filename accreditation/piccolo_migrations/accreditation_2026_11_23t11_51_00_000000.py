"""Unique indexes that Piccolo's column API cannot express: one stored version per template code,
one assessment row per criterion of a verification, and the deadline look-ups."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T11:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "accreditation composite indexes"

STATEMENTS = (
    "CREATE UNIQUE INDEX acc_template_code_version ON acc_checklist_template (code, version)",
    "CREATE UNIQUE INDEX acc_assessment_verification_code ON acc_criterion_assessment (verification, code)",
    "CREATE INDEX acc_comment_verification_code ON acc_criterion_comment (verification, code)",
    "CREATE INDEX acc_opinion_verification_number ON acc_opinion (verification, number)",
)
NAMES = (
    "acc_template_code_version",
    "acc_assessment_verification_code",
    "acc_comment_verification_code",
    "acc_opinion_verification_number",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accreditation", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    async def drop_indexes() -> None:
        engine = engine_finder()
        for name in NAMES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
