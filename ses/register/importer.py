"""Importing organisations from a CSV or XLSX file: every row is checked, and all are written or none.

If any row is wrong nothing is written, and the report names every wrong row and column. The
written rows and their audit records go in one transaction; rows already checked are written while
the next ones are checked, and a wrong row anywhere rolls all of them back.
"""

from __future__ import annotations

import asyncio
import json
import operator
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ses.audit.services import Actor, audit_fields
from ses.audit.tables import AuditRecord
from ses.db import bound, bulk_insert, engine, is_sqlite, reserve_ids, write_transaction
from ses.errors import FieldError, ValidationFailed
from ses.register.changes import announce_write
from ses.register.identifiers import IDENTIFIERS
from ses.register.name_search import bulk_filled_index
from ses.register.tables import Organisation
from ses.register.validation import clean_organisation
from ses.register.vocab import REINTEGRATION_UNIT_KINDS, Kind
from ses.territories.services import gmina_exists_checker
from ses.uploads import Table

COLUMNS = (
    "name", "kind", "legal_form", "activity_state", "gmina_code", "locality", "street", "postal_code",
    "krs", "nip", "regon", "email", "website", "phone", "registered_on", "is_owes",
    "founder_id", "founder_krs", "founder_nip", "ref", "founder_ref",
)  # fmt: skip
# `ref` names a row within the file (not stored) so that `founder_ref` of a unit can point at it.
COLUMN_SET = frozenset(COLUMNS)
FOUNDER_LOOKUPS = frozenset({"founder_krs", "founder_nip", "founder_ref"})
"""The founder columns resolved after the rows are checked (founder_id is checked with the row)."""
REQUIRED = ("name", "kind", "gmina_code")
UNIT_KIND_CODES = frozenset(kind.value for kind in REINTEGRATION_UNIT_KINDS)
MAX_REPORTED_ERRORS = 1000
BATCH = 1000
TRUE_WORDS = {"1", "true", "tak", "t", "yes", "y", "x"}
FALSE_WORDS = {"", "0", "false", "nie", "n", "no"}
OWES_WORDS = TRUE_WORDS | FALSE_WORDS

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    rows: int
    created: int
    dry_run: bool
    ids_by_ref: dict[str, int] = field(default_factory=dict)
    """The id given to each row that had a `ref` (lets a caller attach statuses to imported rows)."""


def _date(text: str) -> date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        # The usual RRRR-MM-DD, without strptime's cost (a tenth of an import row's validation).
        # Only this shape is taken here, so fromisoformat's other forms never slip in.
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # e.g. "2024-02-30": strptime below refuses it with the same message
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _typed(line: int, raw: dict[str, str], errors: list[FieldError]) -> dict[str, Any]:
    data: dict[str, Any] = {key: (value or None) for key, value in raw.items() if key in COLUMN_SET}
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
        if word not in OWES_WORDS:
            errors.append(FieldError("is_owes", "Wpisz „tak” albo „nie”.", row=line))
        data["is_owes"] = word in TRUE_WORDS
    if data.get("founder_id"):
        try:
            data["founder_id"] = int(data["founder_id"])
        except ValueError:
            errors.append(
                FieldError("founder_id", "Identyfikator podmiotu prowadzącego to liczba.", row=line)
            )
            data["founder_id"] = None
    return data


IDENTIFIER_NAMES = ("krs", "nip", "regon")
LOOKUP_CHUNK = 2000
"""Values asked for in one statement (below SQLite's and asyncpg's limits of bound parameters)."""
WHOLE_COLUMN_AT = 25_000
"""From this many values of one identifier on, reading the whole column is cheaper than asking."""


def named_identifiers(rows: Iterable[Mapping[str, str]]) -> dict[str, set[str]]:
    """The KRS, NIP and REGON numbers rows name, their own and their founders', in every form the
    checks look them up in (normalised as stored; a founder's number also zero-padded as typed)."""
    wanted: dict[str, set[str]] = {name: set() for name in IDENTIFIER_NAMES}
    for raw in rows:
        for name in IDENTIFIER_NAMES:
            if value := raw.get(name):
                wanted[name].add(IDENTIFIERS[name][0](value))
        for name in ("krs", "nip"):
            if value := raw.get(f"founder_{name}"):
                wanted[name].add(IDENTIFIERS[name][0](value))
                wanted[name].add(str(value).strip().zfill(10))
    return wanted


