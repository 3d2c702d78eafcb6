"""Importing organisations from a CSV or XLSX file: all rows are checked first, then all are written.

If any row is wrong nothing is written, and the report names every wrong row and column. The
written rows and their audit records go in one transaction.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ses.audit.services import Actor, audit_fields
from ses.audit.tables import AuditRecord
from ses.db import bulk_insert, engine, is_sqlite, reserve_ids, write_transaction
from ses.errors import FieldError, ValidationFailed
from ses.register.tables import Organisation
from ses.register.tabular import Table
from ses.register.validation import clean_organisation
from ses.register.vocab import REINTEGRATION_UNIT_KINDS, Kind
from ses.territories.services import gmina_exists_checker

COLUMNS = (
    "name", "kind", "legal_form", "activity_state", "gmina_code", "locality", "street", "postal_code",
    "krs", "nip", "regon", "email", "website", "phone", "registered_on", "is_owes",
    "founder_id", "founder_krs", "founder_nip", "ref", "founder_ref",
)  # fmt: skip
# `ref` names a row within the file (not stored) so that `founder_ref` of a unit can point at it.
REQUIRED = ("name", "kind", "gmina_code")
UNIT_KIND_CODES = frozenset(kind.value for kind in REINTEGRATION_UNIT_KINDS)
MAX_REPORTED_ERRORS = 1000
BATCH = 1000
TRUE_WORDS = {"1", "true", "tak", "t", "yes", "y", "x"}
FALSE_WORDS = {"", "0", "false", "nie", "n", "no"}

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    rows: int
    created: int
    dry_run: bool
    ids_by_ref: dict[str, int] = field(default_factory=dict)
    """The id given to each row that had a `ref` (lets a caller attach statuses to imported rows)."""


def _date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _typed(line: int, raw: dict[str, str], errors: list[FieldError]) -> dict[str, Any]:
    data: dict[str, Any] = {key: (value or None) for key, value in raw.items() if key in COLUMNS}
    data.pop("ref", None)
    if data.get("activity_state") is None:
        data.pop("activity_state", None)
    if data.get("registered_on"):
        try:
            data["registered_on"] = _date(data["registered_on"])
        except ValueError:
            errors.append(FieldError("registered_on", "Data ma postać RRRR-MM-DD lub DD.MM.RRRR.", row=line))
            data["registered_on"] = None
    if "is_owes" in data:
        word = (data["is_owes"] or "").strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            errors.append(FieldError("is_owes", "Wpisz „tak” albo „nie”.", row=line))
        data["is_owes"] = word in TRUE_WORDS
    if data.get("founder_id"):
        try:
            data["founder_id"] = int(data["founder_id"])
        except ValueError:
            errors.append(FieldError("founder_id", "Identyfikator podmiotu prowadzącego to liczba.", row=line))
            data["founder_id"] = None
    return data


async def _existing_identifiers() -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for name in ("krs", "nip", "regon"):
        column = Organisation._meta.get_column_by_name(name)
        rows = await Organisation.select(Organisation.id, column).where(column.is_not_null())
        found[name] = {row[name]: row["id"] for row in rows}
    return found


async def _existing_ids(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await Organisation.select(Organisation.id, Organisation.kind).where(Organisation.id.is_in(list(ids)))
    return {row["id"]: row["kind"] for row in rows}


def _header_problems(table: Table) -> list[FieldError]:
    problems = [
        FieldError(column, f"Nieznana kolumna „{column}”. Dozwolone: {', '.join(COLUMNS)}.", row=1)
        for column in table.header
        if column not in COLUMNS
    ]
    problems += [
        FieldError(column, f"Brak wymaganej kolumny „{column}”.", row=1) for column in REQUIRED if column not in table.header
    ]
    duplicates = {column for column in table.header if table.header.count(column) > 1}
    problems += [FieldError(column, "Kolumna występuje w nagłówku więcej niż raz.", row=1) for column in sorted(duplicates)]
    return problems


async def import_table(
    table: Table,
    actor: Actor,
    *,
    dry_run: bool = False,
    is_demo: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    errors = _header_problems(table)
    if errors:
        raise ValidationFailed("Nagłówek pliku nie pasuje do wzoru importu.", errors)
    if not table.rows:
        raise ValidationFailed("Plik nie zawiera żadnego wiersza danych.", [FieldError("file", "Brak danych.", row=2)])

    gmina_exists = await gmina_exists_checker()
    today = date.today()
    existing = await _existing_identifiers()
    seen: dict[str, dict[str, int]] = {"krs": {}, "nip": {}, "regon": {}}
    cleaned: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for line, raw in table.rows:
        row_errors: list[FieldError] = []
        data = _typed(line, raw, row_errors)
        own_ref = raw.get("ref") or None
        values, problems = clean_organisation(
            {key: value for key, value in data.items() if not key.startswith("founder_") or key == "founder_id"},
            gmina_exists=gmina_exists,
            today=today,
        )
        # A founder named by KRS or NIP is resolved below; do not demand a founder_id for it.
        if data.get("founder_krs") or data.get("founder_nip") or data.get("founder_ref"):
            problems = [p for p in problems if p.field != "founder_id"]
        row_errors += [FieldError(p.field, p.message, row=line) for p in problems]
        for name in ("krs", "nip", "regon"):
            value = values.get(name)
            if not value:
                continue
            if value in existing[name]:
                row_errors.append(
                    FieldError(name, f"{name.upper()} {value} ma już organizacja id {existing[name][value]}.", row=line)
                )
            elif value in seen[name]:
                row_errors.append(FieldError(name, f"{name.upper()} {value} powtarza się (wiersz {seen[name][value]}).", row=line))
            else:
                seen[name][value] = line
        errors += row_errors
        if own_ref:
            values["_ref"] = own_ref
        cleaned.append((line, data, values))
        if len(errors) >= MAX_REPORTED_ERRORS:
            break

    # Founders: an existing organisation (by id, KRS or NIP) or a row of the same file (by KRS or NIP).
    founder_ids = {data["founder_id"] for _, data, _ in cleaned if data.get("founder_id")}
    known = await _existing_ids(founder_ids)
    in_file_kind = {values.get(name): values.get("kind") for _, _, values in cleaned for name in ("krs", "nip") if values.get(name)}
    refs = {values["_ref"]: values.get("kind") for _, _, values in cleaned if values.get("_ref")}
    for line, data, values in cleaned:
        kind = values.get("kind")
        if kind is None:
            continue
        is_unit = Kind(kind) in REINTEGRATION_UNIT_KINDS
        reference = data.get("founder_id") or data.get("founder_krs") or data.get("founder_nip") or data.get("founder_ref")
        if not is_unit:
            if reference:
                errors.append(FieldError("founder_id", "Podmiot prowadzący wskazuje się tylko dla CIS, KIS, ZAZ i WTZ.", row=line))
            continue
        founder_kind = None
        if data.get("founder_id"):
            founder_kind = known.get(data["founder_id"])
        elif data.get("founder_ref"):
            founder_kind = refs.get(data["founder_ref"])
            values["_founder_key"] = ("ref", data["founder_ref"])
        elif data.get("founder_krs") or data.get("founder_nip"):
            key_name = "krs" if data.get("founder_krs") else "nip"
            key = str(data.get(f"founder_{key_name}")).strip().zfill(10)
            founder_id = existing[key_name].get(key)
            founder_kind = in_file_kind.get(key) if founder_id is None else (await _existing_ids({founder_id})).get(founder_id)
            values["_founder_key"] = (key_name, key)
        if founder_kind is None and reference:
            errors.append(FieldError("founder_id", f"Nie znaleziono podmiotu prowadzącego „{reference}”.", row=line))
        elif founder_kind is not None and Kind(founder_kind) in REINTEGRATION_UNIT_KINDS:
            errors.append(FieldError("founder_id", "Podmiotem prowadzącym nie może być inna jednostka reintegracyjna.", row=line))

    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        more = f" (pokazano pierwsze {MAX_REPORTED_ERRORS})" if len(errors) > MAX_REPORTED_ERRORS else ""
        raise ValidationFailed(
            f"Import odrzucony: {len(shown)} błędów w pliku{more}. Nic nie zostało zapisane.", shown
        )
    if dry_run:
        return ImportResult(rows=len(cleaned), created=0, dry_run=True)
    created, ids_by_ref = await _write(cleaned, existing, actor, is_demo=is_demo, progress=progress)
    return ImportResult(rows=len(cleaned), created=created, dry_run=False, ids_by_ref=ids_by_ref)


ORGANISATION_COLUMNS = [column._meta.db_column_name for column in Organisation._meta.columns]
AUDIT_COLUMNS = [column._meta.db_column_name for column in AuditRecord._meta.columns if column._meta.name != "id"]
DEFAULTS = {"activity_state": "active", "is_owes": False, "version": 1}


async def _roomy_cache() -> None:
    """Give SQLite room for the indexes a large import touches (per connection, not persisted).

    With the default 2 MB page cache, inserting 100,000 rows in name order into a dozen indexes
    evicts and re-reads index pages all the time.
    """
    if is_sqlite():
        await engine().current_transaction.get().connection.execute("PRAGMA cache_size = -65536")


def _start_writes(rows: list[tuple[Any, ...]], audits: list[tuple[Any, ...]]) -> list[asyncio.Future[None]]:
    if is_sqlite():
        # aiosqlite runs statements one after another in its thread: queue both at once.
        return [
            asyncio.ensure_future(bulk_insert("organisation", ORGANISATION_COLUMNS, rows)),
            asyncio.ensure_future(bulk_insert("audit_record", AUDIT_COLUMNS, audits)),
        ]

    async def in_order() -> None:  # one asyncpg connection runs one command at a time
        await bulk_insert("organisation", ORGANISATION_COLUMNS, rows)
        await bulk_insert("audit_record", AUDIT_COLUMNS, audits)

    return [asyncio.ensure_future(in_order())]


async def _write(
    cleaned: list[tuple[int, dict[str, Any], dict[str, Any]]],
    existing: dict[str, dict[str, int]],
    actor: Actor,
    *,
    is_demo: bool,
    progress: Progress | None,
) -> tuple[int, dict[str, int]]:
    stamp = datetime.now(UTC)
    # Bodies first, in batches of their own, so units can point at founders created by this file.
    bodies = [item for item in cleaned if item[2]["kind"] not in UNIT_KIND_CODES]
    units = [item for item in cleaned if item[2]["kind"] in UNIT_KIND_CODES]
    ids_by_key: dict[tuple[str, str], int] = {}
    total = len(cleaned)
    done = 0
    # Every audit record of the import is the same apart from the organisation and its values.
    template = audit_fields(actor, "organisation.import", "organisation", 0, {}, at=stamp)
    audit_base = [template[column] for column in AUDIT_COLUMNS]
    entity_at, changes_at = AUDIT_COLUMNS.index("entity_id"), AUDIT_COLUMNS.index("changes")
    async with write_transaction():
        await _roomy_cache()
        all_ids = iter(await reserve_ids("organisation", total))
        pending: list[asyncio.Future[None]] = []
        for group in (bodies, units):
            for start in range(0, len(group), BATCH):
                batch = group[start : start + BATCH]
                rows, audits = [], []
                for (_, _, values), org_id in zip(batch, all_ids, strict=False):
                    if ref := values.pop("_ref", None):
                        ids_by_key[("ref", ref)] = org_id
                    for name in ("krs", "nip"):
                        if values.get(name):
                            ids_by_key[(name, values[name])] = org_id
                    founder_key = values.pop("_founder_key", None)
                    if founder_key is not None:
                        values["founder"] = existing.get(founder_key[0], {}).get(founder_key[1]) or ids_by_key[founder_key]
                    record = {
                        **DEFAULTS,
                        **values,
                        "id": org_id,
                        "is_demo": is_demo,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                    rows.append(tuple(record.get(column) for column in ORGANISATION_COLUMNS))
                    changes = {key: [None, value] for key, value in values.items() if value is not None and key != "name_search"}
                    audit = audit_base.copy()
                    audit[entity_at] = org_id
                    # Values are text, numbers, booleans and dates (as ISO text, like audit_fields).
                    audit[changes_at] = json.dumps(changes, ensure_ascii=False, default=str)
                    audits.append(tuple(audit))
                # The database writes this batch (in its own thread on SQLite, in its own process on
                # PostgreSQL) while Python prepares the next one; writes stay in file order.
                await asyncio.gather(*pending)
                pending = _start_writes(rows, audits)
                await asyncio.sleep(0)  # let both writes reach the database before the next batch
                done += len(batch)
                if progress:
                    progress(done, total)
        await asyncio.gather(*pending)
    return total, {key[1]: org_id for key, org_id in ids_by_key.items() if key[0] == "ref"}
