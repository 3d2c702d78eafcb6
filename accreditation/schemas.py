"""API input models of the accreditation package (pydantic v2). Outputs are plain JSON objects
built by the services."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

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
