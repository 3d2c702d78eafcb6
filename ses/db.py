"""Database plumbing shared by every package: engine, write transactions, lifespan.

SQLite allows one writer at a time; a DEFERRED transaction that reads first and writes later can
fail with "database is locked" when another writer got in between. Every write use-case therefore
opens an IMMEDIATE transaction through `write_transaction()`. PostgreSQL uses its ordinary pool.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString


def engine() -> PostgresEngine | SQLiteEngine:
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf.py always defines DB
        raise RuntimeError("piccolo_conf.py defines no DB")
    return found  # type: ignore[return-value]


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


_AFTER_COMMIT: ContextVar[list[Callable[[], None]] | None] = ContextVar("ses_after_commit", default=None)
"""What to do once the outermost `write_transaction()` of this task commits."""


@asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """A transaction for a write use-case; joins the caller's transaction when one is open.

    The outermost one runs the `after_commit` callbacks registered inside it once it has committed
    (never after a rollback)."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        transaction = db.transaction(transaction_type=TransactionType.immediate)
    else:
        transaction = db.transaction()
    if db.current_transaction.get() is not None:
        async with transaction as joined:
            yield joined
        return
    callbacks: list[Callable[[], None]] = []
    token = _AFTER_COMMIT.set(callbacks)
    try:
        async with transaction as opened:
            yield opened
    finally:
        _AFTER_COMMIT.reset(token)
    global _committed_writes
    _committed_writes += 1
    for callback in callbacks:
        callback()


_committed_writes = 0


def committed_writes() -> int:
    """How many outermost `write_transaction()`s this process has committed: answers derived from
    the data (the indicator values, ses/indicators/cache.py) are kept while it stays the same."""
    return _committed_writes


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` when the write transaction of this task commits; at once outside one (or
    inside a transaction someone else opened, such as a test's, whose commit nobody announces)."""
    pending = _AFTER_COMMIT.get()
    if pending is None or engine().current_transaction.get() is None:
        callback()
    elif callback not in pending:
        pending.append(callback)


async def prepare_database() -> None:
    """Settings that belong to the database file itself (kept across connections)."""
    if is_sqlite():
        await engine().run_ddl("PRAGMA journal_mode=WAL")


async def keep_session(_connection: Any) -> None:
    """What a pooled PostgreSQL connection needs before its next statement, past what asyncpg
    always does on release (roll back a transaction left open, drop listeners): nothing. asyncpg's
    default also runs `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` — a
    second statement for every statement outside a transaction (a register page runs eleven),
    undoing session state SES never sets: no SET, LISTEN, session-level advisory lock or cursor
    outside a transaction (tests/ses/test_db_pool.py checks the code for them)."""


@asynccontextmanager
async def db_lifespan(_app: Any = None) -> AsyncIterator[None]:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=10, reset=keep_session)
    else:
        await prepare_database()
    try:
        yield
    finally:
        if isinstance(db, PostgresEngine):
            await db.close_connection_pool()
        else:
            await release_connections()


async def release_connections() -> None:
    """Close the SQLite connections kept for this event loop (no-op on PostgreSQL)."""
    db = engine()
    if hasattr(db, "close_pool"):
        await db.close_pool()


def _connection() -> Any:
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("bulk writes must run inside write_transaction()")
    return transaction.connection


async def reserve_ids(tablename: str, count: int) -> list[int]:
    """Ids for `count` new rows, so bulk inserts need no RETURNING round trip per row.

    SQLite: the IMMEDIATE transaction holds the write lock, so max(id) cannot move under us.
    PostgreSQL: the serial's sequence hands out the ids.
    """
    if count == 0:
        return []
    connection = _connection()
    if isinstance(engine(), SQLiteEngine):
        cursor = await connection.execute(f"SELECT COALESCE(MAX(id), 0) AS top FROM {tablename}")
        row = await cursor.fetchone()
        await cursor.close()
        top = int(row["top"] if isinstance(row, dict) else row[0])
        return list(range(top + 1, top + 1 + count))
    rows = await connection.fetch(
        f"SELECT nextval(pg_get_serial_sequence('{tablename}', 'id')) AS id FROM generate_series(1, $1)",
        count,
    )
    return [row["id"] for row in rows]


def bound(value: Any) -> Any:
    """`value` as the driver binds it, worked out once for a value that many rows of a
    `bulk_insert` share: SQLite calls its registered Python adapter for every row otherwise (three
    timestamps a row of an import: a third of the time it binds the rows); PostgreSQL's driver
    encodes values itself, so they are kept as they are."""
    if not is_sqlite():
        return value
    try:
        return sqlite3.adapt(value)
    except sqlite3.ProgrammingError:  # no adapter: bound as it is
        return value


async def bulk_insert(tablename: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows in the current write transaction, skipping the ORM's per-row work.

    Used by imports, where building one ORM object and one parameter list per row dominated the
    time (measured: ~1,400 rows/s through the ORM against the 5,000 rows/s target).
    """
    if not rows:
        return
    connection = _connection()
    if isinstance(engine(), SQLiteEngine):
        placeholders = ", ".join("?" for _ in columns)
        await connection.executemany(
            f"INSERT INTO {tablename} ({', '.join(columns)}) VALUES ({placeholders})", rows
        )
    else:
        await connection.copy_records_to_table(tablename, records=rows, columns=columns)


async def fetch_tuples(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Plain tuples from the driver for `sql` with `{}` placeholders, read on the connection of the
    current transaction or of a new one (as `bulk_insert` writes).

    For reads of many rows where the ORM's row dictionaries cost more than the query itself
    (measured for the network graph at 160,000 ties: Piccolo select ~2.1–2.9 s, plain tuples
    ~0.4 s on SQLite)."""
    db = engine()
    sqlite = isinstance(db, SQLiteEngine)
    if sqlite:
        sql = sql.replace("{}", "?")
    else:
        parts = sql.split("{}")
        sql = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))

    async def run(connection: Any) -> list[tuple[Any, ...]]:
        if sqlite:
            cursor = await connection.execute(sql, params)
            cursor.row_factory = None  # tuples, not the engine's dictionaries
            rows = await cursor.fetchall()
            await cursor.close()
            return rows  # type: ignore[no-any-return]
        return [tuple(row) for row in await connection.fetch(sql, *params)]

    current = db.current_transaction.get()
    if current is not None:
        return await run(current.connection)
    async with db.transaction() as transaction:
        return await run(transaction.connection)


async def lock_rows(tablename: str, ids: list[int]) -> None:
    """Serialise write transactions that touch the same rows: PostgreSQL locks them until commit
    (`FOR UPDATE`, in id order so two transactions cannot deadlock); SQLite needs nothing, its
    IMMEDIATE write transactions already run one at a time."""
    if not ids or is_sqlite():
        return
    placeholders = ", ".join("{}" for _ in ids)
    await engine().run_querystring(
        QueryString(f"SELECT id FROM {tablename} WHERE id IN ({placeholders}) ORDER BY id FOR UPDATE", *ids)
    )


def sql_dates() -> tuple[str, Callable[[date], Any]]:
    """How hand-written SQL binds a date: the type to CAST the parameter to and the value to bind.
    SQLite keeps dates as ISO text (compared as text); PostgreSQL compares real dates."""
    if is_sqlite():
        return "TEXT", date.isoformat
    return "DATE", _same


def _same(value: date) -> date:
    return value
