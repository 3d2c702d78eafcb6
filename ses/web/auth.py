"""Authentication middleware: a bearer token (machine clients) or a session cookie (people).

Anonymous requests pass with no user: each route's policy guard decides whether that is enough.
A bearer token that is malformed, unknown, expired or revoked is refused with 401 and no detail
that would tell an attacker which of these it was. A session cookie that is unknown or ended is
simply ignored (the person is anonymous and pages send them to the sign-in form).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from ses.auth.services import principal_for_token
from ses.auth.sessions import session_for

BAD_TOKEN = "Nieprawidłowy lub nieważny token."
SESSION_COOKIE = "ses_session"


class AuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise NotAuthorizedException(BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})
            principal = await principal_for_token(secret.strip())
            if principal is None:
                raise NotAuthorizedException(BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})
            return AuthenticationResult(user=principal, auth="token")
        cookie = connection.cookies.get(SESSION_COOKIE)
        if cookie:
            session = await session_for(cookie)
            if session is not None:
                connection.scope.setdefault("state", {})["browser_session"] = session
                return AuthenticationResult(user=session.principal, auth="session")
        return AuthenticationResult(user=None, auth=None)
