"""The `ses` Piccolo app: core tables of the register, territories, accounts and the audit trail."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="ses",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(
        modules=[
            "ses.territories.tables",
            "ses.register.tables",
            "ses.audit.tables",
            "ses.auth.tables",
            "ses.jobs.tables",
            "ses.idempotency.tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
