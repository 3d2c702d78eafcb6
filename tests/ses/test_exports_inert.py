"""#14: every CSV and XLSX SES writes makes formula text inert, with one rule (ses/text.py).

Five writers had five copies of the rule; three of them missed a formula behind a tab or a carriage
return (OWASP's list), which LibreOffice and Excel still run. The register's own exports are
tested in test_register_exchange.py; here every other writer, and a check that a new writer cannot
be added without the rule."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ses.activities.api import participants_csv
from ses.activities.monitoring import monitoring_xlsx
from ses.directory.export import _csv_line
from ses.errors import FieldError
from ses.indicators.downloads import csv_bytes, xlsx_bytes
from ses.reporting.model import DefinitionError, parse_definition

ROOT = Path(__file__).resolve().parents[2]
ATTACKS = ['=HYPERLINK("http://zly.example","Kliknij")', "+48 600 100 200", "-2+3", "@SUM(A1:A2)",
           "\t=1+2", "\r=cmd|' /C calc'!A0"]  # fmt: skip


def _inert(cell: object) -> bool:
    return isinstance(cell, str) and cell.startswith("'")


def _csv_cells(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_indicator_downloads_make_formula_text_inert(attack):
    (_, row) = _csv_cells(csv_bytes(["Gmina", "Wartość"], [[attack, 3]]).decode())
    assert _inert(row[0]) and row[1] == "3"
    sheet = load_workbook(io.BytesIO(xlsx_bytes("Dane", ["Gmina", "Wartość"], [[attack, 3]]))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and _inert(cell.value)
    assert sheet.cell(row=2, column=2).value == 3  # numbers stay numbers


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_participant_list_makes_formula_text_inert(attack):
    row = {"full_name": attack, "email": attack, "role_label": "OPS", "institution": attack,
           "gmina_code": "0463011", "completed": True, "certificate_number": attack}  # fmt: skip
    (_, cells) = _csv_cells(participants_csv([row]))
    assert [_inert(cell) for cell in cells] == [True, True, False, True, False, False, True]


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_monitoring_workbook_makes_formula_text_inert(attack):
    item = {"code": "P1", "name": attack, "unit": "osoby", "strand_label": attack, "baseline": 0,
            "target": 10, "target_year": 2027, "definition": attack, "periods": []}  # fmt: skip
    book = load_workbook(io.BytesIO(monitoring_xlsx({"years": [], "indicators": [item]})))
    cells = [book["Wskaźniki projektu"].cell(row=2, column=c) for c in (2, 4)]
    cells.append(book["Metodologia"].cell(row=2, column=2))
    assert all(cell.data_type == "s" and _inert(cell.value) for cell in cells)


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_open_data_services_make_formula_text_inert_but_keep_numbers(attack):
    (cells,) = _csv_cells(
        _csv_line(("name", "latitude"), {"name": attack, "longitude": "x", "latitude": -1.5}), ","
    )
    assert _inert(cells[0]) and cells[1] == "-1.5"


def test_a_report_definition_names_its_columns_with_codes_only():
    """The templates' column headings are the definition's names: never a formula."""
    raw = {"code": "t", "version": 1, "title": "T", "period_type": "quarter",
           "fields": [{"name": "=HYPERLINK(1)", "type": "integer"}],
           "tables": {"@t": {"columns": [{"name": "\t=1"}, {"name": "ok_name"}]}}}  # fmt: skip
    with pytest.raises(DefinitionError) as caught:
        parse_definition(raw)
    fields = [e.field for e in caught.value.errors if isinstance(e, FieldError)]
    assert fields == ["fields.0.name", "tables.@t", "tables.@t.columns.0.name"]


def test_no_csv_or_xlsx_writer_without_the_shared_rule():
    """A module that writes CSV or XLSX uses ses.text's `inert` (or FORMULA_START)."""
    exempt = {
        "ses/reporting/uploads.py": "templates carry only the definition's names, which are codes",
    }
    writers = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "benchmarks/")) or relative in exempt:
            continue
        text = path.read_text(encoding="utf-8")
        if "csv.writer(" in text or "Workbook(" in text:
            writers.append(relative)
            assert "inert" in text or "FORMULA_START" in text, f"{relative} writes a file without the rule"
    assert len(writers) >= 5, writers  # the walk found them
