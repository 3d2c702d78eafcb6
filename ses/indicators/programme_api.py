"""The regional programme under /api/v1/indicator-programme: staff load it from a file (YAML, CSV,
XLSX; all or nothing) and enter the values SES cannot compute. Its indicators appear in
/api/v1/indicators and on the dashboards beside the computed ones."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, put
from litestar import post as post_route
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody
from pydantic import BaseModel, Field

from ses.auth.policy import Role, allow
from ses.indicators import programme_store, services
from ses.uploads import read_upload
from ses.web.context import actor_of

PROGRAMME_BYTES = 4 * 1024 * 1024


class ProgrammeLoaded(BaseModel):
    loaded: int


class ManualValueIn(BaseModel):
    value: float = Field(ge=-1e12, le=1e12)
    note: str = Field(default="", max_length=2000)


class ManualValueOut(BaseModel):
    indicator: str
    territory: str
    period: str
    value: float
    note: str


class ProgrammeController(Controller):
    path = "/api/v1/indicator-programme"
    tags = ["Wskaźniki"]
    guards = [allow(Role.STAFF)]

    @post_route(
        "/",
        summary="Load the regional programme from YAML, CSV or XLSX (replaces it; all or nothing)",
        request_max_body_size=PROGRAMME_BYTES,
        status_code=200,
    )
    async def load(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ProgrammeLoaded:
        upload = await read_upload(data)
        loaded = await programme_store.load(
            upload.filename, upload.content, services.catalogue(), actor_of(request)
        )
        return ProgrammeLoaded(loaded=loaded)

    @put("/{code:str}/values/{territory:str}/{period:str}", summary="Enter a value SES cannot compute")
    async def put_value(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        territory: FromPath[str],
        period: FromPath[str],
        data: JSONBody[ManualValueIn],
    ) -> ManualValueOut:
        manual = await programme_store.programme_indicators(services.catalogue())
        stored = await programme_store.put_manual_value(
            code, territory, period, data.value, data.note, manual, actor_of(request)
        )
        return ManualValueOut(**stored)


ROUTES = (ProgrammeController,)
