"""Staff decisions on a change set: accept (all of a record, or one field), reject, auto-apply.

Accepted changes go through the register's own services, so every one is validated as a person's
edit would be, audited with the source and the run named (channel `sync`), and invalidates the
register's cached list pages. A change the register refuses (e.g. a NIP another organisation
already holds) stays pending with the register's message; nothing is half-applied.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from scrapers.tables import AutoApply, SyncChange, SyncRecord, SyncRun
from scrapers.vocab import FIELD_LABELS
from ses.audit.services import Actor
from ses.db import write_transaction
from ses.errors import DomainError, NotFound, ValidationFailed
from ses.register import page_cache
from ses.register import services as register
from ses.register.vocab import Channel

SOURCE_LABELS = {"krs": "KRS", "bdl": "GUS BDL", "file": "lista z pliku"}


def now() -> datetime:
    return datetime.now(UTC)


def sync_actor(who: str, source: str, run_id: int, account_id: int | None = None) -> Actor:
    label = f"{who} · źródło {SOURCE_LABELS.get(source, source)}, przebieg #{run_id}"
    return Actor(label=label[:120], channel=Channel.SYNC, account_id=account_id)


def _typed(field: str, value: str | None) -> Any:
    if field == "registered_on" and value:
        return date.fromisoformat(value[:10])
    if field == "founder_id" and value is not None:
        return int(value)
    return value


class ReviewError(DomainError):
    pass


async def _changes(change_ids: list[int]) -> list[dict[str, Any]]:
    return list(
        await SyncChange.select(SyncChange.all_columns(), SyncChange.run.source.as_alias("source")).where(
            SyncChange.id.is_in(change_ids)
        )
    )


async def accept(
    change_ids: list[int], who: str, account_id: int | None = None, *, auto: bool = False
) -> dict[str, Any]:
    """Apply pending changes, organisation by organisation; returns what was applied and refused."""
    if not change_ids:
        return {"applied": 0, "refused": []}
    rows = [row for row in await _changes(change_ids) if row["state"] == "pending"]
    by_record: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_record[row["record"]].append(row)
    applied = 0
    refused: list[dict[str, Any]] = []
    for record_id, changes in by_record.items():
        record = await SyncRecord.select().where(SyncRecord.id == record_id).output(load_json=True).first()
        if record is None:
            continue
        actor = sync_actor(who, changes[0]["source"], record["run"], account_id)
        try:
            await _apply(record, changes, actor)
        except DomainError as error:
            message = _message(error)
            refused.append({"record": record_id, "message": message})
            async with write_transaction():
                await SyncRecord.update(
                    {SyncRecord.problems: json.dumps([*record["problems"], message], ensure_ascii=False)}
                ).where(SyncRecord.id == record_id)
            continue
        applied += len(changes)
        async with write_transaction():
            await SyncChange.update(
                {
                    SyncChange.state: "auto_applied" if auto else "applied",
                    SyncChange.decided_by: who[:120],
                    SyncChange.decided_at: now(),
                }
            ).where(SyncChange.id.is_in([c["id"] for c in changes]))
            await _settle(record_id)
        page_cache.register_changed()
    return {"applied": applied, "refused": refused}


def _message(error: DomainError) -> str:
    if isinstance(error, ValidationFailed):
        return "; ".join(f"{FIELD_LABELS.get(e.field, e.field)}: {e.message}" for e in error.errors) or str(
            error
        )
    return str(error)


async def _apply(record: dict[str, Any], changes: list[dict[str, Any]], actor: Actor) -> None:
    org_id = changes[0]["organisation"]
    values = {c["field"]: _typed(c["field"], c["new"]) for c in changes}
    if org_id is None:  # a new organisation: every field the source gave, the kind guessed from it
        data = {
            k: _typed(k, v)
            for k, v in record["source_values"].items()
            if k != "facts" and v not in (None, "")
        }
        data.update(values)
        data.setdefault("kind", record["source_values"].get("kind") or "other_ngo")
        created = await register.create(data, actor)
        async with write_transaction():
            await SyncChange.update({SyncChange.organisation: created["id"]}).where(
                SyncChange.record == record["id"]
            )
            await SyncRecord.update({SyncRecord.organisation: created["id"]}).where(
                SyncRecord.id == record["id"]
            )
        return
    current = await register.get(org_id)
    if values.get("activity_state") == "retired":
        reason = f"Wykreślony z rejestru źródłowego ({actor.label})."
        await register.retire(org_id, reason, current["version"], actor)
        return
    await register.update(org_id, values, current["version"], actor)


async def reject(change_ids: list[int], who: str) -> int:
    async with write_transaction():
        rows = await (
            SyncChange.update(
                {SyncChange.state: "rejected", SyncChange.decided_by: who[:120], SyncChange.decided_at: now()}
            )
            .where(SyncChange.id.is_in(change_ids) & (SyncChange.state == "pending"))
            .returning(SyncChange.record)
        )
        for record_id in {row["record"] for row in rows}:
            await _settle(record_id)
    return len(rows)


async def record_changes(record_id: int) -> list[int]:
    rows = await SyncChange.select(SyncChange.id).where(
        (SyncChange.record == record_id) & (SyncChange.state == "pending")
    )
    return [row["id"] for row in rows]


async def _settle(record_id: int) -> None:
    """The record's decision from its changes: open while any is pending."""
    states = {
        row["state"]
        for row in await SyncChange.select(SyncChange.state).where(SyncChange.record == record_id)
    }
    if "pending" in states:
        decision = "partly" if states - {"pending"} else "open"
    elif states <= {"rejected"}:
        decision = "rejected"
    elif "rejected" in states:
        decision = "partly"
    else:
        decision = "accepted"
    await SyncRecord.update({SyncRecord.decision: decision}).where(SyncRecord.id == record_id)


async def apply_automatic(run_id: int) -> int:
    """Apply the run's pending, non-conflicting changes of the (source, field) pairs set to auto."""
    run = await SyncRun.select(SyncRun.source).where(SyncRun.id == run_id).first()
    if run is None:
        raise NotFound(f"Nie ma przebiegu synchronizacji #{run_id}.")
    fields = [
        r["field"] for r in await AutoApply.select(AutoApply.field).where(AutoApply.source == run["source"])
    ]
    if not fields:
        return 0
    rows = await SyncChange.select(SyncChange.id).where(
        (SyncChange.run == run_id)
        & (SyncChange.state == "pending")
        & (SyncChange.is_conflict == False)  # noqa: E712 - a Piccolo expression
        & SyncChange.field.is_in(fields)
        & SyncChange.organisation.is_not_null()
    )
    result = await accept([r["id"] for r in rows], "automatycznie", auto=True)
    return int(result["applied"])
