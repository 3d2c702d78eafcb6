"""Validation of report content against its definition (pure: no database, no web).

`validate()` returns every problem at once, each with its path (`data.jobs.3.fte` for JSON, the
column and the file line for uploads), together with the cleaned data to store and the register
references the service must check. Nothing here decides whether to store: the service does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ses.errors import FieldError
from ses.register.identifiers import krs_problem, nip_problem, normalise_krs, normalise_nip
from ses.reporting import periods
from ses.reporting.model import Definition, FieldSpec, TableSpec

MISSING = object()
TRUE_WORDS = {"true", "tak", "1", "t", "yes", "y"}
FALSE_WORDS = {"false", "nie", "0", "n", "no"}

# Where a problem is reported: (field path, file line or None) for a row index and a column.
Locator = Callable[[int, str], tuple[str, int | None]]


@dataclass(frozen=True)
class Context:
    period: periods.Period
    today: date
    partial: bool = False
    """A draft: missing required values and cross-field rules are not checked yet."""
    prior: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    """For `prior_le` rules, by rule id: the value the OWES reported for each earlier period."""


@dataclass
class Outcome:
    data: dict[str, Any]
    problems: list[FieldError]
    references: list[tuple[str, int | None, int]] = field(default_factory=list)
    """(field path, file line, organisation id): ids that must exist in the register."""


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _number_text(value: str) -> str:
    return value.replace("\u00a0", "").replace(" ", "").replace(",", ".")


def convert(spec: FieldSpec, value: Any, period_type: str, from_text: bool = False) -> tuple[Any, str | None]:
    """The cleaned value, or (None, message). `from_text`: the value comes from a file cell."""
    kind = spec.type
    if kind in ("integer", "organisation"):
        if isinstance(value, bool) or not (isinstance(value, int) or (from_text and isinstance(value, str))):
            return None, "Oczekiwano liczby całkowitej."
        if isinstance(value, str):
            text = _number_text(value)
            if not re.fullmatch(r"-?\d+", text):
                return None, f"Oczekiwano liczby całkowitej, jest „{value}”."
            value = int(text)
        if kind == "organisation" and value < 1:
            return None, "Id organizacji w rejestrze to dodatnia liczba całkowita."
        clean: Any = value
    elif kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return None, "Oczekiwano liczby (np. 12.50)."
        try:
            number = Decimal(_number_text(value) if isinstance(value, str) else str(value))
        except InvalidOperation:
            return None, f"Oczekiwano liczby (np. 12.50), jest „{value}”."
        if not number.is_finite():
            return None, "Oczekiwano skończonej liczby."
        if number.as_tuple().exponent < -4:  # type: ignore[operator]
            return None, "Najwyżej 4 miejsca po przecinku."
        value = number
        clean = number
    elif kind == "boolean":
        if isinstance(value, bool):
            clean = value
        elif from_text and isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            clean = value.strip().lower() in TRUE_WORDS
        else:
            return None, "Oczekiwano wartości logicznej (true/false)."
    elif kind == "date":
        if not isinstance(value, str):
            return None, "Oczekiwano daty w formacie RRRR-MM-DD."
        try:
            clean = date.fromisoformat(value.strip()[:10] if from_text else value)
        except ValueError:
            return None, f"Oczekiwano daty w formacie RRRR-MM-DD, jest „{value}”."
    else:
        if not isinstance(value, str):
            return None, "Oczekiwano tekstu."
        clean = value.strip()
        if kind == "period":
            try:
                clean = periods.parse(clean, period_type).code
            except ValueError as exc:
                return None, str(exc)
        elif kind == "nip":
            clean = normalise_nip(clean)
            if problem := nip_problem(clean):
                return None, problem
        elif kind == "krs":
            clean = normalise_krs(clean)
            if problem := krs_problem(clean):
                return None, problem
    if kind == "code" and clean not in spec.choices:  # type: ignore[operator]
        return None, f"Niedozwolona wartość „{clean}”; dozwolone: {', '.join(map(str, spec.choices or ()))}."
    if kind != "code" and spec.choices is not None and clean not in spec.choices:
        return None, f"Niedozwolona wartość {clean}; dozwolone: {', '.join(map(str, spec.choices))}."
    if kind in ("integer", "decimal"):
        if spec.min is not None and value < Decimal(str(spec.min)):
            return None, f"Wartość nie może być mniejsza niż {spec.min}."
        if spec.max is not None and value > Decimal(str(spec.max)):
            return None, f"Wartość nie może być większa niż {spec.max}."
    if kind == "string":
        if spec.max_length is not None and len(clean) > spec.max_length:
            return None, f"Tekst może mieć najwyżej {spec.max_length} znaków."
        if spec.pattern is not None and not _regex(spec.pattern).fullmatch(clean):
            return None, f"Wartość „{clean}” ma niepoprawną postać."
    return clean, None


def _stored(value: Any) -> Any:
    """The JSON form kept in the database: decimals as strings, dates as ISO dates."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _numeric(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str | float):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return None


