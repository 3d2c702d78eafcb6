"""The unit shown beside each number of the report form, in the plural form its number takes.

"1 podmiot, 2 podmioty, 5 podmiotów": the forms come from the gettext catalogs (Polish has three;
`ses/web/locale/pl/…/messages.po`), asked for 1, 2 and 5 — the three Polish forms, and in English
the singular and twice the plural — so the page's script picks the form as the number changes
with the same rule as gettext's Polish `Plural-Forms`. A fraction takes the genitive singular:
the 2–4 form for most units here ("3,5 godziny"), its own word where it differs ("0,5 etatu").

The units of a field come from its definition (`unit: podmioty`); published definitions never
change, so numbers the first definition left without a unit get theirs from `FIELD_UNITS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ses.reporting.model import FieldSpec
from ses.web.i18n import gettext, ngettext

UNITS: dict[str, Callable[[int], str]] = {
    "podmioty": lambda n: ngettext("podmiot", "podmiotów", n),
    "grupy": lambda n: ngettext("grupa", "grup", n),
    "miejsca pracy": lambda n: ngettext("miejsce pracy", "miejsc pracy", n),
    "godziny": lambda n: ngettext("godzina", "godzin", n),
    "osoby": lambda n: ngettext("osoba", "osób", n),
    "spotkania": lambda n: ngettext("spotkanie lub usługa", "spotkań lub usług", n),
    "wnioski": lambda n: ngettext("wniosek", "wniosków", n),
    "przypadki": lambda n: ngettext("przypadek", "przypadków", n),
    "PLN": lambda n: gettext("zł"),
    "etat": lambda n: ngettext("etat", "etatów", n),
}
"""Unit (as a definition names it) → its word for a count."""

FRACTIONS: dict[str, Callable[[], str]] = {"etat": lambda: gettext("etatu")}
"""Units whose word for a fraction ("0,5 etatu") is not their 2–4 form."""

FIELD_UNITS = {
    "ps_applications_supported": "wnioski",
    "procurement_cases": "przypadki",
    "supported_pes.count": "podmioty",
    "services.sessions": "spotkania",
    "services.participants": "osoby",
    "jobs.fte": "etat",
    "job_followups.jobs_created": "miejsca pracy",
    "job_followups.jobs_kept": "miejsca pracy",
    "cooperation_events.participants": "osoby",
}
"""Numbers of `owes-quarterly` v1 that its definition left without a unit (by field or table.column)."""


@dataclass(frozen=True)
class UnitForms:
    """The unit's words for 1, 2, 5 and a fraction, and the one for the number typed (`shown`)."""

    one: str
    few: str
    many: str
    fraction: str
    shown: str


def form_index(number: Decimal) -> int:
    """gettext's Polish rule (0: one, 1: few, 2: many), and 3 for a fraction."""
    if number != number.to_integral_value():
        return 3
    n = abs(int(number))
    if n == 1:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def number_of(text: str) -> Decimal | None:
    compact = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = Decimal(compact)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def unit_of(spec: FieldSpec, table: str | None, value: str) -> UnitForms | None:
    """The unit beside a number input, or None for inputs that are not counted in a unit."""
    if spec.type not in ("integer", "decimal") or spec.choices:
        return None
    key = FIELD_UNITS.get(f"{table}.{spec.name}" if table else spec.name) or spec.unit
    word = UNITS.get(key or "")
    if word is None:
        return None if key is None else UnitForms(key, key, key, key, key)
    fraction = FRACTIONS.get(key or "")
    forms = (word(1), word(2), word(5), fraction() if fraction else word(2))
    number = number_of(value) if value else None
    shown = forms[2] if number is None else forms[form_index(number)]
    return UnitForms(*forms, shown=shown)
