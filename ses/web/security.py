"""Security headers on every response, and CSRF protection for everything a signed-in browser sends.

Bearer-token clients are not exposed to CSRF (a browser never attaches their token on its own), so
the check applies to requests authenticated by the session cookie: every unsafe method must carry
the session's CSRF token, either in the `X-SES-CSRF` header or, for HTML forms, in the `_csrf` field
(for file forms, `multipart/form-data`, as the first field). The body is read here and handed on
unchanged to the route.
"""

from __future__ import annotations

import hmac
import json
from typing import Any
from urllib.parse import parse_qs

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = b"x-ses-csrf"
CSRF_FIELD = "_csrf"
MAX_FORM_BYTES = 1024 * 1024
MULTIPART_HEAD_BYTES = 64 * 1024

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Swagger UI's page (Litestar's render plugin) starts the UI with one inline script.
CSP_API_DOCS = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


async def add_security_headers(message: Any, scope: Any) -> None:
    """A `before_send` hook: it sees every response, unknown paths and framework errors included
    (route middleware would miss the 404s of paths no route matches)."""
    if message["type"] != "http.response.start":
        return
    csp = CSP_API_DOCS if scope.get("path", "").startswith("/schema") else CSP
    present = {name.lower() for name, _ in message.get("headers", [])}
    extra = [(b"content-security-policy", csp.encode()), *HEADERS]
    message["headers"] = list(message.get("headers", [])) + [(n, v) for n, v in extra if n not in present]


async def _refuse(send: Any) -> None:
    body = json.dumps(
        {
            "type": "/problems/csrf",
            "title": "Brak uprawnień",
            "status": 403,
            "detail": "Brak lub nieprawidłowy token CSRF. Odśwież stronę i spróbuj ponownie.",
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class CSRFMiddleware:
    """Runs after authentication (it needs to know whether the session cookie was used)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS or scope.get("auth") != "session":
            await self.app(scope, receive, send)
            return
        expected = scope["state"]["browser_session"].csrf_token.encode()
        headers = dict(scope.get("headers", []))
        given = headers.get(CSRF_HEADER)
        if given is not None:
            if hmac.compare_digest(given, expected):
                await self.app(scope, receive, send)
            else:
                await _refuse(send)
            return
        content_type = headers.get(b"content-type", b"")
        if content_type.startswith(b"application/x-www-form-urlencoded"):
            messages, token = await _urlencoded_token(receive)
        elif content_type.startswith(b"multipart/form-data"):
            messages, token = await _multipart_token(receive, content_type)
        else:
            messages, token = [], None
        if token is None or not hmac.compare_digest(token, expected):
            await _refuse(send)
            return

        async def replay() -> Any:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _urlencoded_token(receive: Any) -> tuple[list[Any], bytes | None]:
    """The whole (small) form body is read; the messages are kept to be replayed to the route."""
    body, messages = b"", []
    while True:
        message = await receive()
        messages.append(message)
        body += message.get("body", b"")
        if len(body) > MAX_FORM_BYTES:
            return messages, None
        if not message.get("more_body"):
            break
    return messages, parse_qs(body.decode("latin-1")).get(CSRF_FIELD, [""])[0].encode("latin-1")


async def _multipart_token(receive: Any, content_type: bytes) -> tuple[list[Any], bytes | None]:
    """A file form (multipart) must carry `_csrf` as its FIRST part, so only the start of the body
    is read here (an upload of many megabytes is not buffered); the rest streams on to the route."""
    boundary = next(
        (
            p.split(b"=", 1)[1].strip().strip(b'"')
            for p in content_type.split(b";")
            if p.strip().startswith(b"boundary=")
        ),
        b"",
    )
    if not boundary:
        return [], None
    delimiter = b"--" + boundary
    body, messages = b"", []
    while True:
        message = await receive()
        messages.append(message)
        body += message.get("body", b"")
        start = body.find(delimiter)
        end = body.find(b"\r\n" + delimiter, start + len(delimiter)) if start >= 0 else -1
        if end >= 0:
            break
        if len(body) > MULTIPART_HEAD_BYTES or not message.get("more_body"):
            return messages, None
    part = body[start + len(delimiter) : end]
    head, _, value = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
    if f'name="{CSRF_FIELD}"'.encode() not in head.split(b"\r\n", 1)[0]:
        return messages, None
    return messages, value
