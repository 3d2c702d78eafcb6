"""Territories as public reference data under /api/v1/territories."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, get
from litestar.params import FromPath, FromQuery
from pydantic import BaseModel, ConfigDict, Field

from ses.auth.policy import Role, allow
from ses.errors import FieldError, ValidationFailed
from ses.territories import services
from ses.territories.reference import LEVELS
from ses.web.dependencies import Paging, paging_of
from ses.web.schemas import Page


class Territory(BaseModel):
    code: str
    level: str
    name: str
    type_label: str
    gmina_type: str | None
    parent_code: str | None
    population: int | None


class TerritoryRef(BaseModel):
    code: str
    name: str
    level: str


class TerritoryDetail(Territory):
    parents: list[TerritoryRef] = Field(description="From the voivodeship down to the direct parent")
    children: int


class Feature(BaseModel):
    """A GeoJSON feature (RFC 7946): the boundary of one unit."""

    model_config = ConfigDict(extra="allow")
    type: Literal["Feature"]
    geometry: dict[str, Any] | None
    properties: dict[str, Any] | None


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[Feature]


class TerritoryPage(Page[Territory]):
    pass


def _level(level: str | None) -> str | None:
    if level is not None and level not in LEVELS:
        raise ValidationFailed(
            "Nieznany poziom podziału.", [FieldError("level", f"Dozwolone: {', '.join(LEVELS)}.")]
        )
    return level


TERRITORY_PAGE_MAX = 500
"""The largest page of territories (the lists' SES_MAX_PAGE_SIZE is 200 by default)."""


class TerritoryController(Controller):
    path = "/api/v1/territories"
    tags = ["Terytorium"]
    guards = [allow(Role.PUBLIC)]

    @get(
        "/",
        summary="Voivodeships, powiats and gminas (TERC)",
        # All 380 powiats fit on one page: reference data has a larger largest page than lists.
        dependencies={"paging": paging_of(100, TERRITORY_PAGE_MAX)},
    )
    async def list_units(
        self,
        paging: Paging,
        level: FromQuery[str | None] = None,
        parent: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> TerritoryPage:
        items, total = await services.list_territories(
            level=_level(level), parent=parent, q=q, limit=paging.limit, offset=paging.offset
        )
        return {"items": items, "page": paging.page, "page_size": paging.page_size, "total": total}  # type: ignore[return-value]

    @get("/geojson", summary="Boundaries of one level as GeoJSON, optionally within a code")
    async def geojson(
        self, level: FromQuery[str] = "voivodeship", within: FromQuery[str | None] = None
    ) -> FeatureCollection:
        return services.feature_collection(_level(level) or "voivodeship", within)  # type: ignore[return-value]

    @get("/{code:str}", summary="One unit with its parents")
    async def read(self, code: FromPath[str]) -> TerritoryDetail:
        return await services.get_territory(code)  # type: ignore[return-value]

    @get("/{code:str}/geojson", summary="The boundary of one unit as a GeoJSON feature")
    async def boundary(self, code: FromPath[str]) -> Feature:
        return services.feature_of(code)  # type: ignore[return-value]
