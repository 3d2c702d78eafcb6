"""Open Referral HSDS 3.0 under /hsds: public, read-only, only public fields (see public.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Stream

from ses.auth.policy import Role, allow
from ses.directory import export, hsds, publishing
from ses.directory.hsds_models import (
    HsdsOrganization,
    HsdsOrganizationPage,
    HsdsRoot,
    HsdsService,
    HsdsServiceAtLocation,
    HsdsServiceAtLocationPage,
    HsdsServicePage,
    HsdsTaxonomyPage,
    HsdsTaxonomyTermPage,
)
from ses.directory.publishing import PublicQuery
from ses.settings import get_settings

PUBLIC = allow(Role.PUBLIC)


def _max() -> int:
    return get_settings().max_page_size


def _base(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


class HsdsController(Controller):
    path = "/hsds"
    tags = ["Open Referral HSDS 3.0 (dane otwarte)"]
    guards = [PUBLIC]

    @get("/", summary="About this HSDS API")
    async def root(self, request: Request[Any, Any, Any]) -> HsdsRoot:
        return {  # type: ignore[return-value]
            **hsds.api_root(_base(request)),
            "licence": export.LICENCE_URL,
            "licence_statement": f"{_base(request)}/hsds/licence",
            "datapackage": f"{_base(request)}/hsds/datapackage.zip",
            "ndjson": f"{_base(request)}/hsds/export.ndjson",
        }

    @get("/services", summary="Services (one-to-one fields); SES adds `gmina`: available to its residents")
    async def services(
        self,
        search: FromQuery[str | None] = None,
        taxonomy_term_id: FromQuery[str | None] = None,
        taxonomy_id: FromQuery[str | None] = None,
        organization_id: FromQuery[str | None] = None,
        postcode: FromQuery[str | None] = None,
        proximity: FromQuery[str | None] = None,
        modified_after: FromQuery[datetime | None] = None,
        gmina: FromQuery[str | None] = None,
        page: FromQuery[int] = 1,
        per_page: FromQuery[int] = 50,
    ) -> HsdsServicePage:
        query = PublicQuery(
            search,
            taxonomy_term_id,
            taxonomy_id,
            organization_id,
            postcode,
            proximity,
            modified_after,
            gmina,
            page,
            per_page,
        )
        return await publishing.list_services(query, _max())  # type: ignore[return-value]

    @get("/services/{service_id:str}", summary="One service, fully nested")
    async def service(self, service_id: FromPath[str]) -> HsdsService:
        return await publishing.one_service(service_id)  # type: ignore[return-value]

    @get("/service_at_locations", summary="Services at locations, nearest first when `gmina` or `proximity`")
    async def service_at_locations(
        self,
        search: FromQuery[str | None] = None,
        taxonomy_term_id: FromQuery[str | None] = None,
        taxonomy_id: FromQuery[str | None] = None,
        organization_id: FromQuery[str | None] = None,
        postcode: FromQuery[str | None] = None,
        proximity: FromQuery[str | None] = None,
        modified_after: FromQuery[datetime | None] = None,
        gmina: FromQuery[str | None] = None,
        page: FromQuery[int] = 1,
        per_page: FromQuery[int] = 50,
    ) -> HsdsServiceAtLocationPage:
        query = PublicQuery(
            search,
            taxonomy_term_id,
            taxonomy_id,
            organization_id,
            postcode,
            proximity,
            modified_after,
            gmina,
            page,
            per_page,
        )
        return await publishing.list_service_at_locations(query, _max())  # type: ignore[return-value]

    @get("/service_at_locations/{sal_id:str}", summary="One service at a location")
    async def service_at_location(self, sal_id: FromPath[str]) -> HsdsServiceAtLocation:
        return await publishing.one_service_at_location(sal_id)  # type: ignore[return-value]

    @get("/organizations", summary="Organisations offering published services")
    async def organizations(
        self, search: FromQuery[str | None] = None, page: FromQuery[int] = 1, per_page: FromQuery[int] = 50
    ) -> HsdsOrganizationPage:
        return await publishing.list_organizations(  # type: ignore[return-value]
            PublicQuery(search=search, page=page, per_page=per_page), _max()
        )

    @get(
        "/organizations/{organization_id:str}", summary="One organisation with identifiers (KRS, NIP, REGON)"
    )
    async def organization(self, organization_id: FromPath[str]) -> HsdsOrganization:
        return await publishing.one_organization(organization_id)  # type: ignore[return-value]

    @get("/taxonomies", summary="The taxonomies of the directory")
    async def taxonomies(self) -> HsdsTaxonomyPage:
        return await publishing.list_taxonomies()  # type: ignore[return-value]

    @get("/taxonomy_terms", summary="Terms of the taxonomies")
    async def taxonomy_terms(
        self,
        search: FromQuery[str | None] = None,
        taxonomy_id: FromQuery[str | None] = None,
        page: FromQuery[int] = 1,
        per_page: FromQuery[int] = 50,
    ) -> HsdsTaxonomyTermPage:
        query = PublicQuery(search=search, taxonomy_id=taxonomy_id, page=page, per_page=per_page)
        return await publishing.list_terms(query, _max())  # type: ignore[return-value]

    @get(
        "/export.ndjson",
        summary="Every service, fully nested, one JSON object per line (streamed)",
        media_type="application/x-ndjson",
    )
    async def export_ndjson(self) -> Stream:
        return Stream(
            export.ndjson_chunks(),
            media_type="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="ses-uslugi-hsds.ndjson"'},
        )

    @get(
        "/datapackage.zip",
        summary="The whole directory as a tabular data package (CSV, streamed)",
        media_type="application/zip",
    )
    async def datapackage(self, request: Request[Any, Any, Any]) -> Stream:
        return Stream(
            export.datapackage_chunks(_base(request)),
            media_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="ses-uslugi-hsds.zip"'},
        )

    # Litestar adds "; charset=utf-8" to a text/plain answer itself (given twice, it came out twice).
    @get("/licence", summary="The licence of the open data", media_type="text/plain")
    async def licence(self) -> Response[str]:
        return Response(export.LICENCE_TEXT, media_type="text/plain")


ROUTES = (HsdsController,)
