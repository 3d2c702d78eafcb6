"""Authentication middleware: a bearer token (machine clients) or a session (people).

Anonymous requests pass with no user: each route's policy guard decides whether that is enough.
A bearer token that is malformed, unknown, expired or revoked is refused with 401 and no detail
that would tell an attacker which of these it was.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from ses.auth.services import principal_for_token

BAD_TOKEN = "Nieprawidłowy lub nieważny token."


async def session_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Any:
    """The person behind the session cookie, if any (filled in by the session layer)."""
    return connection.scope.get("state", {}).get("session_principal")


class AuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise NotAuthorizedException(BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})
            principal = await principal_for_token(secret.strip())
            if principal is None:
                raise NotAuthorizedException(BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})
            return AuthenticationResult(user=principal, auth="token")
        principal = await session_principal(connection)
        return AuthenticationResult(user=principal, auth="session" if principal else None)
