"""An import file as a plan: which rows create organisations and which change existing ones (with
the differences, field by field), then applying it all or nothing.

A row changes an existing record when it names one: by `id`, else by KRS, NIP or REGON found in the
register. Only the columns present in the file are changed (an empty cell clears an optional
field). Headers may be the codes or the Polish headers, enumeration values the codes or the Polish
labels (ses/register/columns.py), and the read-only columns of an export are ignored, so an export
re-imports without edits. New rows go through the bulk importer (ses/register/importer.py), in the
same transaction as the changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ses.audit.services import Actor, diff
from ses.db import write_transaction
from ses.errors import FieldError, ValidationFailed
from ses.register import importer, services
from ses.register.columns import (
    BY_CODE,
    COLUMNS,
    IMPORT_ONLY,
    READ_ONLY,
    column_code,
    unneutralise,
    value_code,
)
from ses.register.identifiers import IDENTIFIERS
from ses.register.tables import Organisation
from ses.register.validation import clean_organisation
from ses.territories.services import gmina_exists_checker
from ses.uploads import Table

PREVIEW_ROWS = 200
IDENTIFIER_NAMES = ("krs", "nip", "regon")


@dataclass
class Change:
    line: int
    org_id: int
    name: str
    version: int
    data: dict[str, Any]
    changes: list[tuple[str, Any, Any]]


@dataclass
class Plan:
    rows: int
    created: list[tuple[int, str]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    creates: Table | None = None
    creates_unchecked: bool = False
    """The new rows were left to the importer that writes them (`plan(check_creates=False)`)."""


def normalise(table: Table) -> Table:
    """Codes for Polish headers and labels, apostrophes of neutralised formulas removed, the
    export's read-only columns dropped; unknown headers refused by name."""
    problems: list[FieldError] = []
    codes = [column_code(header) for header in table.header]
    known = {c.code for c in (*COLUMNS, *IMPORT_ONLY)}
    for header, code in zip(table.header, codes, strict=True):
        if code not in known and header:
            allowed = ", ".join(f"{c.header} ({c.code})" for c in COLUMNS if c.writable)
            problems.append(FieldError(header, f"Nieznana kolumna „{header}”. Dozwolone: {allowed}.", row=1))
    if problems:
        problems += missing_columns(codes) if not set(codes) & {"id", *IDENTIFIER_NAMES} else []
        raise ValidationFailed("Nagłówek pliku nie pasuje do wzoru importu.", problems)
    kept = [code for code in codes if code and code not in READ_ONLY]
    read = [
        (header, code, BY_CODE[code].allowed or None)
        for header, code in zip(table.header, codes, strict=True)
        if code and code not in READ_ONLY
    ]
    rows = []
    for line, raw in table.rows:
        values: dict[str, str] = {}
        for header, code, allowed in read:
            text = raw.get(header, "")
            if text.startswith("'"):
                text = unneutralise(text)
            # A code is kept as it is (value_code's first answer), a label looked up.
            values[code] = value_code(code, text) if allowed and text and text not in allowed else text
        rows.append((line, values))
    return Table(header=kept, rows=rows, encoding=table.encoding)


def missing_columns(codes: list[str]) -> list[FieldError]:
    """Columns a file that adds organisations must have."""
    return [
        FieldError(code, f"Brak wymaganej kolumny „{BY_CODE[code].header}” ({code}).", row=1)
        for code in importer.REQUIRED
        if code not in codes
    ]


