"""Input and answer models of the support-activity API and forms."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ses.activities.vocab import ActivityKind, ParticipantRole, Topic
from ses.web.schemas import Page

Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)
Id = int


class ActivityIn(BaseModel):
    model_config = Strict
    kind: ActivityKind
    topic: Topic
    title: str = Field(min_length=3, max_length=300)
    starts_on: date
    ends_on: date
    place: str = Field(min_length=2, max_length=300)
    gmina_code: str = Field(pattern=r"^\d{7}$")
    hours: Decimal = Field(gt=0, le=1000, decimal_places=1)
    description: str = Field(default="", max_length=20000)
    certificates: bool = False

    @model_validator(mode="after")
    def _dates(self) -> ActivityIn:
        if self.ends_on < self.starts_on:
            raise ValueError(
                "Działanie nie może się kończyć przed rozpoczęciem (data końca < data początku)."
            )
        return self


class ParticipantIn(BaseModel):
    model_config = Strict
    full_name: str = Field(min_length=3, max_length=200)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    role: ParticipantRole
    organisation_id: Id | None = Field(default=None, ge=1, le=2**31 - 1)
    institution: str = Field(default="", max_length=300)
    gmina_code: str | None = Field(default=None, pattern=r"^\d{7}$")
    consent_on: date | None = None
    completed: bool = False
    certificate_number: str | None = Field(default=None, max_length=60)


class TrainingNeedIn(BaseModel):
    model_config = Strict
    year: int = Field(ge=2020, le=2100)
    institution: str = Field(min_length=2, max_length=300)
    organisation_id: Id | None = Field(default=None, ge=1, le=2**31 - 1)
    gmina_code: str = Field(pattern=r"^\d{7}$")
    topic: Topic
    people: int = Field(ge=1, le=10000)
    priority: int = Field(default=2, ge=1, le=3)
    note: str = Field(default="", max_length=2000)


class PlanIn(BaseModel):
    model_config = Strict
    territory_code: str = Field(pattern=r"^\d{4}(\d{3})?$")
    title: str = Field(min_length=3, max_length=300)
    adopted_on: date


class TargetIn(BaseModel):
    model_config = Strict
    baseline: Decimal = Field(default=Decimal(0), ge=0)
    target: Decimal = Field(gt=0)
    target_year: int = Field(ge=2020, le=2100)


class EraseIn(BaseModel):
    model_config = Strict
    reason: str = Field(min_length=3, max_length=500)


class TrainingNeedTotal(BaseModel):
    """The survey's answers for one topic in a year, and the activities planned on it."""

    topic: str
    topic_label: str
    people: int
    institutions: int
    top_priority: int | None
    activities: int


class PlanOut(BaseModel):
    """A local government's deinstitutionalisation plan."""

    id: int
    territory_code: str
    territory_name: str | None
    title: str
    adopted_on: date


# -- answers (#13: the OpenAPI describes each JSON answer; the JSON itself comes from services) ----


class Created(BaseModel):
    """The id of what was just recorded."""

    id: int


class Erased(BaseModel):
    erased: int = Field(description="The id of the person whose data was removed")


class ActivitySummary(BaseModel):
    """An activity in the list, with its number of participants."""

    id: int
    kind: str
    topic: str
    title: str
    starts_on: date
    ends_on: date
    place: str
    hours: Decimal
    kind_label: str
    topic_label: str
    participants: int


class ActivityPage(Page[ActivitySummary]):
    pass


class ActivityOut(BaseModel):
    """A support activity (its ETag names the version)."""

    id: int
    kind: str
    topic: str
    title: str
    starts_on: date
    ends_on: date
    place: str
    gmina_code: str
    hours: Decimal
    description: str
    certificates: bool
    created_at: datetime
    version: int
    kind_label: str
    topic_label: str


class ParticipantOut(BaseModel):
    """A participation in an activity; a person whose data was removed shows no name."""

    id: int
    person_id: int
    full_name: str | None = Field(description="'dane usunięte na wniosek' once the data was removed")
    email: str | None
    consent_on: date | None
    anonymised_at: datetime | None
    role: str
    organisation_id: int | None
    institution: str
    gmina_code: str
    completed: bool
    certificate_number: str | None
    role_label: str


class ActivityDetails(ActivityOut):
    participants: list[ParticipantOut]


class IndicatorPeriod(BaseModel):
    """An indicator's value in one year: counted in the year and cumulatively (a share in % when the
    indicator has a denominator)."""

    period: str = Field(description="The year")
    in_year: int | None = Field(description="Counted in that year alone, for indicators counted so")
    cumulative: Decimal | int | None = Field(description="The value up to that year (None: no denominator)")
    count: int
    of: int | None = Field(description="The denominator of a share, if the indicator is one")
    realisation_pct: Decimal | None = Field(description="How far from the baseline to the target, in %")


class IndicatorOut(BaseModel):
    code: str
    name: str
    unit: str
    strand: str | None
    strand_label: str
    definition: str
    baseline: Decimal
    target: Decimal
    target_year: int
    periods: list[IndicatorPeriod]
    current: IndicatorPeriod | None = Field(description="The latest year's period")


class ProjectIndicators(BaseModel):
    """The project's indicators by year, against their targets."""

    region: str
    region_name: str
    years: list[str]
    indicators: list[IndicatorOut]
