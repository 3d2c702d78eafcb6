"""The OpenAPI document says what the API really answers (#14).

Litestar describes each operation from its handler's signature. What it cannot see is added here,
once, from what every route already declares, so no handler repeats it:

- the security schemes (a bearer token for machine clients, the session cookie for people) and each
  operation's requirement, derived from its access policy (`allow(...)`): a public operation has none;
- the error answers, as `application/problem+json` with the `ProblemDetails` schema: 401 everywhere
  (a token that is sent must be valid, even on a public operation), 403 wherever a policy admits
  fewer than everyone, 404 wherever a path names a record (or a body refers
  to one), 409 on writes, 412 and 428 where the handler reads `If-Match`, 422 everywhere (every
  request can carry bad input: a NUL character, a number out of range);
- the `If-Match` and `Idempotency-Key` request headers where the handler reads them;
- the real media types of answers that are not JSON, when a handler may answer more than one
  (`opt={"media_types": (...)}` on the route).

`tests/ses/test_openapi.py` keeps it true, and `tests/ses/test_api_fuzz.py` checks every answer of the
running server against it.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Parameter,
    Reference,
    Schema,
    SecurityScheme,
)
from litestar.openapi.spec.enums import OpenAPIType

from ses.auth.policy import Role, policy_of
from ses.web.auth import SESSION_COOKIE

PROBLEM_JSON = "application/problem+json"
BEARER = "bearerToken"
COOKIE = "sessionCookie"
WRITES = frozenset({"post", "put", "patch", "delete"})
METHODS = ("get", "post", "put", "patch", "delete")

ERRORS = {
    "400": "Żądanie, którego nie da się odczytać.",
    "401": "Brak ważnego tokenu API lub sesji.",
    "403": "Rola wywołującego (albo zakres jego OWES) nie pozwala na tę operację.",
    "404": "Nie ma rekordu o tym identyfikatorze (albo wywołujący go nie widzi).",
    "409": "Konflikt z istniejącymi danymi albo niedozwolona zmiana stanu.",
    "412": "Rekord zmienił się od pobrania (If-Match nie odpowiada bieżącej wersji).",
    "413": "Treść żądania przekracza dopuszczalny rozmiar.",
    "422": "Dane nie przeszły walidacji (lista `errors` wskazuje pola).",
    "428": "Zmiana wymaga nagłówka If-Match z wartością ETag rekordu.",
}

# What in a handler's source reads the headers: the helpers of ses/web/context.py and ses/idempotency.
_READS_IF_MATCH = re.compile(r"expected_version\(|_version_if_given\(|[\"']if-match[\"']", re.IGNORECASE)
_READS_IDEMPOTENCY_KEY = re.compile(
    r"key_of\(|make_key\(|_idempotency_key\(|[\"']idempotency-key[\"']", re.IGNORECASE
)


def problem_details_schema() -> Schema:
    field_error = Schema(
        type=OpenAPIType.OBJECT,
        required=["field", "message"],
        properties={
            "field": Schema(type=OpenAPIType.STRING, description="Pole (ścieżka z kropkami) albo nagłówek."),
            "message": Schema(type=OpenAPIType.STRING),
            "row": Schema(type=OpenAPIType.INTEGER, description="Wiersz przesłanego pliku (nagłówek = 1)."),
        },
    )
    return Schema(
        type=OpenAPIType.OBJECT,
        description="RFC 9457 problem details.",
        required=["type", "title", "status", "detail"],
        properties={
            "type": Schema(type=OpenAPIType.STRING),
            "title": Schema(type=OpenAPIType.STRING),
            "status": Schema(type=OpenAPIType.INTEGER),
            "detail": Schema(type=OpenAPIType.STRING),
            "instance": Schema(type=OpenAPIType.STRING),
            "errors": Schema(type=OpenAPIType.ARRAY, items=field_error),
        },
    )


def _problem(code: str) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=ERRORS[code],
        content={PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/ProblemDetails"))},
    )


def _header(name: str, description: str) -> Parameter:
    return Parameter(
        name=name,
        param_in="header",
        required=False,
        description=description,
        schema=Schema(type=OpenAPIType.STRING),
    )


def _source(fn: Any) -> str:
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return ""


def reads(handler: Any, pattern: re.Pattern[str]) -> bool:
    """Whether the handler reads a header: itself, or through helpers of its own module."""
    module = inspect.getmodule(handler.fn)
    sources = {
        name: _source(value)
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__
    }
    readers = {name for name, source in sources.items() if pattern.search(source)}
    while True:  # a helper calling a reader reads too
        calls = re.compile(r"\b(?:" + "|".join(map(re.escape, readers)) + r")\(") if readers else None
        more = {name for name, source in sources.items() if calls and calls.search(source)} - readers
        if not more:
            break
        readers |= more
    source = _source(handler.fn)
    return bool(pattern.search(source) or (calls and calls.search(source)))


def describe_operation(operation: Operation, method: str, path: str, handler: Any) -> None:
    """Add what the handler's declaration says about security, errors and headers."""
    policy = policy_of(handler)
    public = policy is not None and Role.PUBLIC in policy
    operation.security = [] if public else [{BEARER: []}, {COOKIE: []}]
    responses = dict(operation.responses or {})
    responses.pop("400", None)  # Litestar's own shape; SES answers bad input with 422 problem details
    if not path.startswith("/api/"):
        responses["400"] = _problem("400")
    codes = ["401", "422"]  # even a public operation refuses a token that is sent and is not valid
    if not public:
        codes.append("403")
    names_a_record = any(
        isinstance(p, Parameter) and p.param_in == "query" and (p.name == "ego" or p.name.endswith("_id"))
        for p in operation.parameters or []
    )
    if "{" in path or names_a_record or (method in WRITES and operation.request_body is not None):
        codes.append("404")  # the record the path or a query names, or one the body refers to
    headers: list[Parameter] = []
    if method in WRITES:
        codes.append("409")
        if operation.request_body is not None:
            codes.append("413")
        if reads(handler, _READS_IF_MATCH):
            codes += ["412", "428"]
            headers.append(_header("If-Match", 'ETag of the record as read (`"<kind>-<id>-v<version>"`).'))
        if reads(handler, _READS_IDEMPOTENCY_KEY):
            headers.append(
                _header("Idempotency-Key", "A key of the client's choosing: a retry never repeats the write.")
            )
    for code in codes:
        responses.setdefault(code, _problem(code))
    media_types = handler.opt.get("media_types") if handler.opt else None
    if media_types and "200" in responses:
        ok = responses["200"]
        responses["200"] = OpenAPIResponse(
            description=ok.description if isinstance(ok, OpenAPIResponse) else "OK",
            headers=ok.headers if isinstance(ok, OpenAPIResponse) else None,
            content={
                media: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)) for media in media_types
            },
        )
    operation.responses = dict(sorted(responses.items()))
    if headers:
        known = {(p.name.lower(), p.param_in) for p in operation.parameters or [] if isinstance(p, Parameter)}
        extra = [h for h in headers if (h.name.lower(), "header") not in known]
        operation.parameters = [*(operation.parameters or []), *extra]


