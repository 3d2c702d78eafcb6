"""API input and output models of OWES reporting (pydantic v2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from ses.web.schemas import Page


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReportCreate(_In):
    period: str = Field(description="2025-Q1 for quarterly definitions, 2025 for yearly ones", max_length=10)
    data: dict[str, Any] = Field(default_factory=dict, description="Fields and tables of the definition")
    definition_code: str = Field(default="owes-quarterly", max_length=60)
    definition_version: int | None = Field(default=None, description="Default: the latest published version")
    owes_id: int | None = Field(default=None, description="Only staff entering a report for an OWES send it")
    submit: bool = Field(default=False, description="Validate in full and submit at once (machine clients)")
    comment: str | None = Field(default=None, max_length=4000)


class ContentIn(_In):
    data: dict[str, Any]


class CommentIn(_In):
    comment: str | None = Field(default=None, max_length=4000)


class ReasonIn(_In):
    comment: str = Field(
        min_length=3, max_length=4000, description="Why (shown to the OWES, kept in history)"
    )


class CorrectionIn(_In):
    data: dict[str, Any] | None = Field(
        default=None, description="New content; default: a copy of the last version"
    )
    comment: str | None = Field(default=None, max_length=4000)
    submit: bool = False


class Report(BaseModel):
    id: int
    owes_id: int
    owes_name: str | None = None
    definition_code: str
    definition_version: int | None = None
    period: str
    period_start: date
    period_end: date
    deadline: date
    state: str
    current_version: int
    submitted_at: datetime | None
    late: bool
    accepted_at: datetime | None
    accepted_by: str | None
    register_links: dict[str, Any]
    row_version: int
    created_at: datetime
    updated_at: datetime
    data: dict[str, Any] | None = None
    allowed_actions: list[str] | None = None


class ReportPage(Page[Report]):
    pass


class VersionOut(BaseModel):
    number: int
    definition_version: int
    channel: str
    author: str
    comment: str | None
    created_at: datetime
    data: dict[str, Any] | None = None


class EventOut(BaseModel):
    version: int
    action: str
    from_state: str | None
    to_state: str
    actor: str
    comment: str | None
    at: datetime


class UploadResult(BaseModel):
    table: str
    rows: int
    dry_run: bool
    row_version: int | None = None
    report_id: int | None = None


class DefinitionSummary(BaseModel):
    code: str
    version: int
    title: str
    period_type: str
    published_at: datetime
    published_by: str


class Suggestion(BaseModel):
    """One suggestion of the report form's type-ahead: `value` goes into the input (it ends with the
    code or id in brackets, which the form resolves), `label` is what the list shows."""

    key: str = Field(description="TERC code of the gmina or powiat, or the organisation's id")
    value: str
    label: str


class OverdueReport(BaseModel):
    """A report past its deadline and not received (its draft, if any, still open)."""

    owes_id: int
    owes_name: str
    period: str
    report_id: int | None
    state: str | None
    deadline: date
    days_overdue: int


class OverduePage(Page[OverdueReport]):
    pass


class Change(BaseModel):
    path: str = Field(description="A field's name, or a table row as `table[key]`")
    before: Any = Field(description="The value or row before (null when added)")
    after: Any = Field(description="The value or row after (null when removed)")


_FromVersion = create_model("_FromVersion", **{"from": (int, ...)})  # `from` is a Python keyword


class VersionDiff(_FromVersion):  # type: ignore[misc,valid-type]
    to: int
    changes: list[Change]


class FieldDescription(BaseModel):
    name: str
    type: str
    label: str
    required: bool
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: list[Any] | None = None


class TableDescription(BaseModel):
    name: str
    label: str
    key: list[str]
    columns: list[FieldDescription]
    row_rules: list[dict[str, Any]]
    template_marker: str = Field(description="Written into the table's CSV/XLSX template")


class DefinitionOut(BaseModel):
    """A published definition version: its fields, tables and rules."""

    code: str
    version: int
    title: str
    period_type: str
    deadline_days: int
    fields: list[FieldDescription]
    tables: list[TableDescription]
    rules: list[dict[str, Any]]
    published_at: datetime
    published_by: str


class Counts(BaseModel):
    expected: int
    received: int
    on_time: int
    late: int
    missing: int
    pending: int
    returned: int
    completeness: float | None = Field(description="received / expected (null when none expected)")
    timeliness: float | None = Field(description="on time / expected (null when none expected)")


class PeriodCounts(Counts):
    period: str
    deadline: date


class OwesCounts(Counts):
    owes_id: int
    owes_name: str
    accreditation_known: bool


class FollowUpCell(BaseModel):
    owes_id: int
    period: str
    report_id: int | None
    state: str | None
    status: str


class FollowUp(BaseModel):
    """Completeness and timeliness per OWES × period, per period, per OWES and in total."""

    definition_code: str
    today: date
    periods: list[PeriodCounts]
    owes: list[OwesCounts]
    totals: Counts
    cells: list[FollowUpCell] | None = Field(default=None, description="Absent with `cells=false`")