async def existing_identifiers(wanted: Mapping[str, set[str]]) -> dict[str, dict[str, int]]:
    """Which organisations already hold the numbers a file names: number → id, per identifier.

    Set-based: the file's numbers are asked for in a few statements (an index lookup each), so a
    small file against a big register does not read the whole register's identifiers; a file with
    very many numbers reads the whole column instead, which is then cheaper."""
    found: dict[str, dict[str, int]] = {}
    for name in IDENTIFIER_NAMES:
        column = Organisation._meta.get_column_by_name(name)
        values = sorted(value for value in wanted.get(name, ()) if value)
        found[name] = {}
        if len(values) >= WHOLE_COLUMN_AT:
            rows = await Organisation.select(Organisation.id, column).where(column.is_not_null())
            found[name] = {row[name]: row["id"] for row in rows}
            continue
        for start in range(0, len(values), LOOKUP_CHUNK):
            part = values[start : start + LOOKUP_CHUNK]
            for row in await Organisation.select(Organisation.id, column).where(column.is_in(part)):
                found[name][row[name]] = row["id"]
    return found


async def _existing_ids(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await Organisation.select(Organisation.id, Organisation.kind).where(
        Organisation.id.is_in(list(ids))
    )
    return {row["id"]: row["kind"] for row in rows}


def _header_problems(table: Table) -> list[FieldError]:
    problems = [
        FieldError(column, f"Nieznana kolumna „{column}”. Dozwolone: {', '.join(COLUMNS)}.", row=1)
        for column in table.header
        if column not in COLUMNS
    ]
    problems += [
        FieldError(column, f"Brak wymaganej kolumny „{column}”.", row=1)
        for column in REQUIRED
        if column not in table.header
    ]
    duplicates = {column for column in table.header if table.header.count(column) > 1}
    problems += [
        FieldError(column, "Kolumna występuje w nagłówku więcej niż raz.", row=1)
        for column in sorted(duplicates)
    ]
    return problems


async def import_table(
    table: Table,
    actor: Actor,
    *,
    dry_run: bool = False,
    is_demo: bool = False,
    progress: Progress | None = None,
    known: dict[str, dict[str, int]] | None = None,
) -> ImportResult:
    """`known`: for a dry run, the owners of the file's numbers the caller has already looked up
    (`existing_identifiers`); a real import always looks them up again under the write lock."""
    errors = _header_problems(table)
    if errors:
        raise ValidationFailed("Nagłówek pliku nie pasuje do wzoru importu.", errors)
    if not table.rows:
        raise ValidationFailed(
            "Plik nie zawiera żadnego wiersza danych.", [FieldError("file", "Brak danych.", row=2)]
        )

    if dry_run:
        if known is None:
            known = await existing_identifiers(named_identifiers(raw for _, raw in table.rows))
        cleaned, errors = await _checked_rows(table, known, writer=None)
        _refuse(errors)
        return ImportResult(rows=len(cleaned), created=0, dry_run=True)
    # Rows are written while later rows are still being checked (the database works in its own
    # thread or process meanwhile); a wrong row stops the writing and everything written is
    # rolled back, so the file is still imported whole or not at all.
    async with write_transaction() as transaction:
        savepoint = await transaction.savepoint()  # also undoes our part of a caller's transaction
        writer: _Writer | None = None
        try:
            async with _name_index_filled_at_end() as names:
                await _roomy_cache()
                # read under the write lock
                existing = await existing_identifiers(named_identifiers(raw for _, raw in table.rows))
                writer = _Writer(actor, existing, is_demo=is_demo, progress=progress)
                await writer.reserve(len(table.rows))
                names.first_id, writer.index_names = writer.first_id, names.index_to
                rebuilt = await _drop_indexes_for_bulk_load(len(table.rows), writer.first_id)
                cleaned, errors = await _checked_rows(table, existing, writer=writer)
                _refuse(errors)
                await writer.write_units(cleaned)
                await writer.drain()
                await _create_indexes(rebuilt)
                announce_write()
        except BaseException:
            if writer is not None:
                await writer.drain(quiet=True)
            await savepoint.rollback_to()
            raise
        await savepoint.release()
    created = len(cleaned)
    return ImportResult(rows=created, created=created, dry_run=False, ids_by_ref=writer.ids_by_ref())


def _refuse(errors: list[FieldError]) -> None:
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        more = f" (pokazano pierwsze {MAX_REPORTED_ERRORS})" if len(errors) > MAX_REPORTED_ERRORS else ""
        raise ValidationFailed(
            f"Import odrzucony: {len(shown)} błędów w pliku{more}. Nic nie zostało zapisane.", shown
        )


async def _checked_rows(
    table: Table, existing: dict[str, dict[str, int]], *, writer: _Writer | None
) -> tuple[list[tuple[int, dict[str, Any], dict[str, Any]]], list[FieldError]]:
    """Every row validated (up to MAX_REPORTED_ERRORS problems), then founders resolved.

    While no row has failed, bodies (not units) go to `writer` in batches as they are checked.
    """
    errors: list[FieldError] = []
    gmina_exists = await gmina_exists_checker()
    today = date.today()
    seen: dict[str, dict[str, int]] = {"krs": {}, "nip": {}, "regon": {}}
    cleaned: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    bodies: list[dict[str, Any]] = []
    for line, raw in table.rows:
        row_errors: list[FieldError] = []
        data = _typed(line, raw, row_errors)
        own_ref = raw.get("ref") or None
        values, problems = clean_organisation(
            {key: value for key, value in data.items() if key not in FOUNDER_LOOKUPS},
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
                    FieldError(
                        name,
                        f"{name.upper()} {value} ma już organizacja id {existing[name][value]}.",
                        row=line,
                    )
                )
            elif value in seen[name]:
                row_errors.append(
                    FieldError(
                        name, f"{name.upper()} {value} powtarza się (wiersz {seen[name][value]}).", row=line
                    )
                )
            else:
                seen[name][value] = line
        errors += row_errors
        if own_ref:
            values["_ref"] = own_ref
        cleaned.append((line, data, values))
        if writer is not None and not errors and values.get("kind") not in UNIT_KIND_CODES:
            bodies.append(values)
            if len(bodies) == BATCH:
                await writer.write(bodies)
                bodies = []
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    if writer is not None:
        if not errors:
            await writer.write(bodies)
        await writer.drain()  # one command at a time on a PostgreSQL connection: queries follow

    # Founders: an existing organisation (by id, KRS or NIP) or a row of the same file (by KRS or NIP).
    founder_ids = {data["founder_id"] for _, data, _ in cleaned if data.get("founder_id")}
    known = await _existing_ids(founder_ids)
    in_file_kind = {
        values.get(name): values.get("kind")
        for _, _, values in cleaned
        for name in ("krs", "nip")
        if values.get(name)
    }
    refs = {values["_ref"]: values.get("kind") for _, _, values in cleaned if values.get("_ref")}
    for line, data, values in cleaned:
        kind = values.get("kind")
        if kind is None:
            continue
        is_unit = kind in UNIT_KIND_CODES  # a checked kind's code
        reference = (
            data.get("founder_id")
            or data.get("founder_krs")
            or data.get("founder_nip")
            or data.get("founder_ref")
        )
        if not is_unit:
            if reference:
                errors.append(
                    FieldError(
                        "founder_id",
                        "Podmiot prowadzący wskazuje się tylko dla CIS, KIS, ZAZ i WTZ.",
                        row=line,
                    )
                )
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
            founder_kind = (
                in_file_kind.get(key)
                if founder_id is None
                else (await _existing_ids({founder_id})).get(founder_id)
            )
            values["_founder_key"] = (key_name, key)
        if founder_kind is None and reference:
            errors.append(
                FieldError("founder_id", f"Nie znaleziono podmiotu prowadzącego „{reference}”.", row=line)
            )
        elif founder_kind is not None and Kind(founder_kind) in REINTEGRATION_UNIT_KINDS:
            errors.append(
                FieldError(
                    "founder_id",
                    "Podmiotem prowadzącym nie może być inna jednostka reintegracyjna.",
                    row=line,
                )
            )

    return cleaned, errors


ORGANISATION_COLUMNS = [column._meta.db_column_name for column in Organisation._meta.columns]
AUDIT_COLUMNS = [
    column._meta.db_column_name for column in AuditRecord._meta.columns if column._meta.name != "id"
]
DEFAULTS = {"activity_state": "active", "is_owes": False, "version": 1}
EMPTY_ROW = dict.fromkeys(ORGANISATION_COLUMNS)
row_values = operator.itemgetter(*ORGANISATION_COLUMNS)
# One encoder for every audit record: json.dumps with options builds a new encoder per call.
# Values are text, numbers, booleans and dates (as ISO text, like audit_fields).
# (No circular check: a record's changes are flat, and the check costs a tenth of the encoding.)
_CHANGES_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False)