async def _existing_ids(ids: set[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    chosen = sorted(ids)
    for start in range(0, len(chosen), 500):
        part = chosen[start : start + 500]
        for row in await Organisation.select().where(Organisation.id.is_in(part)):
            found[row["id"]] = row
    return found


def _identifier(name: str, raw: str) -> str:
    return IDENTIFIERS[name][0](raw) if raw else ""


async def plan(table: Table, *, check_creates: bool = True) -> Plan:
    """What the file would do (nothing is written); every problem found raises ValidationFailed.

    `check_creates=False` leaves the new rows' checks to the importer that writes them (`apply`)
    when nothing else is wrong and no existing record changes: it then checks them against the
    same register, in the same write transaction, the same way, so they are checked once."""
    table = normalise(table)
    if not table.rows:
        raise ValidationFailed(
            "Plik nie zawiera żadnego wiersza danych.", [FieldError("file", "Brak danych.", row=2)]
        )
    errors: list[FieldError] = []
    existing = await importer.existing_identifiers(importer.named_identifiers(raw for _, raw in table.rows))
    matched: dict[int, int] = {}  # line → id
    for line, raw in table.rows:
        text_id = (raw.get("id") or "").strip()
        if text_id:
            if not text_id.isdigit() or len(text_id) > 12:
                errors.append(FieldError("id", "Id rekordu to liczba (puste: nowy podmiot).", row=line))
            else:
                matched[line] = int(text_id)
            continue
        for name in IDENTIFIER_NAMES:
            if not existing[name]:  # none of the file's numbers is in the register (a first load)
                continue
            value = _identifier(name, raw.get(name) or "")
            if value and value in existing[name]:
                matched[line] = existing[name][value]
                break
    current = await _existing_ids(set(matched.values()))
    result = Plan(rows=len(table.rows))
    gmina_exists = await gmina_exists_checker()
    today = date.today()
    seen: dict[int, int] = {}
    create_rows = []
    for line, raw in table.rows:
        org_id = matched.get(line)
        if org_id is None:
            if not (raw.get("id") or "").strip():
                new = {k: v for k, v in raw.items() if k != "id"} if "id" in raw else raw
                create_rows.append((line, new))
                result.created.append((line, raw.get("name", "")))
            continue
        record = current.get(org_id)
        if record is None:
            errors.append(FieldError("id", f"Nie ma w rejestrze rekordu o id {org_id}.", row=line))
            continue
        if org_id in seen:
            errors.append(
                FieldError("id", f"Ten sam rekord (id {org_id}) już w wierszu {seen[org_id]}.", row=line)
            )
            continue
        seen[org_id] = line
        if record["activity_state"] == "retired":
            errors.append(
                FieldError("id", f"Rekord id {org_id} wycofano z rejestru: nie można go zmienić.", row=line)
            )
            continue
        row_errors: list[FieldError] = []
        data = importer._typed(line, {k: v for k, v in raw.items() if k not in ("id", "ref")}, row_errors)
        founder_ref = data.pop("founder_ref", None)
        if founder_ref:
            row_errors.append(
                FieldError("founder_ref", "Zmieniany rekord wskazuje podmiot prowadzący przez id.", row=line)
            )
        for name in ("founder_krs", "founder_nip"):
            value = data.pop(name, None)
            if value:
                founder = existing[name[8:]].get(_identifier(name[8:], value))
                if founder is None:
                    row_errors.append(
                        FieldError(name, f"Nie znaleziono podmiotu prowadzącego „{value}”.", row=line)
                    )
                else:
                    data["founder_id"] = founder
        values, problems = clean_organisation(data, gmina_exists=gmina_exists, today=today, current=record)
        row_errors += [FieldError(p.field, p.message, row=line) for p in problems]
        for name in IDENTIFIER_NAMES:
            value = values.get(name)
            owner = existing[name].get(value) if value else None
            if owner is not None and owner != org_id:
                row_errors.append(
                    FieldError(name, f"{name.upper()} {value} ma już organizacja id {owner}.", row=line)
                )
        errors += row_errors
        if row_errors:
            continue
        changes = diff(record, {k: v for k, v in values.items() if k in services.AUDITED})
        if not changes:
            result.unchanged += 1
            continue
        result.changed.append(
            Change(
                line=line,
                org_id=org_id,
                name=record["name"],
                version=record["version"],
                data=data,
                changes=[(name, pair[0], pair[1]) for name, pair in changes.items()],
            )
        )
    if create_rows and (missing := missing_columns(table.header)):
        errors += missing
    elif create_rows:
        result.creates = Table(
            header=[h for h in table.header if h != "id"], rows=create_rows, encoding=table.encoding
        )
        # With errors, every problem of the file is reported at once; with changes, the importer
        # runs after them (and checks the new rows again against the changed register).
        if check_creates or errors or result.changed:
            try:
                await importer.import_table(
                    result.creates, Actor.system("podgląd importu"), dry_run=True, known=existing
                )
            except ValidationFailed as exc:
                errors += _of_new_rows(exc)
        else:
            result.creates_unchecked = True
    if errors:
        raise _refused(errors)
    return result


def _of_new_rows(refused: ValidationFailed) -> list[FieldError]:
    return [e for e in refused.errors if e.row != 1 or e.field != "file"]


def _refused(errors: list[FieldError]) -> ValidationFailed:
    errors.sort(key=lambda e: (e.row or 0, e.field or ""))
    shown = errors[: importer.MAX_REPORTED_ERRORS]
    return ValidationFailed(
        f"Import odrzucony: {len(errors)} błędów w pliku. Nic nie zostało zapisane.", shown
    )


async def apply(table: Table, actor: Actor, progress: importer.Progress | None = None) -> Plan:
    """The plan carried out in one transaction: every change and every new row, or nothing."""
    async with write_transaction():
        # Planned again under the write lock (the register may have moved since the preview);
        # the new rows are checked once, by the importer that writes them.
        result = await plan(table, check_creates=False)
        for change in result.changed:
            await services.update(change.org_id, change.data, change.version, actor)
        if result.creates is not None:
            try:
                await importer.import_table(result.creates, actor, progress=progress)
            except ValidationFailed as exc:
                if not result.creates_unchecked:
                    raise
                raise _refused(_of_new_rows(exc)) from exc  # reported as the plan reports them
    return result
