"""Obligations of status holders read from the register: PS conditions, KIS entry, annual reports.

`compliance(org_id)` answers the record (API and page); `annual_reports_owed(today)` is the one
call a reminder job needs: every report still missing, region-wide, with its organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import Conflict, ErrorCollector
from ses.prepared import prepared
from ses.register import obligations, statuses
from ses.register.obligations import ANNUAL_REPORT_TYPES, Period
from ses.register.services import now, touch
from ses.register.status_services import list_statuses
from ses.register.statuses import MACHINES, StatusType
from ses.register.tables import AnnualReport, LegalStatus, Organisation, StatusEvent, YearFigures

TERMED = tuple(kind.value for kind in ANNUAL_REPORT_TYPES)


CLOSING = ("lost", "withdrawn", "removed", "closed")


async def _periods(org_ids: list[int] | None, today: date) -> dict[int, list[Period]]:
    """When each PS, CIS and KIS status was in force, from its decision to the day it ended."""
    query = LegalStatus.select(
        LegalStatus.id,
        LegalStatus.organisation.as_alias("organisation_id"),
        LegalStatus.status_type,
        LegalStatus.state,
        LegalStatus.decision_date,
        LegalStatus.valid_from,
        LegalStatus.valid_to,
    ).where(LegalStatus.status_type.is_in(list(TERMED)) & LegalStatus.decision_date.is_not_null())
    if org_ids is not None:
        query = query.where(LegalStatus.organisation.is_in(org_ids))
    rows = await query
    ends: dict[int, date] = {}
    if rows:
        closing = await StatusEvent.select(
            StatusEvent.status, StatusEvent.to_state, StatusEvent.on_date
        ).where(StatusEvent.status.is_in([row["id"] for row in rows]))
        for event in closing:
            if event["to_state"] in CLOSING:
                ends[event["status"]] = event["on_date"]
    return _spans(rows, ends, today)


def _periods_of(statuses_with_events: list[dict[str, Any]], today: date) -> dict[int, list[Period]]:
    """`_periods` of one organisation from its statuses already read with their events."""
    rows = [
        row
        for row in statuses_with_events
        if row["status_type"] in TERMED and row["decision_date"] is not None
    ]
    ends = {
        row["id"]: event["on_date"] for row in rows for event in row["events"] if event["to_state"] in CLOSING
    }
    return _spans(rows, ends, today)


def _spans(rows: list[dict[str, Any]], ends: Mapping[int, date], today: date) -> dict[int, list[Period]]:
    periods: dict[int, list[Period]] = defaultdict(list)
    for row in rows:
        status_type = StatusType(row["status_type"])
        state = statuses.effective_state(status_type, row["state"], row["valid_to"], today)
        if state in ("submitted", "refused"):
            continue
        end = ends.get(row["id"])
        if state == statuses.EXPIRED and end is None:
            end = row["valid_to"]
        start = row["valid_from"] or row["decision_date"]
        periods[row["organisation_id"]].append(Period(status_type, start, end))
    return periods


def _received_query() -> Any:
    return AnnualReport.select(
        AnnualReport.organisation.as_alias("organisation_id"),
        AnnualReport.status_type,
        AnnualReport.year,
        AnnualReport.submitted_on,
    )


_RECEIVED_OF = prepared(lambda org_id: _received_query().where(AnnualReport.organisation == org_id))


async def _received(org_ids: list[int] | None) -> dict[int, dict[tuple[str, int], date]]:
    if org_ids is not None and len(org_ids) == 1:
        rows = await _RECEIVED_OF(org_ids[0])
    elif org_ids is not None:
        rows = await _received_query().where(AnnualReport.organisation.is_in(org_ids))
    else:
        rows = await _received_query()
    received: dict[int, dict[tuple[str, int], date]] = defaultdict(dict)
    for row in rows:
        received[row["organisation_id"]][(row["status_type"], row["year"])] = row["submitted_on"]
    return received


async def annual_reports(
    org_id: int, today: date | None = None, *, statuses_read: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The annual reports owed and received; `statuses_read`: the organisation's statuses with
    their events when the caller has them (`status_services.statuses_of`), so they are not read again."""
    today = today or date.today()
    if statuses_read is None:
        periods = await _periods([org_id], today)
    else:
        periods = _periods_of(statuses_read, today)
    received = await _received([org_id])
    return obligations.obligations(periods.get(org_id, []), received.get(org_id, {}), today)