def _compare(left: Decimal, op: str, right: Decimal) -> bool:
    return {
        "<=": left <= right,
        "<": left < right,
        ">=": left >= right,
        ">": left > right,
        "==": left == right,
        "!=": left != right,
    }[op]


OP_WORDS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "==": "=", "!=": "≠"}


def _matches(row: Mapping[str, Any], where: Mapping[str, Any] | None) -> bool:
    for column, wanted in (where or {}).items():
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if row.get(column) not in allowed:
            return False
    return True


def evaluate(operand: Any, data: Mapping[str, Any]) -> Decimal | None:
    """The number an operand of a rule stands for in `data` (cleaned or stored); None if unknown."""
    if isinstance(operand, bool):
        return None
    if isinstance(operand, int | float):
        return Decimal(str(operand))
    if isinstance(operand, str):
        return _numeric(data.get(operand))
    if isinstance(operand, dict):
        if "add" in operand:
            parts = [evaluate(part, data) for part in operand["add"]]
            return None if any(part is None for part in parts) else sum(parts, Decimal(0))  # type: ignore[arg-type]
        if "count" in operand:
            rows = data.get(operand["count"]) or []
            return Decimal(sum(1 for row in rows if _matches(row, operand.get("where"))))
        if "sum" in operand:
            table, column = str(operand["sum"]).split(".", 1)
            total = Decimal(0)
            for row in data.get(table) or []:
                if _matches(row, operand.get("where")):
                    total += _numeric(row.get(column)) or Decimal(0)
            return total
    return None


def _row_rule_problems(
    rule: Mapping[str, Any], row: Mapping[str, Any], ctx: Context
) -> list[tuple[str, str]]:
    """(column, message) for each way `row` breaks `rule`; the row holds cleaned values."""
    kind = rule["type"]
    message = rule.get("message")
    if kind == "compare":
        when = rule.get("when")
        if when:
            actual = _numeric(row.get(when["column"]))
            if actual is None or not _compare(actual, when["op"], Decimal(str(when["value"]))):
                return []
        left, right = evaluate(rule["left"], row), evaluate(rule["right"], row)
        if left is None or right is None or _compare(left, rule["op"], right):
            return []
        column = rule["left"] if isinstance(rule["left"], str) else rule.get("column", "row")
        return [
            (
                column,
                message
                or f"Warunek {rule['left']} {OP_WORDS[rule['op']]} {rule['right']} nie jest spełniony.",
            )
        ]
    if kind == "require_any":
        if any(row.get(column) not in (None, "") for column in rule["columns"]):
            return []
        return [(rule["columns"][0], message or f"Podaj co najmniej jedno z: {', '.join(rule['columns'])}.")]
    if kind == "required_unless":
        if row.get(rule["column"]) not in (None, ""):
            return []
        return [
            (column, message or "Pole jest wymagane.")
            for column in rule["columns"]
            if row.get(column) in (None, "")
        ]
    if kind == "in_period":
        value = row.get(rule["column"])
        if isinstance(value, date) and not ctx.period.start <= value <= ctx.period.end:
            return [
                (
                    rule["column"],
                    message
                    or (
                        f"Data {value.isoformat()} leży poza okresem sprawozdawczym "
                        f"{ctx.period.start.isoformat()}–{ctx.period.end.isoformat()}."
                    ),
                )
            ]
        return []
    if kind == "period_before":
        value = row.get(rule["column"])
        if isinstance(value, str):
            earlier = periods.parse(value, ctx.period.kind)
            if earlier.start >= ctx.period.start:
                return [
                    (
                        rule["column"],
                        message or f"Okres {value} musi poprzedzać okres sprawozdania {ctx.period.code}.",
                    )
                ]
        return []
    return []


