"""Open data as plain JSON under /api/v1/public: anyone may read, only public fields are answered."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from ses.auth.policy import Role, allow
from ses.directory import open_data
from ses.directory.open_data import OrganisationSearch, ServiceSearch
from ses.directory.schemas import (
    PublicOrganisation,
    PublicOrganisationDetail,
    PublicOrganisationPage,
    PublicService,
    PublicServicePage,
)
from ses.settings import get_settings


class OpenDataController(Controller):
    path = "/api/v1/public"
    tags = ["Dane otwarte (JSON)"]
    guards = [allow(Role.PUBLIC)]

    @get("/services", summary="Published services; `gmina`: those available to its residents")
    async def services(
        self,
        search: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        target_group: FromQuery[str | None] = None,
        cost: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        gmina: FromQuery[str | None] = None,
        postcode: FromQuery[str | None] = None,
        organisation_id: FromQuery[int | None] = None,
        modified_after: FromQuery[datetime | None] = None,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 50,
    ) -> PublicServicePage:
        query = ServiceSearch(
            search, category, target_group, cost, language, gmina, postcode, organisation_id, modified_after,
            page, page_size,
        )  # fmt: skip
        items, total = await open_data.list_services(query, get_settings().max_page_size)
        return PublicServicePage(
            items=[PublicService.model_validate(i) for i in items],
            total=total,
            page=page,
            page_size=page_size,
        )

    @get("/services/{service_id:int}", summary="One published service with its locations and areas")
    async def service(self, service_id: FromPath[int]) -> PublicService:
        return PublicService.model_validate(await open_data.one_service(service_id))

    @get("/organisations", summary="The register's public part: organisations, filtered by gmina, kind, name")
    async def organisations(
        self,
        search: FromQuery[str | None] = None,
        gmina: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        modified_after: FromQuery[datetime | None] = None,
        page: FromQuery[int] = 1,
        page_size: FromQuery[int] = 50,
    ) -> PublicOrganisationPage:
        query = OrganisationSearch(search, gmina, kind, modified_after, page, page_size)
        items, total = await open_data.list_organisations(query, get_settings().max_page_size)
        return PublicOrganisationPage(
            items=[PublicOrganisation.model_validate(i) for i in items],
            total=total,
            page=page,
            page_size=page_size,
        )

    @get("/organisations/{organisation_id:int}", summary="One organisation and its published services")
    async def organisation(self, organisation_id: FromPath[int]) -> PublicOrganisationDetail:
        return PublicOrganisationDetail.model_validate(await open_data.one_organisation(organisation_id))


ROUTES = (OpenDataController,)
