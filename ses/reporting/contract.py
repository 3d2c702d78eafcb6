"""What reporting tells other packages about an accepted report: a typed payload, built here.

Other packages (the network, the indicators) learn what an accepted OWES report states through
`AcceptedReport`, never by reading the report definition's table and column names: those belong to
reporting and may change with a new definition version, this contract does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    """Kinds of cooperation events an OWES reports (the definition's `event_type` choices)."""

    MEETING = "meeting"
    TRAINING = "training"
    JOINT_PROJECT = "joint_project"
    PARTNERSHIP = "partnership"
    NETWORK = "network"


class SupportKind(StrEnum):
    """What an OWES reports having given a named organisation of the register."""

    GRANT = "grant"
    JOBS = "jobs"
    CREATING_PES_PS = "creating_pes_ps"


@dataclass(frozen=True)
class CooperationEvent:
    partner_id: int
    kind: EventKind
    held_on: date | None
    row: str
    """Where in the report it was stated (e.g. `cooperation_events.3`), for traceability."""


@dataclass(frozen=True)
class SupportGiven:
    organisation_id: int
    kind: SupportKind
    amount_pln: Decimal | None
    row: str


@dataclass(frozen=True)
class AcceptedReport:
    report_id: int
    owes_id: int
    period: str
    period_start: date | None
    version: int | None
    cooperation: tuple[CooperationEvent, ...]
    support: tuple[SupportGiven, ...]

    @property
    def label(self) -> str:
        return f"Sprawozdanie OWES {self.period} (id {self.report_id}, wersja {self.version})"


# Tables of the OWES report that name a supported organisation by register id → (column, kind)
SUPPORT_TABLES: tuple[tuple[str, str, SupportKind], ...] = (
    ("grants", "recipient_organisation_id", SupportKind.GRANT),
    ("jobs", "ps_organisation_id", SupportKind.JOBS),
    ("new_entities", "organisation_id", SupportKind.CREATING_PES_PS),
)


def accepted_report(report: Mapping[str, Any], data: Mapping[str, Any]) -> AcceptedReport:
    """The payload of an accepted report (pure): its content plus the register links made on
    acceptance (a new PES named by name in the report is linked by id only then)."""
    events = []
    kinds = {kind.value for kind in EventKind}
    for i, row in _rows(data, "cooperation_events"):
        partner = _as_id(row.get("partner_organisation_id"))
        kind = str(row.get("event_type"))
        if partner is not None and kind in kinds:
            events.append(
                CooperationEvent(
                    partner, EventKind(kind), _as_date(row.get("held_on")), f"cooperation_events.{i}"
                )
            )
    links = report.get("register_links") or {}
    support = []
    for table, column, kind in SUPPORT_TABLES:
        linked = links.get(table) if isinstance(links, Mapping) else None
        linked = linked if isinstance(linked, Mapping) else {}
        for i, row in _rows(data, table):
            organisation = _as_id(row.get(column)) or _as_id(linked.get(str(i)))
            if organisation is not None:
                support.append(
                    SupportGiven(organisation, kind, _money(row.get("amount_pln")), f"{table}.{i}")
                )
    return AcceptedReport(
        report_id=int(report["id"]),
        owes_id=int(report["owes_id"]),
        period=str(report.get("period") or ""),
        period_start=_as_date(report.get("period_start")),
        version=report.get("current_version"),
        cooperation=tuple(events),
        support=tuple(support),
    )


def _rows(data: Mapping[str, Any], table: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    rows = data.get(table) or []
    return ((i, row) for i, row in enumerate(rows) if isinstance(row, Mapping))


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _money(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None
