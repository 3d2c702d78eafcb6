"""JSON API of OWES reporting under /api/v1/reports and /api/v1/report-definitions (thin)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter

from ses import uploads as received
from ses.auth.policy import Principal, Role, allow
from ses.errors import FieldError, NotAuthenticated, ValidationFailed
from ses.idempotency import Answer, Key, key_of
from ses.reporting import catalogue, followup, lookups, services, uploads
from ses.reporting.schemas import (
    CommentIn,
    ContentIn,
    CorrectionIn,
    DefinitionOut,
    DefinitionSummary,
    EventOut,
    FollowUp,
    OverduePage,
    ReasonIn,
    Report,
    ReportCreate,
    ReportPage,
    Suggestion,
    UploadResult,
    VersionDiff,
    VersionOut,
)
from ses.web.context import (
    actor_of,
    expected_version,
    principal,
    split_values,
)
from ses.web.dependencies import Account, Paging

READERS = (Role.OWES, Role.REVIEWER, Role.STAFF)
SENDERS = (Role.OWES, Role.STAFF)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _viewer(request: Request[Any, Any, Any]) -> Principal:
    user = principal(request)
    if user is None:  # pragma: no cover - guards admit only authenticated callers
        raise NotAuthenticated("Wymagane zalogowanie lub token API.")
    return user


def _key(request: Request[Any, Any, Any], *parts: bytes | str) -> Key | None:
    return key_of(request, _viewer(request).account_id, *parts)


def _optional_version(request: Request[Any, Any, Any]) -> int | None:
    return expected_version(request) if request.headers.get("if-match") else None


def _answer(answer: Answer) -> Response[Any]:
    headers = {}
    body = answer.body
    if isinstance(body, dict) and "row_version" in body and "id" in body:
        headers["ETag"] = services.etag(body)
    if answer.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(body, status_code=answer.status, headers=headers)


class DefinitionController(Controller):
    path = "/api/v1/report-definitions"
    tags = ["Sprawozdania OWES"]

    @get("/", guards=[allow(*READERS)], summary="Published report definitions (every version)")
    async def list_definitions(self) -> list[DefinitionSummary]:
        return await catalogue.list_definitions()  # type: ignore[return-value]

    @post("/", guards=[allow(Role.STAFF)], summary="Publish a new definition version (never changes after)")
    async def publish(self, request: Request[Any, Any, Any], data: JSONBody[dict[str, Any]]) -> DefinitionOut:
        return await catalogue.publish(data, actor_of(request))  # type: ignore[return-value]

    @get("/{code:str}/versions/{version:int}", guards=[allow(*READERS)], summary="One definition version")
    async def read(self, code: FromPath[str], version: FromPath[int]) -> DefinitionOut:
        return await catalogue.get_definition(code, version)  # type: ignore[return-value]

    @get(
        "/{code:str}/versions/{version:int}/templates/{table:str}",
        guards=[allow(*READERS)],
        summary="CSV or XLSX template of a tabular part (format=xlsx|csv)",
        opt={"media_types": (XLSX, "text/csv; charset=utf-8")},
    )
    async def template(
        self,
        code: FromPath[str],
        version: FromPath[int],
        table: FromPath[str],
        format: FromQuery[str] = "xlsx",
    ) -> Response[bytes]:
        await catalogue.get_definition(code, version)
        _, definition = await catalogue.resolve(code, version)
        spec = definition.table(table)
        if spec is None or format not in ("xlsx", "csv"):
            raise ValidationFailed(
                "Nie ma takiego szablonu.",
                [FieldError("table" if spec is None else "format", table if spec is None else format)],
            )
        content = (
            uploads.template_xlsx(definition, spec)
            if format == "xlsx"
            else uploads.template_csv(definition, spec)
        )
        name = f"{code}-v{version}-{table}.{format}"
        return Response(
            content,
            media_type=XLSX if format == "xlsx" else "text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["Sprawozdania OWES"]

    @get("/", guards=[allow(*READERS)], summary="Reports (an OWES sees only its own)")
    async def search(
        self,
        account: Account,
        paging: Paging,
        owes_id: FromQuery[int | None] = None,
        period: FromQuery[str | None] = None,
        states: Annotated[list[str] | None, QueryParameter(name="state")] = None,
        definition_code: FromQuery[str | None] = None,
        late: FromQuery[bool | None] = None,
    ) -> ReportPage:
        return await services.list_reports(  # type: ignore[return-value]
            account,
            owes_id=owes_id,
            period=period,
            state=split_values(states),
            definition_code=definition_code,
            late=late,
            page=paging.page,
            page_size=paging.page_size,
        )

    @post("/", guards=[allow(*SENDERS)], summary="Create a report (draft, or submitted with submit=true)")
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[ReportCreate]) -> Response[Report]:
        draft = services.Draft(**data.model_dump())
        key = _key(request, data.model_dump_json())
        return _answer(await services.create_report(draft, _viewer(request), actor_of(request), key))

    @get(
        "/follow-up",
        guards=[allow(Role.REVIEWER, Role.STAFF)],
        summary="Completeness and timeliness per OWES × period",
    )
    async def follow_up(
        self,
        definition_code: FromQuery[str | None] = None,
        periods: FromQuery[list[str] | None] = None,
        owes_id: FromQuery[int | None] = None,
        cells: FromQuery[bool] = True,
    ) -> FollowUp:
        return await followup.follow_up(definition_code, split_values(periods), owes_id, with_cells=cells)  # type: ignore[return-value]

    @get(
        "/overdue",
        guards=[allow(Role.REVIEWER, Role.STAFF)],
        summary="Reports past their deadline, not received",
    )
    async def overdue(
        self,
        paging: Paging,
        definition_code: FromQuery[str | None] = None,
        periods: FromQuery[list[str] | None] = None,
    ) -> OverduePage:
        return await followup.overdue(definition_code, split_values(periods), paging.page, paging.page_size)  # type: ignore[return-value]

    @get("/{report_id:int}", guards=[allow(*READERS)], summary="One report with its current content (ETag)")
    async def read(self, account: Account, report_id: FromPath[int]) -> Response[Report]:
        return _answer(Answer(200, await services.get_report(report_id, account)))

    @put(
        "/{report_id:int}/data", guards=[allow(*SENDERS)], summary="Replace the content of a draft (If-Match)"
    )
    async def replace(
        self, request: Request[Any, Any, Any], report_id: FromPath[int], data: JSONBody[ContentIn]
    ) -> Response[Report]:
        version = expected_version(request)
        body = await services.replace_content(
            report_id, data.data, _viewer(request), version, actor_of(request)
        )
        return _answer(Answer(200, body))

    @post(
        "/{report_id:int}/tables/{table:str}",
        guards=[allow(*SENDERS)],
        status_code=200,
        summary="Upload a tabular part from CSV/XLSX (all rows or none; dry_run only checks)",
        request_max_body_size=received.body_limit(),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        report_id: FromPath[int],
        table: FromPath[str],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: FromQuery[bool] = False,
    ) -> Response[UploadResult]:
        upload = await received.read_upload(data)
        content, filename = upload.content, upload.filename
        key = _key(request, content, filename, str(dry_run))
        answer = await services.upload_table(
            report_id,
            table,
            content,
            filename,
            _viewer(request),
            actor_of(request),
            expected=_optional_version(request),
            dry_run=dry_run,
            key=key,
        )
        return _answer(answer)

    @post(
        "/{report_id:int}/submit",
        guards=[allow(*SENDERS)],
        status_code=200,
        summary="Submit (full validation)",
    )
    async def submit(self, request: Request[Any, Any, Any], report_id: FromPath[int]) -> Response[Report]:
        return await _step(request, report_id, "submit", None)

    @post("/{report_id:int}/accept", guards=[allow(Role.STAFF)], status_code=200, summary="Accept and lock")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        report_id: FromPath[int],
        data: JSONBody[CommentIn | None] = None,
    ) -> Response[Report]:
        return await _step(request, report_id, "accept", data.comment if data else None)

    @post(
        "/{report_id:int}/return", guards=[allow(Role.STAFF)], status_code=200, summary="Return with comments"
    )
    async def return_(
        self, request: Request[Any, Any, Any], report_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> Response[Report]:
        return await _step(request, report_id, "return", data.comment)

    @post(
        "/{report_id:int}/reopen",
        guards=[allow(Role.STAFF)],
        status_code=200,
        summary="Reopen an accepted report",
    )
    async def reopen(
        self, request: Request[Any, Any, Any], report_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> Response[Report]:
        return await _step(request, report_id, "reopen", data.comment)

    @post(
        "/{report_id:int}/corrections",
        guards=[allow(*SENDERS)],
        summary="Correct a returned report (new version)",
    )
    async def correct(
        self, request: Request[Any, Any, Any], report_id: FromPath[int], data: JSONBody[CorrectionIn]
    ) -> Response[Report]:
        key = _key(request, data.model_dump_json())
        answer = await services.correct(
            report_id, data.data, data.comment, data.submit, _viewer(request), actor_of(request), key,
            expected=_optional_version(request),
        )  # fmt: skip
        return _answer(answer)

    @get("/{report_id:int}/versions", guards=[allow(*READERS)], summary="Every version of a report")
    async def versions(self, account: Account, report_id: FromPath[int]) -> list[VersionOut]:
        return await services.list_versions(report_id, account)  # type: ignore[return-value]

    @get(
        "/{report_id:int}/versions/{number:int}", guards=[allow(*READERS)], summary="One version with content"
    )
    async def version(self, account: Account, report_id: FromPath[int], number: FromPath[int]) -> VersionOut:
        return await services.get_version(report_id, number, account)  # type: ignore[return-value]

    @get("/{report_id:int}/diff", guards=[allow(*READERS)], summary="What changed between two versions")
    async def diff(
        self,
        account: Account,
        report_id: FromPath[int],
        from_version: FromQuery[int],
        to_version: FromQuery[int],
    ) -> VersionDiff:
        return await services.diff_versions(report_id, from_version, to_version, account)  # type: ignore[return-value]

    @get("/{report_id:int}/events", guards=[allow(*READERS)], summary="Who moved the report, when and why")
    async def events(self, account: Account, report_id: FromPath[int]) -> list[EventOut]:
        return await services.list_events(report_id, account)  # type: ignore[return-value]


async def _step(
    request: Request[Any, Any, Any], report_id: int, action: str, comment: str | None
) -> Response[Any]:
    key = _key(request, action, comment or "")
    answer = await services.transition(
        report_id,
        action,
        _viewer(request),
        actor_of(request),
        comment=comment,
        expected=_optional_version(request),
        key=key,
    )
    return _answer(answer)


def _suggestions(found: list[lookups.Found]) -> list[Suggestion]:
    return [Suggestion(key=f.key, value=f.value, label=f.label) for f in found]


class LookupController(Controller):
    """The report form's type-ahead: names in place of codes and ids. What an OWES may find here is
    what naming something in its report needs: gminas and powiats, and register organisations that
    are not retired with their id, name, NIP, KRS, kind and gmina — no contacts, statuses or history."""

    path = "/api/v1/report-lookups"
    tags = ["Sprawozdania OWES"]
    guards = [allow(*SENDERS)]

    @get("/organisations", summary="Register organisations by a word of the name, a NIP or a KRS (max 10)")
    async def organisations(self, q: FromQuery[str] = "") -> list[Suggestion]:
        return _suggestions(await lookups.find_organisations(q))

    @get("/territories", summary="Gminas or powiats by name, Polish letters optional (max 10)")
    async def territories(self, q: FromQuery[str] = "", level: FromQuery[str] = "gmina") -> list[Suggestion]:
        if level not in lookups.LEVELS:
            raise ValidationFailed(
                "Nieznany poziom podziału.", [FieldError("level", "Dozwolone: gmina, powiat.")]
            )
        return _suggestions(await lookups.find_territories(q, level))


ROUTES: list[Any] = [DefinitionController, ReportController, LookupController]
