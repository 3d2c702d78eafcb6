"""The rows of one report as the write use cases change them: its version stamp (row_version),
its events, the editable state and the definition and period its content is checked against."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ses.audit.services import Actor
from ses.auth.policy import Principal
from ses.errors import InvalidTransition
from ses.reporting import catalogue, periods
from ses.reporting.model import Definition
from ses.reporting.reading import report_row, version_row
from ses.reporting.tables import Report, ReportEvent
from ses.reporting.workflow import EDITABLE, State

RACE = "Równoległe żądanie utworzyło już ten rekord; pobierz go i, jeśli trzeba, popraw przez korektę."


def now() -> datetime:
    return datetime.now(UTC)


async def add_event(
    report_id: int,
    version: int,
    action: str,
    before: str | None,
    after: str,
    actor: Actor,
    comment: str | None,
    at: datetime,
) -> None:
    await ReportEvent.insert(
        ReportEvent(
            report=report_id,
            version=version,
            action=action,
            from_state=before,
            to_state=after,
            actor=actor.label[:120],
            comment=comment,
            at=at,
        )
    )


def check_version(report: Mapping[str, Any], expected: int | None) -> None:
    if expected is not None and expected != report["row_version"]:
        raise_precondition(report)


def raise_precondition(report: Mapping[str, Any]) -> None:
    from ses.errors import PreconditionFailed

    raise PreconditionFailed(
        f"Sprawozdanie zmieniło się od czasu, gdy je pobrano (wersja {report['row_version']}). "
        "Pobierz je ponownie."
    )


async def bump(
    report_id: int, row_version: int, values: dict[Any, Any], stamp: datetime | None = None
) -> None:
    """The report's new values with the next row_version, only if nobody changed it meanwhile."""
    updated = await (
        Report.update({**values, Report.row_version: row_version + 1, Report.updated_at: stamp or now()})
        .where((Report.id == report_id) & (Report.row_version == row_version))
        .returning(Report.id)
    )
    if not updated:
        raise_precondition({"row_version": row_version})


async def editable(report_id: int, viewer: Principal, expected: int | None) -> dict[str, Any]:
    report = await report_row(report_id, viewer)
    check_version(report, expected)
    if State(report["state"]) not in EDITABLE:
        raise InvalidTransition(
            f"Treść sprawozdania w stanie „{report['state']}” jest zablokowana; zmienić ją można w wersji "
            "roboczej albo w korekcie po zwrocie."
        )
    return report


async def content_context(report: Mapping[str, Any]) -> tuple[int, Definition, periods.Period]:
    version = await version_row(report["id"], report["current_version"])
    definition = await catalogue.by_id(version["definition_id"])
    return version["definition_id"], definition, periods.parse(report["period"], definition.period_type)
