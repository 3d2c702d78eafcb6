"""The monitoring table of the project's indicators as XLSX (pure: the computed table in, bytes out).

Values are numbers, never formulas; every text cell is written as text, so nothing a person typed
can become a live formula in a spreadsheet.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ses.text import inert


def _text(value: Any) -> str:
    return "" if value is None else inert(str(value))


def monitoring_xlsx(table: dict[str, Any]) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "Wskaźniki projektu"
    years = table["years"]
    header = ["Kod", "Wskaźnik", "Jednostka", "Obszar", "Wartość bazowa", "Wartość docelowa", "Rok docelowy"]
    for year in years:
        header += [f"{year} — w roku", f"{year} — narastająco", f"{year} — realizacja celu (%)"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for item in table["indicators"]:
        row: list[Any] = [
            _text(item["code"]),
            _text(item["name"]),
            _text(item["unit"]),
            _text(item["strand_label"]),
            float(item["baseline"]),
            float(item["target"]),
            int(item["target_year"]),
        ]
        by_year = {p["period"]: p for p in item["periods"]}
        for year in years:
            period = by_year.get(year, {})
            for key in ("in_year", "cumulative", "realisation_pct"):
                value = period.get(key)
                row.append(None if value is None else float(value))
        sheet.append(row)
    sheet.column_dimensions["B"].width = 60
    notes = book.create_sheet("Metodologia")
    notes.append(["Kod", "Jak liczony"])
    for item in table["indicators"]:
        notes.append([_text(item["code"]), _text(item["definition"])])
    notes.append([])
    note = (
        "Puste pole oznacza brak danych (nie zero). Wartości narastające liczą każdą osobę, "
        "instytucję i gminę raz, od pierwszego udziału."
    )
    notes.append(["Uwaga", note])
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
