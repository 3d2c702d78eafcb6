"""Accounts and bearer tokens (no Litestar here: the middleware and the CLI call these)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher

from ses.audit.services import Actor, record_event
from ses.auth import throttle
from ses.auth.policy import Principal, Role
from ses.auth.tables import Account, ApiToken, LoginThrottle
from ses.auth.tokens import looks_like_token, new_token, token_hash
from ses.db import write_transaction
from ses.errors import Conflict, ErrorCollector, NotFound, PermissionDenied
from ses.register.tables import Organisation

_hasher = PasswordHasher()
# Writing last_used_at on every call would turn each API read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except Exception:  # argon2 raises several mismatch/invalid-hash errors; all mean "no"
        return False


def _now() -> datetime:
    return datetime.now(UTC)


async def create_account(
    *,
    username: str,
    role: Role,
    password: str | None,
    display_name: str | None = None,
    organisation_id: int | None = None,
    actor: Actor,
) -> int:
    problems = ErrorCollector()
    if role is Role.PUBLIC:
        problems.add("role", "Rola „public” nie jest kontem: to dostęp bez logowania.")
    if role is Role.OWES and organisation_id is None:
        problems.add("organisation_id", "Konto OWES musi wskazywać organizację OWES.")
    if role is not Role.OWES and organisation_id is not None:
        problems.add("organisation_id", "Tylko konto OWES wskazuje organizację.")
    if password is not None and len(password) < 10:
        problems.add("password", "Hasło musi mieć co najmniej 10 znaków.")
    problems.raise_if_any("Nie można utworzyć konta.")
    async with write_transaction():
        if await Account.exists().where(Account.username == username):
            raise Conflict(f"Konto „{username}” już istnieje.")
        if organisation_id is not None:
            owes = (
                await Organisation.select(Organisation.is_owes)
                .where(Organisation.id == organisation_id)
                .first()
            )
            if owes is None or not owes["is_owes"]:
                raise Conflict("Wskazana organizacja nie jest OWES.")
        rows = await Account.insert(
            Account(
                username=username,
                display_name=display_name or username,
                password_hash=hash_password(password) if password else None,
                role=role.value,
                organisation=organisation_id,
                active=True,
                created_at=_now(),
                password_changed_at=_now() if password else None,
            )
        )
        account_id = int(rows[0]["id"])
        await record_event(
            actor,
            "account.create",
            "account",
            account_id,
            {"username": [None, username], "role": [None, role.value]},
        )
    return account_id


async def create_token(
    *, account_id: int, name: str, valid_days: int | None, actor: Actor
) -> tuple[str, int]:
    """Create a token; the secret is returned once and never stored."""
    secret = new_token()
    async with write_transaction():
        account = await Account.select(Account.id, Account.active).where(Account.id == account_id).first()
        if account is None:
            raise NotFound("Nie ma takiego konta.")
        expires = _now() + timedelta(days=valid_days) if valid_days else None
        rows = await ApiToken.insert(
            ApiToken(
                account=account_id,
                name=name,
                token_hash=token_hash(secret),
                prefix=secret[:10],
                created_at=_now(),
                created_by=actor.account_id,
                expires_at=expires,
            )
        )
        token_id = int(rows[0]["id"])
        await record_event(
            actor,
            "token.create",
            "api_token",
            token_id,
            {"account_id": [None, account_id], "name": [None, name]},
        )
    return secret, token_id


async def revoke_token(token_id: int, *, actor: Actor) -> None:
    async with write_transaction():
        token = await ApiToken.select(ApiToken.revoked_at).where(ApiToken.id == token_id).first()
        if token is None:
            raise NotFound("Nie ma takiego tokenu.")
        if token["revoked_at"] is None:
            await ApiToken.update({ApiToken.revoked_at: _now()}).where(ApiToken.id == token_id)
            await record_event(actor, "token.revoke", "api_token", token_id, {})
    TOKENS.forget(token_id=token_id)


# Hand-written once: building this join through Piccolo's query builder costs ~2 ms of Python per
# request, more than the whole lookup (an index probe) on either engine.
TOKEN_LOOKUP = (
    'SELECT t.id, t.expires_at, t.revoked_at, t.last_used_at, a.id AS "account.id", '
    'a.username AS "account.username", a.role AS "account.role", a.active AS "account.active", '
    'a.organisation AS "account.organisation" '
    "FROM api_token t JOIN account a ON a.id = t.account WHERE t.token_hash = {}"
)


TOKEN_CACHE_SECONDS = 2.0
"""How long a process trusts a token it has looked up. A token revoked (or an account switched off,
or its role changed) through this process's services stops working at once; through another
process (another server worker, the `ses token` command) within this many seconds."""


@dataclass(frozen=True)
class _Known:
    principal: Principal
    expires_at: datetime | None
    trusted_until: float


class TokenCache:
    """Token hash → the principal behind it, for `TOKEN_CACHE_SECONDS`.

    Every API request is authenticated; looking the token up costs a statement (and on SQLite a
    thread hop) per request, more than the rest of a cached list page. Lookups inside a database
    transaction (tests, a caller's own transaction) neither read nor fill the cache, so rows
    nobody committed never outlive their transaction here.
    """

    def __init__(self, seconds: float = TOKEN_CACHE_SECONDS, size: int = 4096) -> None:
        self.seconds, self.size = seconds, size
        self.known: dict[str, _Known] = {}

    def get(self, digest: str) -> Principal | None:
        known = self.known.get(digest)
        if known is None:
            return None
        expired = known.expires_at is not None and known.expires_at <= _now()
        if expired or time.monotonic() >= known.trusted_until:
            del self.known[digest]
            return None
        return known.principal

    def put(self, digest: str, principal: Principal, expires_at: datetime | None) -> None:
        if len(self.known) >= self.size:
            self.known.clear()
        self.known[digest] = _Known(principal, expires_at, time.monotonic() + self.seconds)

    def forget(self, *, token_id: int | None = None, account_id: int | None = None) -> None:
        for digest, known in list(self.known.items()):
            if known.principal.token_id == token_id or known.principal.account_id == account_id:
                del self.known[digest]


TOKENS = TokenCache()


async def principal_for_token(secret: str) -> Principal | None:
    """The caller behind a bearer token, or None when the token is unknown, expired or revoked."""
    if not looks_like_token(secret):
        return None
    digest = token_hash(secret)
    cacheable = ApiToken._meta.db.current_transaction.get() is None
    if cacheable and (known := TOKENS.get(digest)) is not None:
        return known
    rows = await ApiToken.raw(TOKEN_LOOKUP, digest)
    row = rows[0] if rows else None
    now = _now()
    if row is None or row["revoked_at"] is not None or not row["account.active"]:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return None
    if row["last_used_at"] is None or now - row["last_used_at"] > LAST_USED_RESOLUTION:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    principal = Principal(
        account_id=row["account.id"],
        username=row["account.username"],
        role=Role(row["account.role"]),
        organisation_id=row["account.organisation"],
        token_id=row["id"],
    )
    if cacheable:
        TOKENS.put(digest, principal, row["expires_at"])
    return principal


async def list_accounts(page: int, page_size: int) -> dict[str, Any]:
    rows = await (
        Account.select(
            Account.id,
            Account.username,
            Account.display_name,
            Account.role,
            Account.active,
            Account.organisation,
            Account.organisation.name.as_alias("organisation_name"),
            Account.last_login_at,
            Account.locked_until,
        )
        .order_by(Account.username)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    total = await Account.count()
    return {"items": rows, "total": total, "page": page, "page_size": page_size}


async def account_detail(account_id: int) -> dict[str, Any]:
    row = await (
        Account.select(
            Account.id,
            Account.username,
            Account.display_name,
            Account.role,
            Account.active,
            Account.organisation,
            Account.organisation.name.as_alias("organisation_name"),
            Account.last_login_at,
            Account.locked_until,
            Account.failed_logins,
            Account.created_at,
        )
        .where(Account.id == account_id)
        .first()
    )
    if row is None:
        raise NotFound("Nie ma takiego konta.")
    row["tokens"] = await (
        ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.account == account_id)
        .order_by(ApiToken.id, ascending=False)
        .limit(200)
    )
    return row


async def update_account(account_id: int, *, role: Role, active: bool, actor: Actor) -> None:
    """Change an account's role or switch it off; an OWES account keeps its organisation."""
    async with write_transaction():
        row = (
            await Account.select(Account.role, Account.active, Account.organisation, Account.username)
            .where(Account.id == account_id)
            .first()
        )
        if row is None:
            raise NotFound("Nie ma takiego konta.")
        problems = ErrorCollector()
        if role is Role.PUBLIC:
            problems.add("role", "Rola „public” nie jest kontem.")
        if (role is Role.OWES) != (row["organisation"] is not None):
            problems.add(
                "role", "Rolę OWES ma tylko konto przypisane do organizacji OWES; utwórz nowe konto."
            )
        if actor.account_id == account_id and (role is not Role.ADMIN or not active):
            problems.add("role", "Nie możesz odebrać sobie roli administratora ani wyłączyć własnego konta.")
        problems.raise_if_any("Nie zmieniono konta.")
        changes = {}
        if row["role"] != role.value:
            changes["role"] = [row["role"], role.value]
        if row["active"] != active:
            changes["active"] = [row["active"], active]
        if not changes:
            return
        values: dict[Any, Any] = {Account.role: role.value, Account.active: active}
        if active and not row["active"]:
            values[Account.failed_logins] = 0
            values[Account.locked_until] = None
            await LoginThrottle.delete().where(LoginThrottle.address == throttle.name_key(row["username"]))
        await Account.update(values).where(Account.id == account_id)
        action = "account.role_change" if "role" in changes else "account.update"
        await record_event(actor, action, "account", account_id, changes)
    TOKENS.forget(account_id=account_id)


async def issue_token(
    *, issuer: Principal, account_id: int, name: str, valid_days: int | None, actor: Actor
) -> tuple[str, int]:
    """A token issued by a person: admins for any account, staff only for OWES accounts."""
    problems = ErrorCollector()
    if not name.strip():
        problems.add("name", "Podaj nazwę tokenu (np. system sprawozdawczy OWES).")
    if valid_days is not None and not 1 <= valid_days <= 730:
        problems.add("valid_days", "Token może być ważny od 1 do 730 dni.")
    problems.raise_if_any("Nie utworzono tokenu.")
    account = await Account.select(Account.role).where(Account.id == account_id).first()
    if account is None:
        raise NotFound("Nie ma takiego konta.")
    if issuer.role is not Role.ADMIN and account["role"] != Role.OWES.value:
        raise PermissionDenied("Pracownik ROPS wydaje tokeny tylko kontom OWES.")
    return await create_token(account_id=account_id, name=name.strip(), valid_days=valid_days, actor=actor)


async def withdraw_token(*, issuer: Principal, token_id: int, actor: Actor) -> int:
    """Revoke a token (admins any, staff only OWES tokens); returns the account it belonged to."""
    token = (
        await ApiToken.select(ApiToken.account, ApiToken.account.role).where(ApiToken.id == token_id).first()
    )
    if token is None:
        raise NotFound("Nie ma takiego tokenu.")
    if issuer.role is not Role.ADMIN and token["account.role"] != Role.OWES.value:
        raise PermissionDenied("Pracownik ROPS unieważnia tylko tokeny kont OWES.")
    await revoke_token(token_id, actor=actor)
    return int(token["account"])


async def list_tokens(account_id: int | None, page: int, page_size: int) -> dict[str, Any]:
    query = ApiToken.select(
        ApiToken.id,
        ApiToken.name,
        ApiToken.prefix,
        ApiToken.account.id.as_alias("account_id"),
        ApiToken.account.username.as_alias("username"),
        ApiToken.created_at,
        ApiToken.expires_at,
        ApiToken.last_used_at,
        ApiToken.revoked_at,
    )
    count = ApiToken.count()
    if account_id is not None:
        query = query.where(ApiToken.account == account_id)
        count = count.where(ApiToken.account == account_id)
    items = await query.order_by(ApiToken.id, ascending=False).limit(page_size).offset((page - 1) * page_size)
    return {"items": items, "total": await count, "page": page, "page_size": page_size}