def _changes_encoder() -> Callable[[Any], str]:
    """`_CHANGES_ENCODER.encode`, without building a new C encoder and a Python closure on every
    call as `encode` does (a quarter of the time of encoding an import row's changes): the C
    encoder that `encode` makes is made once, with the same arguments, and its pieces joined the
    same way."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return _CHANGES_ENCODER.encode
    encoder = _CHANGES_ENCODER
    c_encoder = make(
        None, encoder.default, json.encoder.encode_basestring, encoder.indent, encoder.key_separator,
        encoder.item_separator, encoder.sort_keys, encoder.skipkeys, encoder.allow_nan,
    )  # fmt: skip

    def encode(value: Any) -> str:
        return "".join(c_encoder(value, 0))

    return encode


encode_changes = _changes_encoder()


async def _roomy_cache() -> None:
    """Give SQLite room for the indexes a large import touches (per connection, not persisted).

    With the default 2 MB page cache, inserting 100,000 rows in name order into a dozen indexes
    evicts and re-reads index pages all the time.
    """
    # Hot path, engine branch kept: benchmarks.register, docs/benchmarks.md "Register (#2)": import of
    # 100,000 rows ≥ 5,000 rows/s (5,988 SQLite / 5,780 PostgreSQL); each SQLite-only step below
    # was measured on that import (BULK_LOAD_MIN_ROWS: 10.4–12.7 → 7.7–8.0 s of CPU).
    if is_sqlite():
        await engine().current_transaction.get().connection.execute("PRAGMA cache_size = -65536")


BULK_LOAD_MIN_ROWS = 5000
"""SQLite: an import this large into a register no larger than itself rebuilds the organisation
table's plain indexes once at the end instead of updating them row by row. Measured with 100,000
rows into an empty register: 10.4–12.7 s of CPU in SQLite with the indexes kept, 7.7–8.0 s when
they are dropped and created again (CREATE INDEX sorts; row-by-row inserts land all over the
name-ordered indexes)."""


async def _drop_indexes_for_bulk_load(rows: int, first_id: int) -> list[str]:
    """Drop the organisation table's non-unique indexes for a bulk load (SQLite; inside the write
    transaction, so a rollback brings them back); returns the statements that create them again.
    Unique indexes stay, so duplicates are still refused row by row."""
    # Hot path, engine branch kept: benchmarks.register import of 100,000 rows (see _roomy_cache).
    if not is_sqlite() or rows < BULK_LOAD_MIN_ROWS or rows < first_id - 1:
        return []
    connection = engine().current_transaction.get().connection
    cursor = await connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'organisation' "
        "AND sql IS NOT NULL"
    )
    found = [
        (row["name"], row["sql"]) if isinstance(row, dict) else tuple(row) for row in await cursor.fetchall()
    ]
    await cursor.close()
    plain = [(name, sql) for name, sql in found if not sql.lstrip().upper().startswith("CREATE UNIQUE")]
    for name, _ in plain:
        await connection.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in plain]


async def _create_indexes(statements: list[str]) -> None:
    if statements:
        connection = engine().current_transaction.get().connection
        for statement in statements:
            await connection.execute(statement)


@dataclass
class _NameIndex:
    first_id: int = 0
    """The first new id (set by the caller once the ids are reserved)."""
    index_to: Callable[[int], Awaitable[None]] | None = None
    """SQLite: indexes the names written so far, up to an id."""


@asynccontextmanager
async def _name_index_filled_at_end() -> AsyncIterator[_NameIndex]:
    """SQLite: index the imported names batch by batch, each in one statement queued after the
    batch's rows (the database thread indexes while Python checks the next batch), instead of one
    FTS trigger call per row (ses/register/name_search.py); what is left at the end is indexed
    then. PostgreSQL's trigram GIN index takes COPY as it comes."""
    names = _NameIndex()
    # Hot path, engine branch kept: benchmarks.register import of 100,000 rows (see _roomy_cache).
    if not is_sqlite():
        yield names
        return
    connection = engine().current_transaction.get().connection
    async with bulk_filled_index(connection, lambda: names.first_id) as index_to:
        names.index_to = index_to
        yield names


