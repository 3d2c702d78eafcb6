"""Piccolo configuration: the engine is chosen by SES_DATABASE_URL.

A `postgresql://` URL selects PostgreSQL (deployments, CI); anything else — or nothing — is an
SQLite file path (the embedded default). Set the variable before the first query: Piccolo resolves
the engine once and caches it on every table.
"""

from __future__ import annotations

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from ses.sqlite_engine import PooledSQLiteEngine

DATABASE_URL = os.environ.get("SES_DATABASE_URL", "")

if DATABASE_URL.startswith(("postgres://", "postgresql://")):
    DB: PostgresEngine | SQLiteEngine = PostgresEngine(config={"dsn": DATABASE_URL})
else:
    path = DATABASE_URL.removeprefix("sqlite:///") if DATABASE_URL else "ses.sqlite"
    DB = PooledSQLiteEngine(path=path, timeout=30)

APP_REGISTRY = AppRegistry(
    apps=[
        "ses.piccolo_app",
        "ses.reporting.piccolo_app",
        "accreditation.piccolo_app",
        "network.piccolo_app",
        "ses.committee.piccolo_app",
        "ses.activities.piccolo_app",
        "ses.directory.piccolo_app",
        "scrapers.piccolo_app",
        "ses.indicators.piccolo_app",
    ]
)