def validate_table(
    spec: TableSpec,
    rows: Sequence[Any],
    ctx: Context,
    period_type: str,
    where: Locator,
    *,
    from_text: bool = False,
    problems: list[FieldError],
    references: list[tuple[str, int | None, int]],
) -> list[dict[str, Any]]:
    """Clean rows of one tabular part; appends to `problems` and `references`."""
    if len(rows) > spec.max_rows:
        path, line = where(spec.max_rows, "")
        problems.append(
            FieldError(path.rstrip("."), f"Tabela może mieć najwyżej {spec.max_rows} wierszy.", line)
        )
        return []
    columns = spec.columns
    known = {column.name for column in columns}
    seen_keys: dict[tuple[Any, ...], int] = {}
    out: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            path, line = where(index, "")
            problems.append(FieldError(path.rstrip("."), "Wiersz tabeli musi być obiektem JSON.", line))
            continue
        for column in row:
            if column not in known:
                path, line = where(index, str(column))
                problems.append(FieldError(path, "Nieznana kolumna.", line))
        clean: dict[str, Any] = {}
        broken = False
        for column in columns:
            value = row.get(column.name, MISSING)
            if value is MISSING or value is None or value == "":
                if column.required and not ctx.partial:
                    path, line = where(index, column.name)
                    problems.append(FieldError(path, "Pole jest wymagane.", line))
                    broken = True
                continue
            converted, error = convert(column, value, period_type, from_text)
            if error is not None:
                path, line = where(index, column.name)
                problems.append(FieldError(path, error, line))
                broken = True
                continue
            clean[column.name] = converted
            if column.type == "organisation":
                path, line = where(index, column.name)
                references.append((path, line, converted))
        if spec.key and not broken:
            key = tuple(clean.get(column) for column in spec.key)
            if key in seen_keys:
                path, line = where(index, spec.key[0])
                first_path, first_line = where(seen_keys[key], spec.key[0])
                first = f"wiersz {first_line}" if first_line is not None else first_path
                problems.append(
                    FieldError(path, f"Powtórzony wiersz dla {', '.join(map(str, key))} (jak {first}).", line)
                )
            else:
                seen_keys[key] = index
        for rule in spec.row_rules:
            for column, message in _row_rule_problems(rule, clean, ctx):
                path, line = where(index, column)
                problems.append(FieldError(path, message, line))
        out.append({name: _stored(value) for name, value in clean.items()})
    return out


def validate(definition: Definition, raw: Any, ctx: Context, prefix: str = "data") -> Outcome:
    """Check a whole report body (scalar fields and tables) against `definition`."""
    problems: list[FieldError] = []
    references: list[tuple[str, int | None, int]] = []
    if not isinstance(raw, Mapping):
        return Outcome({}, [FieldError(prefix, "Treść sprawozdania musi być obiektem JSON.")])
    known = {spec.name for spec in definition.fields} | {spec.name for spec in definition.tables}
    for name in raw:
        if name not in known:
            problems.append(FieldError(f"{prefix}.{name}", "Nieznane pole w tej wersji definicji."))
    data: dict[str, Any] = {}
    for spec in definition.fields:
        value = raw.get(spec.name, MISSING)
        if value is MISSING or value is None:
            if spec.required and not ctx.partial:
                problems.append(FieldError(f"{prefix}.{spec.name}", "Pole jest wymagane."))
            continue
        converted, error = convert(spec, value, definition.period_type)
        if error is not None:
            problems.append(FieldError(f"{prefix}.{spec.name}", error))
            continue
        data[spec.name] = _stored(converted)
    for table in definition.tables:
        rows = raw.get(table.name, MISSING)
        if rows is MISSING or rows is None:
            data[table.name] = []
            continue
        if not isinstance(rows, list):
            problems.append(FieldError(f"{prefix}.{table.name}", "Oczekiwano listy wierszy."))
            continue
        base = f"{prefix}.{table.name}"
        data[table.name] = validate_table(
            table,
            rows,
            ctx,
            definition.period_type,
            lambda i, column, base=base: (f"{base}.{i}.{column}" if column else f"{base}.{i}.", None),
            problems=problems,
            references=references,
        )
    if not ctx.partial and not problems:
        problems += rule_problems(definition, data, ctx, prefix)
    return Outcome(data, problems, references)


