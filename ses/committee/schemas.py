"""Input models of the committee's API and forms (pydantic; Polish messages come from services)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from ses.committee.vocab import Function, Group, LeaveReason, MeetingState, Presence, ResolutionKind

Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TermIn(BaseModel):
    model_config = Strict
    number: int = Field(ge=1, le=99)
    starts_on: date
    appointing_act: str = Field(min_length=3, max_length=200)


class MemberIn(BaseModel):
    model_config = Strict
    term_id: int = Field(ge=1, le=2**31 - 1)
    person_name: str = Field(min_length=3, max_length=200)
    group: Group
    seat: int = Field(default=1, ge=1, le=20)
    function: Function = Function.MEMBER
    deputy_for_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    represented_body: str = Field(min_length=2, max_length=300)
    organisation_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    email: str | None = Field(default=None, max_length=200)
    appointed_on: date


class MemberLeave(BaseModel):
    model_config = Strict
    left_on: date
    reason: LeaveReason
    note: str = Field(default="", max_length=2000)


class MeetingIn(BaseModel):
    model_config = Strict
    term_id: int = Field(ge=1, le=2**31 - 1)
    held_on: date
    place: str = Field(min_length=2, max_length=300)
    agenda: str = Field(min_length=3, max_length=20000)
    state: MeetingState = MeetingState.PLANNED


class AttendanceRow(BaseModel):
    model_config = Strict
    member_id: int = Field(ge=1, le=2**31 - 1)
    presence: Presence
    note: str = Field(default="", max_length=300)


class AttendanceIn(BaseModel):
    model_config = Strict
    rows: list[AttendanceRow] = Field(max_length=200)


class ResolutionIn(BaseModel):
    model_config = Strict
    number: str = Field(min_length=1, max_length=40)
    kind: ResolutionKind
    subject: str = Field(min_length=3, max_length=500)
    text: str = Field(default="", max_length=50000)
    votes_for: int = Field(ge=0, le=1000)
    votes_against: int = Field(ge=0, le=1000)
    abstained: int = Field(ge=0, le=1000)


class TermOut(BaseModel):
    """One three-year term of the committee."""

    id: int
    number: int
    starts_on: date
    ends_on: date
    appointing_act: str
    created_at: datetime
    version: int
    current: bool


class MeetingSummary(BaseModel):
    id: int
    term_id: int
    number: int
    held_on: date
    place: str
    state: str
    state_label: str


class MemberOut(BaseModel):
    """A member or deputy of a term; `email` only for staff (absent for other readers)."""

    id: int
    term_id: int
    person_name: str
    group: str
    seat: int
    function: str
    deputy_for_id: int | None
    represented_body: str
    organisation_id: int | None
    organisation_name: str | None
    email: str | None = Field(default=None, description="Only for staff; absent for other readers")
    appointed_on: date
    left_on: date | None
    leave_reason: str | None
    leave_note: str | None
    version: int
    group_label: str
    function_label: str
    leave_label: str | None
    in_office: bool


class MemberInTerm(MemberOut):
    absence_flag: list[int] | None = Field(
        description="Numbers of the meetings missed in a row that allow ending the membership, if any"
    )


class TermDetails(TermOut):
    members: list[MemberInTerm]
    meetings: list[MeetingSummary]


class AttendanceOut(BaseModel):
    member_id: int
    person_name: str
    group_label: str
    function: str
    function_label: str
    presence: str | None
    presence_label: str
    note: str


class Quorum(BaseModel):
    members: int
    present: int
    required: int
    reached: bool
    recorded: bool = Field(description="Whether an attendance list has been recorded")


class DocumentSummary(BaseModel):
    id: int
    title: str
    filename: str
    size: int


class ResolutionOut(BaseModel):
    id: int
    meeting: int
    number: str
    kind: str
    subject: str
    text: str
    votes_for: int
    votes_against: int
    abstained: int
    adopted: bool
    created_at: datetime
    kind_label: str


class MeetingDetails(BaseModel):
    """A meeting with its attendance (every member in office that day), quorum, documents and
    resolutions."""

    id: int
    term_id: int
    number: int
    held_on: date
    place: str
    agenda: str
    state: str
    minutes_note: str
    version: int
    state_label: str
    attendance: list[AttendanceOut]
    quorum: Quorum
    documents: list[DocumentSummary]
    resolutions: list[ResolutionOut]


class DocumentCreated(BaseModel):
    id: int