def describe(openapi: OpenAPI, plugin: OpenAPIPlugin) -> OpenAPI:
    components = openapi.components if isinstance(openapi.components, Components) else Components()
    components.schemas = {**(components.schemas or {}), "ProblemDetails": problem_details_schema()}
    components.security_schemes = {
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            description="Token API (`ses token create` albo POST /api/v1/tokens) dla programów.",
        ),
        COOKIE: SecurityScheme(
            type="apiKey",
            name=SESSION_COOKIE,
            security_scheme_in="cookie",
            description="Sesja osoby zalogowanej w przeglądarce (formularz /login).",
        ),
    }
    openapi.components = components
    for route in plugin.included_routes.values():
        path = route.path_format or "/"
        item = (openapi.paths or {}).get(path)
        if item is None:
            continue
        for handler, methods in _handlers_of(route):
            for method in methods:
                operation = getattr(item, method, None)
                if isinstance(operation, Operation):
                    describe_operation(operation, method, path, handler)
    return openapi


def _handlers_of(route: Any) -> list[tuple[Any, list[str]]]:
    out: list[tuple[Any, list[str]]] = []
    for handler in route.route_handlers:
        if not handler.resolve_include_in_schema():
            continue
        methods = [m.lower() for m in handler.http_methods if m.lower() in METHODS]
        out.append((handler, methods))
    return out


class DescribedOpenAPIPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, finishing the document with `describe` once it is built."""

    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        return describe(super()._build_openapi(), self)


def correct_allow(app: Any) -> None:
    """OPTIONS names every method of its path.

    Litestar (2.25) answers OPTIONS from the route a path was first registered with: when a second
    controller adds methods to the same path, the route is rebuilt but its OPTIONS handler keeps
    reading the first route's methods (`Allow: GET, OPTIONS` on a path that also takes PATCH). The
    handler reads `self.methods` of the route it closed over; point it at the route that serves it.
    """
    from litestar.routes import HTTPRoute

    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            fn = getattr(handler.fn, "__wrapped__", handler.fn)
            if getattr(fn, "__name__", "") != "options_handler":
                continue
            for cell in fn.__closure__ or ():
                if isinstance(cell.cell_contents, HTTPRoute) and cell.cell_contents is not route:
                    cell.cell_contents = route


def install(app: Any) -> None:
    """Make the app's OpenAPI plugin finish its document with `describe` (built lazily, once), and
    let OPTIONS answer the right `Allow`."""
    plugin = app.plugins.get(OpenAPIPlugin)
    plugin.__class__ = DescribedOpenAPIPlugin
    correct_allow(app)
