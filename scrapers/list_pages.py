"""/synchronizacja/listy: the official lists read from files and their column mappings (staff).

A list's page shows, for every register field, the heading of the column that holds it; staff
change a heading when a publisher renames a column, and the next `ses sync file` reads it so.

On the same page staff upload the list's file: a dry run first shows what would change (new
organisations, field changes old → new, conflicts, rows that could not be read, running bodies not
found in the register) with nothing stored; confirming runs the list as `ses sync file` would, its
changes then wait on the run's review page. The file is read off the event loop within the upload
limits (ses/uploads.py) and waits for the confirmation under a token bound to the sender and the
list. Each confirmed upload leaves an audit entry naming who sent which file.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from scrapers import file_sources, queries, vocab
from scrapers.file_sync import sync_file
from scrapers.filelist import TARGETS
from scrapers.krs_sync import Report
from ses import uploads
from ses.audit.channel import Channel
from ses.audit.services import record_event
from ses.auth.policy import Role, allow
from ses.db import write_transaction
from ses.errors import DomainError, ValidationFailed
from ses.register.vocab import KIND_LABELS
from ses.web.context import actor_of
from ses.web.dependencies import Account
from ses.web.pages import Form, page

PREVIEW_ROWS = 200
"""Rows of a dry run shown on the page (the counts cover the whole file)."""


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
    request: Request[Any, Any, Any],
    found: dict[str, Any],
    errors: list[Any],
    notice: str,
    status: int = 200,
    **upload: Any,
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
        upload={"preview": None, "token": "", "filename": "", **upload, "errors": upload.get("problems", [])},
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


def _purpose(code: str) -> str:
    return f"sync-list:{code}"


async def _preview(report: Report) -> dict[str, Any]:
    """What a dry run would do, for the page: counts and the first rows with their changes."""
    rows = report.outcomes[:PREVIEW_ROWS]
    codes = {str(c.new) for _, o in rows if o for c in o.changes if c.field == "gmina_code" and c.new}
    codes |= {str(c.old) for _, o in rows if o for c in o.changes if c.field == "gmina_code" and c.old}
    founders = {
        str(v) for _, o in rows if o for c in o.changes if c.field == "founder_id" for v in (c.old, c.new)
    }
    territories = await queries.territory_names(codes)
    names = await queries.organisation_names({v for v in founders if v and v != "None"})
    shown = []
    for item, outcome in rows:
        status = outcome.status if outcome else item.status
        shown.append(
            {
                "name": item.values.get("name") or item.key,
                "status": status,
                "status_label": vocab.RECORD_STATUS_LABELS.get(status, status),
                "organisation_id": outcome.organisation_id if outcome else None,
                "changes": [
                    {
                        "field": vocab.FIELD_LABELS.get(c.field, c.field),
                        "old": vocab.value_label(c.field, c.old, territories, names),
                        "new": vocab.value_label(c.field, c.new, territories, names),
                        "conflict": c.is_conflict,
                    }
                    for c in (outcome.changes if outcome else [])
                ],
                "problems": item.problems,
            }
        )
    counts = Counter(report.counts)
    return {
        "rows": len(report.outcomes),
        "counts": [(vocab.RECORD_STATUS_LABELS.get(k, k), n) for k, n in counts.most_common()],
        "changes": sum(len(o.changes) for _, o in report.outcomes if o),
        "unresolved_founders": sum(
            1
            for i, _ in report.outcomes
            if any(p.startswith("Podmiot prowadzący") and "nierozpoznany" in p for p in i.problems)
        ),
        "shown": shown,
        "limit": PREVIEW_ROWS,
        "notes": report.errors,
    }


def _upload_errors(error: DomainError) -> list[str]:
    return [error.detail, *(e.message for e in error.errors if e.message and e.message != error.detail)]


@post(
    "/synchronizacja/listy/{code:str}/plik",
    guards=[allow(Role.STAFF)],
    include_in_schema=False,
    request_max_body_size=uploads.body_limit(),
)
async def upload_list(
    request: Request[Any, Any, Any],
    account: Account,
    code: FromPath[str],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    """A dry run of an uploaded list file: what would change, nothing stored."""
    found = await file_sources.source(code)
    try:
        upload = await uploads.read_upload(data, ("file",))
    except DomainError as error:
        return _form_page(request, found, [], "", error.status, problems=_upload_errors(error))
    report = await sync_file(code, upload.content, upload.filename, dry_run=True, within=uploads.limits())
    if report.status == "failed":
        return _form_page(request, found, [], "", 422, problems=report.errors, filename=upload.filename)
    token = uploads.hold(upload, account.account_id, _purpose(code))
    return _form_page(
        request, found, [], "", preview=await _preview(report), token=token, filename=upload.filename
    )


@post(
    "/synchronizacja/listy/{code:str}/zastosuj",
    guards=[allow(Role.STAFF)],
    include_in_schema=False,
    request_max_body_size=16 * 1024,
    status_code=303,
)
async def apply_list(
    request: Request[Any, Any, Any], account: Account, code: FromPath[str], data: Form
) -> Redirect | Template:
    """Run the list file the dry run showed: its changes wait for review on the run's page."""
    found = await file_sources.source(code)
    token = str(data.get("token") or "")
    try:
        upload = uploads.held(token, account.account_id, _purpose(code))
    except DomainError as error:
        return _form_page(request, found, [], "", 422, problems=_upload_errors(error))
    report = await sync_file(
        code,
        upload.content,
        upload.filename,
        triggered_by=f"strona www ({_who(request)})",
        within=uploads.limits(),
    )
    uploads.release(token)
    async with write_transaction():
        await record_event(
            actor_of(request, Channel.WEB),
            "sync.list_file",
            "sync_run",
            report.run_id,
            {
                "list": [None, code],
                "file": [None, upload.filename],
                "sha256": [None, hashlib.sha256(upload.content).hexdigest()],
                "rows": [None, report.planned],
                "status": [None, report.status],
            },
        )
    if report.status == "failed" or report.run_id is None:
        return _form_page(request, found, [], "", 422, problems=report.errors, filename=upload.filename)
    return Redirect(f"/synchronizacja/{report.run_id}?komunikat=wczytano&czekajace=true", status_code=303)


ROUTES = (lists_page, list_page, save_list, upload_list, apply_list)
