"""API input and output models of the accreditation package (pydantic v2). The services build the
answers as plain JSON objects; the output models describe them in the OpenAPI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from accreditation.checklists import Template
from accreditation.lifecycle import CriterionResult, OpinionConclusion, VerificationMode

MAX_ID = 2**31 - 1  # ids are 32-bit integers in both databases
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TemplateImport(_In):
    content: str = Field(min_length=1, max_length=2_000_000, description="The template file's text")
    format: Literal["yaml", "json"] = "yaml"


class AccreditationCreate(_In):
    organisation_id: Id = Field(description="The lead applicant (a register organisation)")
    owes_name: str | None = Field(default=None, max_length=300, description="Defaults to the lead's name")
    call_edition: str = Field(min_length=2, max_length=120)
    state: Literal["submitted", "accredited"] = "accredited"
    decision_number: str | None = Field(default=None, max_length=80)
    decision_date: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    partner_ids: list[Id] = Field(default_factory=list, max_length=50)
    powiat_codes: list[str] = Field(default_factory=list, max_length=400)


class AccreditationTransition(_In):
    to_state: str = Field(min_length=2, max_length=24)
    reason: str = Field(min_length=3, max_length=4000)
    on_date: date | None = None
    decision_number: str | None = Field(default=None, max_length=80)
    decision_date: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class TeamMemberIn(_In):
    name: str = Field(min_length=2, max_length=200)
    role: str = Field(min_length=2, max_length=120)
    institution: str | None = Field(default=None, max_length=200)


class VerificationCreate(_In):
    accreditation_id: Id
    template_id: Id
    scope: str = Field(min_length=3, max_length=10_000)
    modes: list[VerificationMode] = Field(min_length=1)
    team: list[TeamMemberIn] = Field(default_factory=list, max_length=30)
    planned_from: date
    planned_to: date


class VerificationTransition(_In):
    to_state: str = Field(min_length=2, max_length=24)
    reason: str = Field(min_length=3, max_length=4000, description="Why (recorded in the history)")


class CriterionResultIn(_In):
    code: str = Field(min_length=1, max_length=24)
    result: CriterionResult | None = None
    finding: str | None = Field(default=None, max_length=10_000)
    recommendation: str | None = Field(default=None, max_length=10_000)
    recommendation_deadline: date | None = None
    recommendation_done_on: date | None = None


class ResultsIn(_In):
    results: list[CriterionResultIn] = Field(min_length=1, max_length=1000)


class EvidenceRequestIn(_In):
    codes: list[str] = Field(min_length=1, max_length=1000)
    note: str | None = Field(default=None, max_length=4000)
    due: date | None = None


class CommentIn(_In):
    body: str = Field(min_length=1, max_length=10_000)


class SelfAssessmentItem(_In):
    code: str = Field(min_length=1, max_length=24)
    result: CriterionResult
    comment: str | None = Field(default=None, max_length=10_000)


class SelfAssessmentIn(_In):
    items: list[SelfAssessmentItem] = Field(min_length=1, max_length=1000)


class OpinionCreate(_In):
    conclusion: OpinionConclusion | None = Field(default=None, description="Defaults to the suggested one")
    justification: str | None = Field(default=None, max_length=20_000)
    reference_number: str | None = Field(default=None, max_length=80)
    signatory_name: str = Field(min_length=3, max_length=200)
    signatory_position: str = Field(min_length=3, max_length=300)
    place: str = Field(min_length=2, max_length=120)
    issue_date: date | None = None


class OpinionUpdate(_In):
    conclusion: OpinionConclusion | None = None
    justification: str | None = Field(default=None, min_length=3, max_length=20_000)
    reference_number: str | None = Field(default=None, max_length=80)
    signatory_name: str | None = Field(default=None, min_length=3, max_length=200)
    signatory_position: str | None = Field(default=None, min_length=3, max_length=300)
    place: str | None = Field(default=None, min_length=2, max_length=120)
    issue_date: date | None = None


# -- answers ------------------------------------------------------------------------------------


class TemplateOut(BaseModel):
    """A stored checklist template version."""

    id: int
    code: str
    version: str
    title: str
    status: str
    criteria_count: int
    sha256: str
    created_at: datetime
    created_by: str


class TemplateDetails(TemplateOut):
    content: Template = Field(description="Parts, areas and criteria, as in the template file")


class Partner(BaseModel):
    organisation_id: int
    name: str


class AccreditationOut(BaseModel):
    id: int
    organisation_id: int
    lead_name: str
    owes_name: str
    call_edition: str
    decision_number: str | None
    decision_date: date | None
    valid_from: date | None
    valid_to: date | None
    state: str
    ended_on: date | None
    powiat_codes: list[str]
    version: int
    created_at: datetime
    updated_at: datetime
    partners: list[Partner]
    effective_state: str = Field(
        description="The state on this day (an accreditation past valid_to has expired)"
    )
    state_label: str


class CurrentAccreditation(BaseModel):
    organisation_id: int
    current: AccreditationOut | None = Field(description="The accreditation in force today, if any")


class TeamMember(BaseModel):
    name: str
    role: str
    institution: str


class VerificationOut(BaseModel):
    id: int
    accreditation_id: int
    organisation_id: int
    owes_name: str
    template_id: int
    state: str
    scope: str
    modes: list[str]
    team: list[TeamMember]
    planned_from: date
    planned_to: date
    version: int
    created_at: datetime
    updated_at: datetime
    state_label: str


class TemplateRef(BaseModel):
    id: int
    code: str
    version: str
    title: str
    status: str


class CommentOut(BaseModel):
    id: int
    author: str
    author_role: str
    body: str
    at: datetime


class CriterionComment(CommentOut):
    code: str


class EvidenceOut(BaseModel):
    id: int
    code: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_role: str
    uploaded_at: datetime


class CriterionOut(BaseModel):
    """A criterion of the template with its assessment; the reviewers' working results (`result` to
    `recommendation_done_on`) are absent for an OWES."""

    part: str
    area: str
    area_title: str
    code: str
    requirement: str
    verification_methods: list[str]
    evidence_types: list[str]
    whole_period: bool
    scoring: str
    max_points: int | None
    weight: float
    legal_reference: str | None
    result: str | None = None
    finding: str | None = None
    recommendation: str | None = None
    recommendation_deadline: date | None = None
    recommendation_done_on: date | None = None
    evidence_requested: bool = False
    request_note: str | None = None
    request_due: date | None = None
    requested_at: datetime | None = None
    answered_at: datetime | None = None
    self_result: str | None = None
    self_comment: str | None = None
    self_updated_at: datetime | None = None
    comments: list[CommentOut]
    evidence: list[EvidenceOut]


class VerificationDetails(VerificationOut):
    """A verification opened: every criterion with results, evidence and comments."""

    template: TemplateRef
    criteria: list[CriterionOut]


class SelfAssessmentRow(BaseModel):
    code: str
    area: str
    requirement: str
    self_result: str | None
    self_comment: str | None
    self_updated_at: datetime | None
    reviewer_result: str | None = Field(default=None, description="Staff and reviewers only")
    agrees: bool | None = Field(default=None, description="Staff and reviewers only")


class SelfAssessment(BaseModel):
    verification_id: int
    state: str
    open: bool = Field(description="Whether the OWES may still change its self-assessment")
    items: list[SelfAssessmentRow]


class SuggestedConclusion(BaseModel):
    conclusion: str
    conclusion_label: str
    reasons: list[str]
    rule: str


class OpinionOut(BaseModel):
    id: int
    verification_id: int
    number: int
    state: str
    conclusion: str
    justification: str
    reference_number: str | None
    signatory_name: str
    signatory_position: str
    place: str
    issue_date: date
    sha256: str | None = Field(description="SHA-256 of the approved DOCX")
    approved_by: str | None
    approved_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    state_label: str
    conclusion_label: str
    locked: bool
    justification_generated: bool


class ExpiringAccreditation(BaseModel):
    id: int
    organisation_id: int
    owes_name: str
    decision_number: str | None
    state: str
    valid_to: date
    days_left: int
    expired: bool


class OverdueVerification(BaseModel):
    id: int
    owes_name: str
    organisation_id: int
    state: str
    planned_to: date
    days_overdue: int
    state_label: str


class OverdueCorrectiveAction(BaseModel):
    verification_id: int
    owes_name: str
    organisation_id: int
    code: str
    recommendation: str | None
    deadline: date
    days_overdue: int


class UnansweredEvidenceRequest(BaseModel):
    verification_id: int
    owes_name: str
    organisation_id: int
    code: str
    request_note: str | None
    due: date | None
    requested_at: datetime | None
    overdue: bool


class Deadlines(BaseModel):
    """Expiring accreditations and overdue work (for reminders)."""

    today: date
    within_days: int
    expiring_accreditations: list[ExpiringAccreditation]
    overdue_verifications: list[OverdueVerification]
    corrective_actions_overdue: list[OverdueCorrectiveAction]
    unanswered_evidence_requests: list[UnansweredEvidenceRequest]
