from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T02:34:04:916766"
VERSION = "1.38.0"
DESCRIPTION = "idempotency keys of comments and evidence moved to the core (ses/idempotency)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="accreditation", description=DESCRIPTION
    )

    manager.drop_column(
        table_class_name="CriterionComment",
        tablename="acc_criterion_comment",
        column_name="idempotency_key",
        db_column_name="idempotency_key",
        schema=None,
    )

    manager.drop_column(
        table_class_name="EvidenceFile",
        tablename="acc_evidence_file",
        column_name="idempotency_key",
        db_column_name="idempotency_key",
        schema=None,
    )

    return manager
