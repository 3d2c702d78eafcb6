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
from ses.db import bulk_insert, reserve_ids, write_transaction
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
    founder: dict[str, str] = field(default_factory=dict)
    """The body running the unit as the source names it (krs, nip, name); see `resolve_founders`."""


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
    *(Organisation._meta.get_column_by_name(f) for f in COMPARED_FIELDS if f != "founder_id"),
    Organisation.founder.as_alias("founder_id"),
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


def _founder_label(founder: Mapping[str, str]) -> str:
    named = f"„{founder['name']}”" if founder.get("name") else "bez nazwy"
    ids = ", ".join(f"{k.upper()} {founder[k]}" for k in ("krs", "nip") if founder.get(k))
    return f"{named} ({ids})" if ids else named


async def resolve_founders(items: Sequence[Item]) -> None:
    """Link each unit the source names a running body for to that organisation of the register.

    The body is looked for by KRS, then NIP, then by its exact name (case and accents aside) when one
    organisation alone bears it. The organisation found becomes the unit's `founder_id` (a change
    like any other, reviewed by staff); a body not found, or a name several bear, is reported on the
    record and the unit is left unlinked.
    """
    wanted = [i for i in items if i.status == "found" and i.founder]
    if not wanted:
        return
    by_identifier: dict[tuple[str, str], tuple[int, str]] = {}
    by_name: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    condition = None
    for key in ("krs", "nip"):
        values = sorted({i.founder[key] for i in wanted if i.founder.get(key)})
        if values:
            part = Organisation._meta.get_column_by_name(key).is_in(values)
            condition = part if condition is None else condition | part
    if condition is not None:
        for row in await Organisation.select(
            Organisation.id, Organisation.krs, Organisation.nip, Organisation.name
        ).where(condition):
            for key in ("krs", "nip"):
                if row[key]:
                    by_identifier[(key, row[key])] = (row["id"], row["name"])
    names = sorted({fold(i.founder["name"]) for i in wanted if i.founder.get("name")})
    if names:
        for row in await Organisation.select(
            Organisation.id, Organisation.name, Organisation.name_search, Organisation.voivodeship_code
        ).where(Organisation.name_search.is_in(names) & (Organisation.activity_state != "retired")):
            by_name[row["name_search"]].append((row["id"], row["name"], row["voivodeship_code"]))
    for item in wanted:
        found = next(
            (
                by_identifier[(k, item.founder[k])]
                for k in ("krs", "nip")
                if (k, item.founder.get(k)) in by_identifier
            ),
            None,
        )
        label = _founder_label(item.founder)
        if found is None and item.founder.get("name"):
            bearers = by_name.get(fold(item.founder["name"]), [])
            region = str(item.values.get("gmina_code") or "")[:2]
            if len(bearers) > 1 and region:
                bearers = [b for b in bearers if b[2] == region] or bearers
            if len(bearers) == 1:
                found = bearers[0][:2]
                note = f"Podmiot prowadzący {label} rozpoznany tylko po nazwie — sprawdź przed akceptacją."
                if note not in item.problems:
                    item.problems.append(note)
            elif len(bearers) > 1:
                message = (
                    f"Podmiot prowadzący {label} nierozpoznany: tę nazwę nosi {len(bearers)} organizacji "
                    "rejestru; wpisz NIP albo KRS podmiotu na liście albo wskaż go ręcznie."
                )
                if message not in item.problems:
                    item.problems.append(message)
                continue
        if found is None:
            message = (
                f"Podmiot prowadzący {label} nierozpoznany: nie ma go w rejestrze — "
                "jednostka pozostaje bez powiązania z podmiotem prowadzącym (nowej jednostki nie da się "
                "dodać, dopóki podmiot nie znajdzie się w rejestrze)."
            )
            if message not in item.problems:
                item.problems.append(message)
            continue
        item.values["founder_id"] = found[0]
        item.facts["founder"] = f"{found[1]} (id {found[0]})"


async def reconcile(items: Sequence[Item], *, new_when_unmatched: bool = True) -> list[Outcome | None]:
    """The outcome of each found item (None for items the source did not give)."""
    await resolve_founders(items)
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


RECORD_COLUMNS = [
    "id", "run", "key", "status", "organisation", "matched_by", "http_status", "raw", "source_values",
    "problems", "decision", "fetched_at",
]  # fmt: skip
CHANGE_COLUMNS = ["run", "record", "organisation", "field", "old", "new", "is_conflict", "state"]
FACT_COLUMNS = ["organisation", "source", "facts", "as_of", "fetched_at"]


