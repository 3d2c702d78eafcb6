"""Maintenance API of the directory under /api/v1/services (thin: every handler calls a service)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from ses.auth.policy import Role, allow
from ses.directory import services
from ses.directory.schemas import ServiceIn, ServiceOut, ServicePage, TermIn, TermOut
from ses.errors import FieldError, ValidationFailed
from ses.web.context import actor_of, expected_version
from ses.web.dependencies import Paging, Viewer

EDITORS = (Role.STAFF, Role.OWES)
READERS = (Role.STAFF, Role.REVIEWER, Role.OWES)


def _with_etag(service: dict[str, Any], status_code: int = 200) -> Response[Any]:
    return Response(service, status_code=status_code, headers={"ETag": services.etag(service)})


def _idempotency_key(request: Request[Any, Any, Any]) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not 1 <= len(key.strip()) <= 100:
        raise ValidationFailed(
            "Nagłówek Idempotency-Key ma od 1 do 100 znaków.",
            [FieldError("Idempotency-Key", "za długi lub pusty")],
        )
    return key.strip() if key else None


class ServiceController(Controller):
    path = "/api/v1/services"
    tags = ["Katalog usług społecznych"]

    @get("/", guards=[allow(*READERS)], summary="Services (an OWES sees only its own organisation's)")
    async def list_services(
        self,
        viewer: Viewer,
        paging: Paging,
        organisation_id: FromQuery[int | None] = None,
        confirmation_overdue: FromQuery[bool | None] = None,
    ) -> ServicePage:
        items, total = await services.list_services(
            viewer,
            organisation_id=organisation_id,
            overdue=confirmation_overdue,
            page=paging.page,
            page_size=paging.page_size,
        )
        return ServicePage(items=items, total=total, page=paging.page, page_size=paging.page_size)  # type: ignore[arg-type]

    @post("/", guards=[allow(*EDITORS)], summary="Add a service (Idempotency-Key: a retry never duplicates)")
    async def create(
        self, request: Request[Any, Any, Any], viewer: Viewer, data: JSONBody[ServiceIn]
    ) -> ServiceOut:
        service, created = await services.create(
            data.model_dump(),
            viewer,
            actor_of(request),
            idempotency_key=_idempotency_key(request),
        )
        return _with_etag(service, 201 if created else 200)  # type: ignore[return-value]

    @get("/{service_id:int}", guards=[allow(*READERS)], summary="One service (with ETag)")
    async def read(self, viewer: Viewer, service_id: FromPath[int]) -> ServiceOut:
        return _with_etag(await services.get(service_id, viewer))  # type: ignore[return-value]

    @put("/{service_id:int}", guards=[allow(*EDITORS)], summary="Replace a service (needs If-Match)")
    async def replace(
        self,
        request: Request[Any, Any, Any],
        viewer: Viewer,
        service_id: FromPath[int],
        data: JSONBody[ServiceIn],
    ) -> ServiceOut:
        version = expected_version(request)
        service = await services.replace(service_id, data.model_dump(), version, viewer, actor_of(request))
        return _with_etag(service)  # type: ignore[return-value]

    @post(
        "/{service_id:int}/confirm",
        guards=[allow(*EDITORS)],
        status_code=200,
        summary="Confirm the entry is up to date (needs If-Match)",
    )
    async def confirm(
        self, request: Request[Any, Any, Any], viewer: Viewer, service_id: FromPath[int]
    ) -> ServiceOut:
        version = expected_version(request)
        service = await services.confirm(service_id, version, viewer, actor_of(request))
        return _with_etag(service)  # type: ignore[return-value]

    @delete("/{service_id:int}", guards=[allow(*EDITORS)], summary="Remove a service (needs If-Match)")
    async def remove(
        self, request: Request[Any, Any, Any], viewer: Viewer, service_id: FromPath[int]
    ) -> None:
        version = expected_version(request)
        await services.delete(service_id, version, viewer, actor_of(request))

    @post("/taxonomy_terms", guards=[allow(Role.STAFF)], summary="Add a term to a taxonomy (staff)")
    async def add_term(self, request: Request[Any, Any, Any], data: JSONBody[TermIn]) -> TermOut:
        return await services.add_term(data.model_dump(), actor_of(request))  # type: ignore[return-value]


ROUTES = (ServiceController,)
