"""CSV and XLSX of the data behind a chart or a map: values only, never live formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from ses.indicators.services import ValueTable
from ses.text import inert

HEADER = (
    "kod TERYT",
    "jednostka",
    "okres",
    "wskaźnik",
    "wartość",
    "licznik",
    "mianownik",
    "na 10 tys. mieszkańców",
    "ludność",
    "uwagi",
)


def rows_of(table: ValueTable) -> list[list[Any]]:
    out = []
    for value in table.values:
        out.append(
            [
                value.territory,
                value.name,
                table.period.code,
                table.indicator.code,
                value.value,
                value.numerator,
                value.denominator,
                round(value.per_10k, 4) if value.per_10k is not None else None,
                value.population,
                "" if value.has_data else "brak danych",
            ]
        )
    return out


def _safe(cell: Any) -> Any:
    """Text that a spreadsheet would read as a formula is kept as text."""
    return inert(cell)


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads Polish letters


def xlsx_bytes(sheet_name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_safe(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
