"""Official lists published as files (CSV, XLSX, HTML tables) read through a column mapping (pure).

The national list of social enterprises, the list of accredited OWES and a voivode's CIS, KIS and
ZAZ registers are tables whose columns each publisher names its own way, often under a title row or
two. A *mapping* names, for each register field, the column that holds it; the header row is the
first row (of the first 30) that holds the mapped columns. A mapped column that is not in the file
stops the whole list before anything is read (nothing half-applied); columns the mapping does not
name are reported and ignored. Each row becomes the register's values (identifiers normalised, the
gmina resolved from a TERYT code or from the place names), with its problems kept on the row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

from scrapers.krs import LEGAL_FORMS, _kind
from scrapers.places import TerritoryIndex
from ses.errors import ValidationFailed
from ses.register.identifiers import IDENTIFIERS
from ses.register.vocab import Kind, LegalForm
from ses.text import fold
from ses.uploads import XLSX_MAGIC, Limits, check_xlsx_parts, decode

TARGETS: dict[str, str] = {
    "name": "Nazwa",
    "krs": "KRS",
    "nip": "NIP",
    "regon": "REGON",
    "legal_form": "Forma prawna (tekst)",
    "kind": "Rodzaj podmiotu (tekst)",
    "gmina_code": "Kod TERYT gminy (7 cyfr)",
    "voivodeship": "Województwo (nazwa)",
    "powiat": "Powiat (nazwa)",
    "gmina": "Gmina (nazwa)",
    "locality": "Miejscowość",
    "street": "Ulica i numer",
    "postal_code": "Kod pocztowy",
    "email": "E-mail",
    "website": "Strona internetowa",
    "decision_number": "Numer decyzji (zachowany jako informacja źródła)",
    "decision_date": "Data decyzji (informacja źródła)",
    "valid_until": "Ważna do (informacja źródła)",
    "note": "Uwagi (informacja źródła)",
    "founder_name": "Podmiot prowadzący jednostkę: nazwa",
    "founder_krs": "Podmiot prowadzący jednostkę: KRS",
    "founder_nip": "Podmiot prowadzący jednostkę: NIP",
}
"""What a column may be mapped to (register fields, place names, facts kept beside the register)."""
FACTS = ("decision_number", "decision_date", "valid_until", "note")
FOUNDER = ("founder_krs", "founder_nip", "founder_name")
"""The body running a CIS, KIS, ZAZ or WTZ as the list names it; resolved to a register
organisation when the run is reconciled (scrapers/runs.py)."""
PLACE_NAMES = ("voivodeship", "powiat", "gmina")
HEADER_SEARCH_ROWS = 30
ORDINALS = frozenset({"lp", "l.p", "nr", "nr kol", "lp."})
"""Row-number columns every list has: never mapped, never reported as ignored."""
MAX_ROWS = 20_000


class ListProblem(ValueError):
    """The list as a whole cannot be read with its mapping (a message for the run)."""


@dataclass(frozen=True)
class ColumnMapping:
    """How one source's list is read: register field → the column's heading as published."""

    code: str
    name: str
    columns: Mapping[str, str]
    constants: Mapping[str, str] = field(default_factory=dict)
    """Values every row shares (a voivode's register: its voivodeship)."""
    kind: str | None = None
    """The kind of a new organisation when the row does not say (CIS, KIS, ZAZ registers)."""


def mapping_problems(
    columns: Mapping[str, str], constants: Mapping[str, str], kind: str | None
) -> list[tuple[str, str]]:
    """(field, message) for a mapping that cannot work; empty when it is usable."""
    found: list[tuple[str, str]] = []
    for target, heading in columns.items():
        if target not in TARGETS:
            found.append((f"columns.{target}", f"Nieznane pole rejestru „{target}”."))
        elif not str(heading).strip():
            found.append((f"columns.{target}", "Podaj nagłówek kolumny."))
    for target in constants:
        if target not in TARGETS:
            found.append((f"constants.{target}", f"Nieznane pole rejestru „{target}”."))
    given = set(columns) | set(constants)
    if "name" not in given:
        found.append(("columns.name", "Lista musi wskazywać kolumnę z nazwą."))
    if not given & {"gmina_code", "gmina"}:
        found.append(("columns.gmina", "Lista musi wskazywać gminę: kod TERYT albo nazwę gminy."))
    if len({fold(str(h)) for h in columns.values()}) != len(columns):
        found.append(("columns", "Jedna kolumna pliku jest wskazana dla dwóch pól."))
    if kind is not None and kind not in {k.value for k in Kind}:
        found.append(("kind", f"Nieznany rodzaj podmiotu „{kind}”."))
    return found


# ------------------------------------------------------------------------------------- reading


def read_grid(
    data: bytes, filename: str = "", encoding: str | None = None, within: Limits | None = None
) -> list[list[str]]:
    """The cells of the file's first table as text, row by row (CSV, XLSX or an HTML table).

    `within`: the upload limits of ses/uploads.py (an XLSX's parts checked before it is unpacked,
    rows and columns bounded); a file an operator names on the command line is read without them."""
    lowered = filename.lower()
    if data.startswith(XLSX_MAGIC) or lowered.endswith(".xlsx"):
        return _xlsx(data, within)
    try:
        text, _ = decode(data, encoding)
    except Exception as error:  # ValidationFailed from the shared decoder: a message for the run
        raise ListProblem(str(error)) from error
    head = text[:4096].lower()
    rows = None if within is None else _row_bound()
    if lowered.endswith((".html", ".htm")) or "<table" in head or "<html" in head:
        return _html(text, rows)
    return _csv(text, rows, None if within is None else within.max_columns)


def _row_bound() -> int:
    """Rows read of an uploaded list: one past the most a list may have, so a longer one is seen
    and refused by `read_rows` without the rest of the file ever being held in memory."""
    return MAX_ROWS + HEADER_SEARCH_ROWS + 2


def _csv(text: str, max_rows: int | None = None, max_columns: int | None = None) -> list[list[str]]:
    if not text.strip():
        raise ListProblem("Plik jest pusty.")
    sample = "\n".join(itertools.islice(io.StringIO(text), HEADER_SEARCH_ROWS))
    delimiter = max(";,\t", key=sample.count)
    try:
        reader = itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), max_rows)
        return [[cell.strip() for cell in row[:max_columns]] for row in reader]
    except csv.Error as error:
        raise ListProblem(f"Plik CSV jest uszkodzony: {error}.") from error


