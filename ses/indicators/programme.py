"""Reading a regional programme's indicators from a YAML, CSV or XLSX file (pure: no database).

One row per indicator: `code`, `name_pl` (or `name`), optionally `name_en`, `definition`, `unit`,
`direction`, `baseline`, `baseline_year`, `target`, `target_year`, `source`, and `computed_from` —
the code of an installed indicator that gives the value; left empty, the values are entered by
hand. Every problem is named (row and column); one problem and nothing is loaded.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ses.errors import FieldError, ValidationFailed
from ses.indicators.model import Direction, Unit, check_code

COLUMNS = frozenset(
    {"code", "name", "name_pl", "name_en", "definition", "unit", "direction", "baseline", "baseline_year",
     "target", "target_year", "source", "computed_from"}
)  # fmt: skip
MAX_ROWS = 500


@dataclass(frozen=True)
class ProgrammeRow:
    code: str
    name_pl: str
    name_en: str
    definition: str
    unit: Unit
    direction: Direction
    baseline: float | None
    baseline_year: int | None
    target: float | None
    target_year: int | None
    computed_from: str | None
    source: str


def rows_from_yaml(data: bytes) -> list[tuple[int, dict[str, str]]]:
    import yaml

    try:
        loaded = yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValidationFailed("Pliku YAML nie da się odczytać.", [FieldError("file", str(exc))]) from exc
    items = loaded.get("indicators") if isinstance(loaded, dict) else loaded
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValidationFailed(
            "Plik YAML musi zawierać listę wskaźników (albo klucz `indicators` z listą).",
            [FieldError("file", "Każdy wskaźnik to słownik pól, np. code, name_pl, target.")],
        )
    # A field holds one value. A list or mapping is refused before it is ever turned into text: YAML
    # aliases let 4 MB nest a billion items ("billion laughs"), whose str() would take gigabytes.
    nested = [
        FieldError(str(key).strip().lower() if isinstance(key, str) else "file",
                   "Pole wskaźnika ma jedną wartość (liczbę albo tekst), nie listę ani słownik.", row=number)
        for number, item in enumerate(items, start=1)
        for key, value in item.items()
        if isinstance(value, (list, dict)) or not isinstance(key, (str, int, float, bool))
    ]  # fmt: skip
    if nested:
        message = "Plik YAML zawiera listy albo słowniki tam, gdzie ma być jedna wartość."
        raise ValidationFailed(message, nested)
    return [
        (number, {str(k).strip().lower(): "" if v is None else str(v).strip() for k, v in item.items()})
        for number, item in enumerate(items, start=1)
    ]


def read_rows(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    if filename.lower().endswith((".yaml", ".yml")):
        return rows_from_yaml(data)
    from ses.uploads import read_table

    return read_table(data, filename).rows


def _number(problems: list[FieldError], row: int, column: str, text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # "nan", "inf", "1e999": Python reads them, no indicator has them
        problems.append(FieldError(column, f"„{text}” nie jest liczbą.", row=row))
        return None
    return value


def _year(problems: list[FieldError], row: int, column: str, text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        problems.append(FieldError(column, f"„{text}” nie jest rokiem (2000–2100).", row=row))
        return None
    return int(text)


def _choice(problems: list[FieldError], row: int, column: str, text: str, kind: Any, default: Any) -> Any:
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(item.value for item in kind)
        problems.append(FieldError(column, f"„{text}”: dozwolone {allowed}.", row=row))
        return default


def validate(
    rows: list[tuple[int, Mapping[str, str]]], known: Collection[str], taken: Collection[str]
) -> list[ProgrammeRow]:
    """Programme rows, or ValidationFailed naming every problem. `known`: codes of the installed
    (computed) indicators a row may take its value from; `taken`: codes a row may not reuse."""
    problems: list[FieldError] = []
    if not rows:
        raise ValidationFailed("Plik nie zawiera żadnego wskaźnika.", [FieldError("file", "Brak wierszy.")])
    if len(rows) > MAX_ROWS:
        raise ValidationFailed("Za dużo wskaźników.", [FieldError("file", f"Najwyżej {MAX_ROWS} wierszy.")])
    unknown = sorted({column for _, row in rows for column in row if column and column not in COLUMNS})
    if unknown:
        raise ValidationFailed(
            "Plik ma nieznane kolumny: " + ", ".join(unknown) + ".",
            [FieldError(column, f"Nieznana kolumna „{column}”; dozwolone: {', '.join(sorted(COLUMNS))}.")
             for column in unknown],
        )  # fmt: skip
    out: list[ProgrammeRow] = []
    seen: set[str] = set()
    for number, row in rows:
        code = row.get("code", "").strip()
        name_pl = (row.get("name_pl") or row.get("name") or "").strip()
        if not code:
            problems.append(FieldError("code", "Brak kodu wskaźnika.", row=number))
        elif not check_code(code):
            problems.append(
                FieldError("code", f"Kod „{code}”: małe litery, cyfry, kropki, myślniki.", row=number)
            )
        elif code in seen:
            problems.append(FieldError("code", f"Kod „{code}” powtarza się w pliku.", row=number))
        elif code in taken:
            problems.append(
                FieldError("code", f"Kod „{code}” ma już wskaźnik liczony przez SES.", row=number)
            )
        seen.add(code)
        if not name_pl:
            problems.append(FieldError("name_pl", "Brak nazwy wskaźnika.", row=number))
        computed = (row.get("computed_from") or "").strip() or None
        if computed is not None and computed not in known:
            problems.append(
                FieldError("computed_from", f"Nie ma wskaźnika „{computed}”, z którego miałaby pochodzić "
                           "wartość (zostaw puste dla wartości wpisywanych ręcznie).", row=number)
            )  # fmt: skip
        baseline = _number(problems, number, "baseline", row.get("baseline", ""))
        target = _number(problems, number, "target", row.get("target", ""))
        baseline_year = _year(problems, number, "baseline_year", row.get("baseline_year", ""))
        target_year = _year(problems, number, "target_year", row.get("target_year", ""))
        if baseline is not None and baseline_year is None:
            problems.append(FieldError("baseline_year", "Wartość bazowa wymaga roku.", row=number))
        if target is not None and target_year is None:
            problems.append(FieldError("target_year", "Wartość docelowa wymaga roku.", row=number))
        if baseline_year and target_year and target_year < baseline_year:
            problems.append(
                FieldError("target_year", "Rok docelowy jest wcześniejszy niż bazowy.", row=number)
            )
        out.append(
            ProgrammeRow(
                code=code,
                name_pl=name_pl,
                name_en=(row.get("name_en") or "").strip() or name_pl,
                definition=(row.get("definition") or "").strip(),
                unit=_choice(problems, number, "unit", row.get("unit", ""), Unit, Unit.COUNT),
                direction=_choice(
                    problems,
                    number,
                    "direction",
                    row.get("direction", ""),
                    Direction,
                    Direction.HIGHER_BETTER,
                ),
                baseline=baseline,
                baseline_year=baseline_year,
                target=target,
                target_year=target_year,
                computed_from=computed,
                source=(row.get("source") or "").strip(),
            )
        )
    if problems:
        raise ValidationFailed("Program nie został wczytany: popraw wskazane pola.", problems)
    return out
