"""The columns of register files (exports and imports), described once (pure, no database).

Each column has its code (the CSV header and the API field), its Polish header (XLSX exports and
imports accept either), what it means and its allowed values. Exports write every column; imports
read the writable ones, accept Polish headers and Polish labels as well as codes, and ignore the
read-only columns an export carries (derived or kept by the system), so an export re-imports
without edits. The user guide's import format (docs/import-format.md) is this table.

Formula text: a spreadsheet runs a cell starting with =, +, -, @ (or a tab or carriage return
before one) as a formula. Exports write such text with a leading apostrophe in CSV (the spreadsheet
convention for "this is text") and as a text cell in XLSX; imports remove that apostrophe again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ses.register.statuses import STATE_LABELS
from ses.register.vocab import (
    ACTIVITY_STATE_LABELS,
    KIND_LABELS,
    LEGAL_FORM_LABELS,
    PES_LETTER_LABELS,
)
from ses.text import FORMULA_START as _FORMULA_START
from ses.text import fold


@dataclass(frozen=True)
class Column:
    code: str
    header: str
    meaning: str
    allowed: dict[str, str] | None = None
    """code → Polish label, for enumerations."""
    writable: bool = True
    kind: str = "text"
    """text · identifier (text that looks like a number) · date · timestamp · boolean · integer"""


def _labels(source: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {getattr(key, "value", key): label for key, label in source.items()}


YES_NO = {"tak": "tak", "nie": "nie"}
COLUMNS: tuple[Column, ...] = (
    Column("id", "Id", "Numer rekordu w SES; wypełniony: import zmienia ten rekord", kind="integer"),
    Column("name", "Nazwa", "Pełna nazwa podmiotu (wymagana, 2–300 znaków)"),
    Column("kind", "Rodzaj", "Rodzaj podmiotu (wymagany)", _labels(KIND_LABELS)),
    Column(
        "pes_letter",
        "Litera PES",
        "Litera art. 2 pkt 5 ustawy (wynika z rodzaju)",
        _labels(PES_LETTER_LABELS),
        writable=False,
    ),
    Column(
        "legal_form", "Forma prawna", "Forma prawna (pusta: typowa dla rodzaju)", _labels(LEGAL_FORM_LABELS)
    ),
    Column(
        "activity_state",
        "Działalność",
        "Stan działalności (pusty: aktywny)",
        {k: v for k, v in _labels(ACTIVITY_STATE_LABELS).items() if k != "retired"},
    ),
    Column(
        "is_owes", "OWES", "Czy podmiot jest ośrodkiem wsparcia ekonomii społecznej", YES_NO, kind="boolean"
    ),
    Column(
        "founder_id",
        "Id podmiotu prowadzącego",
        "Dla CIS, KIS, ZAZ i WTZ: id podmiotu, który prowadzi jednostkę",
        kind="integer",
    ),
    Column("krs", "KRS", "Numer KRS (10 cyfr; zera wiodące można pominąć)", kind="identifier"),
    Column("nip", "NIP", "NIP (10 cyfr, z kreskami lub bez, także z prefiksem PL)", kind="identifier"),
    Column("regon", "REGON", "REGON (9 lub 14 cyfr)", kind="identifier"),
    Column(
        "voivodeship_code",
        "Kod województwa",
        "TERYT województwa (z kodu gminy)",
        writable=False,
        kind="identifier",
    ),
    Column("powiat_code", "Kod powiatu", "TERYT powiatu (z kodu gminy)", writable=False, kind="identifier"),
    Column(
        "gmina_code",
        "Kod gminy",
        "TERYT (TERC) gminy siedziby, 7 cyfr, np. 0463011 (wymagany)",
        kind="identifier",
    ),
    Column("locality", "Miejscowość", "Miejscowość siedziby"),
    Column("street", "Ulica", "Ulica i numer"),
    Column("postal_code", "Kod pocztowy", "Kod pocztowy 00-000", kind="identifier"),
    Column("email", "E-mail", "Adres e-mail"),
    Column("website", "Strona www", "Adres strony internetowej"),
    Column("phone", "Telefon", "Numer telefonu", kind="identifier"),
    Column(
        "registered_on", "Data rejestracji", "Data wpisu do rejestru (RRRR-MM-DD lub DD.MM.RRRR)", kind="date"
    ),
    Column(
        "ps_state",
        "Status PS",
        "Stan statusu przedsiębiorstwa społecznego (zmienia się na stronie rekordu)",
        STATE_LABELS,
        writable=False,
    ),
    Column(
        "unit_state", "Status jednostki", "Stan statusu CIS, KIS, ZAZ lub WTZ", STATE_LABELS, writable=False
    ),
    Column(
        "is_demo", "Dane pokazowe", "Rekord wygenerowany do pokazu", YES_NO, writable=False, kind="boolean"
    ),
    Column("version", "Wersja", "Numer wersji rekordu", writable=False, kind="integer"),
    Column("created_at", "Dodano", "Kiedy dodano rekord", writable=False, kind="timestamp"),
    Column("updated_at", "Zmieniono", "Kiedy ostatnio zmieniono rekord", writable=False, kind="timestamp"),
)
IMPORT_ONLY = (
    Column(
        "founder_krs",
        "KRS podmiotu prowadzącego",
        "Zamiast id: KRS podmiotu prowadzącego jednostkę",
        kind="identifier",
    ),
    Column(
        "founder_nip",
        "NIP podmiotu prowadzącego",
        "Zamiast id: NIP podmiotu prowadzącego jednostkę",
        kind="identifier",
    ),
    Column("ref", "Ref", "Dowolna etykieta wiersza w pliku (nie jest zapisywana)"),
    Column(
        "founder_ref",
        "Ref podmiotu prowadzącego",
        "Etykieta (ref) wiersza z podmiotem prowadzącym w tym pliku",
    ),
)
BY_CODE = {column.code: column for column in (*COLUMNS, *IMPORT_ONLY)}
EXPORT_CODES = tuple(column.code for column in COLUMNS)
READ_ONLY = frozenset(column.code for column in COLUMNS if not column.writable)
_BY_HEADER = {fold(column.header): column.code for column in (*COLUMNS, *IMPORT_ONLY)}

FORMULA_START = _FORMULA_START  # one list for every export (ses/text.py)


def column_code(header: str) -> str:
    """The code of a file's column header: the code itself or the Polish header (any case)."""
    text = header.strip()
    if text.lower() in BY_CODE:
        return text.lower()
    return _BY_HEADER.get(fold(text), text)


def value_code(code: str, value: str) -> str:
    """An enumeration's value as a code: the code itself or its Polish label (any case)."""
    column = BY_CODE.get(code)
    if not column or not column.allowed or not value:
        return value
    if value in column.allowed:
        return value
    folded = fold(value)
    for key, label in column.allowed.items():
        if fold(label) == folded or key.lower() == value.lower():
            return key
    return value


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """The inverse of `neutralise` (for imports of our own exports)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters an XLSX cannot hold at all (openpyxl refuses them); never stored since input refuses
them, but an export must not break on an old record: they are shown as U+FFFD."""


def printable(text: str) -> str:
    return ILLEGAL.sub("\ufffd", text)