def _xlsx(data: bytes, within: Limits | None = None) -> list[list[str]]:
    from openpyxl import load_workbook

    if within is not None:
        try:
            check_xlsx_parts(data, within)
        except ValidationFailed as error:
            details = "; ".join(e.message for e in error.errors)
            raise ListProblem(f"{error.detail} {details}".strip()) from error
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ListProblem(f"Pliku XLSX nie da się odczytać ({type(error).__name__}).") from error
    try:
        sheet = book.worksheets[0]
        # one row past the most a list may have, so a longer sheet is seen and refused (read_rows)
        bounds = {} if within is None else {"max_row": MAX_ROWS + HEADER_SEARCH_ROWS + 2,
                                           "max_col": min(sheet.max_column or within.max_columns,
                                                          within.max_columns)}  # fmt: skip
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True, **bounds)]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a KRS or NIP column Excel took for a number
    return " ".join(str(value).split())


class _Tables(HTMLParser):
    """The first <table> of a page as rows of cell texts (nested tables are flattened into it)."""

    def __init__(self, max_rows: int | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.max_rows = max_rows
        self.rows: list[list[str]] = []
        self.depth = 0
        self.done = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "table":
            self.depth += 1
        elif self.depth and tag == "tr":
            if self.max_rows is not None and len(self.rows) >= self.max_rows:
                raise _Enough  # enough to refuse the list as too long (`read_rows`); stop parsing
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self._close_cell()
            self.cell = []
            if not self.rows:
                self.rows.append([])
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "table" and self.depth:
            self._close_cell()
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def _close_cell(self) -> None:
        if self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None


class _Enough(Exception):
    """The table has more rows than an uploaded list may have: the rest is not parsed."""


def _html(text: str, max_rows: int | None = None) -> list[list[str]]:
    parser = _Tables(max_rows)
    try:
        parser.feed(text)
        parser.close()
    except _Enough:
        pass
    if not parser.rows:
        raise ListProblem("Strona HTML nie zawiera tabeli.")
    return parser.rows


# ------------------------------------------------------------------------------------ the header


def _heading(text: str) -> str:
    return " ".join(fold(text).replace("\n", " ").split()).rstrip(":. ")


@dataclass
class Header:
    row: int
    """0-based index of the header row in the grid."""
    positions: dict[str, int]
    """Mapped field → column index."""
    ignored: list[str]
    """Headings in the file the mapping does not name."""


def locate_header(grid: Sequence[Sequence[str]], mapping: ColumnMapping) -> Header:
    """The header row and where each mapped column is; ListProblem naming what is missing."""
    wanted = {target: _heading(heading) for target, heading in mapping.columns.items()}
    best, best_hits = -1, 0
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        headings = {_heading(cell) for cell in row if cell.strip()}
        hits = sum(1 for heading in wanted.values() if heading in headings)
        if hits > best_hits:
            best, best_hits = index, hits
    if best < 0:
        names = ", ".join(f"„{h}”" for h in mapping.columns.values())
        raise ListProblem(
            f"Nie znaleziono wiersza nagłówka: żadna z kolumn wskazanych w mapowaniu ({names}) nie występuje "
            f"w pierwszych {HEADER_SEARCH_ROWS} wierszach pliku. Sprawdź, czy to właściwa lista i mapowanie."
        )
    row = [_heading(cell) for cell in grid[best]]
    positions: dict[str, int] = {}
    missing: list[str] = []
    for target, heading in wanted.items():
        if heading in row:
            positions[target] = row.index(heading)
        else:
            missing.append(f"„{mapping.columns[target]}” ({TARGETS.get(target, target)})")
    if missing:
        present = ", ".join(f"„{cell}”" for cell in grid[best] if cell.strip())
        raise ListProblem(
            f"W pliku brak kolumn wskazanych w mapowaniu: {', '.join(missing)}. "
            f"Nagłówek pliku (wiersz {best + 1}) ma kolumny: {present}. Popraw mapowanie albo plik."
        )
    named = set(positions.values())
    ignored = [
        cell
        for i, cell in enumerate(grid[best])
        if cell.strip() and i not in named and _heading(cell) not in ORDINALS
    ]
    return Header(best, positions, ignored)


# ------------------------------------------------------------------------------------------ rows


@dataclass
class ListRow:
    line: int
    """1-based row number in the file (as a spreadsheet shows it)."""
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    usable: bool = True
    cells: dict[str, str] = field(default_factory=dict)
    """The row as published (heading → cell): the source's raw answer shown to staff."""
    founder: dict[str, str] = field(default_factory=dict)
    """The running body as the list names it: krs / nip (normalised, valid) and name."""


_FORMS = {
    **LEGAL_FORMS,
    "spoldzielnia socjalna": LegalForm.COOPERATIVE,
}
_KINDS = {
    "spoldzielnia socjalna": Kind.SOCIAL_COOPERATIVE,
    "centrum integracji spolecznej": Kind.CIS,
    "cis": Kind.CIS,
    "klub integracji spolecznej": Kind.KIS,
    "kis": Kind.KIS,
    "zaklad aktywnosci zawodowej": Kind.ZAZ,
    "zaz": Kind.ZAZ,
    "warsztat terapii zajeciowej": Kind.WTZ,
    "wtz": Kind.WTZ,
    "fundacja": Kind.FOUNDATION,
    "stowarzyszenie": Kind.ASSOCIATION,
    "kolo gospodyn wiejskich": Kind.KGW,
    "ochotnicza straz pozarna": Kind.OSP,
}
_POSTCODE = re.compile(r"^\d{2}-\d{3}$")


def _date_text(text: str) -> str | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date().isoformat()
        except ValueError:
            continue
    return None


def row_key(mapping: ColumnMapping, values: Mapping[str, Any]) -> str:
    """A key that stays the same when the same list is read again (identifier, else name + gmina)."""
    for name in ("krs", "nip", "regon"):
        if values.get(name):
            return f"{mapping.code}:{name}:{values[name]}"[:40]
    digest = hashlib.sha1(f"{fold(str(values.get('name', '')))}|{values.get('gmina_code', '')}".encode())
    return f"{mapping.code}:nazwa:{digest.hexdigest()[:16]}"[:40]


def read_rows(
    grid: Sequence[Sequence[str]], header: Header, mapping: ColumnMapping, places: TerritoryIndex
) -> list[ListRow]:
    """Every data row below the header as register values; empty and repeated-header rows skipped."""
    rows: list[ListRow] = []
    body = grid[header.row + 1 :]
    if len(body) > MAX_ROWS:
        raise ListProblem(f"Lista ma {len(body)} wierszy; jeden plik może mieć najwyżej {MAX_ROWS}.")
    for offset, cells in enumerate(body):
        raw = {
            target: (cells[index].strip() if index < len(cells) else "")
            for target, index in header.positions.items()
        }
        if not any(raw.values()):
            continue
        line = header.row + offset + 2
        raw = {**{k: str(v) for k, v in mapping.constants.items()}, **{k: v for k, v in raw.items() if v}}
        if fold(raw.get("name", "")) == fold(mapping.columns.get("name", "")):
            continue  # the header repeated on every printed page of a list
        row = _row(line, raw, mapping, places)
        row.cells = {
            heading or f"kolumna {i + 1}": (cells[i] if i < len(cells) else "")
            for i, heading in enumerate(grid[header.row])
        }
        rows.append(row)
    return rows


def _row(line: int, raw: Mapping[str, str], mapping: ColumnMapping, places: TerritoryIndex) -> ListRow:
    row = ListRow(line, "")
    values = row.values
    name = " ".join(raw.get("name", "").split())
    if len(name) < 2:
        row.problems.append(f"Wiersz {line}: brak nazwy.")
        row.usable = False
    else:
        values["name"] = name[:300]
    for key, (normalise, problem_of) in IDENTIFIERS.items():
        text = raw.get(key, "")
        if not text or fold(text) in ("brak", "-", "nie dotyczy"):
            continue
        value = normalise(text)
        if key == "regon" and len(value) == 14 and value.endswith("00000"):
            value = value[:9]  # the entity's REGON padded to 14 digits, as the register keeps 9
        problem = problem_of(value)
        if problem:
            row.problems.append(f"Wiersz {line}: {problem} Podano: „{text}”; pominięto.")
        else:
            values[key] = value
    _place(row, raw, places)
    for name_of in ("locality", "street", "email", "website"):
        if raw.get(name_of):
            values[name_of] = " ".join(raw[name_of].split())[:200]
    if postcode := raw.get("postal_code", "").strip():
        if _POSTCODE.match(postcode):
            values["postal_code"] = postcode
        else:
            row.problems.append(f"Wiersz {line}: kod pocztowy „{postcode}” nie ma postaci 00-000; pominięto.")
    _kind_and_form(row, raw, mapping)
    _founder(row, raw)
    for fact in FACTS:
        if raw.get(fact):
            text = raw[fact]
            row.facts[fact] = (_date_text(text) or text) if fact in ("decision_date", "valid_until") else text
    if (
        row.usable
        and not values.get("gmina_code")
        and not any(values.get(k) for k in ("krs", "nip", "regon"))
    ):
        row.usable = False  # nothing to match it by and nowhere to put it
    row.key = row_key(mapping, values)
    return row


def _founder(row: ListRow, raw: Mapping[str, str]) -> None:
    for key in ("krs", "nip"):
        text = raw.get(f"founder_{key}", "")
        if not text or fold(text) in ("brak", "-", "nie dotyczy"):
            continue
        normalise, problem_of = IDENTIFIERS[key]
        value = normalise(text)
        if problem := problem_of(value):
            row.problems.append(
                f"Wiersz {row.line}: podmiot prowadzący — {problem} Podano: „{text}”; pominięto."
            )
        else:
            row.founder[key] = value
    if name := " ".join(raw.get("founder_name", "").split()):
        row.founder["name"] = name[:300]


def _place(row: ListRow, raw: Mapping[str, str], places: TerritoryIndex) -> None:
    code = re.sub(r"\D", "", raw.get("gmina_code", ""))
    if code:
        if len(code) == 7:
            row.values["gmina_code"] = code
            return
        row.problems.append(f"Wiersz {row.line}: kod gminy TERYT „{raw['gmina_code']}” nie ma 7 cyfr.")
    if raw.get("gmina"):
        resolved = places.resolve(
            raw.get("voivodeship", ""), raw.get("powiat", ""), raw["gmina"], raw.get("locality", "")
        )
        if resolved.gmina_code:
            row.values["gmina_code"] = resolved.gmina_code
        if resolved.problem:
            row.problems.append(f"Wiersz {row.line}: {resolved.problem}")
        if resolved.note:
            row.problems.append(f"Wiersz {row.line}: {resolved.note}")
    elif not code:
        row.problems.append(f"Wiersz {row.line}: brak gminy.")


def _kind_and_form(row: ListRow, raw: Mapping[str, str], mapping: ColumnMapping) -> None:
    name = fold(row.values.get("name", ""))
    form_text = fold(raw.get("legal_form", ""))
    kind_text = fold(raw.get("kind", ""))
    form = _FORMS.get(form_text)
    if form_text and form is None:
        row.problems.append(f"Wiersz {row.line}: nierozpoznana forma prawna „{raw['legal_form']}”.")
    kind = _KINDS.get(kind_text) or _KINDS.get(form_text)
    if kind is None and mapping.kind:
        kind = Kind(mapping.kind)
    if kind is None and form is not None:
        kind = _kind(form, name)
    if form is not None:
        row.values["legal_form"] = form.value
    if kind is not None:
        row.values["kind"] = kind.value
