"""Unknown query parameters are refused once, for every GET route of every package (422, naming them).

A misspelt filter (`/rejestr?knd=foundation`, `/api/v1/reports?stat=submitted`) silently answered
everything before; now it answers 422 — RFC 9457 problem details in the API, the Polish error page
on pages — naming the parameter and listing the ones the route reads.

What a route reads is derived, not listed by hand:

- the query parameters of the handler's signature and of its dependencies (`FromQuery[...]`,
  `Parameter(query="strona")`), as Litestar itself resolves them (its kwargs model);
- plus, for a handler that reads `request.query_params` itself, the names it declares in its
  decorator: `@get("/rejestr", query=("q", "kind", ...))` (Litestar keeps unknown decorator
  keywords in `opt`); `query=ANY` opts a route out (none does today);
- plus `lang` (the language switch every page offers) and `_` (the usual cache buster).

It runs as an app-level guard, after authentication, and only for a caller the route's own policy
admits: a caller who may not use the route still gets 401/403, never a list of its parameters.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler

from ses.auth.policy import Principal, Role, policy_of
from ses.web.context import refuse_unknown_params

ANY = "*"
"""`query=ANY`: the route reads whatever it is given (opts out of the check)."""
EVERYWHERE = frozenset({"lang", "_"})
"""Accepted on every route: the page language and a cache buster."""
CHECKED_METHODS = frozenset({"GET", "HEAD"})
_KNOWN = "_ses_known_query"


def known_query_params(handler: HTTPRouteHandler, path_params: Any = ()) -> frozenset[str] | None:
    """The query parameters `handler` reads, or None when it takes any (declared `query=ANY`)."""
    cached = handler.opt.get(_KNOWN)
    if cached is not None:
        return cached or None
    declared = handler.opt.get("query", ())
    if declared == ANY:
        handler.opt[_KNOWN] = frozenset()
        return None
    model = handler.create_kwargs_model(path_parameters=dict.fromkeys(path_params))
    # Dependencies' query parameters are merged into the handler's model by Litestar.
    read = frozenset(param.field_alias for param in model.expected_query_params)
    known = read | frozenset(declared) | EVERYWHERE
    handler.opt[_KNOWN] = known
    return known


def _admitted(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> bool:
    roles = policy_of(handler)
    if roles is None or Role.PUBLIC in roles:
        return roles is not None
    user = connection.scope.get("user")
    return isinstance(user, Principal) and user.role in roles


async def refuse_unknown_query(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """App-level guard: 422 for a query parameter the route does not read."""
    if not isinstance(handler, HTTPRouteHandler) or connection.scope.get("method") not in CHECKED_METHODS:
        return
    if not connection.scope.get("query_string"):
        return
    if handler.fn.__module__.startswith("litestar.") or not _admitted(connection, handler):
        return  # Litestar's own routes (schema, static files); the route's policy refuses the caller
    known = known_query_params(handler, connection.scope.get("path_params") or {})
    if known is not None:
        refuse_unknown_params(connection.query_params.keys(), known)
