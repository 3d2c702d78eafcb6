"""Storing a sync run: its records, the change set, resumption, and the facts kept beside the register.

A run is identified by its source and window. Starting a run whose source and window match an
unfinished one resumes it: keys already recorded are skipped, so an interrupted run goes on where it
stopped. A change that is already waiting for review (same organisation, field and new value, from
any run of the source) is not proposed again, so rerunning a window duplicates nothing.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from scrapers.reconcile import COMPARED_FIELDS, Candidate, Outcome, match, outcome_for
from scrapers.tables import AutoApply, SourceFacts, SyncChange, SyncRecord, SyncRun
from ses.audit.tables import AuditRecord
from ses.db import write_transaction
from ses.register.tables import Organisation
from ses.text import fold

UNFINISHED = ("running", "interrupted")
PERSON_CHANNELS = ("web", "api")


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Item:
    """What a source said about one key (a KRS number, a file row, a territorial unit)."""

    key: str
    status: str
    """found | deregistered | not_found | error"""
    values: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    raw: str | None = None
    http_status: int | None = None
    as_of: date | None = None


# --------------------------------------------------------------------------------------- the run


async def open_run(source: str, window: str, triggered_by: str, *, is_demo: bool = False) -> tuple[int, bool]:
    """(run id, resumed?): the unfinished run of this source and window, or a new one."""
    async with write_transaction():
        found = await (
            SyncRun.select(SyncRun.id)
            .where((SyncRun.source == source) & (SyncRun.window == window) & SyncRun.status.is_in(UNFINISHED))
            .order_by(SyncRun.id, ascending=False)
            .first()
        )
        if found:
            await SyncRun.update({SyncRun.heartbeat_at: now(), SyncRun.status: "running"}).where(
                SyncRun.id == found["id"]
            )
            return int(found["id"]), True
        rows = await SyncRun.insert(
            SyncRun(
                source=source,
                window=window,
                status="running",
                started_at=now(),
                heartbeat_at=now(),
                triggered_by=triggered_by[:120],
                is_demo=is_demo,
            )
        )
        return int(rows[0]["id"]), False


async def done_keys(run_id: int) -> set[str]:
    rows = await SyncRecord.select(SyncRecord.key).where(SyncRecord.run == run_id)
    return {row["key"] for row in rows}


async def run_counts(run_id: int) -> dict[str, int]:
    rows = await (
        SyncRecord.select(SyncRecord.status, Count(SyncRecord.id, alias="n"))
        .where(SyncRecord.run == run_id)
        .group_by(SyncRecord.status)
    )
    counts = {row["status"]: int(row["n"]) for row in rows}
    pending = await SyncChange.count().where((SyncChange.run == run_id) & (SyncChange.state == "pending"))
    applied = await SyncChange.count().where(
        (SyncChange.run == run_id) & SyncChange.state.is_in(["applied", "auto_applied"])
    )
    counts["changes_pending"] = pending
    counts["changes_applied"] = applied
    return counts


async def progress(run_id: int, *, planned: int | None = None, requests: int | None = None) -> None:
    values: dict[Any, Any] = {SyncRun.heartbeat_at: now()}
    if planned is not None:
        values[SyncRun.planned] = planned
    if requests is not None:
        values[SyncRun.requests] = SyncRun.requests + requests
    async with write_transaction():
        await SyncRun.update(values).where(SyncRun.id == run_id)


async def add_run_error(run_id: int, message: str) -> None:
    async with write_transaction():
        row = await SyncRun.select(SyncRun.errors).where(SyncRun.id == run_id).output(load_json=True).first()
        errors = list(row["errors"] or []) if row else []
        errors.append({"at": now().isoformat(timespec="seconds"), "message": message})
        await SyncRun.update({SyncRun.errors: json.dumps(errors, ensure_ascii=False)}).where(
            SyncRun.id == run_id
        )


async def finish_run(run_id: int, status: str) -> dict[str, int]:
    counts = await run_counts(run_id)
    async with write_transaction():
        await SyncRun.update(
            {
                SyncRun.status: status,
                SyncRun.finished_at: now(),
                SyncRun.counts: json.dumps(counts),
            }
        ).where(SyncRun.id == run_id)
    return counts


# ------------------------------------------------------------------------------------- matching

REGISTER_COLUMNS = (
    Organisation.id,
    Organisation.version,
    *(Organisation._meta.get_column_by_name(f) for f in COMPARED_FIELDS),
)


async def _candidates(
    items: Sequence[Item],
) -> tuple[dict[tuple[str, str], Candidate], dict[tuple[str, str], list[Candidate]]]:
    by_identifier: dict[tuple[str, str], Candidate] = {}
    by_name: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    wanted = {
        key: {str(i.values[key]) for i in items if i.values.get(key)} for key in ("krs", "nip", "regon")
    }
    condition = None
    for key, values in wanted.items():
        if values:
            part = Organisation._meta.get_column_by_name(key).is_in(sorted(values))
            condition = part if condition is None else condition | part
    if condition is not None:
        for row in await Organisation.select(*REGISTER_COLUMNS).where(condition):
            candidate = Candidate(row["id"], row)
            for key in ("krs", "nip", "regon"):
                if row.get(key):
                    by_identifier[(key, row[key])] = candidate
    names = {
        fold(str(i.values["name"]))
        for i in items
        if i.values.get("name")
        and i.values.get("gmina_code")
        and not any((k, str(i.values.get(k))) in by_identifier for k in ("krs", "nip", "regon"))
    }
    if names:
        rows = await Organisation.select(*REGISTER_COLUMNS, Organisation.name_search).where(
            Organisation.name_search.is_in(sorted(names))
        )
        for row in rows:
            by_name[(row["name_search"], row["gmina_code"])].append(Candidate(row["id"], row))
    return by_identifier, by_name


async def person_edits(org_ids: Iterable[int]) -> dict[int, dict[str, datetime]]:
    """When a person (web or API) last changed each field of these organisations."""
    ids = sorted(set(org_ids))
    found: dict[int, dict[str, datetime]] = defaultdict(dict)
    if not ids:
        return found
    rows = await (
        AuditRecord.select(AuditRecord.entity_id, AuditRecord.at, AuditRecord.changes)
        .where(
            (AuditRecord.entity_type == "organisation")
            & AuditRecord.entity_id.is_in(ids)
            & (AuditRecord.action == "organisation.update")
            & AuditRecord.channel.is_in(list(PERSON_CHANNELS))
        )
        .output(load_json=True)
    )
    for row in rows:
        for name in row["changes"] or {}:
            seen = found[int(row["entity_id"])].get(name)
            if seen is None or row["at"] > seen:
                found[int(row["entity_id"])][name] = row["at"]
    return found


async def reconcile(items: Sequence[Item], *, new_when_unmatched: bool = True) -> list[Outcome | None]:
    """The outcome of each found item (None for items the source did not give)."""
    found = [i for i in items if i.status == "found"]
    by_identifier, by_name = await _candidates(found)
    matched: dict[str, tuple[Candidate | None, str | None]] = {
        i.key: match(i.values, by_identifier, by_name) for i in found
    }
    for item in items:
        if item.status == "deregistered" and item.key not in matched:
            candidate = by_identifier.get(("krs", item.key))
            if candidate is None:
                row = await Organisation.select(*REGISTER_COLUMNS).where(Organisation.krs == item.key).first()
                candidate = Candidate(row["id"], row) if row else None
            matched[item.key] = (candidate, "krs" if candidate else None)
    edits = await person_edits(c.id for c, _ in matched.values() if c is not None)
    outcomes: list[Outcome | None] = []
    for item in items:
        if item.status == "found":
            candidate, how = matched[item.key]
            outcomes.append(
                outcome_for(
                    item.values,
                    candidate,
                    how,
                    edits.get(candidate.id, {}) if candidate else {},
                    item.as_of,
                    new_when_unmatched=new_when_unmatched,
                )
            )
        elif item.status == "deregistered":
            candidate, how = matched[item.key]
            if candidate is None or candidate.values.get("activity_state") == "retired":
                outcomes.append(Outcome("unchanged" if candidate else "unmatched"))
            else:
                from scrapers.reconcile import Proposal

                outcomes.append(
                    Outcome(
                        "deregistered",
                        candidate.id,
                        how,
                        [Proposal("activity_state", candidate.values.get("activity_state"), "retired")],
                    )
                )
        else:
            outcomes.append(None)
    return outcomes


# -------------------------------------------------------------------------------------- storing


async def store(
    run_id: int, source: str, items: Sequence[Item], *, new_when_unmatched: bool = True
) -> Counter[str]:
    """Record a batch of items of a run with their outcomes and changes, in one transaction."""
    counts: Counter[str] = Counter()
    async with write_transaction():
        outcomes = await reconcile(items, new_when_unmatched=new_when_unmatched)
        org_ids = sorted({o.organisation_id for o in outcomes if o and o.organisation_id})
        pending: set[tuple[int | None, str, str | None]] = set()
        if org_ids:
            for row in await SyncChange.select(
                SyncChange.organisation, SyncChange.field, SyncChange.new
            ).where(SyncChange.organisation.is_in(org_ids) & (SyncChange.state == "pending")):
                pending.add((row["organisation"], row["field"], row["new"]))
        open_new = set()
        new_keys = [i.key for i, o in zip(items, outcomes, strict=True) if o and o.status == "new"]
        if new_keys:
            rows = await (
                SyncRecord.select(SyncRecord.key)
                .where(
                    SyncRecord.key.is_in(new_keys)
                    & (SyncRecord.status == "new")
                    & (SyncRecord.decision == "open")
                )
                .where(SyncRecord.run.source == source)
            )
            open_new = {row["key"] for row in rows}
        stamp = now()
        for item, outcome in zip(items, outcomes, strict=True):
            status = outcome.status if outcome else item.status
            counts[status] += 1
            record = SyncRecord(
                run=run_id,
                key=item.key,
                status=status,
                organisation=outcome.organisation_id if outcome else None,
                matched_by=outcome.matched_by if outcome else None,
                http_status=item.http_status,
                raw=item.raw,
                values=json.dumps(
                    _jsonable(item.values | ({"facts": item.facts} if item.facts else {})), ensure_ascii=False
                ),
                problems=json.dumps(item.problems, ensure_ascii=False),
                decision="open" if outcome and outcome.changes else "none",
                fetched_at=stamp,
            )
            inserted = await SyncRecord.insert(record)
            record_id = inserted[0]["id"]
            if outcome is None:
                continue
            if outcome.status == "new" and item.key in open_new:
                counts["already_pending"] += 1
                await SyncRecord.update({SyncRecord.decision: "none"}).where(SyncRecord.id == record_id)
                continue
            fresh = []
            for change in outcome.changes:
                if (outcome.organisation_id, change.field, change.new) in pending:
                    counts["already_pending"] += 1
                    continue
                fresh.append(
                    SyncChange(
                        run=run_id,
                        record=record_id,
                        organisation=outcome.organisation_id,
                        field=change.field,
                        old=change.old,
                        new=change.new,
                        is_conflict=change.is_conflict,
                        state="pending",
                    )
                )
            if fresh:
                await SyncChange.insert(*fresh)
            elif outcome.changes:
                await SyncRecord.update({SyncRecord.decision: "none"}).where(SyncRecord.id == record_id)
            if outcome.organisation_id and item.facts:
                await _keep_facts(outcome.organisation_id, source, item.facts, item.as_of, stamp)
    return counts


async def _keep_facts(
    org_id: int, source: str, facts: Mapping[str, Any], as_of: date | None, stamp: datetime
) -> None:
    payload = json.dumps(_jsonable(dict(facts)), ensure_ascii=False)
    updated = await (
        SourceFacts.update(
            {SourceFacts.facts: payload, SourceFacts.as_of: as_of, SourceFacts.fetched_at: stamp}
        )
        .where((SourceFacts.organisation == org_id) & (SourceFacts.source == source))
        .returning(SourceFacts.id)
    )
    if not updated:
        await SourceFacts.insert(
            SourceFacts(organisation=org_id, source=source, facts=payload, as_of=as_of, fetched_at=stamp)
        )


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in values.items()}


async def auto_fields(source: str) -> set[str]:
    return {row["field"] for row in await AutoApply.select(AutoApply.field).where(AutoApply.source == source)}


async def set_auto(source: str, field_name: str, enabled: bool) -> None:
    async with write_transaction():
        await AutoApply.delete().where((AutoApply.source == source) & (AutoApply.field == field_name))
        if enabled:
            await AutoApply.insert(AutoApply(source=source, field=field_name))
