"""Reading tabular uploads (CSV or XLSX) into rows of text (pure, no database).

Polish Excel saves CSV in Windows-1250 with semicolons; we accept UTF-8 (with or without BOM) and
Windows-1250, with commas or semicolons, and say clearly when a file is neither.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from ses.errors import FieldError, ValidationFailed

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    """(line number in the file, counting the header as 1; values by column)"""
    encoding: str


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValidationFailed(
                f"Pliku nie da się odczytać w kodowaniu {encoding}.", [FieldError("file", str(exc))]
            ) from exc
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1250")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            "Nie rozpoznano kodowania pliku: zapisz go jako CSV UTF-8 albo CSV (Windows-1250).",
            [
                FieldError(
                    "file",
                    f"Bajt {data[exc.start]:#04x} na pozycji {exc.start} "
                    "nie pasuje do UTF-8 ani Windows-1250.",
                )
            ],
        ) from exc
    return text, "cp1250"


def read_csv(data: bytes, encoding: str | None = None) -> Table:
    text, used = decode(data, encoding)
    if not text.strip():
        raise ValidationFailed("Plik jest pusty.", [FieldError("file", "Brak wiersza nagłówka.")])
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in values):
                continue
            if len(values) != len(header):
                raise ValidationFailed(
                    "Plik CSV ma wiersz o innej liczbie kolumn niż nagłówek.",
                    [FieldError("file", f"Oczekiwano {len(header)} kolumn, jest {len(values)}.", row=line)],
                )
            rows.append((line, dict(zip(header, (cell.strip() for cell in values), strict=True))))
    except csv.Error as exc:
        raise ValidationFailed(
            "Plik CSV jest uszkodzony.", [FieldError("file", str(exc), row=reader.line_num)]
        ) from exc
    return Table(header=header, rows=rows, encoding=used)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ValidationFailed("Pliku XLSX nie da się otworzyć.", [FieldError("file", str(exc))]) from exc
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(cell).lower() for cell in next(lines)]
    except StopIteration:
        raise ValidationFailed("Arkusz jest pusty.", [FieldError("file", "Brak wiersza nagłówka.")]) from None
    while header and not header[-1]:
        header.pop()
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(lines, start=2):
        cells = [_cell_text(cell) for cell in values[: len(header)]]
        if not any(cells):
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append((number, dict(zip(header, cells, strict=True))))
    workbook.close()
    return Table(header=header, rows=rows, encoding="xlsx")


def read_table(data: bytes, filename: str = "", encoding: str | None = None) -> Table:
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    return read_csv(data, encoding)
