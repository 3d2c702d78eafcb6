"""Relations between organisations: record, change, remove, import from a file, list.

Each write runs in one transaction with its audit record and a new network version.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from network.state import bump_version, now
from network.tables import Relation
from network.vocab import UNDIRECTED_TYPES, Intensity, Origin, RelationType
from ses.audit.services import Actor, diff, record_event
from ses.auth.policy import Principal
from ses.db import write_transaction
from ses.errors import FieldError, NotFound, PreconditionFailed, ValidationFailed
from ses.register.tables import Organisation

RELATION_COLUMNS = (
    Relation.id,
    Relation.source.as_alias("source_id"),
    Relation.target.as_alias("target_id"),
    Relation.relation_type,
    Relation.directed,
    Relation.weight,
    Relation.intensity,
    Relation.valid_from,
    Relation.valid_to,
    Relation.formal_basis,
    Relation.value_pln,
    Relation.social_clause,
    Relation.service,
    Relation.confidence,
    Relation.origin,
    Relation.survey_response.as_alias("survey_response_id"),
    Relation.owes_report.as_alias("owes_report_id"),
    Relation.source_row,
    Relation.note,
    Relation.version,
    Relation.created_at,
    Relation.updated_at,
)
AUDITED = (
    "source", "target", "relation_type", "directed", "weight", "intensity", "valid_from", "valid_to",
    "formal_basis", "value_pln", "social_clause", "service", "confidence", "origin", "note",
)  # fmt: skip


def etag(relation: Mapping[str, Any]) -> str:
    return f'"relation-{relation["id"]}-v{relation["version"]}"'


def _date_errors(valid_from: date | None, valid_to: date | None) -> list[FieldError]:
    if valid_from and valid_to and valid_to < valid_from:
        return [FieldError("valid_to", "Data zakończenia relacji jest wcześniejsza niż data rozpoczęcia.")]
    return []


async def missing_organisations(ids: Mapping[str, int]) -> list[FieldError]:
    if not ids:
        return []
    found = {
        row["id"]
        for row in await Organisation.select(Organisation.id).where(
            Organisation.id.is_in(list(set(ids.values())))
        )
    }
    return [
        FieldError(field, f"Nie ma w rejestrze organizacji o id {value}.")
        for field, value in ids.items()
        if value not in found
    ]


async def get_relation(relation_id: int, viewer: Principal | None = None) -> dict[str, Any]:
    row = await Relation.select(*RELATION_COLUMNS).where(Relation.id == relation_id).first()
    if row is None or not _may_see(row, viewer):
        raise NotFound(f"Nie ma relacji o id {relation_id}.")
    return _money(row)


def _money(row: dict[str, Any]) -> dict[str, Any]:
    # SQLite gives NUMERIC back as a float or int; money goes on the wire with two decimals.
    if row.get("value_pln") is not None:
        row["value_pln"] = Decimal(str(row["value_pln"])).quantize(Decimal("0.01"))
    return row


def _may_see(row: Mapping[str, Any], viewer: Principal | None) -> bool:
    if viewer is None or not viewer.is_owes:
        return True
    return viewer.organisation_id in (row["source_id"], row["target_id"])


async def create_relation(data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    errors: list[FieldError] = []
    if data["source_id"] == data["target_id"]:
        errors.append(FieldError("target_id", "Relacja nie może łączyć organizacji z nią samą (pętla)."))
    errors += _date_errors(data.get("valid_from"), data.get("valid_to"))
    relation_type = RelationType(data["relation_type"])
    directed = data.get("directed")
    if directed is None:
        directed = relation_type not in UNDIRECTED_TYPES
    async with write_transaction():
        errors += await missing_organisations(
            {"source_id": data["source_id"], "target_id": data["target_id"]}
        )
        if errors:
            raise ValidationFailed("Nie można zapisać relacji: dane zawierają błędy.", errors)
        stamp = now()
        values = {
            "source": data["source_id"], "target": data["target_id"], "relation_type": relation_type.value,
            "directed": directed, "weight": data.get("weight", 1.0), "intensity": data.get("intensity"),
            "valid_from": data.get("valid_from"), "valid_to": data.get("valid_to"),
            "formal_basis": data.get("formal_basis"), "value_pln": data.get("value_pln"),
            "social_clause": data.get("social_clause"), "service": data.get("service"),
            "confidence": data.get("confidence", 1.0), "origin": str(data.get("origin", Origin.MANUAL)),
            "survey_response": data.get("survey_response"), "note": data.get("note"),
        }  # fmt: skip
        rows = await Relation.insert(Relation(**values, version=1, created_at=stamp, updated_at=stamp))
        relation_id = int(rows[0]["id"])
        changes = {key: [None, values[key]] for key in AUDITED if values.get(key) is not None}
        await record_event(actor, "relation.create", "network_relation", relation_id, changes)
        await bump_version()
        return await get_relation(relation_id)


async def update_relation(
    relation_id: int, data: Mapping[str, Any], expected: int, actor: Actor
) -> dict[str, Any]:
    async with write_transaction():
        current = await get_relation(relation_id)
        if current["version"] != expected:
            raise PreconditionFailed(
                f"Relacja zmieniła się od czasu, gdy ją pobrano (wersja {current['version']}). "
                "Pobierz ją ponownie."
            )
        values = {key: (value.value if hasattr(value, "value") else value) for key, value in data.items()}
        merged_from = values.get("valid_from", current["valid_from"])
        merged_to = values.get("valid_to", current["valid_to"])
        errors = _date_errors(merged_from, merged_to)
        if errors:
            raise ValidationFailed("Nie można zapisać zmian relacji.", errors)
        changes = diff(current, values)
        if not changes:
            return current
        await Relation.update({**values, "version": expected + 1, "updated_at": now()}).where(
            Relation.id == relation_id
        )
        await record_event(actor, "relation.update", "network_relation", relation_id, changes)
        await bump_version()
        return await get_relation(relation_id)


async def delete_relation(relation_id: int, expected: int, actor: Actor) -> None:
    """Remove a relation recorded by mistake (a tie that ended gets `valid_to` instead)."""
    async with write_transaction():
        current = await get_relation(relation_id)
        if current["version"] != expected:
            raise PreconditionFailed("Relacja zmieniła się od czasu, gdy ją pobrano. Pobierz ją ponownie.")
        await Relation.delete().where(Relation.id == relation_id)
        changes = {key: [_plain(current.get(key + "_id", current.get(key))), None] for key in AUDITED}
        await record_event(actor, "relation.delete", "network_relation", relation_id, changes)
        await bump_version()


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


IMPORT_COLUMNS = ("source_id", "target_id", "relation_type")
MAX_IMPORT_ROWS = 50_000


def _parse_row(line: int, raw: Mapping[str, str]) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """One CSV row as relation values, or the problems found in it (every one, with its line)."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}

    def cell(name: str) -> str:
        return (raw.get(name) or "").strip()

    for name in ("source_id", "target_id"):
        if not cell(name).isdigit():
            errors.append(FieldError(name, "Oczekiwano identyfikatora organizacji (liczby).", line))
        else:
            values[name] = int(cell(name))
    try:
        values["relation_type"] = RelationType(cell("relation_type"))
    except ValueError:
        errors.append(FieldError("relation_type", f"Nieznany typ relacji „{cell('relation_type')}”.", line))
    for name in ("valid_from", "valid_to"):
        if cell(name):
            try:
                values[name] = date.fromisoformat(cell(name))
            except ValueError:
                errors.append(FieldError(name, "Oczekiwano daty w formacie RRRR-MM-DD.", line))
    if cell("weight"):
        try:
            values["weight"] = float(cell("weight").replace(",", "."))
            if not 0 < values["weight"] <= 1000:
                raise ValueError
        except ValueError:
            errors.append(FieldError("weight", "Waga musi być liczbą z przedziału (0, 1000].", line))
    if cell("intensity"):
        try:
            values["intensity"] = Intensity(cell("intensity")).value
        except ValueError:
            errors.append(FieldError("intensity", f"Nieznana intensywność „{cell('intensity')}”.", line))
    if cell("value_pln"):
        try:
            values["value_pln"] = Decimal(cell("value_pln").replace(",", ".")).quantize(Decimal("0.01"))
        except ArithmeticError:
            errors.append(FieldError("value_pln", "Oczekiwano kwoty w złotych.", line))
    if cell("formal_basis"):
        values["formal_basis"] = cell("formal_basis")[:300]
    if values.get("source_id") is not None and values.get("source_id") == values.get("target_id"):
        errors.append(
            FieldError("target_id", "Relacja nie może łączyć organizacji z nią samą (pętla).", line)
        )
    for error in _date_errors(values.get("valid_from"), values.get("valid_to")):
        errors.append(FieldError(error.field, error.message, line))
    return (None if errors else values), errors


