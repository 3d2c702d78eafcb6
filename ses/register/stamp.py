"""The register's stamp (MAX(updated_at), MAX(id): every write of an organisation moves one of
them) and how fresh it is without a statement per request (`CommittedStamp`; the rules are in
ses/register/page_cache.py's module docs). The list-page cache and the register's aggregates both
key by it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from typing import Any
from urllib.parse import quote

from piccolo.engine.sqlite import SQLiteEngine

from ses.register import changes
from ses.register.tables import Organisation
from ses.single_flight import SingleFlight

STAMP_RECHECK_S = 0.25
"""PostgreSQL: a write by another process reaches every list answer within this time."""


def _db() -> Any:
    # The table's own engine: Piccolo's `engine_finder()` re-imports piccolo_conf on every call
    # (~20 µs, a tenth of a cached answer).
    return Organisation._meta.db


def in_transaction() -> bool:
    """Whether this task reads inside a database transaction (its own rows: never cached for others)."""
    return _db().current_transaction.get() is not None


# Hot path, engine branch kept: benchmarks.register, docs/benchmarks.md "List page cache, token cache, lighter
# hot path": list 4,535 req/s, p50 6.9 ms, 0.22 ms server CPU per request (SQLite); staleness is
# PRAGMA data_version on SQLite (8 µs), a timed re-read of the stamp on PostgreSQL.
def is_sqlite() -> bool:
    return isinstance(_db(), SQLiteEngine)


class CommittedStamp:
    """The register's stamp as last committed, read from the database only when it may have moved."""

    def __init__(self) -> None:
        self.value: Any = None
        self.generation = 0
        """Moves when a change may have happened (a local write, a new SQLite data_version)."""
        self.valid_generation = -1
        self.read_at = 0.0
        self._reads: SingleFlight[Any] = SingleFlight()
        self._seen_writes = changes.count()
        self._probe: sqlite3.Connection | None = None
        self._probe_key: tuple[int, str] | None = None
        self._seen_version: int | None = None

    def _data_version(self) -> int:
        path = _db().path  # type: ignore[union-attr]
        key = (os.getpid(), path)
        if self._probe is None or self._probe_key != key:
            self._probe = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, check_same_thread=False)
            self._probe_key = key
            self._seen_version = None
        return int(self._probe.execute("PRAGMA data_version").fetchone()[0])

    def _fresh(self, now: float) -> bool:
        if (writes := changes.count()) != self._seen_writes:  # a register write of this process
            self._seen_writes = writes
            self.generation += 1
        # Hot path, engine branch kept: benchmarks.register (see is_sqlite above).
        if is_sqlite():
            version = self._data_version()
            if version != self._seen_version:
                self._seen_version = version
                self.generation += 1
            return self.valid_generation == self.generation
        return self.valid_generation == self.generation and now - self.read_at < STAMP_RECHECK_S

    async def current(self) -> Any:
        now = time.monotonic()
        if self._fresh(now):
            return self.value
        # Concurrent requests share one read, if it started for this generation within the last
        # recheck interval (the time bucket): a read older than that may miss another process's write.
        generation = self.generation
        bucket = int(now / STAMP_RECHECK_S)
        value, _ = await self._reads.run((generation, bucket), lambda: self._read(generation, now))
        return value

    async def _read(self, generation: int, started: float) -> Any:
        # The generation and the time are taken before the statement: a change committed while it
        # runs moves the generation again, so the next request reads once more.
        value = await register_stamp()
        if generation >= self.valid_generation:
            self.value, self.valid_generation, self.read_at = value, generation, started
        return value


async def register_stamp() -> Any:
    """Changes when any organisation is added or changed.

    Two scalar subqueries, because SQLite answers MAX() from an index only when it is the sole
    aggregate of its SELECT (MAX(a), MAX(b) together scan the table: 60 ms at 100,000 rows).
    """
    rows = await Organisation.raw(
        "SELECT (SELECT MAX(updated_at) FROM organisation) AS stamp, "
        "(SELECT MAX(id) FROM organisation) AS top"
    )
    return (rows[0]["stamp"], rows[0]["top"]) if rows else None


STAMP = CommittedStamp()
