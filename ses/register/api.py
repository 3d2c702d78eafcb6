"""JSON API of the register under /api/v1/organisations (thin: every handler calls a service)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.enums import RequestEncodingType
from litestar.middleware.base import DefineMiddleware
from litestar.params import Body, FromPath, FromQuery, JSONBody
from litestar.response import Stream

from ses import uploads
from ses.audit.channel import Channel
from ses.audit.services import history
from ses.auth.policy import Role, allow
from ses.register import (
    changes,
    import_plan,
    obligation_services,
    page_cache,
    queries,
    services,
    status_services,
)
from ses.register.export import csv_chunks, xlsx_file
from ses.register.schemas import (
    AnnualReportIn,
    AnnualReportOut,
    Compliance,
    HistoryEntry,
    ImportReport,
    LegalStatusOut,
    LossFinalIn,
    Organisation,
    OrganisationCreate,
    OrganisationPage,
    OrganisationUpdate,
    Retirement,
    StatusCreate,
    StatusExtensionIn,
    StatusTransitionIn,
    YearFiguresIn,
    YearFiguresOut,
)
from ses.web.context import (
    actor_of,
    expected_version,
    principal,
    split_values,
)
from ses.web.dependencies import Paging, Viewer, paging_of

READERS = (Role.REVIEWER, Role.STAFF)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_POLICY = allow(*READERS)
HISTORY_PAGING = {"paging": paging_of(100)}
LIST_PARAMS = frozenset(
    ("kind", "pes_letter", "legal_form", "activity_state", "ps_state", "unit_state", "role", "territory", "q",
     "krs", "nip", "regon", "modified_after", "include_retired", "sort", "page", "page_size", "facets")
)  # fmt: skip
"""The query parameters `search` reads (kept next to it; a test checks the two agree)."""
CACHE_BUSTER = "_"
"""`_=<anything>`: ignored, and the answer is not kept in the page cache (tools that want a fresh
answer every time; the benchmark's cold shapes). Any other unknown parameter answers 422
(ses/web/query_guard.py)."""


def _filters(
    kind: list[str] | None,
    pes_letter: list[str] | None,
    legal_form: list[str] | None,
    activity_state: list[str] | None,
    ps_state: list[str] | None,
    unit_state: list[str] | None,
    role: list[str] | None,
    territory: list[str] | None,
    q: str | None,
    krs: str | None,
    nip: str | None,
    regon: str | None,
    modified_after: datetime | None,
    include_retired: bool,
) -> queries.RegisterFilter:
    return queries.RegisterFilter(
        kind=split_values(kind),
        pes_letter=split_values(pes_letter),
        legal_form=split_values(legal_form),
        activity_state=split_values(activity_state),
        ps_state=split_values(ps_state),
        unit_state=split_values(unit_state),
        role=split_values(role),
        territory=split_values(territory),
        q=q,
        krs=krs,
        nip=nip,
        regon=regon,
        modified_after=modified_after,
        include_retired=include_retired,
    )


def _visible(request: Request[Any, Any, Any], org_id: int) -> None:
    services.ensure_visible(principal(request), org_id)


def _with_etag(org: dict[str, Any], status_code: int = 200) -> Response[Any]:
    return Response(org, status_code=status_code, headers={"ETag": services.etag(org)})


class OrganisationController(Controller):
    path = "/api/v1/organisations"
    tags = ["Rejestr"]

    @get(
        "/",
        guards=[LIST_POLICY],
        middleware=[DefineMiddleware(page_cache.ServeCachedPages, roles=LIST_POLICY.roles)],  # type: ignore[attr-defined]
        summary="Search the register",
    )
    async def search(
        self,
        request: Request[Any, Any, Any],
        viewer: Viewer,
        paging: Paging,
        kind: FromQuery[list[str] | None] = None,
        pes_letter: FromQuery[list[str] | None] = None,
        legal_form: FromQuery[list[str] | None] = None,
        activity_state: FromQuery[list[str] | None] = None,
        ps_state: FromQuery[list[str] | None] = None,
        unit_state: FromQuery[list[str] | None] = None,
        role: FromQuery[list[str] | None] = None,
        territory: FromQuery[list[str] | None] = None,
        q: FromQuery[str | None] = None,
        krs: FromQuery[str | None] = None,
        nip: FromQuery[str | None] = None,
        regon: FromQuery[str | None] = None,
        modified_after: FromQuery[datetime | None] = None,
        include_retired: FromQuery[bool] = False,
        sort: FromQuery[str] = "name",
        facets: FromQuery[list[str] | None] = None,
    ) -> OrganisationPage:
        filters = _filters(
            kind, pes_letter, legal_form, activity_state, ps_state, unit_state, role,
            territory, q, krs, nip, regon, modified_after, include_retired,
        )  # fmt: skip
        # The same page asked again while the register is unchanged is the same bytes: see
        # page_cache for the key (query, viewer scope, register stamp) and how fresh it is.
        return await page_cache.list_page(  # type: ignore[return-value]
            raw_query=request.scope["query_string"],
            viewer=viewer,
            if_none_match=request.headers.get("if-none-match"),
            compute=lambda: queries.search(
                filters, sort=sort, page=paging.page, page_size=paging.page_size, facets=split_values(facets)
            ),
            known_params=LIST_PARAMS,
        )

    @get(
        "/export.csv",
        guards=[allow(*READERS)],
        summary="The same query as CSV, streamed",
        media_type="text/csv; charset=utf-8",
    )
    async def export_csv(
        self,
        request: Request[Any, Any, Any],
        kind: FromQuery[list[str] | None] = None,
        pes_letter: FromQuery[list[str] | None] = None,
        legal_form: FromQuery[list[str] | None] = None,
        activity_state: FromQuery[list[str] | None] = None,
        ps_state: FromQuery[list[str] | None] = None,
        unit_state: FromQuery[list[str] | None] = None,
        role: FromQuery[list[str] | None] = None,
        territory: FromQuery[list[str] | None] = None,
        q: FromQuery[str | None] = None,
        krs: FromQuery[str | None] = None,
        nip: FromQuery[str | None] = None,
        regon: FromQuery[str | None] = None,
        modified_after: FromQuery[datetime | None] = None,
        include_retired: FromQuery[bool] = False,
        separator: FromQuery[Literal["semicolon", "comma"]] = "semicolon",
    ) -> Stream:
        """Semicolons and UTF-8 with BOM by default, as a Polish-locale Excel opens them;
        `separator=comma` for tools that expect commas."""
        filters = _filters(
            kind, pes_letter, legal_form, activity_state, ps_state, unit_state, role,
            territory, q, krs, nip, regon, modified_after, include_retired,
        )  # fmt: skip
        filters.conditions()  # bad parameters answer 422 before the stream starts
        await queries.check_territories(filters)
        return Stream(
            csv_chunks(filters, separator),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="rejestr.csv"'},
        )

    @get("/export.xlsx", guards=[allow(*READERS)], summary="The same query as XLSX", media_type=XLSX)
    async def export_xlsx(
        self,
        request: Request[Any, Any, Any],
        kind: FromQuery[list[str] | None] = None,
        pes_letter: FromQuery[list[str] | None] = None,
        legal_form: FromQuery[list[str] | None] = None,
        activity_state: FromQuery[list[str] | None] = None,
        ps_state: FromQuery[list[str] | None] = None,
        unit_state: FromQuery[list[str] | None] = None,
        role: FromQuery[list[str] | None] = None,
        territory: FromQuery[list[str] | None] = None,
        q: FromQuery[str | None] = None,
        krs: FromQuery[str | None] = None,
        nip: FromQuery[str | None] = None,
        regon: FromQuery[str | None] = None,
        modified_after: FromQuery[datetime | None] = None,
        include_retired: FromQuery[bool] = False,
    ) -> Stream:
        filters = _filters(
            kind, pes_letter, legal_form, activity_state, ps_state, unit_state, role,
            territory, q, krs, nip, regon, modified_after, include_retired,
        )  # fmt: skip
        filters.conditions()
        await queries.check_territories(filters)
        target = await xlsx_file(filters)

        async def chunks() -> AsyncIterator[bytes]:
            with target:
                while block := target.read(256 * 1024):
                    yield block

        return Stream(
            chunks(),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="rejestr.xlsx"'},
        )

    @post("/", guards=[allow(Role.STAFF)], summary="Add an organisation to the register")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[OrganisationCreate]
    ) -> Organisation:
        org = await services.create(data.model_dump(exclude_unset=True), actor_of(request))
        return _with_etag(org, 201)  # type: ignore[return-value]

    @post(
        "/import",
        guards=[allow(Role.STAFF)],
        summary="Import organisations from CSV or XLSX (all rows or none)",
        request_max_body_size=uploads.body_limit(),
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: FromQuery[bool] = False,
        encoding: FromQuery[str | None] = None,
    ) -> ImportReport:
        upload = await uploads.read_upload(data)
        table = await uploads.parse_table(upload.content, upload.filename, encoding)
        if dry_run:
            result = await import_plan.plan(table)
        else:
            result = await import_plan.apply(table, actor_of(request, Channel.IMPORT))
            changes.announce_write()  # the apply's writes, announced (after its commit)
        return ImportReport(
            created=0 if dry_run else len(result.created),
            rows=result.rows,
            dry_run=dry_run,
            changed=0 if dry_run else len(result.changed),
            unchanged=result.unchanged,
        )

    @get("/{org_id:int}", guards=[allow(*READERS, Role.OWES)], summary="One organisation (with ETag)")
    async def read(self, request: Request[Any, Any, Any], org_id: FromPath[int]) -> Organisation:
        _visible(request, org_id)
        return _with_etag(await services.get(org_id))  # type: ignore[return-value]

    @patch("/{org_id:int}", guards=[allow(Role.STAFF)], summary="Change fields (needs If-Match)")
    async def update(
        self, request: Request[Any, Any, Any], org_id: FromPath[int], data: JSONBody[OrganisationUpdate]
    ) -> Organisation:
        version = expected_version(request)
        org = await services.update(org_id, data.model_dump(exclude_unset=True), version, actor_of(request))
        return _with_etag(org)  # type: ignore[return-value]

    @post(
        "/{org_id:int}/retire", guards=[allow(Role.STAFF)], status_code=200, summary="Retire (needs If-Match)"
    )
    async def retire(
        self, request: Request[Any, Any, Any], org_id: FromPath[int], data: JSONBody[Retirement]
    ) -> Organisation:
        version = expected_version(request)
        org = await services.retire(org_id, data.reason, version, actor_of(request))
        return _with_etag(org)  # type: ignore[return-value]

    @get(
        "/{org_id:int}/history",
        guards=[allow(*READERS)],
        dependencies=HISTORY_PAGING,
        summary="Every change of the record",
    )
    async def history(self, org_id: FromPath[int], paging: Paging) -> list[HistoryEntry]:
        await services.get(org_id)
        return await history("organisation", org_id, limit=paging.limit, offset=paging.offset)  # type: ignore[return-value]

    @get(
        "/{org_id:int}/statuses",
        guards=[allow(*READERS, Role.OWES)],
        summary="Legal statuses with transitions",
    )
    async def statuses(self, request: Request[Any, Any, Any], org_id: FromPath[int]) -> list[LegalStatusOut]:
        _visible(request, org_id)
        return await status_services.list_statuses(org_id)  # type: ignore[return-value]

    @post("/{org_id:int}/statuses", guards=[allow(Role.STAFF)], summary="Record a legal status")
    async def add_status(
        self, request: Request[Any, Any, Any], org_id: FromPath[int], data: JSONBody[StatusCreate]
    ) -> LegalStatusOut:
        return await status_services.record_status(org_id, data.model_dump(), actor_of(request))

    @post(
        "/{org_id:int}/statuses/{status_id:int}/transitions",
        guards=[allow(Role.STAFF)],
        status_code=200,
        summary="Move a status to another state",
    )
    async def transition(
        self,
        request: Request[Any, Any, Any],
        org_id: FromPath[int],
        status_id: FromPath[int],
        data: JSONBody[StatusTransitionIn],
    ) -> LegalStatusOut:
        return await status_services.transition(org_id, status_id, data.model_dump(), actor_of(request))

    @post(
        "/{org_id:int}/statuses/{status_id:int}/extensions",
        guards=[allow(Role.STAFF)],
        status_code=200,
        summary="Extend a status granted for a term (CIS: the voivode's extension decision)",
    )
    async def extend_status(
        self,
        request: Request[Any, Any, Any],
        org_id: FromPath[int],
        status_id: FromPath[int],
        data: JSONBody[StatusExtensionIn],
    ) -> LegalStatusOut:
        status = await status_services.extend(org_id, status_id, data.model_dump(), actor_of(request))
        page_cache.register_changed()
        return status  # type: ignore[return-value]

    @post(
        "/{org_id:int}/statuses/{status_id:int}/loss-final",
        guards=[allow(Role.STAFF)],
        status_code=200,
        summary="Record the day a PS loss decision became final (the year to reapply runs from it)",
    )
    async def loss_final(
        self,
        request: Request[Any, Any, Any],
        org_id: FromPath[int],
        status_id: FromPath[int],
        data: JSONBody[LossFinalIn],
    ) -> LegalStatusOut:
        status = await status_services.record_loss_final(
            org_id, status_id, data.model_dump(), actor_of(request)
        )
        page_cache.register_changed()
        return status  # type: ignore[return-value]

    @get(
        "/{org_id:int}/compliance",
        guards=[allow(*READERS, Role.OWES)],
        summary="Warnings on the statuses (PS conditions, KIS entry) and annual reports owed",
    )
    async def compliance(self, request: Request[Any, Any, Any], org_id: FromPath[int]) -> Compliance:
        _visible(request, org_id)
        await services.get(org_id)
        return Compliance(**await obligation_services.compliance(org_id))

    @post(
        "/{org_id:int}/annual-reports",
        guards=[allow(Role.STAFF)],
        summary="Record an annual report of a PS, CIS or KIS as received",
    )
    async def add_annual_report(
        self, request: Request[Any, Any, Any], org_id: FromPath[int], data: JSONBody[AnnualReportIn]
    ) -> list[AnnualReportOut]:
        rows = await obligation_services.record_annual_report(org_id, data.model_dump(), actor_of(request))
        page_cache.register_changed()
        return [AnnualReportOut(**row) for row in rows]

    @get(
        "/{org_id:int}/figures",
        guards=[allow(*READERS, Role.OWES)],
        summary="Per-year employment and revenue, beside the jobs created (from accepted OWES reports)",
    )
    async def figures(self, request: Request[Any, Any, Any], org_id: FromPath[int]) -> list[YearFiguresOut]:
        _visible(request, org_id)
        return await status_services.list_figures(org_id)  # type: ignore[return-value]

    @put(
        "/{org_id:int}/figures/{year:int}", guards=[allow(Role.STAFF)], summary="Set the figures of one year"
    )
    async def put_figures(
        self,
        request: Request[Any, Any, Any],
        org_id: FromPath[int],
        year: FromPath[int],
        data: JSONBody[YearFiguresIn],
    ) -> YearFiguresOut:
        return await status_services.put_figures(org_id, year, data.model_dump(), actor_of(request))
