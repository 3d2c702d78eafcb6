"""CSV and XLSX exports of a register query, produced batch by batch."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

from ses.register.queries import RegisterFilter, stream_plain_rows, stream_rows

EXPORT_COLUMNS = (
    "id", "name", "kind", "pes_letter", "legal_form", "activity_state", "is_owes", "founder_id",
    "krs", "nip", "regon", "voivodeship_code", "powiat_code", "gmina_code", "locality", "street",
    "postal_code", "email", "website", "phone", "registered_on", "ps_state", "unit_state", "is_demo",
    "version", "created_at", "updated_at",
)  # fmt: skip


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


def _csv_row(row: Any) -> list[Any]:
    """One export row from plain values: the csv module writes None as "" and dates as ISO text;
    booleans become tak/nie and timestamps ISO 8601 with "T" (as text from SQLite, as datetime
    objects from PostgreSQL)."""
    values = list(row)
    for at in _BOOLEAN_AT:
        values[at] = "tak" if values[at] else "nie"
    for at in _TIMESTAMP_AT:
        value = values[at]
        if isinstance(value, str):
            values[at] = value.replace(" ", "T", 1)
        elif value is not None:
            values[at] = value.isoformat()
    return values


async def csv_chunks(filters: RegisterFilter) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # UTF-8 with BOM so Excel opens Polish letters correctly.
    writer.writerow(EXPORT_COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    async for rows in stream_plain_rows(filters, EXPORT_COLUMNS):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_row(row) for row in rows])
        yield buffer.getvalue().encode("utf-8")


async def xlsx_file(filters: RegisterFilter) -> tempfile.SpooledTemporaryFile[bytes]:
    """An XLSX written in openpyxl's write-only mode (rows go to disk, not memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("rejestr")
    sheet.append(list(EXPORT_COLUMNS))
    async for rows in stream_rows(filters):
        for row in rows:
            sheet.append(
                [
                    _text(row[column])
                    if not isinstance(row[column], int | float) or isinstance(row[column], bool)
                    else row[column]
                    for column in EXPORT_COLUMNS
                ]
            )
    # Returned open: the response streams it and closes it.
    target: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target
