"""`/api/v1/sync`: runs with their counts, errors and change sets; decisions on changes (staff)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from scrapers import file_sources, queries, review
from scrapers.filelist import TARGETS
from scrapers.schemas import (
    ChangeOut,
    Decision,
    DecisionResult,
    FileListIn,
    FileListOut,
    RecordOut,
    SyncRunDetail,
    SyncRunOut,
    SyncRunsPage,
)
from ses.auth.policy import Role, allow
from ses.errors import FieldError, ValidationFailed
from ses.web.context import expected_version, page_window

TAGS = ["Synchronizacja"]


def _who(request: Request[Any, Any, Any]) -> tuple[str, int | None]:
    user = request.scope.get("user")
    return getattr(user, "username", "API"), getattr(user, "account_id", None)


def _chosen(data: Decision) -> list[int]:
    if not data.change_ids:
        raise ValidationFailed(
            "Nie wskazano żadnej zmiany.",
            [FieldError("change_ids", "Podaj co najmniej jeden identyfikator zmiany.")],
        )
    return data.change_ids


def record_out(row: dict[str, Any]) -> RecordOut:
    return RecordOut(
        **{k: row[k] for k in ("id", "key", "status", "matched_by", "http_status", "problems", "decision")},
        organisation_id=row["organisation"],
        values=row["source_values"],
        raw_url=f"/api/v1/sync/records/{row['id']}/raw",
        changes=[ChangeOut.model_validate(c) for c in row["changes"]],
    )


@get("/api/v1/sync/runs", guards=[allow(Role.STAFF)], summary="Sync runs, newest first", tags=TAGS)
async def list_runs(
    source: FromQuery[str | None] = None, page: FromQuery[int] = 1, page_size: FromQuery[int] = 50
) -> SyncRunsPage:
    page, page_size = page_window(page, page_size, 200)
    rows, total = await queries.runs(page, page_size, source)
    return SyncRunsPage(
        items=[SyncRunOut.model_validate(r) for r in rows], total=total, page=page, page_size=page_size
    )


@get(
    "/api/v1/sync/runs/{run_id:int}",
    guards=[allow(Role.STAFF)],
    summary="One run: counts, errors and its change set (records with their changes, paged)",
    tags=TAGS,
)
async def read_run(
    run_id: FromPath[int],
    status: FromQuery[str | None] = None,
    page: FromQuery[int] = 1,
    page_size: FromQuery[int] = 50,
) -> SyncRunDetail:
    page, page_size = page_window(page, page_size, 200)
    run = await queries.run(run_id)
    rows, total = await queries.records(run_id, page, page_size, status)
    return SyncRunDetail(
        **SyncRunOut.model_validate(run).model_dump(),
        records=[record_out(r) for r in rows],
        records_total=total,
        page=page,
        page_size=page_size,
    )


@get(
    "/api/v1/sync/records/{record_id:int}/raw",
    guards=[allow(Role.STAFF)],
    summary="The source's raw answer for one record",
    tags=TAGS,
)
async def raw_answer(record_id: FromPath[int]) -> Response[str]:
    row = await queries.raw(record_id)
    return Response(row["raw"] or "", media_type="application/json; charset=utf-8")


@post(
    "/api/v1/sync/changes/accept",
    guards=[allow(Role.STAFF)],
    summary="Apply changes",
    tags=TAGS,
    status_code=200,
)
async def accept_changes(request: Request[Any, Any, Any], data: JSONBody[Decision]) -> DecisionResult:
    who, account_id = _who(request)
    result = await review.accept(_chosen(data), who, account_id)
    return DecisionResult(applied=result["applied"], refused=result["refused"])


@post(
    "/api/v1/sync/changes/reject",
    guards=[allow(Role.STAFF)],
    summary="Reject changes",
    tags=TAGS,
    status_code=200,
)
async def reject_changes(request: Request[Any, Any, Any], data: JSONBody[Decision]) -> DecisionResult:
    who, _ = _who(request)
    return DecisionResult(rejected=await review.reject(_chosen(data), who))


def _list_out(found: dict[str, Any]) -> Response[FileListOut]:
    body = FileListOut(**found, targets=TARGETS)
    return Response(body, headers={"ETag": f'"list-0-v{found["version"]}"'})


@get(
    "/api/v1/sync/lists",
    guards=[allow(Role.STAFF)],
    summary="Official lists read from files, with their column mappings",
    tags=TAGS,
)
async def list_file_lists() -> list[FileListOut]:
    return [FileListOut(**found, targets=TARGETS) for found in await file_sources.all_sources()]


@get(
    "/api/v1/sync/lists/{code:str}",
    guards=[allow(Role.STAFF)],
    summary="One list's column mapping (with ETag)",
    tags=TAGS,
)
async def read_file_list(code: FromPath[str]) -> Response[FileListOut]:
    return _list_out(await file_sources.source(code))


@put(
    "/api/v1/sync/lists/{code:str}",
    guards=[allow(Role.STAFF)],
    summary="Save a list's column mapping (If-Match: the ETag read; a new list: v0)",
    tags=TAGS,
)
async def save_file_list(
    request: Request[Any, Any, Any], code: FromPath[str], data: JSONBody[FileListIn]
) -> Response[FileListOut]:
    who, _ = _who(request)
    return _list_out(await file_sources.save(code, data.model_dump(), expected_version(request), who))


ROUTES = (
    list_runs, read_run, raw_answer, accept_changes, reject_changes, list_file_lists, read_file_list,
    save_file_list,
)  # fmt: skip
