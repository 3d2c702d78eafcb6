"""RFC 9457 problem details for every error, with a field-level list for validation errors.

Never a stack trace: an unexpected exception is logged with its traceback and answered with a
plain 500 problem that names a request id the operator can find in the log.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from ses.errors import DomainError

log = logging.getLogger("ses.errors")
PROBLEM_JSON = "application/problem+json"

HTTP_TITLES = {
    400: "Niepoprawne żądanie",
    401: "Wymagane uwierzytelnienie",
    403: "Brak uprawnień",
    404: "Nie znaleziono",
    405: "Niedozwolona metoda",
    409: "Konflikt",
    412: "Warunek wstępny niespełniony",
    413: "Zbyt duże żądanie",
    415: "Nieobsługiwany typ danych",
    422: "Dane nie przeszły walidacji",
    428: "Wymagany warunek wstępny",
    429: "Zbyt wiele żądań",
    500: "Błąd serwera",
}

# Pydantic's English messages, said in Polish for the most common cases.
PYDANTIC_MESSAGES = {
    "missing": "Pole jest wymagane.",
    "extra_forbidden": "Nieznane pole.",
    "string_too_long": "Tekst jest za długi.",
    "string_too_short": "Tekst jest za krótki.",
    "int_parsing": "Oczekiwano liczby całkowitej.",
    "int_type": "Oczekiwano liczby całkowitej.",
    "date_from_datetime_parsing": "Oczekiwano daty w formacie RRRR-MM-DD.",
    "date_parsing": "Oczekiwano daty w formacie RRRR-MM-DD.",
    "enum": "Niedozwolona wartość.",
    "literal_error": "Niedozwolona wartość.",
    "greater_than_equal": "Wartość jest za mała.",
    "less_than_equal": "Wartość jest za duża.",
    "bool_parsing": "Oczekiwano wartości logicznej (true/false).",
    "decimal_parsing": "Oczekiwano liczby.",
    "model_attributes_type": "Oczekiwano obiektu JSON.",
    "dict_type": "Oczekiwano obiektu JSON.",
    "list_type": "Oczekiwano listy.",
}


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"/problems/{slug}" if slug else "about:blank",
        "title": title or HTTP_TITLES.get(status, "Błąd"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def wants_page(request: Request[Any, Any, Any]) -> bool:
    """A person's browser asking for a page (not the API, not the API docs)."""
    path = request.url.path
    if path.startswith(("/api/", "/schema", "/static/", "/health")):
        return False
    return "text/html" in request.headers.get("accept", "")


