"""The report as an HTML form (pure): form fields ↔ report content, and error paths ↔ inputs.

Input names: `f.<field>` for scalar fields, `t.<table>.<row>.<column>` for table cells, and
`n.<table>` for how many rows of a table the form showed. Rows left entirely blank are dropped,
so the rows of the re-rendered form are the rows of the content and an error path such as
`data.jobs.2.fte` names the input `t.jobs.2.fte`. Values are passed on as typed where they are
not plainly numbers, so the report's own validation (`rules.py`) words every problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ses.errors import FieldError
from ses.register.vocab import KIND_LABELS
from ses.reporting.model import Definition, FieldSpec, TableSpec

SPARE_ROWS = 1
"""Blank rows shown under the filled ones, so one more row needs no extra click."""
ADD_ROWS = 3
"""Rows added by the "add rows" button of a table."""
MAX_SHOWN_ROWS = 500
"""Longer tables are sent as a file (CSV/XLSX upload), not typed into a form."""

_INTEGER = re.compile(r"[-+]?\d+")

CHOICE_LABELS: dict[str, str] = {
    **{str(kind.value): label for kind, label in KIND_LABELS.items()},
    "local_animation": "animacja lokalna",
    "creating_pes_ps": "tworzenie PES i PS",
    "reintegration": "reintegracja społeczna i zawodowa",
    "public_procurement": "zamówienia publiczne",
    "business_support": "wsparcie biznesowe",
    "pes": "PES",
    "ps": "PS",
    "at_risk": "osoba zagrożona wykluczeniem społecznym",
    "disabled": "osoba z niepełnosprawnością",
    "other": "inna",
    "employment": "umowa o pracę",
    "cooperative_employment": "spółdzielcza umowa o pracę",
    "civil_law": "umowa cywilnoprawna",
    "new_jobs": "nowe miejsca pracy",
    "new_ps": "utworzenie PS",
    "development": "rozwój",
    "meeting": "spotkanie",
    "partnership": "partnerstwo",
    "network": "sieć współpracy",
    "joint_project": "wspólny projekt",
    "training": "szkolenie",
    "6": "6 miesięcy",
    "12": "12 miesięcy",
    "24": "24 miesiące",
}


COLUMN_LABELS = {
    "supported_pes.powiat_code": "Powiat",
    "new_entities.organisation_id": "Podmiot z rejestru (jeśli już w nim jest)",
    "new_entities.name": "Nazwa (gdy nie ma go w rejestrze)",
    "new_entities.gmina_code": "Gmina siedziby",
    "jobs.ps_organisation_id": "PS z rejestru",
    "grants.recipient_organisation_id": "Odbiorca z rejestru",
    "cooperation_events.partner_organisation_id": "Partner z rejestru (jeśli w nim jest)",
}
"""Column headings the form shows where the definition's name codes and ids ("Powiat (TERYT,
4 cyfry)"): the form takes names (ses/reporting/named_inputs.py)."""


def column_label(table: TableSpec, column: FieldSpec) -> str:
    return COLUMN_LABELS.get(f"{table.name}.{column.name}", column.label)


def choice_label(value: Any) -> str:
    text = text_of(value)
    return CHOICE_LABELS.get(text, text)


@dataclass
class FormValues:
    """What the form shows: texts by field, rows of texts by table, and rows shown per table."""

    fields: dict[str, str] = field(default_factory=dict)
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    shown: dict[str, int] = field(default_factory=dict)

    def rows(self, table: str) -> list[dict[str, str]]:
        """The filled rows, then blank ones up to the number of rows to show."""
        filled = self.tables.get(table, [])
        return filled + [{} for _ in range(max(self.shown.get(table, 0) - len(filled), 0))]


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value) if value is not None else ""


def from_content(definition: Definition, data: Mapping[str, Any] | None) -> FormValues:
    """The form of stored content (a report being edited)."""
    data = data or {}
    values = FormValues(
        fields={spec.name: text_of(data.get(spec.name)) for spec in definition.fields},
        tables={
            table.name: [
                {column.name: text_of(row.get(column.name)) for column in table.columns}
                for row in data.get(table.name) or []
                if isinstance(row, Mapping)
            ]
            for table in definition.tables
        },
    )
    return with_room(definition, values)


def from_form(definition: Definition, form: Mapping[str, Any]) -> FormValues:
    """What the person typed: blank rows dropped, every other value kept as typed."""
    values = FormValues(
        fields={spec.name: _first(form.get(f"f.{spec.name}")).strip() for spec in definition.fields}
    )
    for table in definition.tables:
        shown = _count(form.get(f"n.{table.name}"))
        rows = []
        for index in range(shown):
            row = {
                c.name: _first(form.get(f"t.{table.name}.{index}.{c.name}")).strip() for c in table.columns
            }
            if any(row.values()):
                rows.append(row)
        values.tables[table.name] = rows
        values.shown[table.name] = shown
    return values


def _count(value: Any) -> int:
    text = _first(value).strip()
    return min(int(text), MAX_SHOWN_ROWS) if text.isdigit() else 0


