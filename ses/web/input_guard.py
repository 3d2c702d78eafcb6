"""Input no handler should ever see, refused once for every route (RFC 9457, 422, in Polish).

- Integers past the database's 32-bit range: a path id is refused before the handler runs (naming
  the parameter); any other integer that reaches a query (a query-string filter, a body id) and
  cannot be bound by the driver (asyncpg: "out of int32 range"; sqlite3: "too large to convert")
  is answered 422 by the error handler instead of 500 (`number_out_of_range`). The statement
  fails before anything is written, inside its transaction, so nothing is left half-done.
- NUL characters in any text body, whatever content type it claims (PostgreSQL cannot store them,
  SQLite would), in the query string and in the path. Only file uploads (multipart, spreadsheets)
  may carry NUL bytes; their parsers check their own cells.
- Other control characters (C0 and C1; tab, line feed and carriage return aside) in any text body:
  no field of any package holds them, and the documents made from what people typed cannot (an
  XLSX cell or a DOCX opinion, minutes or report with one fails to be written at all). Refused
  here once, naming the field, so no package has to remember it (the register and the upload
  readers say the same of their own fields and cells).
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl

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
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters no text SES keeps may hold (tab, line feed and carriage return aside)."""
_SUSPECT = re.compile(
    rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]"  # as they are, or UTF-8 of U+0080–U+009F
    rb"|\\u00(?:0[1-8bcef]|1[0-9a-f]|7f|[89][0-9a-f])",  # JSON escapes
    re.IGNORECASE,
)
_SUSPECT_FORM = re.compile(rb"%(?:0[1-8bcef]|1[0-9a-f]|7f)|%c2%[89][0-9a-f]", re.IGNORECASE)
CONTROL_MESSAGE = (
    "Pole zawiera niedozwolony znak sterujący (U+{code:04X}), zwykle wklejony z innego programu: usuń go."
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
    if problems := control_character_problems(body, content_type):
        raise ValidationFailed("Dane zawierają niedozwolony znak sterujący; nic nie zapisano.", problems)


def control_character_problems(body: bytes, content_type: str) -> list[FieldError]:
    """The fields of a text body holding a control character (empty when there is none).

    A cheap scan of the bytes decides; only a body that may hold one is decoded to name the field
    (as JSON, whatever content type it claims, since the API reads JSON under any; as a form)."""
    form = content_type.startswith("application/x-www-form")
    if not (_SUSPECT.search(body) or (form and _SUSPECT_FORM.search(body))):
        return []
    text = body.decode("utf-8", "replace")
    if form:
        pairs = parse_qsl(text, keep_blank_values=True)
        return [_control_field(name, name + value) for name, value in pairs if CONTROL.search(name + value)]
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # not JSON (or a raw control character in a JSON string)
        found = CONTROL.search(text)
        return [_control_field("body", found.group())] if found else []
    problems: list[FieldError] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:  # iterative: a body nested 100,000 deep is refused elsewhere, never by recursion here
        path, value = stack.pop()
        if isinstance(value, str):
            if CONTROL.search(value):
                problems.append(_control_field(path or "body", value))
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if CONTROL.search(key):
                    problems.append(_control_field(child, key))
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return sorted(problems, key=lambda problem: problem.field)


def _control_field(field: str, value: str) -> FieldError:
    found = CONTROL.search(value)
    return FieldError(field, CONTROL_MESSAGE.format(code=ord(found.group()) if found else 0))


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
