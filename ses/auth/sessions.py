"""Signing people in and out: password checks, throttling, browser sessions (no Litestar here).

Passwords are checked with Argon2 in a worker thread, so a sign-in never stalls other requests.
Unknown user names cost the same hash as known ones, and every refusal says the same thing, so the
answer does not tell which user names exist.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio

from ses.audit.channel import Channel
from ses.audit.services import Actor, record_event
from ses.auth import throttle
from ses.auth.policy import Principal, Role
from ses.auth.services import hash_password, verify_password
from ses.auth.tables import Account, LoginThrottle, WebSession
from ses.auth.tokens import token_hash
from ses.db import write_transaction
from ses.errors import DomainError, ErrorCollector
from ses.settings import get_settings

BAD_CREDENTIALS = "Nieprawidłowa nazwa użytkownika lub hasło."
ACCOUNT_LOCKED = "Po kilku nieudanych próbach logowanie na to konto jest wstrzymane na 15 minut."
ADDRESS_LOCKED = "Zbyt wiele nieudanych prób logowania z tego adresu. Spróbuj ponownie za 15 minut."
MIN_PASSWORD = 10
# A real Argon2 hash of a random password: verifying against it costs what a real check costs.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class SignInRefused(DomainError):
    status = 401
    title = "Logowanie nieudane"
    slug = "sign-in-refused"


@dataclass(frozen=True)
class SignedIn:
    secret: str
    """Goes into the session cookie; only its hash is stored."""
    csrf_token: str
    principal: Principal
    expires_at: datetime


@dataclass(frozen=True)
class BrowserSession:
    principal: Principal
    csrf_token: str
    session_id: int


def _now() -> datetime:
    return datetime.now(UTC)


def _as_time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def _locked(key: str | None, now: datetime) -> bool:
    if not key:
        return False
    row = await LoginThrottle.select(LoginThrottle.locked_until).where(LoginThrottle.address == key).first()
    return row is not None and throttle.is_locked(_as_time(row["locked_until"]), now)


# One statement counts a failure whatever else runs at the same time (parallel wrong passwords
# each add one; a read-then-write lost most of them). SQLite ≥ 3.35 and PostgreSQL both take it.
COUNT_FAILURE = (
    "INSERT INTO login_throttle (address, failures, window_started_at, locked_until) "
    "VALUES ({}, 1, {}, NULL) ON CONFLICT (address) DO UPDATE SET failures = login_throttle.failures + 1 "
    "RETURNING failures, window_started_at"
)


async def _count_failure(key: str | None, limit: int, now: datetime) -> int:
    """Add one failure to a throttle row (an address or an account name); lock it at `limit`
    failures within the window. Answers the failures counted in the window."""
    if not key:
        return 0
    row = (await LoginThrottle.raw(COUNT_FAILURE, key, now))[0]
    failures, started = row["failures"], _as_time(row["window_started_at"])
    if started is not None and now - started > throttle.ADDRESS_WINDOW:
        # The window has passed: this failure opens a new one (a race here only restarts it).
        await LoginThrottle.update(
            {
                LoginThrottle.failures: 1,
                LoginThrottle.window_started_at: now,
                LoginThrottle.locked_until: None,
            }
        ).where((LoginThrottle.address == key) & (LoginThrottle.failures == failures))
        failures = 1
    if failures >= limit:
        await LoginThrottle.update({LoginThrottle.locked_until: now + throttle.LOCK_FOR}).where(
            LoginThrottle.address == key
        )
    return failures


async def sign_in(username: str, password: str, address: str | None) -> SignedIn:
    """Sign in, or refuse with the same answers, delays and work for real and unknown names."""
    now = _now()
    actor = Actor(label=username[:80] or "?", channel=Channel.WEB, address=address)
    username = username.strip()
    if await _locked(address, now):
        async with write_transaction():
            await record_event(
                actor,
                "auth.login_refused",
                "account",
                None,
                {"username": [None, username]},
                reason="address locked",
            )
        raise SignInRefused(ADDRESS_LOCKED)
    account = (
        await Account.select(
            Account.id,
            Account.username,
            Account.role,
            Account.organisation,
            Account.password_hash,
            Account.active,
        )
        .where(Account.username == username)
        .first()
    )
    key = throttle.name_key(username)
    if await _locked(key, now):
        async with write_transaction():
            await record_event(
                actor,
                "auth.login_refused",
                "account",
                account["id"] if account else None,
                {"username": [None, username]},
                reason="account locked",
            )
        raise SignInRefused(ACCOUNT_LOCKED)

    stored = account["password_hash"] if account and account["password_hash"] else _DUMMY_HASH
    matches = await anyio.to_thread.run_sync(verify_password, stored, password)
    if not (matches and account is not None and account["active"] and account["password_hash"]):
        await _refuse(account, username, key, address, now, actor)

    assert account is not None
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=get_settings().session_hours)
    async with write_transaction():
        if await _locked(key, now):  # locked by failures that finished while the hash was checked
            raise SignInRefused(ACCOUNT_LOCKED)
        await LoginThrottle.delete().where(LoginThrottle.address == key)
        await Account.update(
            {Account.failed_logins: 0, Account.locked_until: None, Account.last_login_at: now}
        ).where(Account.id == account["id"])
        await WebSession.insert(
            WebSession(
                secret_hash=token_hash(secret),
                account=account["id"],
                csrf_token=csrf,
                created_at=now,
                expires_at=expires,
                last_seen_at=now,
                address=address,
            )
        )
        signed_actor = Actor(
            label=account["username"], channel=actor.channel, account_id=account["id"], address=address
        )
        await record_event(signed_actor, "auth.login", "account", account["id"], {})
    principal = Principal(
        account_id=account["id"],
        username=account["username"],
        role=Role(account["role"]),
        organisation_id=account["organisation"],
    )
    return SignedIn(secret=secret, csrf_token=csrf, principal=principal, expires_at=expires)


async def _refuse(
    account: dict | None, username: str, key: str, address: str | None, now: datetime, actor: Actor
) -> None:
    async with write_transaction():
        failures = await _count_failure(key, throttle.ACCOUNT_LOCK_AFTER, now)
        locked = failures >= throttle.ACCOUNT_LOCK_AFTER
        if account is not None:  # shown to administrators on the account page
            await Account.update(
                {
                    Account.failed_logins: failures,
                    Account.locked_until: now + throttle.LOCK_FOR if locked else None,
                }
            ).where(Account.id == account["id"])
        await _count_failure(address, throttle.ADDRESS_LOCK_AFTER, now)
        await record_event(
            actor,
            "auth.login_failed",
            "account",
            account["id"] if account else None,
            {"username": [None, username]},
            reason="account locked after repeated failures" if locked else None,
        )
    delay = throttle.delay_for(failures, get_settings().login_slowdown)
    if delay:
        await asyncio.sleep(delay)
    raise SignInRefused(ACCOUNT_LOCKED if locked else BAD_CREDENTIALS)


# Hand-written for the same reason as ses.auth.services.TOKEN_LOOKUP: it runs on every page.
SESSION_LOOKUP = (
    'SELECT s.id, s.csrf_token, s.expires_at, s.ended_at, a.id AS "account.id", '
    'a.username AS "account.username", a.role AS "account.role", a.active AS "account.active", '
    'a.organisation AS "account.organisation" '
    "FROM web_session s JOIN account a ON a.id = s.account WHERE s.secret_hash = {}"
)


async def session_for(secret: str) -> BrowserSession | None:
    """The signed-in person behind a session cookie, or None when it is unknown, ended or expired."""
    if not secret or len(secret) > 100:
        return None
    rows = await WebSession.raw(SESSION_LOOKUP, token_hash(secret))
    row = rows[0] if rows else None
    if row is None or row["ended_at"] is not None or not row["account.active"] or row["expires_at"] <= _now():
        return None
    principal = Principal(
        account_id=row["account.id"],
        username=row["account.username"],
        role=Role(row["account.role"]),
        organisation_id=row["account.organisation"],
    )
    return BrowserSession(principal=principal, csrf_token=row["csrf_token"], session_id=row["id"])


async def sign_out(session: BrowserSession, actor: Actor) -> None:
    async with write_transaction():
        await WebSession.update({WebSession.ended_at: _now()}).where(WebSession.id == session.session_id)
        await record_event(actor, "auth.logout", "account", session.principal.account_id, {})


async def change_password(
    session: BrowserSession, current: str, new: str, repeated: str, actor: Actor
) -> None:
    """Change one's own password; every other session of the account ends."""
    problems = ErrorCollector()
    if len(new) < MIN_PASSWORD:
        problems.add("new_password", f"Nowe hasło musi mieć co najmniej {MIN_PASSWORD} znaków.")
    if new != repeated:
        problems.add("repeat_password", "Powtórzone hasło różni się od nowego.")
    if new and new == current:
        problems.add("new_password", "Nowe hasło musi różnić się od obecnego.")
    account_id = session.principal.account_id
    row = await Account.select(Account.password_hash).where(Account.id == account_id).first()
    stored = row["password_hash"] if row and row["password_hash"] else _DUMMY_HASH
    if not await anyio.to_thread.run_sync(verify_password, stored, current):
        problems.add("current_password", "Obecne hasło jest nieprawidłowe.")
    problems.raise_if_any("Nie zmieniono hasła.")
    new_hash = await anyio.to_thread.run_sync(hash_password, new)
    async with write_transaction():
        await Account.update({Account.password_hash: new_hash, Account.password_changed_at: _now()}).where(
            Account.id == account_id
        )
        await WebSession.update({WebSession.ended_at: _now()}).where(
            (WebSession.account == account_id)
            & (WebSession.id != session.session_id)
            & WebSession.ended_at.is_null()
        )
        await record_event(actor, "auth.password_change", "account", account_id, {})
