"""The composite condition index under /api/v1/indicators/index: read by the committee, staff and
reviewers; its weights set by staff (checked whole: nothing is stored when one is wrong)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, put
from litestar.params import FromQuery, JSONBody
from pydantic import BaseModel, Field

from ses.auth.policy import Role, allow
from ses.indicators import composite, index_service
from ses.indicators.display import name
from ses.indicators.pages import region_code
from ses.web.context import actor_of

READERS = (Role.COMMITTEE, Role.STAFF, Role.REVIEWER)


class WeightIn(BaseModel):
    indicator: str = Field(max_length=80)
    weight: float


class WeightingIn(BaseModel):
    method: str = Field(default="minmax", description="minmax or zscore")
    components: list[WeightIn] = Field(max_length=composite.MAX_COMPONENTS * 2)
    reason: str = Field(default="", max_length=2000)


class WeightOut(BaseModel):
    indicator: str
    name: str | None
    weight: float
    direction: str | None


class WeightingOut(BaseModel):
    method: str
    method_label: str
    components: list[WeightOut]
    is_default: bool
    """True: staff have not set weights yet; the documented default is in force."""
    set_at: datetime | None
    set_by: str
    reason: str
    method_text: str
    missing_rule: str
    sensitivity_rule: str


class PartOut(BaseModel):
    indicator: str
    raw: float | None
    """The component's value (per 10,000 inhabitants where the indicator is shown so); None: no data."""
    score: float | None
    """Normalised: 0–1 for min–max, standard deviations for z-score."""
    weight: float
    contribution: float | None


class StandingOut(BaseModel):
    territory: str
    name: str
    index: float | None
    """None: not enough data (brak danych) — never zero."""
    rank: int | None
    rank_best: int | None
    rank_worst: int | None
    """The best and worst rank when each weight moves ±10 %."""
    coverage: float
    weakest: str | None
    """The component with the lowest normalised score: why the territory ranks where it does."""
    components: list[PartOut]


class IndexOut(BaseModel):
    level: str
    territory: str
    period: str
    weighting: WeightingOut
    territories: list[StandingOut]


async def weighting_out(chosen: index_service.Weighting) -> WeightingOut:
    catalogue = await index_service.services.full_catalogue()
    return WeightingOut(
        method=chosen.method,
        method_label=composite.METHODS.get(chosen.method, chosen.method),
        components=[
            WeightOut(
                indicator=code,
                name=name(catalogue[code]) if code in catalogue else None,
                weight=weight,
                direction=catalogue[code].direction.value if code in catalogue else None,
            )
            for code, weight in chosen.components
        ],
        is_default=chosen.is_default,
        set_at=chosen.set_at,
        set_by=chosen.set_by,
        reason=chosen.reason,
        method_text=composite.METHOD_TEXT,
        missing_rule=composite.MISSING_TEXT,
        sensitivity_rule=composite.SENSITIVITY_TEXT,
    )


class IndexController(Controller):
    path = "/api/v1/indicators/index"
    tags = ["Wskaźniki"]
    guards = [allow(*READERS)]

    @get("/", summary="The composite condition index by territory, with the rank range under ±10 % weights")
    async def read_index(
        self,
        level: FromQuery[str | None] = None,
        territory: FromQuery[str | None] = None,
        period: FromQuery[str | None] = None,
    ) -> IndexOut:
        table = await index_service.index_table(level, territory, period, await region_code())
        return IndexOut(
            level=table.level.value,
            territory=table.territory,
            period=table.period.code,
            weighting=await weighting_out(table.weighting),
            territories=[
                StandingOut(
                    territory=s.territory,
                    name=table.names.get(s.territory, s.territory),
                    index=s.index,
                    rank=s.rank,
                    rank_best=s.rank_best,
                    rank_worst=s.rank_worst,
                    coverage=s.coverage,
                    weakest=s.weakest.code if s.weakest else None,
                    components=[
                        PartOut(
                            indicator=p.code,
                            raw=p.raw,
                            score=p.score,
                            weight=p.weight,
                            contribution=p.contribution,
                        )
                        for p in s.parts
                    ],
                )
                for s in table.standings
            ],
        )

    @get("/weights", summary="The weights in force and the documented method")
    async def read_weights(self) -> WeightingOut:
        return await weighting_out(await index_service.weighting())


@put(
    "/api/v1/indicators/index/weights",
    summary="Set the weights (must sum to one; all or nothing)",
    guards=[allow(Role.STAFF)],
    tags=["Wskaźniki"],
)
async def set_weights(request: Request[Any, Any, Any], data: JSONBody[WeightingIn]) -> WeightingOut:
    pairs = [(item.indicator, item.weight) for item in data.components]
    chosen = await index_service.set_weighting(data.method, pairs, data.reason, actor_of(request))
    return await weighting_out(chosen)


ROUTES = (IndexController, set_weights)