def rule_problems(
    definition: Definition,
    data: Mapping[str, Any],
    ctx: Context,
    prefix: str = "data",
    types: tuple[str, ...] = ("compare", "prior_le"),
) -> list[FieldError]:
    """Cross-field rules of the whole report, run on cleaned data."""
    problems: list[FieldError] = []
    for rule in definition.rules:
        if rule["type"] not in types:
            continue
        if rule["type"] == "compare":
            left, right = evaluate(rule["left"], data), evaluate(rule["right"], data)
            if left is None or right is None or _compare(left, rule["op"], right):
                continue
            target = rule["left"] if isinstance(rule["left"], str) else rule.get("field", "")
            detail = f" ({_stored(left)} {OP_WORDS[rule['op']]} {_stored(right)} nie jest prawdą)"
            problems.append(
                FieldError(f"{prefix}.{target}", rule.get("message", "Reguła niespełniona.") + detail)
            )
        elif rule["type"] == "prior_le":
            known = ctx.prior.get(rule["id"], {})
            for index, row in enumerate(data.get(rule["table"]) or []):
                earlier = known.get(str(row.get(rule["period_column"])))
                value = _numeric(row.get(rule["value_column"]))
                if earlier is not None and value is not None and value > earlier:
                    problems.append(
                        FieldError(
                            f"{prefix}.{rule['table']}.{index}.{rule['value_column']}",
                            f"{rule.get('message', 'Reguła niespełniona.')} "
                            f"(wykazano wtedy {_stored(earlier)}).",
                        )
                    )
    return problems


def prior_periods(definition: Definition, data: Mapping[str, Any]) -> dict[str, set[str]]:
    """For each `prior_le` rule, the earlier periods whose reports the service must look up."""
    wanted: dict[str, set[str]] = {}
    for rule in definition.rules:
        if rule["type"] == "prior_le":
            wanted[rule["id"]] = {
                str(row[rule["period_column"]])
                for row in data.get(rule["table"]) or []
                if row.get(rule["period_column"])
            }
    return wanted


def diff(before: Mapping[str, Any], after: Mapping[str, Any], definition: Definition) -> list[dict[str, Any]]:
    """What changed between two versions: scalar fields, and table rows by key (or position)."""
    changes: list[dict[str, Any]] = []
    for spec in definition.fields:
        if before.get(spec.name) != after.get(spec.name):
            changes.append(
                {"path": spec.name, "before": before.get(spec.name), "after": after.get(spec.name)}
            )
    for table in definition.tables:
        old_rows, new_rows = before.get(table.name) or [], after.get(table.name) or []

        def keyed(
            rows: Iterable[Mapping[str, Any]], table: TableSpec = table
        ) -> dict[str, Mapping[str, Any]]:
            if table.key:
                return {"/".join(str(row.get(c)) for c in table.key): row for row in rows}
            return {str(i): row for i, row in enumerate(rows)}

        old, new = keyed(old_rows), keyed(new_rows)
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                changes.append(
                    {"path": f"{table.name}[{key}]", "before": old.get(key), "after": new.get(key)}
                )
    return changes
