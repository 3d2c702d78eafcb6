"""Templates and uploads of the tabular parts of a report (no database).

A template names the definition version and table it belongs to: the XLSX in its document
subject, the CSV in a first line `# szablon: owes-quarterly/v1/jobs`. A file made from another
version's template is refused by name instead of failing on column differences.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from ses.errors import FieldError, ValidationFailed
from ses.reporting.model import Definition, TableSpec
from ses.uploads import XLSX_MAGIC, Table, check_xlsx_parts, read_table

MARKER_LINE = re.compile(rb"^\s*(?:\xef\xbb\xbf)?#\s*szablon:\s*([^\r\n]+?)\s*(?:\r?\n|$)")
TYPE_HINTS = {
    "integer": "liczba całkowita",
    "decimal": "liczba (np. 12,50)",
    "string": "tekst",
    "date": "data RRRR-MM-DD",
    "boolean": "tak/nie",
    "code": "jedna z wartości",
    "period": "okres, np. 2025-Q1",
    "organisation": "id w rejestrze",
    "nip": "NIP",
    "krs": "KRS",
}


def _hint(column: Any) -> str:
    hint = TYPE_HINTS[column.type]
    if column.choices:
        hint += ": " + ", ".join(map(str, column.choices))
    return f"{column.label} ({hint}{', wymagane' if column.required else ''})"


def template_csv(definition: Definition, table: TableSpec) -> bytes:
    out = io.StringIO()
    out.write(f"# szablon: {definition.template_marker(table.name)}\n")
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([column.name for column in table.columns])
    return out.getvalue().encode("utf-8")


def template_xlsx(definition: Definition, table: TableSpec) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.name[:31]
    sheet.append([column.name for column in table.columns])
    for cell, column in zip(sheet[1], table.columns, strict=True):
        cell.comment = Comment(_hint(column), "SES")
    workbook.properties.subject = definition.template_marker(table.name)
    workbook.properties.title = f"{definition.title} — {table.label}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_marker(data: bytes) -> str | None:
    """The document subject of an XLSX, read from docProps/core.xml alone (not the whole book)."""
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            core = archive.read("docProps/core.xml")
        subject = ET.fromstring(core).find("{http://purl.org/dc/elements/1.1/}subject")
    except (KeyError, zipfile.BadZipFile, ET.ParseError):  # read_table reports a broken file properly
        return None
    return subject.text.strip() if subject is not None and subject.text else None


def read_upload(data: bytes, filename: str, definition: Definition, table: TableSpec) -> Table:
    """The rows of an uploaded file for `table`, after checking its template and its columns."""
    expected = definition.template_marker(table.name)
    offset = 0
    marker: str | None = None
    is_xlsx = data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx")
    if is_xlsx:
        check_xlsx_parts(data)  # before the document properties are read for the marker
        marker = _xlsx_marker(data)
    elif match := MARKER_LINE.match(data):
        marker = match.group(1).decode("utf-8", "replace")
        data = data[match.end() :]
        offset = 1
    if marker and "/" in marker and marker != expected:
        raise ValidationFailed(
            f"Plik pochodzi z szablonu {marker}, a to sprawozdanie wymaga szablonu {expected}. "
            "Pobierz właściwy szablon i przenieś do niego dane.",
            [FieldError("file", f"Szablon {marker} zamiast {expected}.")],
        )
    parsed = read_table(data, filename)
    if offset:
        parsed.rows = [(line + offset, row) for line, row in parsed.rows]
    known = [column.name for column in table.columns]
    problems = [
        FieldError(
            name or "(pusta)",
            f"Nieznana kolumna; kolumny tabeli {table.name}: {', '.join(known)}.",
            row=1 + offset,
        )
        for name in parsed.header
        if name not in known
    ]
    problems += [
        FieldError(column.name, "Brak wymaganej kolumny w nagłówku.", row=1 + offset)
        for column in table.columns
        if column.required and column.name not in parsed.header
    ]
    if len(set(parsed.header)) != len(parsed.header):
        problems.append(FieldError("file", "Nagłówek powtarza nazwę kolumny.", row=1 + offset))
    if problems:
        raise ValidationFailed("Nagłówek pliku nie pasuje do szablonu tabeli.", problems)
    return parsed
