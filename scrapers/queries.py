"""Reading runs, records and changes for the review page and the API."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scrapers.tables import SourceFacts, SyncChange, SyncRecord, SyncRun
from ses.errors import NotFound
from ses.prepared import prepared
from ses.register.tables import Organisation
from ses.territories.tables import Territory

RUN_COLUMNS = (
    SyncRun.id,
    SyncRun.source,
    SyncRun.window,
    SyncRun.status,
    SyncRun.started_at,
    SyncRun.finished_at,
    SyncRun.triggered_by,
    SyncRun.planned,
    SyncRun.requests,
    SyncRun.counts,
    SyncRun.errors,
    SyncRun.is_demo,
)


async def runs(page: int, page_size: int, source: str | None = None) -> tuple[list[dict[str, Any]], int]:
    query = SyncRun.select(*RUN_COLUMNS).order_by(SyncRun.id, ascending=False)
    count = SyncRun.count()
    if source:
        query = query.where(SyncRun.source == source)
        count = count.where(SyncRun.source == source)
    rows = await query.limit(page_size).offset((page - 1) * page_size).output(load_json=True)
    return list(rows), int(await count)


async def run(run_id: int) -> dict[str, Any]:
    row = await SyncRun.select(*RUN_COLUMNS).where(SyncRun.id == run_id).output(load_json=True).first()
    if row is None:
        raise NotFound(f"Nie ma przebiegu synchronizacji nr {run_id}.")
    if row["status"] in ("running", "interrupted"):
        from scrapers.runs import run_counts

        row["counts"] = await run_counts(run_id)
    return row


async def records(
    run_id: int, page: int, page_size: int, status: str | None = None, waiting: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """Records of a run (only those waiting for a decision when `waiting`), each with its changes."""
    condition = SyncRecord.run == run_id
    if status:
        condition &= SyncRecord.status == status
    if waiting:
        condition &= SyncRecord.decision.is_in(["open", "partly"])
    rows = await (
        SyncRecord.select(
            SyncRecord.id,
            SyncRecord.key,
            SyncRecord.status,
            SyncRecord.organisation,
            SyncRecord.organisation.name.as_alias("organisation_name"),
            SyncRecord.matched_by,
            SyncRecord.http_status,
            SyncRecord.source_values,
            SyncRecord.problems,
            SyncRecord.decision,
            SyncRecord.fetched_at,
        )
        .where(condition)
        .order_by(SyncRecord.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .output(load_json=True)
    )
    total = await SyncRecord.count().where(condition)
    changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if rows:
        for change in await (
            SyncChange.select()
            .where(SyncChange.record.is_in([r["id"] for r in rows]))
            .order_by(SyncChange.id)
        ):
            changes[change["record"]].append(change)
    for row in rows:
        row["changes"] = changes.get(row["id"], [])
    return list(rows), int(total)


async def raw(record_id: int) -> dict[str, Any]:
    row = (
        await SyncRecord.select(
            SyncRecord.id, SyncRecord.run, SyncRecord.key, SyncRecord.raw, SyncRecord.http_status
        )
        .where(SyncRecord.id == record_id)
        .first()
    )
    if row is None:
        raise NotFound(f"Nie ma rekordu synchronizacji nr {record_id}.")
    return row


async def territory_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = await Territory.select(Territory.code, Territory.name).where(Territory.code.is_in(sorted(codes)))
    return {row["code"]: row["name"] for row in rows}


async def organisation_names(ids: set[str]) -> dict[str, str]:
    """Names of register organisations by id (as text: the change set keeps values as text)."""
    wanted = sorted(int(i) for i in ids if str(i).isdigit())
    if not wanted:
        return {}
    rows = await Organisation.select(Organisation.id, Organisation.name).where(Organisation.id.is_in(wanted))
    return {str(row["id"]): row["name"] for row in rows}


_FACTS_OF = prepared(
    lambda org_id: SourceFacts.select().where(SourceFacts.organisation == org_id).output(load_json=True)
)


async def facts_of(org_id: int) -> list[dict[str, Any]]:
    return list(await _FACTS_OF(org_id))
