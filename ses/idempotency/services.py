"""`Idempotency-Key` for POSTs: a retried request gets the first answer and changes nothing more.

Used by every package (see ses/idempotency/__init__.py for how).

The key is claimed by the same transaction that does the work (INSERT … ON CONFLICT DO NOTHING on
the unique (scope, key) index). On PostgreSQL a concurrent retry blocks on that insert until the
first request commits, then finds the stored answer; on SQLite writers are serialised anyway.
An answer that is an error is not stored: the retry runs again and meets the same checks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine

from ses.db import write_transaction
from ses.errors import Conflict, DomainError, FieldError, ValidationFailed
from ses.idempotency.tables import IdempotencyKey

MAX_KEY_LENGTH = 200
RACE = "Równoległe żądanie utworzyło już ten rekord; pobierz go."
"""The 409 message when a unique index refuses work a concurrent request already did."""


@dataclass(frozen=True)
class Key:
    scope: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    replayed: bool = False


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.utcoffset() is not None and not value.utcoffset():
        return value.isoformat().replace("+00:00", "Z")  # as Litestar (msgspec) writes UTC
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def to_json(body: Any) -> Any:
    """The body exactly as a replay will give it (so the first answer and a replay are equal)."""
    return json.loads(answer_json(body))


def make_key(account_id: int, header: str | None, *parts: bytes | str) -> Key | None:
    if header is None:
        return None
    key = header.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(
            "Niepoprawny nagłówek Idempotency-Key.",
            [FieldError("Idempotency-Key", f"Klucz ma mieć od 1 do {MAX_KEY_LENGTH} znaków.")],
        )
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return Key(scope=f"account:{account_id}", key=key, fingerprint=digest.hexdigest())


def _replay(row: dict[str, Any], key: Key) -> Answer:
    if row["fingerprint"] != key.fingerprint:
        raise ValidationFailed(
            "Ten Idempotency-Key użyto już dla innego żądania; nowe żądanie wymaga nowego klucza.",
            [FieldError("Idempotency-Key", key.key)],
        )
    if row["status_code"] == 0:  # pragma: no cover - only visible inside an unfinished transaction
        raise Conflict("Żądanie z tym Idempotency-Key jest jeszcze przetwarzane; ponów je za chwilę.")
    response = row["response"]
    return Answer(row["status_code"], json.loads(response) if isinstance(response, str) else response, True)


# Hand-written SQL (Table.raw, `{}` placeholders, both engines): on the submission path the query
# builder's Python cost more than these statements take in the database.
_LOOKUP = "SELECT fingerprint, status_code, response FROM idempotency_key WHERE scope = {} AND key = {}"
_CLAIM = (
    "INSERT INTO idempotency_key (scope, key, fingerprint, resource_id, status_code, response, created_at) "
    "VALUES ({}, {}, {}, NULL, 0, 'null', {}) ON CONFLICT DO NOTHING RETURNING id"
)
_ANSWER = "UPDATE idempotency_key SET status_code = {}, response = {}, resource_id = {} WHERE id = {}"
_RELEASE = "DELETE FROM idempotency_key WHERE id = {}"


async def lookup(key: Key | None) -> Answer | None:
    """The stored answer for `key`, if a first request with it already finished."""
    if key is None:
        return None
    rows = await IdempotencyKey.raw(_LOOKUP, key.scope, key.key)
    return _replay(rows[0], key) if rows else None


Work = Callable[[], Awaitable[tuple[int, Any, int | None]]]
"""Does the change inside the open transaction; returns (status, body, id of what it made or None)."""


@dataclass
class Claim:
    """The key row claimed by this request's transaction."""

    id: int
    answer: str | None = None
    """The answer's JSON, when the work stored it itself (in its own statement, to save a round trip)."""


ClaimedWork = Callable[[Claim | None], Awaitable[tuple[int, Any, int | None]]]
"""As `Work`, given the claim (None without a key) so it may store the answer itself."""


def answer_json(body: Any) -> str:
    """The body as stored for replays (the first answer and a replay are equal)."""
    return json.dumps(body, default=_plain, ensure_ascii=False)


async def checked_once(
    key: Key | None, prepare: Callable[[], Awaitable[ClaimedWork]], *, race: str = RACE
) -> Answer:
    """`prepare()` reads and validates, and returns the work to do; then as `once`.

    SQLite: the checks run before the IMMEDIATE transaction, so the single writer's lock is held
    only for the writes. PostgreSQL: checks and writes share one transaction, i.e. one pooled
    connection (each separate pool checkout costs a reset round trip).
    """
    # Hot path, engine branch kept: benchmarks.reporting, docs/benchmarks.md "OWES reporting (issue #4)":
    # the submission's round trips (11 → 6 on PostgreSQL), 4.2 ms of server CPU per request.
    if isinstance(IdempotencyKey._meta.db, SQLiteEngine):  # (ses.db.is_sqlite costs an engine look-up)
        if (stored := await lookup(key)) is not None:
            return stored
        return await _guarded(key, await prepare(), race)

    async def both(claim: Claim | None) -> tuple[int, Any, int | None]:
        return await (await prepare())(claim)

    return await _guarded(key, both, race)


async def once(key: Key | None, work: Work, *, race: str = RACE) -> Answer:
    """Run `work` in one write transaction, at most once per key.

    `race`: the 409 message when a unique index refuses the work because a concurrent request
    (with another key, or none) made the same record first."""

    async def claimed(_claim: Claim | None) -> tuple[int, Any, int | None]:
        return await work()

    return await _guarded(key, claimed, race)


async def _guarded(key: Key | None, work: ClaimedWork, race: str = RACE) -> Answer:
    try:
        return await _once(key, work)
    except Exception as exc:
        if type(exc).__name__ in ("UniqueViolationError", "IntegrityError") and "unique" in str(exc).lower():
            # Two different requests raced for the same record (a unique index decided).
            raise Conflict(race) from exc
        raise


async def _once(key: Key | None, work: ClaimedWork) -> Answer:
    async with write_transaction():
        claim = None
        if key is not None:
            claimed = await IdempotencyKey.raw(_CLAIM, key.scope, key.key, key.fingerprint, datetime.now(UTC))
            if not claimed:
                stored = await lookup(key)
                assert stored is not None
                return stored
            claim = Claim(int(claimed[0]["id"]))
        try:
            status, body, resource_id = await work(claim)
        except DomainError:
            if claim is not None:
                # Outside tests the transaction rolls back anyway; inside a caller's transaction
                # (tests) the claim must not outlive the failed work.
                await IdempotencyKey.raw(_RELEASE, claim.id)
            raise
        text = claim.answer if claim is not None and claim.answer is not None else answer_json(body)
        if claim is not None and claim.answer is None:
            await IdempotencyKey.raw(_ANSWER, status, text, resource_id, claim.id)
        return Answer(status, json.loads(text))  # the body exactly as a replay will give it


ANSWER_FROM_CTE = (
    "UPDATE idempotency_key SET status_code = {}::integer, response = {}::json, resource_id = r.id "
    "FROM r WHERE idempotency_key.id = {}::integer"
)
"""PostgreSQL, for a use case that writes everything in one statement: the claim's answer as one
more data-modifying WITH part, reading the new row's id from a part named `r` (parameters: status,
answer JSON, claim id). The caller then sets `claim.answer` so `once` does not store it again."""