def page_problem(
    request: Request[Any, Any, Any], status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> Response[Any]:
    """The same refusal as a page: anonymous people go to the sign-in form, others see why."""
    from urllib.parse import quote

    from litestar.response import Redirect

    if status == 401:
        return Redirect(f"/login?next={quote(request.url.path)}", status_code=303)
    from ses.web.pages import page

    return page(
        request,
        "page_error.html.j2",
        status,
        title=HTTP_TITLES.get(status, "Błąd"),
        detail=detail,
        errors=errors or [],
    )


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if wants_page(request) and exc.status in (401, 403, 404, 409, 412, 422):
        return page_problem(request, exc.status, exc.detail, [error.as_dict() for error in exc.errors])
    return problem(
        exc.status,
        exc.detail,
        title=exc.title,
        slug=exc.slug,
        errors=[error.as_dict() for error in exc.errors],
        instance=request.url.path,
    )


def _field_of(key: str | None, source: Any) -> str:
    return key or (str(source) if source else "body")


# Litestar's (msgspec's) own messages for query, path and header parameters, said in Polish.
LITESTAR_MESSAGES = (
    ("Missing required", "Pole jest wymagane."),
    ("Field required", "Pole jest wymagane."),
    ("Object missing required field", "Pole jest wymagane."),
    ("Extra inputs are not permitted", "Nieznane pole."),
    ("Object contains unknown field", "Nieznane pole."),
    ("Input should be a valid integer", "Oczekiwano liczby całkowitej."),
    ("Input should be a valid number", "Oczekiwano liczby."),
    ("Input should be a valid decimal", "Oczekiwano liczby."),
    ("Decimal input should have no more than", "Liczba ma za dużo cyfr."),
    ("Input should be a valid date", "Oczekiwano daty w formacie RRRR-MM-DD."),
    ("Input should be a valid datetime", "Oczekiwano daty i czasu w formacie ISO 8601."),
    ("Input should be a valid boolean", "Oczekiwano wartości logicznej (true/false)."),
    ("Input should be a valid string", "Oczekiwano tekstu."),
    ("Input should be a valid list", "Oczekiwano listy."),
    ("Input should be a valid dictionary", "Oczekiwano obiektu JSON."),
    ("Input should be an object", "Oczekiwano obiektu JSON."),
    ("String should have at most", "Tekst jest za długi."),
    ("String should have at least", "Tekst jest za krótki."),
    ("List should have at least", "Lista ma za mało elementów."),
    ("List should have at most", "Lista ma za dużo elementów."),
    ("Input should be greater than or equal to", "Wartość jest za mała."),
    ("Input should be greater than", "Wartość jest za mała."),
    ("Input should be less than or equal to", "Wartość jest za duża."),
    ("Input should be less than", "Wartość jest za duża."),
    ("Input should be", "Niedozwolona wartość."),
    ("Expected `int` >=", "Wartość jest za mała."),
    ("Expected `int` <=", "Wartość jest za duża."),
    ("Expected `int`", "Oczekiwano liczby całkowitej."),
    ("Expected `float`", "Oczekiwano liczby."),
    ("Expected `bool`", "Oczekiwano wartości logicznej (true/false)."),
    ("Expected `date`", "Oczekiwano daty w formacie RRRR-MM-DD."),
    ("Expected `datetime`", "Oczekiwano daty i czasu w formacie ISO 8601."),
    ("Expected `decimal`", "Oczekiwano liczby."),
    ("Expected `str`", "Oczekiwano tekstu."),
    ("Expected `array`", "Oczekiwano listy."),
    ("Expected `object`", "Oczekiwano obiektu JSON."),
    ("Invalid enum value", "Niedozwolona wartość."),
    ("JSON is malformed", "Niepoprawny JSON."),
    ("Input data was truncated", "Niepoprawny JSON (dane urwane)."),
    ("Expected `", "Niepoprawny typ wartości."),
)


def polish_message(item: dict[str, Any]) -> str:
    """A validation message in Polish: pydantic's by its error type, Litestar's by its text."""
    kind = item.get("type")
    if isinstance(kind, str) and kind in PYDANTIC_MESSAGES:
        return PYDANTIC_MESSAGES[kind]
    message = str(item.get("message", ""))
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")
    for start, polish in LITESTAR_MESSAGES:
        if start in message:
            return polish
    if message and message.isascii() and not any(ch in message for ch in "ąćęłńóśźż"):
        # An English text we have no translation for: say what is known, keep the original.
        return f"Niepoprawna wartość ({message})."
    return message or "Niepoprawna wartość."


def validation_error_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        errors.append(
            {"field": _field_of(item.get("key"), item.get("source")), "message": polish_message(item)}
        )
    detail = "Dane nie przeszły walidacji."
    if not errors:
        errors.append({"field": "body", "message": polish_message({"message": str(exc.detail)})})
    return problem(422, detail, slug="invalid-input", errors=errors, instance=request.url.path)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    detail = exc.detail if exc.detail and exc.detail != HTTP_TITLES.get(exc.status_code) else ""
    if exc.status_code == 400 and request.url.path.startswith("/api/"):
        # The framework's "bad request" is a body it could not read (malformed JSON, a bad
        # parameter): input that failed validation, said as every other such answer is.
        return problem(
            422,
            "Dane nie przeszły walidacji.",
            slug="invalid-input",
            errors=[{"field": "body", "message": polish_message({"message": detail})}],
            instance=request.url.path,
        )
    if exc.status_code == 413:
        from ses.settings import get_settings

        limit = get_settings().max_upload_bytes
        detail = (
            f"Żądanie jest za duże. Największy przesyłany plik: {limit / 2**20:.0f} MB "
            "(SES_MAX_UPLOAD_BYTES)."
        )
    if wants_page(request) and exc.status_code in (401, 403, 404, 405):
        return page_problem(request, exc.status_code, detail or HTTP_TITLES.get(exc.status_code, "Błąd"))
    headers = dict(exc.headers) if exc.headers else None
    return problem(
        exc.status_code,
        detail or HTTP_TITLES.get(exc.status_code, "Błąd"),
        headers=headers,
        instance=request.url.path,
    )


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    from ses.web.input_guard import OUT_OF_RANGE, number_out_of_range

    if number_out_of_range(exc):
        return problem(
            422,
            "Dane zawierają liczbę spoza zakresu.",
            slug="invalid-input",
            errors=[{"field": "body", "message": OUT_OF_RANGE}],
            instance=request.url.path,
        )
    if isinstance(exc, RecursionError):
        return problem(
            422,
            "Dane są zagnieżdżone zbyt głęboko.",
            slug="invalid-input",
            errors=[{"field": "body", "message": "Zbyt głębokie zagnieżdżenie danych JSON."}],
            instance=request.url.path,
        )
    incident = uuid.uuid4().hex[:12]
    log.exception("unhandled error %s on %s %s", incident, request.method, request.url.path)
    return problem(
        500,
        f"Wystąpił nieoczekiwany błąd. Numer zgłoszenia: {incident}.",
        instance=request.url.path,
    )


async def record_refusal(exc: Exception, scope: Any) -> None:
    """Every permission refusal (a route's policy or a service's check) goes to the audit log."""
    from litestar.exceptions import PermissionDeniedException

    from ses.errors import PermissionDenied

    if not isinstance(exc, PermissionDeniedException | PermissionDenied):
        return
    from ses.audit.channel import Channel
    from ses.audit.services import Actor, record_event
    from ses.auth.policy import Principal
    from ses.db import write_transaction

    user = scope.get("user")
    client = scope.get("client")
    actor = Actor(
        label=user.label if isinstance(user, Principal) else "anonymous",
        channel=Channel.API if scope.get("path", "").startswith("/api/") else Channel.WEB,
        account_id=user.account_id if isinstance(user, Principal) else None,
        address=client[0] if client else None,
    )
    try:
        async with write_transaction():
            await record_event(
                actor,
                "access.refused",
                "route",
                None,
                {"method": [None, scope.get("method")], "path": [None, scope.get("path")]},
                reason=str(getattr(exc, "detail", exc))[:500],
            )
    except Exception:  # the refusal itself must still be answered
        log.exception("could not record a permission refusal")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType", "problem"]
