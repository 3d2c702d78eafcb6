from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class Account(Table, tablename="account"):
    """A person (or an OWES's machine identity) who may sign in. OWES accounts name their OWES."""

    username = Varchar(length=80, unique=True)
    display_name = Varchar(length=200)
    email = Varchar(length=200, null=True, default=None)
    password_hash = Varchar(length=255, null=True, default=None)
    role = Varchar(length=16, index=True)
    organisation = ForeignKey(Organisation, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    active = Boolean(default=True)
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    last_login_at = Timestamptz(null=True, default=None)
    password_changed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ApiToken(Table, tablename="api_token"):
    """A bearer token of a machine client. Only the SHA-256 of the secret is stored."""

    account = ForeignKey(Account, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=120)
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=16)
    created_at = Timestamptz()
    created_by = Integer(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class WebSession(Table, tablename="web_session"):
    """A signed-in browser. The cookie carries a random secret; only its SHA-256 is stored, so a
    copy of the database opens no sessions. Stored in the database, so sessions survive restarts and
    are shared by every worker process."""

    secret_hash = Varchar(length=64, unique=True)
    account = ForeignKey(Account, on_delete=OnDelete.restrict, index=True)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    last_seen_at = Timestamptz()
    address = Varchar(length=64, null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)


class LoginThrottle(Table, tablename="login_throttle"):
    """Failed sign-ins counted per network address (per account they are counted on `Account`)."""

    address = Varchar(length=64, unique=True)
    failures = Integer(default=0)
    window_started_at = Timestamptz()
    locked_until = Timestamptz(null=True, default=None)