async def store(
    run_id: int, source: str, items: Sequence[Item], *, new_when_unmatched: bool = True
) -> Counter[str]:
    """Record a batch of items of a run with their outcomes and changes, in one transaction.

    Rows go in with three bulk statements (records, changes, facts): one statement per row made
    storing the change set the slowest part of a sync (measured in benchmarks/krs_sync.py).
    """
    counts: Counter[str] = Counter()
    async with write_transaction():
        outcomes = await reconcile(items, new_when_unmatched=new_when_unmatched)
        pending = await _pending(sorted({o.organisation_id for o in outcomes if o and o.organisation_id}))
        new_keys = [i.key for i, o in zip(items, outcomes, strict=True) if o and o.status == "new"]
        open_new = await _open_new(source, new_keys)
        record_ids = await reserve_ids("sync_record", len(items))
        stamp = now()
        records: list[tuple[Any, ...]] = []
        changes: list[tuple[Any, ...]] = []
        facts: dict[int, tuple[Any, ...]] = {}
        for record_id, item, outcome in zip(record_ids, items, outcomes, strict=True):
            status = outcome.status if outcome else item.status
            counts[status] += 1
            fresh = []
            if outcome is not None and not (outcome.status == "new" and item.key in open_new):
                for change in outcome.changes:
                    # a new organisation's fields are its own: two new units of the same kind or
                    # gmina share values, and neither is "already pending" for the other
                    if outcome.organisation_id is not None:
                        if (outcome.organisation_id, change.field, change.new) in pending:
                            counts["already_pending"] += 1
                            continue
                        pending.add((outcome.organisation_id, change.field, change.new))
                    fresh.append(
                        (run_id, record_id, outcome.organisation_id, change.field, change.old, change.new,
                         change.is_conflict, "pending")
                    )  # fmt: skip
            elif outcome is not None:
                counts["already_pending"] += 1
            changes += fresh
            values = _jsonable(item.values | ({"facts": item.facts} if item.facts else {}))
            records.append(
                (record_id, run_id, item.key, status, outcome.organisation_id if outcome else None,
                 outcome.matched_by if outcome else None, item.http_status, item.raw,
                 json.dumps(values, ensure_ascii=False), json.dumps(item.problems, ensure_ascii=False),
                 "open" if fresh else "none", stamp)
            )  # fmt: skip
            if outcome is not None and outcome.organisation_id and item.facts:
                facts[outcome.organisation_id] = (
                    outcome.organisation_id, source, json.dumps(_jsonable(item.facts), ensure_ascii=False),
                    item.as_of, stamp,
                )  # fmt: skip
        await bulk_insert("sync_record", RECORD_COLUMNS, records)
        await bulk_insert("sync_change", CHANGE_COLUMNS, changes)
        if facts:
            await SourceFacts.delete().where(
                SourceFacts.organisation.is_in(sorted(facts)) & (SourceFacts.source == source)
            )
            await bulk_insert("sync_source_facts", FACT_COLUMNS, list(facts.values()))
    return counts


async def _pending(org_ids: list[int]) -> set[tuple[int | None, str, str | None]]:
    """(organisation, field, new value) of the changes already waiting for review."""
    if not org_ids:
        return set()
    rows = await SyncChange.select(SyncChange.organisation, SyncChange.field, SyncChange.new).where(
        SyncChange.organisation.is_in(org_ids) & (SyncChange.state == "pending")
    )
    return {(row["organisation"], row["field"], row["new"]) for row in rows}


async def _open_new(source: str, keys: list[str]) -> set[str]:
    """Keys of new organisations already waiting for review in an earlier run of the source."""
    if not keys:
        return set()
    rows = await SyncRecord.select(SyncRecord.key).where(
        SyncRecord.key.is_in(keys)
        & (SyncRecord.status == "new")
        & SyncRecord.decision.is_in(["open", "partly"])
        & (SyncRecord.run.source == source)
    )
    return {row["key"] for row in rows}


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in values.items()}


async def auto_fields(source: str) -> set[str]:
    return {row["field"] for row in await AutoApply.select(AutoApply.field).where(AutoApply.source == source)}


async def set_auto(source: str, field_name: str, enabled: bool) -> None:
    async with write_transaction():
        await AutoApply.delete().where((AutoApply.source == source) & (AutoApply.field == field_name))
        if enabled:
            await AutoApply.insert(AutoApply(source=source, field=field_name))