def with_room(definition: Definition, values: FormValues, add: str | None = None) -> FormValues:
    """Rows to show per table: at least the filled ones and a spare; more for `add`."""
    for table in definition.tables:
        filled = len(values.tables.get(table.name, []))
        shown = max(values.shown.get(table.name, 0), filled)
        shown = shown + ADD_ROWS if table.name == add else max(shown, filled + SPARE_ROWS)
        values.shown[table.name] = min(shown, max(MAX_SHOWN_ROWS, filled))
    return values


def _value(spec: FieldSpec, text: str) -> Any:
    """The JSON value the services expect for a typed text (left as text when it is not clear)."""
    if spec.type in ("integer", "organisation"):
        compact = text.replace(" ", "").replace("\u00a0", "")
        return int(compact) if _INTEGER.fullmatch(compact) else text
    if spec.type == "boolean":
        lowered = text.lower()
        if lowered in ("true", "tak"):
            return True
        if lowered in ("false", "nie"):
            return False
    return text


def content_of(definition: Definition, values: FormValues) -> dict[str, Any]:
    """The report content for the services; empty inputs are left out (not stored as "")."""
    content: dict[str, Any] = {}
    for spec in definition.fields:
        text = values.fields.get(spec.name, "")
        if text:
            content[spec.name] = _value(spec, text)
    for table in definition.tables:
        content[table.name] = [
            {c.name: _value(c, row[c.name]) for c in table.columns if row.get(c.name)}
            for row in values.tables.get(table.name, [])
        ]
    return content


def input_of(path: str, definition: Definition | None = None, prefix: str = "data") -> str:
    """The input an error path points at: `data.jobs.2.fte` → `t.jobs.2.fte`, `data.x` → `f.x`;
    a whole row → `t.jobs.2`, a whole table → `t.jobs`; paths outside the content stay as they are."""
    if not path.startswith(prefix + "."):
        return path
    parts = [part for part in path[len(prefix) + 1 :].split(".") if part != ""]
    if len(parts) == 1 and not (definition is not None and definition.table(parts[0]) is not None):
        return f"f.{parts[0]}"
    return "t." + ".".join(parts)


@dataclass(frozen=True)
class Problem:
    input: str
    label: str
    message: str


def label_of(definition: Definition, input_name: str, labels: Mapping[str, str] | None = None) -> str:
    """A person's words for an input: the field's label, or table, row number and column."""
    kind, _, rest = input_name.partition(".")
    if kind == "f" and (spec := definition.field(rest)) is not None:
        return spec.label
    if kind == "t":
        parts = rest.split(".")
        table = definition.table(parts[0])
        if table is not None:
            out = table.label
            if len(parts) > 1 and parts[1].isdigit():
                out += f", wiersz {int(parts[1]) + 1}"
            if len(parts) > 2 and (column := table.column(parts[2])) is not None:
                out += f": {column_label(table, column)}"
            return out
    return (labels or {}).get(input_name, input_name)


def _code_words(definition: Definition) -> dict[str, str]:
    """Codes a definition's messages may name (tables, columns, choices) → words for a person."""
    words: dict[str, str] = {}
    for table in definition.tables:
        words[table.name] = f"„{table.label}”"
        for column in table.columns:
            if "_" in column.name or column.name == "entity":
                words.setdefault(column.name, f"„{column_label(table, column)}”")
            for choice in column.choices or ():
                code = str(choice)
                if code in CHOICE_LABELS and not code.isdigit():
                    words.setdefault(
                        code, CHOICE_LABELS[code].upper() if len(code) <= 3 else CHOICE_LABELS[code]
                    )
    for spec in definition.fields:
        if "_" in spec.name:
            words.setdefault(spec.name, f"„{spec.label}”")
    return words


def in_words(definition: Definition, message: str) -> str:
    """A rule's message with the codes it names (`tabeli jobs`, `at_risk`, `organisation_id`) put
    as the form shows them: no English code reaches a person."""
    words = _code_words(definition)
    pattern = re.compile(
        r"(?<![\w„])(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![\w”])"
    )
    return pattern.sub(lambda match: words[match.group(1)], message)


def problems(
    definition: Definition, errors: Iterable[FieldError], labels: Mapping[str, str] | None = None
) -> tuple[list[Problem], dict[str, list[str]]]:
    """The summary (in order) and the messages by input name, for showing next to each input."""
    summary: list[Problem] = []
    by_input: dict[str, list[str]] = {}
    for error in errors:
        name = input_of(error.field, definition)
        text = in_words(definition, error.message)
        message = text if error.row is None else f"{text} (wiersz pliku {error.row})"
        summary.append(Problem(name, label_of(definition, name, labels), message))
        by_input.setdefault(name, []).append(message)
    return summary, by_input


def input_id(name: str) -> str:
    """An HTML id for an input name (dots are legal in ids but awkward in CSS selectors)."""
    return "in-" + name.replace(".", "-")
