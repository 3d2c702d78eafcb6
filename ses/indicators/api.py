"""JSON API of indicators under /api/v1/indicators (read by the committee, ROPS staff, reviewers)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field

from ses.auth.policy import Role, allow
from ses.indicators import services, snapshots
from ses.indicators.schemas import (
    BehindOut,
    IndicatorOut,
    ValuesOut,
    behind_out,
    indicator_out,
    values_out,
)
from ses.web.dependencies import Paging, paging_of
from ses.web.params import OptionalYear

READERS = (Role.COMMITTEE, Role.STAFF, Role.REVIEWER)


class SnapshotIn(BaseModel):
    period: str | None = Field(default=None, description="2025 or 2025-Q3; the current year when omitted")
    indicators: list[str] | None = Field(default=None, description="only these codes; all when omitted")


class SnapshotOut(BaseModel):
    period: str
    indicators: int
    values: int
    seconds: float


class SeriesPoint(BaseModel):
    period: str
    value: float | None
    """None: no data (never zero)."""
    source: str
    """live, snapshot or none."""
    change: float | None
    """Change since the previous point (None when either has no data)."""


class SeriesOut(BaseModel):
    indicator: str
    territory: str
    baseline: dict[str, float] | None
    target: dict[str, float] | None
    points: list[SeriesPoint]


class IndicatorController(Controller):
    path = "/api/v1/indicators"
    tags = ["Wskaźniki"]
    guards = [allow(*READERS)]

    @get("/", summary="Indicator definitions with baseline and target")
    async def list_indicators(self) -> list[IndicatorOut]:
        return [indicator_out(ind) for ind in (await services.full_catalogue()).values()]

    @get("/{code:str}", summary="One indicator definition")
    async def read(self, code: FromPath[str]) -> IndicatorOut:
        return indicator_out(await services.find(code))

    @get("/{code:str}/values", summary="Values by territory for one period (no data is null, never 0)")
    async def read_values(
        self,
        code: FromPath[str],
        level: FromQuery[str | None] = None,
        territory: FromQuery[str | None] = None,
        period: FromQuery[str | None] = None,
    ) -> ValuesOut:
        return values_out(await services.values(code, level, territory, period))

    @get(
        "/{code:str}/values/{territory:str}/behind",
        summary="What one value was computed from (organisations or ties), with the same filters",
        dependencies={"paging": paging_of(50, services.MAX_BEHIND_PAGE)},
    )
    async def read_behind(
        self,
        code: FromPath[str],
        territory: FromPath[str],
        paging: Paging,
        period: FromQuery[str | None] = None,
    ) -> BehindOut:
        _, chosen, found = await services.behind(code, territory, period, paging.page, paging.page_size)
        return behind_out(code, territory, chosen.code, found, paging.page, paging.page_size)

    @get("/{code:str}/series", summary="One territory's values over the years, with baseline and target")
    async def series(
        self,
        code: FromPath[str],
        territory: FromQuery[str],
        start: OptionalYear = None,
        end: OptionalYear = None,
    ) -> SeriesOut:
        ind, points = await services.series(code, territory, start, end)
        previous: float | None = None
        out = []
        for period, value, source in points:
            change = value - previous if value is not None and previous is not None else None
            out.append(SeriesPoint(period=period, value=value, source=source, change=change))
            previous = value
        return SeriesOut(
            indicator=code,
            territory=territory,
            baseline={"value": ind.baseline.value, "year": ind.baseline.year} if ind.baseline else None,
            target={"value": ind.target.value, "year": ind.target.year} if ind.target else None,
            points=out,
        )


class SnapshotController(Controller):
    path = "/api/v1/indicator-snapshots"
    tags = ["Wskaźniki"]
    guards = [allow(Role.STAFF)]

    @post("/", summary="Take a snapshot of every indicator for one period (replaces that period's)")
    async def take(self, request: Request[Any, Any, Any], data: JSONBody[SnapshotIn]) -> SnapshotOut:
        user = request.scope.get("user")
        label = getattr(user, "label", "api")
        done = await snapshots.take_snapshot(data.period, label, data.indicators)
        return SnapshotOut(
            period=done.period, indicators=done.indicators, values=done.values, seconds=done.seconds
        )


ROUTES = (IndicatorController, SnapshotController)
