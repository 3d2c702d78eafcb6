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


async def _address_locked(address: str | None, now: datetime) -> bool:
    if not address:
        return False
    row = (
        await LoginThrottle.select(LoginThrottle.locked_until).where(LoginThrottle.address == address).first()
    )
    return row is not None and throttle.is_locked(row["locked_until"], now)


async def _count_address_failure(address: str | None, now: datetime) -> None:
    if not address:
        return
    row = await LoginThrottle.select().where(LoginThrottle.address == address).first()
    failures, started, locked_until = throttle.after_address_failure(
        row["failures"] if row else 0, row["window_started_at"] if row else None, now
    )
    values = {
        LoginThrottle.failures: failures,
        LoginThrottle.window_started_at: started,
        LoginThrottle.locked_until: locked_until,
    }
    if row is None:
        await LoginThrottle.insert(
            LoginThrottle(
                address=address, failures=failures, window_started_at=started, locked_until=locked_until
            )
        )
    else:
        await LoginThrottle.update(values).where(LoginThrottle.id == row["id"])


async def sign_in(username: str, password: str, address: str | None) -> SignedIn:
    now = _now()
    actor = Actor(label=username[:80] or "?", channel=Channel.WEB, address=address)
    username = username.strip()
    if await _address_locked(address, now):
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
            Account.failed_logins,
            Account.locked_until,
        )
        .where(Account.username == username)
        .first()
    )
    if account is not None and throttle.is_locked(account["locked_until"], now):
        async with write_transaction():
            await record_event(
                actor, "auth.login_refused", "account", account["id"], {}, reason="account locked"
            )
        raise SignInRefused(ACCOUNT_LOCKED)

    stored = account["password_hash"] if account and account["password_hash"] else _DUMMY_HASH
    matches = await anyio.to_thread.run_sync(verify_password, stored, password)
    if not (matches and account is not None and account["active"] and account["password_hash"]):
        await _refuse(account, username, address, now, actor)

    assert account is not None
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=get_settings().session_hours)
    async with write_transaction():
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
    account: dict | None, username: str, address: str | None, now: datetime, actor: Actor
) -> None:
    verdict = throttle.after_account_failure(
        account["failed_logins"] if account else 0, now, get_settings().login_slowdown
    )
    async with write_transaction():
        if account is not None:
            await Account.update(
                {Account.failed_logins: verdict.failures, Account.locked_until: verdict.locked_until}
            ).where(Account.id == account["id"])
        await _count_address_failure(address, now)
        await record_event(
            actor,
            "auth.login_failed",
            "account",
            account["id"] if account else None,
            {"username": [None, username]},
            reason="account locked after repeated failures" if verdict.locked_until else None,
        )
    if verdict.delay_seconds:
        await asyncio.sleep(verdict.delay_seconds)
    raise SignInRefused(ACCOUNT_LOCKED if verdict.locked_until else BAD_CREDENTIALS)


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
