"""API input and output models of the cooperation network (pydantic v2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from network.vocab import Intensity, Origin, RelationType
from ses.web.schemas import Named, Page, PageInfo

MAX_ID = 2**31 - 1
"""The largest id the tables hold (32-bit integer keys): a larger one is refused as input (the
fuzzer's ids past it made PostgreSQL answer 500)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An organisation, relation or survey id given in a body."""


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RelationCreate(_In):
    source_id: Id
    target_id: Id
    relation_type: RelationType
    directed: bool | None = Field(default=None, description="Default: by type (cooperation has no direction)")
    weight: float = Field(default=1.0, gt=0, le=1000)
    intensity: Intensity | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    formal_basis: str | None = Field(default=None, max_length=300)
    value_pln: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    social_clause: bool | None = None
    service: str | None = Field(default=None, max_length=40)
    confidence: float = Field(default=1.0, ge=0, le=1)
    origin: Origin = Origin.MANUAL
    note: str | None = Field(default=None, max_length=2000)


class RelationUpdate(_In):
    """Only the fields sent are changed."""

    relation_type: RelationType | None = None
    directed: bool | None = None
    weight: float | None = Field(default=None, gt=0, le=1000)
    intensity: Intensity | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    formal_basis: str | None = Field(default=None, max_length=300)
    value_pln: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    social_clause: bool | None = None
    service: str | None = Field(default=None, max_length=40)
    confidence: float | None = Field(default=None, ge=0, le=1)
    note: str | None = Field(default=None, max_length=2000)


class Relation(BaseModel):
    id: int
    source_id: int
    target_id: int
    relation_type: str
    directed: bool
    weight: float
    intensity: str | None
    valid_from: date | None
    valid_to: date | None
    formal_basis: str | None
    value_pln: Decimal | None
    social_clause: bool | None
    service: str | None
    confidence: float
    origin: str
    survey_response_id: int | None
    owes_report_id: int | None = None
    source_row: str | None = None
    note: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class RelationPage(Page[Relation]):
    pass


class SurveyCreate(_In):
    name: str = Field(min_length=3, max_length=200)
    opened_on: date
    closes_on: date | None = None
    invited_ids: list[Id] | None = Field(
        default=None, max_length=5000, description="At least one organisation is invited (required)."
    )


class Invitations(_In):
    organisation_ids: list[Id] = Field(min_length=1, max_length=5000)


class Survey(Named):
    opened_on: date
    closes_on: date | None
    state: str
    invited: int
    responded: int
    response_rate: float


class PartnerAnswer(_In):
    partner_id: Id
    trust: list[int] = Field(description="Three items 1–4: reliability, mission, openness")
    value: list[int] = Field(description="Three items 1–4: power/influence, involvement, resources")


class ResponseIn(_In):
    respondent_id: Id
    partners: list[PartnerAnswer] = Field(max_length=500)


class ResponseOut(BaseModel):
    id: int
    survey_id: int
    respondent_id: int
    partners: int
    relations_created: int


class OrganisationScore(BaseModel):
    organisation_id: int
    name: str
    ratings: int
    trust: float
    value: float


class SurveyScores(PageInfo):
    survey_id: int
    invited: int
    responded: int
    response_rate: float
    relationship_trust: float | None
    relationship_value: float | None
    organisations: list[OrganisationScore]


class Metrics(BaseModel):
    scope: dict[str, Any]
    version: int
    cached: bool
    summary: dict[str, Any]


class NodeMetricsPage(Page[dict[str, Any]]):
    scope: dict[str, Any]
    version: int | None = None
    cached: bool | None = None


class CommunityPage(Page[dict[str, Any]]):
    scope: dict[str, Any]
    modularity: float | None
    seed: int


class GraphNode(BaseModel):
    """An organisation of the network (further attributes of the graph may follow)."""

    model_config = ConfigDict(extra="allow")
    id: int
    name: str | None = None
    kind: str | None = None
    sector: str | None = None
    gmina: str | None = None
    owes: bool | None = None


class GraphLink(BaseModel):
    """A tie between two organisations, with the number and types of relations behind it."""

    model_config = ConfigDict(extra="allow")
    source: int
    target: int
    ties: int | None = None
    types: str | None = None
    weight: float | None = None


class GraphExport(BaseModel):
    """The network as nodes and links (the node-link form networkx and D3 read)."""

    directed: bool
    nodes: list[GraphNode]
    links: list[GraphLink]


class RegionIndexState(BaseModel):
    enabled: bool
    current: bool = Field(description="Whether the in-memory region index holds the current data")
    building: bool
    ties: int | None
    min_ties: int


class NetworkStatus(BaseModel):
    """The network's data version and the state of its region index (operators and benchmarks)."""

    version: int
    index: RegionIndexState


class ScopeOut(BaseModel):
    """The network an answer describes: date, territory, relation types, ego network."""

    as_of: date | None
    territory: str | None
    types: list[str]
    ego: int | None
    own_ties_only: bool


_FromDate = create_model("_FromDate", **{"from": (date, ...)})  # `from` is a Python keyword


class NetworkChange(_FromDate):  # type: ignore[misc,valid-type]
    """New and ended ties between two dates (ties counted once per connected pair)."""

    scope: ScopeOut
    version: int
    cached: bool
    to: date
    ties_from: int
    ties_to: int
    new_ties: int
    ended_ties: int
    density_from: float
    density_to: float
    density_change: float


class Components(BaseModel):
    count: int
    largest: int
    isolates: int


class TimelinePoint(BaseModel):
    """The network on one date; the changes since the previous point are null at the first."""

    on: date
    organisations: int
    active_organisations: int
    ties: int
    density: float
    components: Components
    new_ties: int | None
    ended_ties: int | None
    density_change: float | None
    started: int | None
    ended: int | None


class Timeline(BaseModel):
    scope: ScopeOut
    version: int
    cached: bool
    points: list[TimelinePoint]


class GminaWithoutTie(BaseModel):
    gmina: str
    pes: int
    office_ids: list[int]
    office_in_register: bool


class CriticalOrganisation(BaseModel):
    id: int
    name: str | None
    pieces: int
    cut_off: int


class MissingTie(BaseModel):
    a: int
    b: int
    a_name: str | None
    b_name: str | None
    shared_partners: int
    jaccard: float


class Recommendations(BaseModel):
    scope: ScopeOut
    version: int
    cached: bool
    gminas_without_local_government_tie: list[GminaWithoutTie]
    critical_organisations: list[CriticalOrganisation]
    missing_ties: list[MissingTie]
