"""PostgreSQL's pool hands a connection on without asyncpg's reset statement (ses.db.keep_session):
safe only while no code leaves session state on a pooled connection, which this reads from the
source; a transaction left open is still rolled back by asyncpg on release."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ses.db import engine, is_sqlite, keep_session

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ses", "accreditation", "network", "scrapers")
SESSION_STATE = re.compile(
    r"[\"']\s*(?:SET\s+(?!LOCAL\b)(?:SESSION\s+)?[\w.]+\s*(?:=|TO\b)|RESET\s+\w|(?:UN)?LISTEN\s"
    r"|DECLARE\s+\w+\s+(?:\w+\s+)*CURSOR\b)|pg_advisory_lock\b|add_listener\(",
    re.IGNORECASE,
)
"""A statement (a string starting with it) that leaves state on the session; SET LOCAL ends with
its transaction, `UPDATE … SET` is no session state."""


def session_state_statements(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), 1) if SESSION_STATE.search(line)]


def test_no_code_leaves_session_state_on_a_pooled_connection():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "piccolo_migrations" in path.parts:
                continue
            found += [
                f"{path.relative_to(ROOT)}:{n}" for n in session_state_statements(path.read_text("utf-8"))
            ]
    assert found == [], "session state would outlive its request (see ses.db.keep_session):\n" + "\n".join(
        found
    )


def test_the_check_finds_session_state():
    assert session_state_statements("await db.run('SET statement_timeout = 5')\n") == [1]
    assert session_state_statements('x = "SELECT pg_advisory_lock(1)"\n') == [1]
    assert (
        session_state_statements("x = \"SET LOCAL lock_timeout = '1s'\"\n") == []
    )  # ends with its transaction
    assert session_state_statements('summary="Set the figures of one year"\n') == []
    assert session_state_statements('q = "UPDATE t SET a = 1"\n') == []


@pytest.mark.anyio
async def test_a_transaction_left_open_does_not_reach_the_next_statement(app_tx):
    if is_sqlite():
        pytest.skip("PostgreSQL's pool")
    db = engine()
    assert db.pool._reset is keep_session
    async with db.pool.acquire() as connection:
        await connection.execute("BEGIN")
        await connection.execute("CREATE TEMPORARY TABLE left_open (x int)")
    for _ in range(db.pool.get_size()):
        async with db.pool.acquire() as connection:
            assert not connection.is_in_transaction()
            assert await connection.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
