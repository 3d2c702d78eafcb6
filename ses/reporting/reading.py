"""Reading reports: one report (an OWES only its own), lists, versions, their diff, events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ses.auth.policy import Principal
from ses.errors import FieldError, NotFound, ValidationFailed
from ses.reporting import catalogue, register_feed, rules
from ses.reporting.tables import Report, ReportEvent, ReportVersion
from ses.reporting.workflow import State, actions_for

REPORT_COLUMNS = (
    Report.id,
    Report.owes.as_alias("owes_id"),
    Report.owes.name.as_alias("owes_name"),
    Report.definition_code,
    Report.period,
    Report.period_start,
    Report.period_end,
    Report.deadline,
    Report.state,
    Report.current_version,
    Report.submitted_at,
    Report.late,
    Report.accepted_at,
    Report.accepted_by,
    Report.register_links,
    Report.row_version,
    Report.created_at,
    Report.updated_at,
)


ANSWER_KEYS = (
    "id", "owes_id", "owes_name", "definition_code", "period", "period_start", "period_end", "deadline",
    "state", "current_version", "submitted_at", "late", "accepted_at", "accepted_by", "register_links",
    "row_version", "created_at", "updated_at", "definition_version", "data",
)  # fmt: skip
"""The fields of a report's answer (`get_report`), without the viewer's allowed actions."""


def etag(report: Mapping[str, Any]) -> str:
    return f'"report-{report["id"]}-v{report["row_version"]}"'


def scoped(query: Any, viewer: Principal) -> Any:
    """An OWES sees only its own reports; everyone else admitted by the route sees all."""
    if viewer.is_owes:
        return query.where(Report.owes == (viewer.organisation_id or 0))
    return query


async def report_row(report_id: int, viewer: Principal) -> dict[str, Any]:
    row = await scoped(Report.select(*REPORT_COLUMNS).where(Report.id == report_id), viewer).first()
    if row is None:
        raise NotFound(f"Nie ma sprawozdania o id {report_id}.")
    row["register_links"] = register_feed.links_of(row["register_links"])
    return row


async def version_row(report_id: int, number: int) -> dict[str, Any]:
    row = await (
        ReportVersion.select(
            ReportVersion.number,
            ReportVersion.definition.as_alias("definition_id"),
            ReportVersion.definition.version.as_alias("definition_version"),
            ReportVersion.data,
            ReportVersion.channel,
            ReportVersion.author,
            ReportVersion.comment,
            ReportVersion.created_at,
        )
        .where((ReportVersion.report == report_id) & (ReportVersion.number == number))
        .first()
    )
    if row is None:
        raise NotFound(f"Sprawozdanie nie ma wersji {number}.")
    if isinstance(row["data"], str):
        row["data"] = json.loads(row["data"])
    return row


async def with_content(report_id: int, viewer: Principal) -> dict[str, Any]:
    """The report with its current version's definition (id, version) and content."""
    report = await report_row(report_id, viewer)
    version = await version_row(report_id, report["current_version"])
    return {
        **report,
        "definition_id": version["definition_id"],
        "definition_version": version["definition_version"],
        "data": version["data"],
    }


def answer(report: Mapping[str, Any], viewer: Principal, updated_at: datetime) -> dict[str, Any]:
    """What `get_report` would read after a write, built from the row read in the write's
    transaction and what the write changed (so the transaction reads the report once)."""
    out = {key: report[key] for key in ANSWER_KEYS}
    out["row_version"] = report["row_version"] + 1
    out["updated_at"] = updated_at
    out["allowed_actions"] = actions_for(out["state"], viewer.role)
    return out


async def get_report(report_id: int, viewer: Principal) -> dict[str, Any]:
    report = await report_row(report_id, viewer)
    version = await version_row(report_id, report["current_version"])
    return {
        **report,
        "definition_version": version["definition_version"],
        "data": version["data"],
        "allowed_actions": actions_for(report["state"], viewer.role),
    }


async def list_reports(
    viewer: Principal,
    *,
    owes_id: int | None = None,
    period: str | None = None,
    state: list[str] | None = None,
    definition_code: str | None = None,
    late: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    bad_states = [s for s in state or [] if s not in State.__members__.values()]
    if bad_states:
        raise ValidationFailed("Nieznany stan sprawozdania.", [FieldError("state", ", ".join(bad_states))])
    condition: list[Any] = []
    if owes_id is not None:
        condition.append(Report.owes == owes_id)
    if period:
        condition.append(Report.period == period.strip().upper())
    if state:
        condition.append(Report.state.is_in(state))
    if definition_code:
        condition.append(Report.definition_code == definition_code)
    if late is not None:
        condition.append(Report.late == late)

    def filtered(query: Any) -> Any:
        for item in condition:
            query = query.where(item)
        return scoped(query, viewer)

    total = await filtered(Report.count())
    rows = await (
        filtered(Report.select(*REPORT_COLUMNS))
        .order_by(Report.period, ascending=False)
        .order_by(Report.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    for row in rows:
        row["register_links"] = register_feed.links_of(row["register_links"])
    return {"items": rows, "page": page, "page_size": page_size, "total": total}


async def list_versions(report_id: int, viewer: Principal) -> list[dict[str, Any]]:
    await report_row(report_id, viewer)
    return list(
        await ReportVersion.select(
            ReportVersion.number,
            ReportVersion.definition.version.as_alias("definition_version"),
            ReportVersion.channel,
            ReportVersion.author,
            ReportVersion.comment,
            ReportVersion.created_at,
        )
        .where(ReportVersion.report == report_id)
        .order_by(ReportVersion.number)
    )


async def get_version(report_id: int, number: int, viewer: Principal) -> dict[str, Any]:
    await report_row(report_id, viewer)
    version = await version_row(report_id, number)
    version.pop("definition_id")
    return version


async def diff_versions(report_id: int, before: int, after: int, viewer: Principal) -> dict[str, Any]:
    await report_row(report_id, viewer)
    old, new = await version_row(report_id, before), await version_row(report_id, after)
    definition = await catalogue.by_id(new["definition_id"])
    return {"from": before, "to": after, "changes": rules.diff(old["data"], new["data"], definition)}


async def list_events(report_id: int, viewer: Principal) -> list[dict[str, Any]]:
    await report_row(report_id, viewer)
    return list(
        await ReportEvent.select(
            ReportEvent.version,
            ReportEvent.action,
            ReportEvent.from_state,
            ReportEvent.to_state,
            ReportEvent.actor,
            ReportEvent.comment,
            ReportEvent.at,
        )
        .where(ReportEvent.report == report_id)
        .order_by(ReportEvent.id)
    )
