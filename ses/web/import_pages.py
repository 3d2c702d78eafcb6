"""Imports and exports of the register in pages.

`/rejestr/import`: upload a CSV or XLSX → the row-and-column error report, or a preview of what
would be created and changed (the differences field by field) → confirm; all or nothing. The file
waits for the confirmation in ses.uploads' private temporary folder under a random token bound to
the account that sent it and to this page (an hour at most). Files are parsed off the event loop,
within SES_MAX_UPLOAD_BYTES.
`/rejestr/eksport.csv|xlsx`: the list page's query as a file (ses/register/export.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Stream, Template

from ses import uploads
from ses.auth.policy import Role, allow
from ses.errors import DomainError
from ses.register import import_plan, page_cache, queries
from ses.register.columns import BY_CODE, COLUMNS, IMPORT_ONLY
from ses.register.export import csv_chunks, xlsx_file
from ses.register.vocab import Channel
from ses.web.context import actor_of
from ses.web.dependencies import Account
from ses.web.i18n import gettext
from ses.web.pages import page
from ses.web.register_list import MULTI, identifier_filters
from ses.web.register_pages import _shown

EDITORS = (Role.STAFF,)
READERS = (Role.REVIEWER, Role.STAFF)
PURPOSE = "register-import"
"""What a held file was sent for (ses.uploads.hold): a token of another page's file is refused."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _column_label(code: str | None) -> str:
    column = BY_CODE.get(code or "")
    return f"{column.header} ({column.code})" if column else (code or "—")


def _import_page(request: Request[Any, Any, Any], status_code: int = 200, **context: Any) -> Template:
    base = {"errors": [], "detail": "", "plan": None, "token": "", "filename": ""}
    return page(
        request,
        "register/import.html.j2",
        status_code,
        breadcrumbs=[("/rejestr", gettext("Rejestr")), (None, gettext("Import z pliku"))],
        columns=[c for c in (*COLUMNS, *IMPORT_ONLY) if c.writable],
        **{**base, **context},
    )


@get("/rejestr/import", guards=[allow(*EDITORS)], include_in_schema=False)
async def import_form(request: Request[Any, Any, Any]) -> Template:
    return _import_page(request)


def held_words() -> uploads.HeldWords:
    """What the import's confirmation says when its file is gone, in the request's language."""
    return uploads.HeldWords(
        gone=gettext("Plik czekający na potwierdzenie wygasł albo już go zaimportowano. Wyślij go ponownie."),
        again=gettext("Wyślij plik ponownie."),
        foreign=gettext("Ten plik wysłała inna osoba."),
    )


def _error_rows(exc: DomainError) -> list[dict[str, Any]]:
    return [{"row": e.row, "column": _column_label(e.field), "message": e.message} for e in exc.errors]


def _preview(result: import_plan.Plan) -> dict[str, Any]:
    limit = import_plan.PREVIEW_ROWS
    return {
        "rows": result.rows,
        "created": len(result.created),
        "changed": len(result.changed),
        "unchanged": result.unchanged,
        "created_rows": result.created[:limit],
        "changed_rows": [
            {
                "line": change.line,
                "org_id": change.org_id,
                "name": change.name,
                "changes": [
                    (
                        _column_label(name if name != "founder" else "founder_id"),
                        _shown(name, a),
                        _shown(name, b),
                    )
                    for name, a, b in change.changes
                ],
            }
            for change in result.changed[:limit]
        ],
        "limit": limit,
    }


@post(
    "/rejestr/import",
    guards=[allow(*EDITORS)],
    include_in_schema=False,
    request_max_body_size=uploads.body_limit(),
)
async def import_preview(
    request: Request[Any, Any, Any],
    account: Account,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    try:
        upload = await uploads.read_upload(data, ("file",))
        content = upload.content
        result = await import_plan.plan(await uploads.parse_table(content, upload.filename))
    except DomainError as exc:
        return _import_page(request, exc.status, detail=exc.detail, errors=_error_rows(exc))
    token = uploads.hold(upload, account.account_id, PURPOSE)
    return _import_page(request, plan=_preview(result), token=token, filename=upload.filename)


@post(
    "/rejestr/import/potwierdz",
    guards=[allow(*EDITORS)],
    include_in_schema=False,
    request_max_body_size=16 * 1024,
)
async def import_confirm(
    request: Request[Any, Any, Any],
    account: Account,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    token = str(data.get("token") or "")
    try:
        upload = uploads.held(token, account.account_id, PURPOSE, held_words())
        filename = upload.filename
        result = await import_plan.apply(
            await uploads.parse_table(upload.content, filename), actor_of(request, Channel.IMPORT)
        )
    except DomainError as exc:
        return _import_page(
            request, 422 if exc.status == 422 else exc.status, detail=exc.detail, errors=_error_rows(exc)
        )
    finally:
        page_cache.register_changed()
    uploads.release(token)
    return _import_page(
        request,
        notices=[
            gettext(
                "Zaimportowano plik %(file)s: dodano %(created)s, zmieniono %(changed)s, "
                "bez zmian %(unchanged)s.",
                file=filename,
                created=len(result.created),
                changed=len(result.changed),
                unchanged=result.unchanged,
            )
        ],
    )


EXPORT_QUERY = (*MULTI, "q", "include_retired", "separator")
"""What the export pages read (ses/web/query_guard.py refuses any other parameter)."""


def _export_filters(request: Request[Any, Any, Any]) -> queries.RegisterFilter:
    chosen = {
        name: [p.strip() for v in request.query_params.getall(name, []) for p in v.split(",") if p.strip()]
        for name in MULTI
    }
    filters = queries.RegisterFilter(
        **chosen, include_retired=request.query_params.get("include_retired", "") in ("1", "true", "on")
    )
    q = request.query_params.get("q", "").strip()
    found = identifier_filters(q) if q else None
    if found:
        for column, value in list(found.items())[:1]:
            setattr(filters, column, value)
    else:
        filters.q = q or None
    filters.conditions()
    return filters


@get("/rejestr/eksport.csv", guards=[allow(*READERS)], include_in_schema=False, query=EXPORT_QUERY)
async def export_csv_page(request: Request[Any, Any, Any]) -> Stream:
    filters = _export_filters(request)
    await queries.check_territories(filters)
    separator = request.query_params.get("separator", "semicolon")
    return Stream(
        csv_chunks(filters, separator),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="rejestr.csv"'},
    )


@get("/rejestr/eksport.xlsx", guards=[allow(*READERS)], include_in_schema=False, query=EXPORT_QUERY)
async def export_xlsx_page(request: Request[Any, Any, Any]) -> Stream:
    filters = _export_filters(request)
    await queries.check_territories(filters)
    target = await xlsx_file(filters)

    async def chunks() -> AsyncIterator[bytes]:
        with target:
            while block := target.read(256 * 1024):
                yield block

    return Stream(
        chunks(), media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="rejestr.xlsx"'}
    )


ROUTES = [import_form, import_preview, import_confirm, export_csv_page, export_xlsx_page]
