"""Input no handler should ever see, refused once for every route (RFC 9457, 422, in Polish).

- Integers past the database's 32-bit range: a path id is refused before the handler runs (naming
  the parameter); any other integer that reaches a query (a query-string filter, a body id) and
  cannot be bound by the driver (asyncpg: "out of int32 range"; sqlite3: "too large to convert")
  is answered 422 by the error handler instead of 500 (`number_out_of_range`). The statement
  fails before anything is written, inside its transaction, so nothing is left half-done.
- NUL characters in any text body, whatever content type it claims (PostgreSQL cannot store them,
  SQLite would), in the query string and in the path. Only file uploads (multipart, spreadsheets)
  may carry NUL bytes; their parsers check their own cells.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from ses.errors import FieldError, ValidationFailed

CURRENT_REQUEST: ContextVar[Any] = ContextVar("ses_current_request", default=None)
"""The request being handled (set before the handler, read by the after-request hook)."""
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BINARY_TYPES = (
    "multipart/",
    "application/octet-stream",
    "application/zip",
    "application/vnd.openxmlformats",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument",
)
OUT_OF_RANGE = "Liczba spoza dopuszczalnego zakresu (identyfikatory i liczby całkowite: do 2147483647)."


def refuse_out_of_range_path_ids(request: Any) -> None:
    errors = [
        FieldError(name, OUT_OF_RANGE)
        for name, value in (request.scope.get("path_params") or {}).items()
        if isinstance(value, int) and not isinstance(value, bool) and not INT32_MIN <= value <= INT32_MAX
    ]
    if errors:
        raise ValidationFailed("Adres zawiera liczbę spoza zakresu.", errors)


def number_out_of_range(exc: BaseException) -> bool:
    """Whether an exception (or one it was raised from) is a driver refusing an integer too large
    for its column: the caller sent it, so it is bad input, not a server fault."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current)
        if isinstance(current, OverflowError) and "too large to convert" in text:
            return True
        if "out of int32 range" in text or "out of int64 range" in text:
            return True
        if type(current).__name__ == "NumericValueOutOfRangeError":
            return True
        current = current.__cause__ or current.__context__
    return False


async def refuse_nul_characters(request: Any) -> None:
    """NUL characters have no place in any text SES keeps: refused in the address and in every
    body but a file upload, whatever content type the body claims."""
    query = request.scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query or "\x00" in request.scope.get("path", ""):
        raise ValidationFailed(
            "Adres zawiera niedozwolony znak NUL.", [FieldError("query", "Usuń znak NUL (\\0).")]
        )
    if request.method in SAFE_METHODS:
        return
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(BINARY_TYPES):
        return
    body = await request.body()
    if (
        b"\x00" in body
        or b"\\u0000" in body
        or (content_type.startswith("application/x-www-form") and b"%00" in body)
    ):
        raise ValidationFailed(
            "Dane zawierają niedozwolony znak NUL.", [FieldError("body", "Usuń znak NUL (\\0) z tekstu.")]
        )


def add_location(response: Any, request: Any) -> None:
    """A 201 answer names the created resource in `Location` when the API can read it there."""
    if response.status_code != 201 or "location" in {key.lower() for key in response.headers}:
        return
    content = response.content
    created = content.get("id") if isinstance(content, dict) else getattr(content, "id", None)
    if not isinstance(created, int):
        return
    location = f"{request.url.path.rstrip('/')}/{created}"
    try:
        request.app.asgi_router.handle_routing(path=location, method="GET")
    except Exception:  # no route reads it: say nothing rather than point nowhere
        return
    response.headers["Location"] = location