def _start_writes(
    rows: list[tuple[Any, ...]], audits: list[tuple[Any, ...]], index_names: Awaitable[None] | None
) -> list[asyncio.Future[None]]:
    # Hot path, engine branch kept: benchmarks.register import of 100,000 rows (see _roomy_cache).
    if is_sqlite():
        # aiosqlite runs statements one after another in its thread: queue them all at once.
        writes = [
            asyncio.ensure_future(bulk_insert("organisation", ORGANISATION_COLUMNS, rows)),
            asyncio.ensure_future(bulk_insert("audit_record", AUDIT_COLUMNS, audits)),
        ]
        return writes + ([asyncio.ensure_future(index_names)] if index_names is not None else [])

    async def in_order() -> None:  # one asyncpg connection runs one command at a time
        await bulk_insert("organisation", ORGANISATION_COLUMNS, rows)
        await bulk_insert("audit_record", AUDIT_COLUMNS, audits)

    return [asyncio.ensure_future(in_order())]


class _Writer:
    """Writes checked rows and their audit records in batches, in the caller's write transaction.

    Each batch goes to the database (its own thread on SQLite, its own process on PostgreSQL)
    while Python checks and prepares the next; writes stay in file order. Bodies get ids first,
    units after them, so a unit can point at a founder created by the same file.
    """

    def __init__(
        self, actor: Actor, existing: dict[str, dict[str, int]], *, is_demo: bool, progress: Progress | None
    ) -> None:
        self.stamp = datetime.now(UTC)
        # Every audit record of the import is the same apart from the organisation and its values.
        self.stored_stamp = bound(self.stamp)  # adapted once, not for every row
        template = audit_fields(actor, "organisation.import", "organisation", 0, {}, at=self.stamp)
        template["at"] = self.stored_stamp
        self.audit_base = [template[column] for column in AUDIT_COLUMNS]
        self.existing = existing
        self.is_demo = is_demo
        self.progress = progress
        self.ids_by_key: dict[tuple[str, str], int] = {}
        self.pending: list[asyncio.Future[None]] = []
        self.done = 0
        self.total = 0
        self.first_id = 0
        self.units: list[dict[str, Any]] = []
        self.index_names: Callable[[int], Awaitable[None]] | None = None

    async def reserve(self, total: int) -> None:
        ids = await reserve_ids("organisation", total)
        self.total, self.first_id, self.ids = total, ids[0], iter(ids)

    async def write(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        entity_at, changes_at = AUDIT_COLUMNS.index("entity_id"), AUDIT_COLUMNS.index("changes")
        rows, audits = [], []
        for values, org_id in zip(batch, self.ids, strict=False):
            if ref := values.get("_ref"):
                self.ids_by_key[("ref", ref)] = org_id
            for name in ("krs", "nip"):
                if values.get(name):
                    self.ids_by_key[(name, values[name])] = org_id
            founder_key = values.get("_founder_key")
            if founder_key is not None:
                values["founder"] = (
                    self.existing.get(founder_key[0], {}).get(founder_key[1]) or self.ids_by_key[founder_key]
                )
            record = {
                **EMPTY_ROW,
                **DEFAULTS,
                **values,
                "id": org_id,
                "is_demo": self.is_demo,
                "created_at": self.stored_stamp,
                "updated_at": self.stored_stamp,
            }
            rows.append(row_values(record))
            changes = {
                key: [None, value]
                for key, value in values.items()
                if value is not None and key != "name_search" and not key.startswith("_")
            }
            if (registered := values.get("registered_on")) is not None:
                # As `default=str` writes it, without a call back into Python from the encoder.
                changes["registered_on"] = [None, str(registered)]
            audit = self.audit_base.copy()
            audit[entity_at] = org_id
            audit[changes_at] = encode_changes(changes)
            audits.append(tuple(audit))
        await self.drain()
        index = self.index_names(org_id) if self.index_names is not None else None  # up to this batch
        self.pending = _start_writes(rows, audits, index)
        await asyncio.sleep(0)  # let both writes reach the database before the next batch
        self.done += len(batch)
        if self.progress:
            self.progress(self.done, self.total)

    async def write_units(self, cleaned: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> None:
        units = [values for _, _, values in cleaned if values["kind"] in UNIT_KIND_CODES]
        for start in range(0, len(units), BATCH):
            await self.write(units[start : start + BATCH])

    async def drain(self, *, quiet: bool = False) -> None:
        """Wait for the writes under way (`quiet`: on the way out after a failure)."""
        pending, self.pending = self.pending, []
        await asyncio.gather(*pending, return_exceptions=quiet)

    def ids_by_ref(self) -> dict[str, int]:
        return {key[1]: org_id for key, org_id in self.ids_by_key.items() if key[0] == "ref"}
