"""/synchronizacja/listy: the official lists read from files and their column mappings (staff).

A list's page shows, for every register field, the heading of the column that holds it; staff
change a heading when a publisher renames a column, and the next `ses sync file` reads it so.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from scrapers import file_sources
from scrapers.filelist import TARGETS
from ses.auth.policy import Role, allow
from ses.errors import ValidationFailed
from ses.register.vocab import KIND_LABELS
from ses.web.pages import Form, page


def _who(request: Request[Any, Any, Any]) -> str:
    return getattr(request.scope.get("user"), "username", "?")


@get("/synchronizacja/listy", guards=[allow(Role.STAFF)], include_in_schema=False)
async def lists_page(request: Request[Any, Any, Any]) -> Template:
    return page(
        request,
        "scrapers/lists.html.j2",
        lists=await file_sources.all_sources(),
        breadcrumbs=[("/synchronizacja", "Synchronizacja"), ("/synchronizacja/listy", "Listy z plików")],
    )


def _form_page(
    request: Request[Any, Any, Any], found: dict[str, Any], errors: list[Any], notice: str, status: int = 200
) -> Template:
    return page(
        request,
        "scrapers/list.html.j2",
        status_code=status,
        found=found,
        targets=TARGETS,
        kinds=KIND_LABELS,
        errors=errors,
        notices=[notice] if notice else [],
        breadcrumbs=[
            ("/synchronizacja", "Synchronizacja"),
            ("/synchronizacja/listy", "Listy z plików"),
            (f"/synchronizacja/listy/{found['code']}", found["name"]),
        ],
    )


@get("/synchronizacja/listy/{code:str}", guards=[allow(Role.STAFF)], include_in_schema=False)
async def list_page(
    request: Request[Any, Any, Any], code: FromPath[str], komunikat: FromQuery[str] = ""
) -> Template:
    notice = "Zapisano mapowanie kolumn." if komunikat == "zapisano" else ""
    return _form_page(request, await file_sources.source(code), [], notice)


@post(
    "/synchronizacja/listy/{code:str}", guards=[allow(Role.STAFF)], include_in_schema=False, status_code=303
)
async def save_list(request: Request[Any, Any, Any], code: FromPath[str], data: Form) -> Redirect | Template:
    columns = {t: str(data.get(f"col_{t}", "")).strip() for t in TARGETS}
    constants = {t: str(data.get(f"const_{t}", "")).strip() for t in TARGETS}
    body = {
        "name": data.get("name", ""),
        "columns": {t: h for t, h in columns.items() if h},
        "constants": {t: v for t, v in constants.items() if v},
        "kind": data.get("kind") or None,
    }
    version = int(data["version"]) if str(data.get("version", "")).isdigit() else None
    try:
        await file_sources.save(code, body, version, _who(request))
    except ValidationFailed as error:
        shown = {**await file_sources.source(code), **body, "code": code}
        errors = [{"field": e.field, "message": e.message} for e in error.errors]
        return _form_page(request, shown, errors, "", status=422)
    return Redirect(f"/synchronizacja/listy/{code}?komunikat=zapisano", status_code=303)


ROUTES = (lists_page, list_page, save_list)
