"""The lists SES knows how to read, each with its saved column mapping (staff edit them).

Three mappings ship with SES, fitted to the shapes the lists are published in (the samples in
`scrapers/samples/lists/` have those shapes); staff change them, or add a list, through the API or
the `/synchronizacja/listy` pages when a publisher renames a column. A stored mapping overrides the
shipped one of the same code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapers.filelist import ColumnMapping, mapping_problems
from scrapers.tables import FileSource
from ses.db import write_transaction
from ses.errors import FieldError, NotFound, PreconditionFailed, ValidationFailed

SAMPLES = Path(__file__).parent / "samples" / "lists"

SHIPPED: dict[str, ColumnMapping] = {
    mapping.code: mapping
    for mapping in (
        ColumnMapping(
            code="ps",
            name="Wykaz przedsiębiorstw społecznych (MRiPS)",
            columns={
                "name": "Nazwa przedsiębiorstwa społecznego",
                "legal_form": "Forma prawna",
                "krs": "Numer KRS",
                "nip": "NIP",
                "regon": "REGON",
                "voivodeship": "Województwo",
                "powiat": "Powiat",
                "gmina": "Gmina",
                "locality": "Miejscowość",
                "street": "Ulica i numer",
                "postal_code": "Kod pocztowy",
                "decision_number": "Numer decyzji wojewody",
                "decision_date": "Data decyzji",
            },
        ),
        ColumnMapping(
            code="owes",
            name="Wykaz akredytowanych OWES (MRiPS)",
            columns={
                "name": "Nazwa podmiotu (lider OWES)",
                "krs": "KRS",
                "nip": "NIP",
                "voivodeship": "Województwo",
                "powiat": "Powiat siedziby",
                "gmina": "Gmina siedziby",
                "locality": "Miejscowość",
                "street": "Adres",
                "postal_code": "Kod",
                "website": "Strona www",
                "decision_number": "Nr decyzji akredytacyjnej",
                "decision_date": "Data decyzji",
                "valid_until": "Akredytacja ważna do",
                "note": "Partnerzy",
            },
        ),
        ColumnMapping(
            code="cis-kp",
            name="Rejestr CIS, KIS i ZAZ Wojewody Kujawsko-Pomorskiego",
            columns={
                "name": "Nazwa jednostki",
                "kind": "Rodzaj",
                "regon": "REGON",
                "powiat": "Powiat",
                "gmina": "Gmina",
                "locality": "Miejscowość",
                "street": "Adres",
                "postal_code": "Kod pocztowy",
                "decision_number": "Nr decyzji",
                "decision_date": "Data nadania statusu",
                "founder_name": "Podmiot prowadzący",
                "founder_nip": "NIP podmiotu prowadzącego",
            },
            constants={"voivodeship": "kujawsko-pomorskie"},
            kind="cis",
        ),
    )
}
SAMPLE_FILES = {
    "ps": "wykaz-ps.csv",
    "owes": "owes-akredytowane.xlsx",
    "cis-kp": "rejestr-cis-kis-zaz-kp.html",
}
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,19}$")


def _from_row(row: Mapping[str, Any]) -> ColumnMapping:
    return ColumnMapping(
        code=row["code"],
        name=row["name"],
        columns=dict(row["columns"] or {}),
        constants=dict(row["constants"] or {}),
        kind=row["kind"],
    )


def describe(mapping: ColumnMapping, row: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "code": mapping.code,
        "name": mapping.name,
        "columns": dict(mapping.columns),
        "constants": dict(mapping.constants),
        "kind": mapping.kind,
        "version": row["version"] if row else 0,
        "updated_at": row["updated_at"] if row else None,
        "updated_by": row["updated_by"] if row else None,
        "shipped": mapping.code in SHIPPED,
        "sample_file": SAMPLE_FILES.get(mapping.code),
    }


async def _stored(code: str | None = None) -> list[dict[str, Any]]:
    query = FileSource.select().output(load_json=True)
    if code is not None:
        query = query.where(FileSource.code == code)
    return list(await query)


async def all_sources() -> list[dict[str, Any]]:
    stored = {row["code"]: row for row in await _stored()}
    codes = sorted(set(SHIPPED) | set(stored))
    return [
        describe(_from_row(stored[code]) if code in stored else SHIPPED[code], stored.get(code))
        for code in codes
    ]


async def source(code: str) -> dict[str, Any]:
    rows = await _stored(code)
    if rows:
        return describe(_from_row(rows[0]), rows[0])
    if code in SHIPPED:
        return describe(SHIPPED[code], None)
    known = ", ".join(sorted(SHIPPED))
    raise NotFound(f"Nie ma listy o kodzie „{code}”. Znane listy: {known} (i te dodane przez pracowników).")


async def mapping_of(code: str) -> ColumnMapping:
    found = await source(code)
    return ColumnMapping(found["code"], found["name"], found["columns"], found["constants"], found["kind"])


def _clean(code: str, data: Mapping[str, Any]) -> ColumnMapping:
    errors: list[FieldError] = []
    if not _CODE.match(code):
        errors.append(FieldError("code", "Kod listy: małe litery, cyfry i łączniki, do 20 znaków."))
    name = " ".join(str(data.get("name") or "").split())
    if not 2 <= len(name) <= 200:
        errors.append(FieldError("name", "Nazwa listy ma od 2 do 200 znaków."))
    columns = {str(k): " ".join(str(v).split()) for k, v in dict(data.get("columns") or {}).items()}
    constants = {
        str(k): str(v).strip() for k, v in dict(data.get("constants") or {}).items() if str(v).strip()
    }
    kind = data.get("kind") or None
    errors += [FieldError(f, m) for f, m in mapping_problems(columns, constants, kind)]
    if errors:
        raise ValidationFailed("Mapowanie kolumn listy zawiera błędy; nic nie zapisano.", errors)
    return ColumnMapping(code, name, columns, constants, kind)


async def save(code: str, data: Mapping[str, Any], expected_version: int | None, who: str) -> dict[str, Any]:
    """Store a list's mapping; `expected_version` (0 for one never stored) guards against lost edits."""
    mapping = _clean(code, data)
    async with write_transaction():
        rows = await _stored(code)
        current = rows[0]["version"] if rows else 0
        if expected_version is not None and expected_version != current:
            raise PreconditionFailed(
                f"Mapowanie listy zmieniło się od czasu, gdy je pobrano (wersja {current}, "
                f"a zmiany dotyczą wersji {expected_version}). Pobierz je ponownie."
            )
        values = {
            FileSource.name: mapping.name,
            FileSource.columns: json.dumps(dict(mapping.columns), ensure_ascii=False),
            FileSource.constants: json.dumps(dict(mapping.constants), ensure_ascii=False),
            FileSource.kind: mapping.kind,
            FileSource.updated_at: datetime.now(UTC),
            FileSource.updated_by: who[:120],
        }
        if rows:
            await FileSource.update({**values, FileSource.version: current + 1}).where(
                FileSource.code == code
            )
        else:
            await FileSource.insert(
                FileSource(code=code, version=1, **{c._meta.name: v for c, v in values.items()})
            )
    return await source(code)
