"""Typed forms for pages: a submitted form checked against a pydantic model, refused in Polish.

`parse(Model, form)` turns the form's strings into the model (empty inputs count as absent) or
raises `ValidationFailed` with one Polish message per field, ready for a page's error summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ses.errors import FieldError, ValidationFailed

Model = TypeVar("Model", bound=BaseModel)

MESSAGES = {
    "missing": "To pole jest wymagane.",
    "date_from_datetime_parsing": "Podaj datę w postaci RRRR-MM-DD.",
    "date_parsing": "Podaj datę w postaci RRRR-MM-DD.",
    "date_from_datetime_inexact": "Podaj datę w postaci RRRR-MM-DD.",
    "int_parsing": "Podaj liczbę całkowitą.",
    "int_from_float": "Podaj liczbę całkowitą.",
    "decimal_parsing": "Podaj liczbę.",
    "float_parsing": "Podaj liczbę.",
    "enum": "Wybierz jedną z podanych wartości.",
    "literal_error": "Wybierz jedną z podanych wartości.",
    "bool_parsing": "Zaznacz albo odznacz to pole.",
    "extra_forbidden": "Nieznane pole formularza.",
}


def polish(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "string_too_short":
        return f"Wpisz co najmniej {context.get('min_length')} znaki."
    if kind == "string_too_long":
        return f"Najwyżej {context.get('max_length')} znaków."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Wartość musi być nie mniejsza niż {context.get('ge', context.get('gt'))}."
    if kind in ("less_than_equal", "less_than"):
        return f"Wartość musi być nie większa niż {context.get('le', context.get('lt'))}."
    if kind == "too_long":
        return f"Najwyżej {context.get('max_length')} pozycji."
    if kind == "value_error":
        return str(context.get("error") or error.get("msg", "Niepoprawna wartość."))
    return MESSAGES.get(kind, "Niepoprawna wartość.")


def errors_of(exc: ValidationError) -> list[FieldError]:
    return [FieldError(".".join(str(part) for part in e["loc"]) or "form", polish(e)) for e in exc.errors()]


def parse(
    model: type[Model], form: Mapping[str, Any], *, skip: tuple[str, ...] = ("_csrf", "row_version")
) -> Model:
    values = {}
    for key, value in form.items():
        if key in skip:
            continue
        if isinstance(value, list):
            value = value[0] if value else ""
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
        values[key] = value
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise ValidationFailed("Formularz zawiera błędy — popraw zaznaczone pola.", errors_of(exc)) from exc