async def annual_reports_owed(
    today: date | None = None, *, include_due: bool = False
) -> list[dict[str, Any]]:
    """Every annual report of a PS, CIS or KIS that is missing (overdue; with `include_due` also
    those not yet past 31 March), with the organisation's id and name: what a reminder sends."""
    today = today or date.today()
    periods = await _periods(None, today)
    received = await _received(None)
    wanted = {"overdue", "due"} if include_due else {"overdue"}
    owed = [
        {"organisation_id": org_id, **row}
        for org_id, spans in periods.items()
        for row in obligations.obligations(spans, received.get(org_id, {}), today)
        if row["state"] in wanted
    ]
    if owed:
        names = {
            row["id"]: row["name"]
            for row in await Organisation.select(Organisation.id, Organisation.name).where(
                Organisation.id.is_in(sorted({row["organisation_id"] for row in owed}))
            )
        }
        for row in owed:
            row["organisation_name"] = names.get(row["organisation_id"], "")
    return sorted(owed, key=lambda row: (row["due_on"], row["organisation_id"], row["status_type"]))


async def record_annual_report(
    org_id: int, data: Mapping[str, Any], actor: Actor, *, today: date | None = None
) -> list[dict[str, Any]]:
    """Record that the annual report of a year came in; answers the organisation's reports."""
    today = today or date.today()
    status_type = StatusType(data["status_type"])
    year: int = data["year"]
    submitted_on: date = data["submitted_on"]
    problems = ErrorCollector()
    if status_type not in ANNUAL_REPORT_TYPES:
        problems.add("status_type", "Sprawozdanie roczne składają PS, CIS i KIS.")
    if not 2000 <= year < today.year:
        problems.add("year", f"Sprawozdanie dotyczy zakończonego roku (2000–{today.year - 1}).")
    if submitted_on > today:
        problems.add("submitted_on", "Data złożenia nie może być z przyszłości.")
    elif year >= 2000 and submitted_on.year <= year:
        problems.add("submitted_on", f"Sprawozdanie za {year} r. składa się po jego zakończeniu.")
    problems.raise_if_any("Nie można zapisać sprawozdania rocznego.")
    async with write_transaction():
        await list_statuses(org_id)
        exists = await AnnualReport.exists().where(
            (AnnualReport.organisation == org_id)
            & (AnnualReport.status_type == status_type.value)
            & (AnnualReport.year == year)
        )
        if exists:
            raise Conflict(f"Sprawozdanie {MACHINES[status_type].label} za {year} r. jest już zapisane.")
        await AnnualReport.insert(
            AnnualReport(
                organisation=org_id,
                status_type=status_type.value,
                year=year,
                submitted_on=submitted_on,
                note=data.get("note"),
                actor=actor.label,
                at=now(),
            )
        )
        await touch(org_id, {})
        await record_event(
            actor,
            "annual_report.record",
            "organisation",
            org_id,
            {f"{status_type.value}_report_{year}": [None, submitted_on.isoformat()]},
        )
    return await annual_reports(org_id, today)


async def compliance(
    org_id: int,
    today: date | None = None,
    *,
    org: Mapping[str, Any] | None = None,
    statuses_read: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What the record should warn about, and the annual reports owed and received.

    A caller that has already read the organisation (`kind`, `registered_on`) and its statuses with
    their events (`status_services.statuses_of`) hands them in: nothing is read twice."""
    today = today or date.today()
    if org is None:
        org = (
            await Organisation.select(Organisation.kind, Organisation.registered_on)
            .where(Organisation.id == org_id)
            .first()
        )
    rows = await list_statuses(org_id) if statuses_read is None else statuses_read
    warnings: list[str] = []
    open_ps = [row for row in rows if row["status_type"] == "ps" and row["state"] in obligations.IN_FORCE]
    if open_ps:
        latest = (
            await YearFigures.select(YearFigures.year, YearFigures.employees, YearFigures.employees_at_risk)
            .where(YearFigures.organisation == org_id)
            .order_by(YearFigures.year, ascending=False)
            .first()
        )
        warnings += obligations.ps_condition_warnings(open_ps[-1]["goal"], latest)
    if org is not None and org["kind"] == "kis":
        kis = [row for row in rows if row["status_type"] == "kis"]
        entry = kis[0]["decision_date"] if kis else None
        if (warning := obligations.kis_entry_warning(org["registered_on"], entry, today)) is not None:
            warnings.append(warning)
    reports = await annual_reports(org_id, today, statuses_read=rows)
    warnings += [
        f"Zaległe sprawozdanie roczne ({MACHINES[StatusType(row['status_type'])].label}) za {row['year']} r. "
        f"(termin {row['due_on'].isoformat()})."
        for row in reports
        if row["state"] == "overdue"
    ]
    return {"warnings": warnings, "annual_reports": reports}
