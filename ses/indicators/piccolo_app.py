"""The `indicators` Piccolo app: snapshots (time series), the regional programme, manual values."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="indicators",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(
        modules=["ses.indicators.tables", "ses.indicators.impact_tables"], exclude_imported=True
    ),
    migration_dependencies=["ses.piccolo_app"],
    commands=[],
)