async def import_relations(rows: list[tuple[int, Mapping[str, str]]], header: list[str], actor: Actor,
                           dry_run: bool = False) -> dict[str, Any]:  # fmt: skip
    """All rows or none: every problem of the file is reported with its line number."""
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(
            "Plik nie ma wymaganych kolumn.",
            [FieldError(name, "Brak kolumny w nagłówku.") for name in missing],
        )
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed(
            "Za duży plik.", [FieldError("file", f"Najwyżej {MAX_IMPORT_ROWS} wierszy naraz.")]
        )
    parsed: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    for line, raw in rows:
        values, problems = _parse_row(line, raw)
        errors += problems
        if values is not None:
            parsed.append({**values, "_line": line})
    async with write_transaction():
        ids = {v[k] for v in parsed for k in ("source_id", "target_id")}
        known: set[int] = set()
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            known |= {
                r["id"]
                for r in await Organisation.select(Organisation.id).where(Organisation.id.is_in(chunk))
            }
        for values in parsed:
            for name in ("source_id", "target_id"):
                if values[name] not in known:
                    errors.append(
                        FieldError(
                            name, f"Nie ma w rejestrze organizacji o id {values[name]}.", values["_line"]
                        )
                    )
        if errors:
            errors.sort(key=lambda e: (e.row or 0, e.field))
            raise ValidationFailed("Import relacji odrzucony: popraw wskazane wiersze.", errors[:500])
        if dry_run:
            return {"created": 0, "rows": len(parsed), "dry_run": True}
        stamp = now()
        objects = [
            Relation(
                source=v["source_id"],
                target=v["target_id"],
                relation_type=v["relation_type"].value,
                directed=v["relation_type"] not in UNDIRECTED_TYPES,
                weight=v.get("weight", 1.0),
                intensity=v.get("intensity"),
                valid_from=v.get("valid_from"),
                valid_to=v.get("valid_to"),
                formal_basis=v.get("formal_basis"),
                value_pln=v.get("value_pln"),
                confidence=1.0,
                origin=Origin.IMPORT.value,
                version=1,
                created_at=stamp,
                updated_at=stamp,
            )  # fmt: skip
            for v in parsed
        ]
        for start in range(0, len(objects), 500):
            await Relation.insert(*objects[start : start + 500])
        await record_event(actor, "relation.import", "network_relation", None, {"rows": [None, len(objects)]})
        await bump_version()
        return {"created": len(objects), "rows": len(parsed), "dry_run": False}


