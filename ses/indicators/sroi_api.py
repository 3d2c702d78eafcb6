"""SROI under /api/v1/sroi: the proxy library and analyses per OWES, PS or the region. The committee,
staff and reviewers read; staff write (every input checked first, Polish messages naming the field)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, Field

from ses.auth.policy import Role, allow
from ses.indicators import sroi, sroi_service
from ses.web.context import actor_of
from ses.web.schemas import Named

READERS = (Role.COMMITTEE, Role.STAFF, Role.REVIEWER)
Loose = str | float | int | None
"""Numbers arrive as numbers or strings ("1500,00"); the service checks them and names the field."""


class ProxyIn(BaseModel):
    name: str = Field(default="", max_length=300)
    unit: str = Field(default="", max_length=120)
    value_pln: Loose = None
    source: str = Field(default="", max_length=500, description="required: where the value comes from")
    year: Loose = None
    note: str = Field(default="", max_length=2000)
    version: int | None = Field(default=None, description="the version read; a stale one is refused (409)")


class ProxyOut(Named):
    unit: str
    value_pln: Decimal
    source: str
    year: int
    note: str
    version: int
    set_at: datetime
    set_by: str


class OutcomeIn(BaseModel):
    stakeholder: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=4000)
    quantity: Loose = None
    proxy_id: Loose = None
    deadweight: Loose = Field(default=None, description="% (0–100), required")
    attribution: Loose = Field(default=None, description="% (0–100), required")
    displacement: Loose = Field(default=None, description="% (0–100), required")
    drop_off: Loose = Field(default=None, description="% (0–100) a year, required")


class AnalysisIn(BaseModel):
    title: str = Field(default="", max_length=300)
    scope: str = Field(default="region", description="owes, ps or region")
    organisation_id: Loose = None
    year: Loose = None
    investment_pln: Loose = None
    duration_years: Loose = 1
    discount_rate: Loose = 3.5
    note: str = Field(default="", max_length=4000)
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=sroi_service.MAX_OUTCOMES + 1)
    version: int | None = None


class OutcomeOut(BaseModel):
    stakeholder: str
    description: str
    quantity: float
    proxy_id: int
    proxy_name: str
    proxy_unit: str
    proxy_source: str
    proxy_year: int
    value_pln: Decimal
    deadweight: float
    attribution: float
    displacement: float
    drop_off: float
    gross_pln: Decimal
    first_year_impact_pln: Decimal
    present_value_pln: Decimal


class ScenarioOut(BaseModel):
    label: str
    ratio: float | None


class AnalysisOut(BaseModel):
    id: int
    title: str
    scope: str
    organisation_id: int | None
    organisation_name: str | None
    year: int
    investment_pln: Decimal
    duration_years: int
    discount_rate: float
    note: str
    version: int
    outcomes: list[OutcomeOut]
    present_value_pln: Decimal
    net_value_pln: Decimal
    ratio: float | None
    """PLN of social value per 1 PLN invested (an impact estimate: never an indicator or output count)."""
    ratio_low: float | None
    ratio_high: float | None
    sensitivity: list[ScenarioOut]
    method: str
    sensitivity_rule: str


def proxy_out(row: dict[str, Any]) -> ProxyOut:
    return ProxyOut(**{key: row[key] for key in ProxyOut.model_fields})


def analysis_out(row: dict[str, Any]) -> AnalysisOut:
    result: sroi.Result = row["result"]
    return AnalysisOut(
        id=row["id"],
        title=row["title"],
        scope=row["scope"],
        organisation_id=row["organisation"],
        organisation_name=row["organisation_name"],
        year=row["year"],
        investment_pln=sroi.pln(row["investment_pln"]),
        duration_years=row["duration_years"],
        discount_rate=row["discount_rate"],
        note=row["note"],
        version=row["version"],
        outcomes=[
            OutcomeOut(
                stakeholder=item["stakeholder"],
                description=item["description"],
                quantity=item["quantity"],
                proxy_id=item["proxy"],
                proxy_name=item["proxy_name"],
                proxy_unit=item["proxy_unit"],
                proxy_source=item["proxy_source"],
                proxy_year=item["proxy_year"],
                value_pln=sroi.pln(item["value_pln"]),
                deadweight=item["deadweight"],
                attribution=item["attribution"],
                displacement=item["displacement"],
                drop_off=item["drop_off"],
                gross_pln=sroi.pln(valued.gross),
                first_year_impact_pln=sroi.pln(valued.first_year),
                present_value_pln=sroi.pln(valued.present_value),
            )
            for item, valued in zip(row["outcome_rows"], result.outcomes, strict=True)
        ],
        present_value_pln=sroi.pln(result.present_value),
        net_value_pln=sroi.pln(result.net_value),
        ratio=result.ratio,
        ratio_low=result.ratio_low,
        ratio_high=result.ratio_high,
        sensitivity=[ScenarioOut(label=s.label, ratio=s.ratio) for s in result.scenarios],
        method=sroi.METHOD_TEXT,
        sensitivity_rule=sroi.SENSITIVITY_TEXT,
    )


def proxy_input(data: ProxyIn) -> sroi_service.ProxyInput:
    return sroi_service.ProxyInput(data.name, data.unit, data.value_pln, data.source, data.year, data.note)


def analysis_input(data: AnalysisIn) -> sroi_service.AnalysisInput:
    return sroi_service.AnalysisInput(
        title=data.title,
        scope=data.scope,
        organisation_id=data.organisation_id,
        year=data.year,
        investment_pln=data.investment_pln,
        duration_years=data.duration_years,
        discount_rate=data.discount_rate,
        note=data.note,
        outcomes=[sroi_service.OutcomeInput(**item.model_dump()) for item in data.outcomes],
    )


class SroiController(Controller):
    """The committee, staff and reviewers read; staff write (each handler declares its policy)."""

    path = "/api/v1/sroi"
    tags = ["SROI"]

    @get(
        guards=[allow(*READERS)],
        path="/proxies",
        summary="The library of financial proxies (PLN per unit, with source and year)",
    )
    async def list_proxies(self) -> list[ProxyOut]:
        return [proxy_out(row) for row in await sroi_service.proxies()]

    @get(
        guards=[allow(*READERS)],
        path="/analyses",
        summary="SROI analyses with their ratio and sensitivity range",
    )
    async def list_analyses(self) -> list[AnalysisOut]:
        return [analysis_out(row) for row in await sroi_service.analyses()]

    @get(
        guards=[allow(*READERS)],
        path="/analyses/{analysis_id:int}",
        summary="One SROI analysis: outcomes, adjustments, ratio, sensitivity",
    )
    async def read_analysis(self, analysis_id: FromPath[int]) -> AnalysisOut:
        return analysis_out(await sroi_service.analysis(analysis_id))

    @post(
        guards=[allow(Role.STAFF)],
        path="/proxies",
        summary="Add a financial proxy (a proxy without a source is refused)",
    )
    async def create_proxy(self, request: Request[Any, Any, Any], data: JSONBody[ProxyIn]) -> ProxyOut:
        return proxy_out(await sroi_service.save_proxy(proxy_input(data), actor_of(request)))

    @put(
        guards=[allow(Role.STAFF)],
        path="/proxies/{proxy_id:int}",
        summary="Change a financial proxy (send the version read)",
    )
    async def update_proxy(
        self, request: Request[Any, Any, Any], proxy_id: FromPath[int], data: JSONBody[ProxyIn]
    ) -> ProxyOut:
        saved = await sroi_service.save_proxy(proxy_input(data), actor_of(request), proxy_id, data.version)
        return proxy_out(saved)

    @post(
        guards=[allow(Role.STAFF)],
        path="/analyses",
        summary="Create an SROI analysis (all four adjustments required, 0–100 %)",
    )
    async def create_analysis(
        self, request: Request[Any, Any, Any], data: JSONBody[AnalysisIn]
    ) -> AnalysisOut:
        return analysis_out(await sroi_service.save_analysis(analysis_input(data), actor_of(request)))

    @put(
        guards=[allow(Role.STAFF)],
        path="/analyses/{analysis_id:int}",
        summary="Replace an SROI analysis (send the version read)",
    )
    async def update_analysis(
        self, request: Request[Any, Any, Any], analysis_id: FromPath[int], data: JSONBody[AnalysisIn]
    ) -> AnalysisOut:
        saved = await sroi_service.save_analysis(
            analysis_input(data), actor_of(request), analysis_id, data.version
        )
        return analysis_out(saved)


ROUTES = (SroiController,)
