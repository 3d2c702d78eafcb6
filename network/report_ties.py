"""Ties read from an accepted OWES report (a hook of network's extension record, called by the
reporting service inside its acceptance with the typed `AcceptedReport` payload).

An accepted report is a recorded fact: the partners of its cooperation events that are in the
register, and the PES it names by register id (grants, jobs, new entities), become ties of the
network with origin `owes_report`, `owes_report` = the report's id and `source_row` = where in the
report (e.g. `cooperation_events.0,3`). One tie per (partner, relation type) of a report: several
meetings with the same partner in a quarter are one tie whose weight is the number of events.

Re-acceptance after a reopen or a correction replaces the report's ties (delete, then insert, in
the caller's transaction), so they are never duplicated. Every change writes a new network version
so cached metrics are not served for the old network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from network.state import bump_version, now
from network.tables import Relation
from network.vocab import UNDIRECTED_TYPES, Intensity, Origin, RelationType
from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.register.tables import Organisation
from ses.reporting.contract import AcceptedReport, EventKind

# the kind of a reported cooperation event → (relation type, intensity)
EVENT_TIES: dict[EventKind, tuple[RelationType, Intensity]] = {
    EventKind.MEETING: (RelationType.COOPERATES, Intensity.AWARENESS),
    EventKind.TRAINING: (RelationType.COOPERATES, Intensity.COOPERATION),
    EventKind.JOINT_PROJECT: (RelationType.COOPERATES, Intensity.INTEGRATION),
    EventKind.PARTNERSHIP: (RelationType.OWES_PARTNER, Intensity.COORDINATION),
    EventKind.NETWORK: (RelationType.MEMBER_OF, Intensity.COORDINATION),
}
INTENSITY_ORDER = [i.value for i in Intensity]
CONFIDENCE = 0.9
"""Reported by the OWES and accepted by staff: a fact, but one told by one side."""


@dataclass
class _Tie:
    target: int
    relation_type: RelationType
    valid_from: date | None
    intensity: str | None = None
    service: str | None = None
    events: int = 0
    value_pln: Decimal | None = None
    rows: list[str] = field(default_factory=list)


def ties_of_report(report: AcceptedReport) -> list[_Tie]:
    """The ties a report states (pure: no database); unknown organisations are dropped later."""
    owes = report.owes_id
    ties: dict[tuple[int, RelationType, str | None], _Tie] = {}
    for event in report.cooperation:
        if event.partner_id == owes:
            continue
        relation_type, intensity = EVENT_TIES[event.kind]
        held_on = event.held_on or report.period_start
        tie = ties.setdefault(
            (event.partner_id, relation_type, None), _Tie(event.partner_id, relation_type, held_on)
        )
        tie.events += 1
        tie.rows.append(event.row)
        if held_on and (tie.valid_from is None or held_on < tie.valid_from):
            tie.valid_from = held_on
        if tie.intensity is None or INTENSITY_ORDER.index(intensity.value) > INTENSITY_ORDER.index(
            tie.intensity
        ):
            tie.intensity = intensity.value
    for given in report.support:
        if given.organisation_id == owes:
            continue
        key = (given.organisation_id, RelationType.OWES_SUPPORTS, given.kind.value)
        tie = ties.setdefault(
            key,
            _Tie(
                given.organisation_id,
                RelationType.OWES_SUPPORTS,
                report.period_start,
                Intensity.COOPERATION.value,
                given.kind.value,
            ),
        )
        tie.events += 1
        tie.rows.append(given.row)
        if given.amount_pln is not None:
            tie.value_pln = (tie.value_pln or Decimal(0)) + given.amount_pln
    return list(ties.values())


def _source_row(rows: list[str]) -> str:
    """`table.i,j,k` (rows of one table), cut to the column's 80 characters."""
    table = rows[0].split(".")[0]
    text = f"{table}." + ",".join(r.split(".", 1)[1] for r in rows)
    return text if len(text) <= 80 else text[:77].rsplit(",", 1)[0] + ",…"


async def _known(ids: set[int]) -> set[int]:
    if not ids:
        return set()
    rows = await Organisation.select(Organisation.id).where(Organisation.id.is_in(sorted(ids)))
    return {row["id"] for row in rows}


async def report_accepted(report: AcceptedReport, actor: Actor) -> dict[str, Any]:
    """Replace the ties of this report with those its accepted content states.

    Returns {"network": {"ties": written, "replaced": removed before, "skipped": unknown partners}}
    (the reporting service merges it into the report's register_links)."""
    report_id = report.report_id
    owes = report.owes_id
    stated = ties_of_report(report)
    async with write_transaction():
        known = await _known({t.target for t in stated} | {owes})
        kept = [t for t in stated if t.target in known] if owes in known else []
        removed = await _remove(report_id)
        stamp = now()
        basis = report.label
        objects = [
            Relation(
                source=owes,
                target=t.target,
                relation_type=t.relation_type.value,
                directed=t.relation_type not in UNDIRECTED_TYPES,
                weight=float(t.events),
                intensity=t.intensity,
                valid_from=t.valid_from,
                valid_to=None,
                formal_basis=basis[:300],
                value_pln=t.value_pln,
                service=t.service,
                confidence=CONFIDENCE,
                origin=Origin.OWES_REPORT.value,
                owes_report=report_id,
                source_row=_source_row(t.rows),
                version=1,
                created_at=stamp,
                updated_at=stamp,
            )
            for t in kept
        ]
        if objects:
            await Relation.insert(*objects)
        if objects or removed:
            await record_event(
                actor,
                "relation.owes_report",
                "network_relation",
                None,
                {"report": [None, report_id], "ties": [removed, len(objects)]},
            )
            await bump_version()
    return {"network": {"ties": len(objects), "replaced": removed, "skipped": len(stated) - len(kept)}}


async def report_withdrawn(report_id: int, actor: Actor) -> dict[str, Any]:
    """The report is no longer accepted (reopened): its ties leave the network until re-acceptance."""
    async with write_transaction():
        removed = await _remove(report_id)
        if removed:
            await record_event(
                actor,
                "relation.owes_report",
                "network_relation",
                None,
                {"report": [report_id, None], "ties": [removed, 0]},
            )
            await bump_version()
    return {"network": {"ties": 0, "replaced": removed}}


async def _remove(report_id: int) -> int:
    count = await Relation.count().where(Relation.owes_report == report_id)
    if count:
        await Relation.delete().where(Relation.owes_report == report_id)
    return int(count)
