"""API input and output models of the register (pydantic v2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ses.register.statuses import PsGoal, StatusType
from ses.register.vocab import ActivityState, Kind, LegalForm
from ses.web.schemas import Page


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrganisationCreate(_In):
    name: str = Field(min_length=2, max_length=300)
    kind: Kind
    legal_form: LegalForm | None = None
    activity_state: ActivityState = ActivityState.ACTIVE
    gmina_code: str = Field(description="7-digit TERC code of the gmina of the seat")
    locality: str | None = Field(default=None, max_length=120)
    street: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=6)
    krs: str | None = Field(default=None, max_length=20)
    nip: str | None = Field(default=None, max_length=20)
    regon: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=200)
    website: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=40)
    registered_on: date | None = None
    founder_id: int | None = Field(default=None, description="The body running a CIS, KIS, ZAZ or WTZ")
    is_owes: bool = False


class OrganisationUpdate(_In):
    """Only the fields sent are changed; send null to clear an optional field."""

    name: str | None = Field(default=None, min_length=2, max_length=300)
    kind: Kind | None = None
    legal_form: LegalForm | None = None
    activity_state: ActivityState | None = None
    gmina_code: str | None = None
    locality: str | None = Field(default=None, max_length=120)
    street: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=6)
    krs: str | None = Field(default=None, max_length=20)
    nip: str | None = Field(default=None, max_length=20)
    regon: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=200)
    website: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=40)
    registered_on: date | None = None
    founder_id: int | None = None
    is_owes: bool | None = None


class Retirement(_In):
    reason: str = Field(min_length=3, max_length=2000)


class Organisation(BaseModel):
    id: int
    name: str
    kind: str
    pes_letter: str | None
    legal_form: str
    activity_state: str
    is_owes: bool
    founder_id: int | None
    krs: str | None
    nip: str | None
    regon: str | None
    voivodeship_code: str
    powiat_code: str
    gmina_code: str
    locality: str | None
    street: str | None
    postal_code: str | None
    email: str | None
    website: str | None
    phone: str | None
    registered_on: date | None
    ps_state: str | None
    unit_state: str | None
    is_demo: bool
    version: int
    created_at: datetime
    updated_at: datetime
    retired_reason: str | None = None


class OrganisationPage(Page[Organisation]):
    facets: dict[str, dict[str, int]] | None = None


class StatusCreate(_In):
    status_type: StatusType
    state: str = "active"
    goal: PsGoal | None = None
    decision_number: str | None = Field(default=None, max_length=80)
    decision_date: date | None = None
    granted_by: str | None = Field(default=None, max_length=200)
    valid_from: date | None = None
    reason: str | None = Field(default=None, max_length=2000)


class StatusTransitionIn(_In):
    to_state: str
    on_date: date
    decision_number: str | None = Field(default=None, max_length=80)
    final_date: date | None = Field(default=None, description="When a loss decision became final")
    reason: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, description="The status version you saw (optional check)")


class StatusExtensionIn(_In):
    decision_number: str = Field(min_length=1, max_length=80)
    decision_date: date = Field(description="The voivode's decision extending the status")
    valid_to: date | None = Field(
        default=None, description="The new last day; by default the term again from the current last day"
    )
    reason: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, description="The status version you saw (optional check)")


class LossFinalIn(_In):
    final_date: date = Field(description="The day the loss decision became final")
    reason: str = Field(min_length=1, max_length=2000)


class StatusEventOut(BaseModel):
    from_state: str | None
    to_state: str
    on_date: date
    decision_number: str | None
    reason: str | None
    actor: str
    at: datetime


class LegalStatusOut(BaseModel):
    id: int
    organisation_id: int
    status_type: str
    state: str
    goal: str | None
    decision_number: str | None
    decision_date: date | None
    granted_by: str | None
    valid_from: date | None
    valid_to: date | None
    loss_decision_number: str | None
    loss_decision_date: date | None
    loss_final_date: date | None
    reapply_after: date | None
    version: int
    events: list[StatusEventOut] = []


class YearFiguresIn(_In):
    employees: int = Field(ge=0, le=100_000)
    employees_at_risk: int = Field(default=0, ge=0, le=100_000)
    employees_disabled: int = Field(default=0, ge=0, le=100_000)
    revenue_pln: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    market_revenue_pln: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)


class YearFiguresOut(BaseModel):
    """People employed and revenue (the year figures: empty when none were entered for the year)
    beside the jobs created that year as accepted OWES reports count them (a different measure)."""

    year: int
    employees: int | None
    employees_at_risk: int | None
    employees_disabled: int | None
    revenue_pln: Decimal | None
    market_revenue_pln: Decimal | None
    market_share: Decimal | None
    source: str | None
    jobs_created: int = 0
    jobs_created_at_risk: int = 0
    jobs_created_disabled: int = 0


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    channel: str
    action: str
    changes: dict[str, Any]
    reason: str | None


class ImportReport(BaseModel):
    created: int
    rows: int
    dry_run: bool = False
    changed: int = 0
    """Existing records the file changed (rows naming one by id, KRS, NIP or REGON)."""
    unchanged: int = 0


class AnnualReportIn(_In):
    status_type: StatusType = Field(description="ps, cis or kis")
    year: int = Field(ge=2000, le=2100, description="The year the report is about")
    submitted_on: date = Field(description="The day the report came in")
    note: str | None = Field(default=None, max_length=2000)


class AnnualReportOut(BaseModel):
    status_type: str
    year: int
    due_on: date = Field(description="31 March of the next year")
    submitted_on: date | None
    state: str = Field(description="submitted, late, overdue or due")


class Compliance(BaseModel):
    """What the law asks of the organisation's statuses, checked against the register."""

    warnings: list[str] = Field(
        description="PS conditions against the latest year figures, the KIS 30-day entry, overdue reports"
    )
    annual_reports: list[AnnualReportOut]
