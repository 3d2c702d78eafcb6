"""The whole directory as open data, streamed with flat memory: HSDS JSON lines and a tabular data
package (a ZIP of CSV files with datapackage.json and the licence).

Services are read in keyset batches; a batch becomes HSDS objects, is written out and dropped. The
ZIP's CSV tables are first spooled to temporary files in one pass over the database, then copied
into the ZIP chunk by chunk: the server never holds more than one batch and one chunk.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from ses.directory import hsds, publishing, queries, taxonomy
from ses.directory.queries import Filters
from ses.text import inert

BATCH = 500
CHUNK = 64 * 1024
LICENCE_NAME = "CC-BY-4.0"
LICENCE_TITLE = "Creative Commons Uznanie autorstwa 4.0 Międzynarodowe"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/legalcode.pl"
LICENCE_TEXT = (
    "Katalog usług społecznych SES jest udostępniany na licencji Creative Commons Uznanie autorstwa 4.0 "
    "Międzynarodowe (CC BY 4.0): " + LICENCE_URL + ". Wolno kopiować, rozpowszechniać i przetwarzać dane, "
    "także komercyjnie, pod warunkiem podania źródła: „Katalog usług społecznych SES, regionalny ośrodek "
    "polityki społecznej”, wraz z datą pobrania. Dane terytorialne: „Źródło: GUS, TERYT”. Format danych: "
    "Open Referral HSDS 3.0 (CC BY-SA 4.0). Katalog zawiera wyłącznie pola publiczne: bez osób do "
    "kontaktu, notatek wewnętrznych, danych ze sprawozdań i statusów w trakcie weryfikacji.\n"
)

TABLES: dict[str, tuple[str, ...]] = {
    "organizations": ("id", "name", "description", "website", "tax_id", "legal_status"),
    "organization_identifiers": (
        "id",
        "organization_id",
        "identifier_scheme",
        "identifier_type",
        "identifier",
    ),
    "services": (
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "eligibility_description",
        "fees_description",
        "assured_date",
        "last_modified",
    ),
    "locations": (
        "id",
        "location_type",
        "organization_id",
        "name",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ),
    "addresses": (
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "accessibility": ("id", "location_id", "description"),
    "service_at_locations": ("id", "service_id", "location_id"),
    "service_areas": ("id", "service_id", "name", "description", "extent", "extent_type"),
    "languages": ("id", "service_id", "name", "code"),
    "phones": ("id", "service_id", "number"),
    "schedules": ("id", "service_id", "description"),
    "cost_options": ("id", "service_id", "option", "currency", "amount", "amount_description"),
    "attributes": ("id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value"),
    "taxonomies": ("id", "name", "description", "version"),
    "taxonomy_terms": (
        "id",
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "taxonomy_id",
        "language",
    ),
}


async def full_service_batches() -> AsyncIterator[list[dict[str, Any]]]:
    after = 0
    while True:
        rows, _ = await queries.services(Filters(after_id=after), limit=BATCH, offset=0, count=False)
        if not rows:
            return
        after = rows[-1]["service_id"]
        yield await publishing.full_services(rows)


async def ndjson_chunks() -> AsyncIterator[bytes]:
    """Every published service, fully nested as HSDS, one JSON object per line."""
    async for batch in full_service_batches():
        yield "".join(json.dumps(service, ensure_ascii=False) + "\n" for service in batch).encode()


class _Pipe(io.RawIOBase):
    """A write-only stream the ZIP writer fills and the response drains (not seekable)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def _csv_line(columns: tuple[str, ...], obj: dict[str, Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_cell(obj.get(column)) for column in columns])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # A spreadsheet must never read a cell as a formula.
    return text if _is_number(text) else inert(text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _rows_of(service: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    out["services"].append(service)
    for sal in service.get("service_at_locations", []):
        location = sal["location"]
        out["service_at_locations"].append(sal)
        out["locations"].append(location)
        out["addresses"] += location.get("addresses", [])
        out["accessibility"] += location.get("accessibility", [])
    for name in ("service_areas", "languages", "phones", "schedules", "cost_options", "attributes"):
        out[name] += service.get(name, [])
    return out


async def datapackage_chunks(base_url: str) -> AsyncIterator[bytes]:
    # Closed in the finally below (a context manager cannot span the generator's yields).
    spools = {
        name: tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")  # noqa: SIM115
        for name in TABLES
    }
    try:
        counts = await _spool(spools)
        pipe = _Pipe()
        with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
            archive.writestr(
                "datapackage.json", json.dumps(descriptor(base_url, counts), ensure_ascii=False, indent=2)
            )
            archive.writestr("LICENCE.txt", LICENCE_TEXT)
            yield pipe.drain()
            for name, spool in spools.items():
                spool.seek(0)
                with archive.open(f"{name}.csv", mode="w") as entry:
                    while block := spool.read(CHUNK):
                        entry.write(block.encode("utf-8"))
                        yield pipe.drain()
        yield pipe.drain()
    finally:
        for spool in spools.values():
            spool.close()


async def _spool(spools: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(TABLES, 0)
    for name, spool in spools.items():
        spool.write(_csv_line(TABLES[name], {c: c for c in TABLES[name]}))

    def put(name: str, objects: list[dict[str, Any]]) -> None:
        spools[name].write("".join(_csv_line(TABLES[name], obj) for obj in objects))
        counts[name] += len(objects)

    async for batch in full_service_batches():
        for service in batch:
            for name, objects in _rows_of(service).items():
                if objects:
                    put(name, objects)
    after = 0
    while True:
        orgs, _ = await queries.organisations(text=None, limit=BATCH, offset=0, after_id=after)
        if not orgs:
            break
        after = orgs[-1]["id"]
        full = [hsds.organization(row, full=True) for row in orgs]
        put("organizations", full)
        put("organization_identifiers", [i for org in full for i in org["organization_identifiers"]])
    put("taxonomies", [hsds.taxonomy(name) for name in hsds.TAXONOMIES])
    terms = await taxonomy.all_terms()
    by_code = {t["code"]: t for t in terms}
    put(
        "taxonomy_terms",
        [
            hsds.taxonomy_term(t, by_code[t["parent_code"]]["id"] if t["parent_code"] in by_code else None)
            for t in terms
        ],
    )
    return counts


def descriptor(base_url: str, counts: dict[str, int]) -> dict[str, Any]:
    """datapackage.json of the tabular package (Frictionless Data), with the licence."""
    return {
        "name": "ses-katalog-uslug-spolecznych",
        "title": "Katalog usług społecznych SES (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "created": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "homepage": f"{base_url}/uslugi",
        "licenses": [{"name": LICENCE_NAME, "title": LICENCE_TITLE, "path": LICENCE_URL}],
        "sources": [{"title": "SES — rejestr i monitoring ekonomii społecznej", "path": f"{base_url}/hsds/"}],
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": [{"name": column, "type": "string"} for column in columns]},
                "count": counts.get(name, 0),
            }
            for name, columns in TABLES.items()
        ],
    }
