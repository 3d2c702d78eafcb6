"""Report definitions as data (pure): fields, tables and rules read from a YAML/JSON document.

A definition document is checked here once, when it is published; a malformed one never reaches
the database. The parsed form is what the validator (`rules.py`) and the templates work from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ses.errors import FieldError
from ses.reporting.periods import PERIOD_TYPES

VALUE_TYPES = (
    "integer",
    "decimal",
    "string",
    "date",
    "boolean",
    "code",
    "period",
    "organisation",
    "nip",
    "krs",
)
OPERATORS = ("<=", "<", ">=", ">", "==", "!=")
RULE_TYPES = ("compare", "prior_le")
CODE = re.compile(r"[a-z][a-z0-9_]{0,62}")
"""A field's, table's or column's name is a code: it heads the templates' columns (CSV, XLSX), so it
can never be text a spreadsheet would run as a formula, and it is what the API and the files use."""
CODE_MESSAGE = "Nazwa to kod: małe litery łacińskie, cyfry i podkreślenia, na początku litera (np. new_jobs)."
ROW_RULE_TYPES = ("compare", "require_any", "required_unless", "in_period", "period_before")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    label: str = ""
    unit: str | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    max_length: int | None = None
    pattern: str | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "label": self.label,
            "required": self.required,
        }
        for key in ("unit", "min", "max", "max_length", "pattern"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.choices is not None:
            out["choices"] = list(self.choices)
        return out


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    columns: tuple[FieldSpec, ...]
    key: tuple[str, ...] = ()
    row_rules: tuple[dict[str, Any], ...] = ()
    max_rows: int = 50_000

    def column(self, name: str) -> FieldSpec | None:
        return next((column for column in self.columns if column.name == name), None)


@dataclass(frozen=True)
class Definition:
    code: str
    version: int
    title: str
    period_type: str
    deadline_days: int
    fields: tuple[FieldSpec, ...]
    tables: tuple[TableSpec, ...]
    rules: tuple[dict[str, Any], ...] = ()
    body: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def field(self, name: str) -> FieldSpec | None:
        return next((spec for spec in self.fields if spec.name == name), None)

    def table(self, name: str) -> TableSpec | None:
        return next((spec for spec in self.tables if spec.name == name), None)

    def template_marker(self, table: str) -> str:
        return f"{self.code}/v{self.version}/{table}"


class DefinitionError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _field(raw: Any, path: str, errors: list[FieldError]) -> FieldSpec | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        errors.append(FieldError(path, "Pole definicji musi mieć nazwę (name)."))
        return None
    if not CODE.fullmatch(raw["name"]):
        errors.append(FieldError(f"{path}.name", f"„{raw['name']}”: {CODE_MESSAGE}"))
    unknown = set(raw) - {
        "name",
        "type",
        "label",
        "unit",
        "required",
        "min",
        "max",
        "choices",
        "max_length",
        "pattern",
    }
    if unknown:
        errors.append(FieldError(path, f"Nieznane klucze: {', '.join(sorted(unknown))}."))
    kind = raw.get("type", "string")
    if kind not in VALUE_TYPES:
        errors.append(
            FieldError(f"{path}.type", f"Nieznany typ „{kind}”; dozwolone: {', '.join(VALUE_TYPES)}.")
        )
    if kind == "code" and not raw.get("choices"):
        errors.append(FieldError(f"{path}.choices", "Pole typu code wymaga listy dozwolonych wartości."))
    choices = raw.get("choices")
    return FieldSpec(
        name=raw["name"],
        type=kind,
        label=str(raw.get("label", raw["name"])),
        unit=raw.get("unit"),
        required=bool(raw.get("required", False)),
        min=raw.get("min"),
        max=raw.get("max"),
        choices=tuple(choices) if choices else None,
        max_length=raw.get("max_length"),
        pattern=raw.get("pattern"),
    )


def _operand_names(operand: Any) -> list[str]:
    if isinstance(operand, str):
        return [operand]
    if isinstance(operand, dict) and "add" in operand:
        return [name for part in operand["add"] for name in _operand_names(part)]
    return []


def parse_definition(raw: Any) -> Definition:
    """The definition in `raw`, or DefinitionError listing every structural problem."""
    errors: list[FieldError] = []
    if not isinstance(raw, dict):
        raise DefinitionError([FieldError("body", "Definicja musi być obiektem.")])
    for key in ("code", "version", "title", "period_type"):
        if key not in raw:
            errors.append(FieldError(key, "Brak wymaganego klucza definicji."))
    if not isinstance(raw.get("version"), int) or raw.get("version", 0) < 1:
        errors.append(FieldError("version", "Wersja definicji to liczba całkowita ≥ 1."))
    if raw.get("period_type") not in PERIOD_TYPES:
        errors.append(FieldError("period_type", f"Rodzaj okresu: {' albo '.join(PERIOD_TYPES)}."))
    fields = [_field(item, f"fields.{i}", errors) for i, item in enumerate(raw.get("fields") or [])]
    tables: list[TableSpec] = []
    for name, table in (raw.get("tables") or {}).items():
        path = f"tables.{name}"
        if not CODE.fullmatch(str(name)):
            errors.append(FieldError(path, f"„{name}”: {CODE_MESSAGE}"))
        if not isinstance(table, dict):
            errors.append(FieldError(path, "Tabela musi być obiektem."))
            continue
        columns = [
            _field(item, f"{path}.columns.{i}", errors) for i, item in enumerate(table.get("columns") or [])
        ]
        spec = TableSpec(
            name=name,
            label=str(table.get("label", name)),
            columns=tuple(c for c in columns if c is not None),
            key=tuple(table.get("key") or ()),
            row_rules=tuple(table.get("row_rules") or ()),
            max_rows=int(table.get("max_rows", 50_000)),
        )
        names = {c.name for c in spec.columns}
        for column in spec.key:
            if column not in names:
                errors.append(FieldError(f"{path}.key", f"Klucz wskazuje nieznaną kolumnę {column}."))
        for i, rule in enumerate(spec.row_rules):
            if rule.get("type") not in ROW_RULE_TYPES:
                errors.append(
                    FieldError(
                        f"{path}.row_rules.{i}", f"Nieznany rodzaj reguły wiersza: {rule.get('type')}."
                    )
                )
            referenced = [
                rule.get("column"),
                *(rule.get("columns") or []),
                *_operand_names(rule.get("left")),
                *_operand_names(rule.get("right")),
            ]
            for column in referenced:
                if column is not None and column not in names:
                    errors.append(
                        FieldError(f"{path}.row_rules.{i}", f"Reguła wskazuje nieznaną kolumnę {column}.")
                    )
        tables.append(spec)
    field_names = {f.name for f in fields if f is not None}
    table_names = {t.name for t in tables}
    if field_names & table_names:
        errors.append(FieldError("tables", "Pole i tabela nie mogą mieć tej samej nazwy."))
    for i, rule in enumerate(raw.get("rules") or []):
        if rule.get("type") not in RULE_TYPES:
            errors.append(FieldError(f"rules.{i}", f"Nieznany rodzaj reguły: {rule.get('type')}."))
        if rule.get("type") == "compare":
            if rule.get("op") not in OPERATORS:
                errors.append(FieldError(f"rules.{i}.op", f"Operator: jeden z {' '.join(OPERATORS)}."))
            for side in ("left", "right"):
                for name in _operand_names(rule.get(side)):
                    if name not in field_names:
                        errors.append(
                            FieldError(f"rules.{i}.{side}", f"Reguła wskazuje nieznane pole {name}.")
                        )
        if rule.get("type") == "prior_le" and rule.get("table") not in table_names:
            errors.append(
                FieldError(f"rules.{i}.table", f"Reguła wskazuje nieznaną tabelę {rule.get('table')}.")
            )
    if errors:
        raise DefinitionError(errors)
    return Definition(
        code=str(raw["code"]),
        version=int(raw["version"]),
        title=str(raw["title"]),
        period_type=str(raw["period_type"]),
        deadline_days=int(raw.get("deadline_days", 30)),
        fields=tuple(f for f in fields if f is not None),
        tables=tuple(tables),
        rules=tuple(raw.get("rules") or ()),
        body=raw,
    )
