"""API models of sync runs and their change sets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from ses.web.schemas import Page


class RunError(BaseModel):
    at: str
    message: str


class SyncRunOut(BaseModel):
    id: int
    source: str
    window: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    triggered_by: str
    planned: int
    requests: int
    counts: dict[str, int]
    errors: list[RunError]
    is_demo: bool


class SyncRunsPage(Page[SyncRunOut]):
    pass


class ChangeOut(BaseModel):
    id: int
    field: str
    old: str | None
    new: str | None
    is_conflict: bool
    state: str
    decided_by: str | None
    decided_at: datetime | None


class RecordOut(BaseModel):
    id: int
    key: str
    status: str
    organisation_id: int | None
    matched_by: str | None
    http_status: int | None
    values: dict[str, Any]
    problems: list[str]
    decision: str
    raw_url: str
    changes: list[ChangeOut]


class SyncRunDetail(SyncRunOut):
    records: list[RecordOut]
    records_total: int
    page: int
    page_size: int


class Decision(BaseModel):
    change_ids: list[int] = Field(max_length=1000)


class DecisionResult(BaseModel):
    applied: int = 0
    rejected: int = 0
    refused: list[dict[str, Any]] = []


class FileListIn(BaseModel):
    """A list's column mapping: register field → the column's heading as the list publishes it."""

    name: str = Field(max_length=200)
    # The bounds are checked by validators: `Field(max_length=…)` on a dict made Litestar describe
    # it as an array of strings, and the OpenAPI contradicted every answer.
    columns: dict[str, str] = Field(description="Register field → column heading (at most 40).")
    constants: dict[str, str] = Field(default_factory=dict, description="Register field → value (≤ 20).")
    kind: str | None = None

    @field_validator("columns")
    @classmethod
    def _at_most_40_columns(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 40:
            raise ValueError("Najwyżej 40 kolumn.")
        return value

    @field_validator("constants")
    @classmethod
    def _at_most_20_constants(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 20:
            raise ValueError("Najwyżej 20 stałych.")
        return value


class FileListOut(FileListIn):
    code: str
    version: int
    """0 while the shipped mapping has never been changed."""
    updated_at: datetime | None
    updated_by: str | None
    shipped: bool
    sample_file: str | None
    targets: dict[str, str]
    """Every register field a column may be mapped to, with its label."""