async def list_relations(
    *,
    viewer: Principal | None,
    organisation_id: int | None,
    relation_type: list[str],
    origin: list[str],
    active_on: date | None,
    page: int,
    page_size: int,
    owes_report_id: int | None = None,
) -> dict[str, Any]:
    where: list[Any] = []
    if owes_report_id is not None:
        where.append(Relation.owes_report == owes_report_id)
    problems: list[FieldError] = []
    for name, values, allowed in (("relation_type", relation_type, RelationType), ("origin", origin, Origin)):
        unknown = [v for v in values if v not in {a.value for a in allowed}]
        if unknown:
            problems.append(FieldError(name, f"Nieznane wartości: {', '.join(unknown)}."))
        elif values:
            where.append(Relation._meta.get_column_by_name(name).is_in(values))
    if problems:
        raise ValidationFailed("Niepoprawne parametry wyszukiwania.", problems)
    if viewer is not None and viewer.is_owes:
        if organisation_id is not None and organisation_id != viewer.organisation_id:
            raise NotFound(f"Nie ma w rejestrze organizacji o id {organisation_id}.")
        organisation_id = viewer.organisation_id
    if organisation_id is not None:
        where.append((Relation.source == organisation_id) | (Relation.target == organisation_id))
    if active_on is not None:
        where.append((Relation.valid_from.is_null()) | (Relation.valid_from <= active_on))
        where.append((Relation.valid_to.is_null()) | (Relation.valid_to >= active_on))
    query = (
        Relation.select(*RELATION_COLUMNS)
        .order_by(Relation.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    count = Relation.count()
    if where:
        query = query.where(*where)
        count = count.where(*where)
    return {
        "items": [_money(row) for row in await query],
        "page": page,
        "page_size": page_size,
        "total": await count,
    }
