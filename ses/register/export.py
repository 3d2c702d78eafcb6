"""CSV and XLSX exports of a register query, produced batch by batch.

CSV opens right in a Polish-locale Excel by default: semicolons, UTF-8 with a BOM (`separator=","`
gives the comma variant). XLSX has Polish headers and Polish labels of every enumeration, dates as
dates, identifiers as text, and a second sheet describing the columns and their allowed values.
Both re-import without edits (ses/register/columns.py). Text a spreadsheet would run as a formula is
neutralised in both, and a record holding a character XLSX cannot store never breaks an export.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ses.register.columns import BY_CODE, COLUMNS, EXPORT_CODES, FORMULA_START, printable
from ses.register.queries import RegisterFilter, stream_plain_rows, stream_rows

EXPORT_COLUMNS = EXPORT_CODES
POLISH_TIME = ZoneInfo("Europe/Warsaw")
SEPARATORS = {";": ";", ",": ",", "semicolon": ";", "comma": ","}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


_BOOLEAN_AT = tuple(EXPORT_COLUMNS.index(name) for name in ("is_owes", "is_demo"))
_TIMESTAMP_AT = tuple(EXPORT_COLUMNS.index(name) for name in ("created_at", "updated_at"))
_TEXT_AT = tuple(i for i, name in enumerate(EXPORT_COLUMNS) if BY_CODE[name].kind in ("text", "identifier"))


def _csv_row(row: Any) -> list[Any]:
    """One export row from plain values: the csv module writes None as "" and dates as ISO text;
    booleans become tak/nie and timestamps ISO 8601 with "T" (as text from SQLite, as datetime
    objects from PostgreSQL); formula text gets its apostrophe."""
    values = list(row)
    for at in _BOOLEAN_AT:
        values[at] = "tak" if values[at] else "nie"
    for at in _TIMESTAMP_AT:
        value = values[at]
        if isinstance(value, str):
            values[at] = value.replace(" ", "T", 1)
        elif value is not None:
            values[at] = value.isoformat()
    for at in _TEXT_AT:
        value = values[at]
        if value and value.startswith(FORMULA_START):
            values[at] = "'" + value
    return values


async def csv_chunks(filters: RegisterFilter, separator: str = ";") -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATORS.get(separator, ";"))
    # UTF-8 with BOM so Excel opens Polish letters correctly.
    writer.writerow(EXPORT_COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    async for rows in stream_plain_rows(filters, EXPORT_COLUMNS):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_row(row) for row in rows])
        yield buffer.getvalue().encode("utf-8")


def _xlsx_value(code: str, value: Any) -> Any:
    column = BY_CODE[code]
    if value is None or value == "":
        return None
    if column.kind == "boolean":
        return "tak" if value else "nie"
    if column.kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if column.kind == "timestamp":
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        # Excel has no time zones: Polish wall-clock time, as the people reading it live it.
        return moment.astimezone(POLISH_TIME).replace(tzinfo=None) if moment.tzinfo else moment
    if column.kind == "integer":
        return int(value)
    text = printable(str(value))
    if column.allowed:
        return column.allowed.get(text, text)
    return text


def describe_sheet(workbook: Any) -> None:
    """The sheet that tells a person what every column means and which values it takes."""
    sheet = workbook.create_sheet("Opis kolumn")
    sheet.append(["Kolumna", "Kod (CSV, API)", "Znaczenie", "Przy imporcie", "Dozwolone wartości"])
    for column in COLUMNS:
        allowed = "; ".join(f"{label} ({code})" for code, label in (column.allowed or {}).items())
        sheet.append(
            [
                column.header,
                column.code,
                column.meaning,
                "wczytywana" if column.writable else "pomijana (tylko do odczytu)",
                allowed,
            ]
        )


async def xlsx_file(filters: RegisterFilter) -> tempfile.SpooledTemporaryFile[bytes]:
    """An XLSX written in openpyxl's write-only mode (rows go to disk, not memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rejestr")
    sheet.append([column.header for column in COLUMNS])
    kinds = [(column.code, column.kind) for column in COLUMNS]

    def cell(code: str, kind: str, value: Any) -> Any:
        shown = _xlsx_value(code, value)
        if isinstance(shown, str):
            if shown.startswith(FORMULA_START):
                # A text cell marked as typed with an apostrophe (Excel's quotePrefix): openpyxl
                # would store "=…" as a live formula.
                text = WriteOnlyCell(sheet, value=shown)
                text.data_type = "s"
                text.quotePrefix = True
                return text
            if kind == "identifier":
                ident = WriteOnlyCell(sheet, value=shown)
                ident.number_format = "@"  # text: leading zeros stay, no 5.26E+09
                return ident
            return shown
        if isinstance(shown, datetime | date):
            dated = WriteOnlyCell(sheet, value=shown)
            dated.number_format = "yyyy-mm-dd hh:mm" if isinstance(shown, datetime) else "yyyy-mm-dd"
            return dated
        return shown

    async for rows in stream_rows(filters):
        for row in rows:
            sheet.append([cell(code, kind, row[code]) for code, kind in kinds])
    describe_sheet(workbook)
    # Returned open: the response streams it and closes it.
    target: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target
