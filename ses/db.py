"""Database plumbing shared by every package: engine, write transactions, lifespan.

SQLite allows one writer at a time; a DEFERRED transaction that reads first and writes later can
fail with "database is locked" when another writer got in between. Every write use-case therefore
opens an IMMEDIATE transaction through `write_transaction()`. PostgreSQL uses its ordinary pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType


def engine() -> PostgresEngine | SQLiteEngine:
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf.py always defines DB
        raise RuntimeError("piccolo_conf.py defines no DB")
    return found  # type: ignore[return-value]


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def write_transaction() -> Any:
    """A transaction for a write use-case; joins the caller's transaction when one is open."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


async def prepare_database() -> None:
    """Settings that belong to the database file itself (kept across connections)."""
    if is_sqlite():
        await engine().run_ddl("PRAGMA journal_mode=WAL")


@asynccontextmanager
async def db_lifespan(_app: Any = None) -> AsyncIterator[None]:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=10)
    else:
        await prepare_database()
    try:
        yield
    finally:
        if isinstance(db, PostgresEngine):
            await db.close_connection_pool()
