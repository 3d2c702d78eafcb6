"""Validation and derivation of an organisation record (pure; shared by the API and imports).

The caller supplies the set of known gmina codes so that one import of 100,000 rows checks its
territories against memory instead of asking the database 100,000 times.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ses.errors import FieldError
from ses.register.identifiers import IDENTIFIERS
from ses.register.vocab import (
    LEGAL_FORM_LABELS,
    NOT_PES_FORMS,
    NOT_PES_NAME_STARTS,
    REINTEGRATION_UNIT_KINDS,
    ActivityState,
    Kind,
    LegalForm,
    PesLetter,
    default_legal_form,
    letter_of,
)
from ses.text import fold

POSTAL_CODE = re.compile(r"^\d{2}-\d{3}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OPTIONAL_TEXT = ("locality", "street", "postal_code", "email", "website", "phone")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters (tab, line feed and carriage return aside, which become spaces): refused,
because no register field holds them and they break exports (XLSX cannot store them at all)."""
TEXT_FIELDS = ("name", *OPTIONAL_TEXT, "krs", "nip", "regon")


def control_character_problems(data: Mapping[str, Any]) -> list[FieldError]:
    texts = [value for field in TEXT_FIELDS if isinstance(value := data.get(field), str)]
    if CONTROL.search("".join(texts)) is None:  # the usual record: one scan instead of one a field
        return []
    problems = []
    for field in TEXT_FIELDS:
        value = data.get(field)
        if isinstance(value, str) and (found := CONTROL.search(value)):
            problems.append(
                FieldError(
                    field,
                    f"Pole zawiera niedozwolony znak sterujący (U+{ord(found.group()):04X}), "
                    "zwykle wklejony z innego programu: usuń go.",
                )
            )
    return problems


@functools.cache
def _members(enum: type) -> dict[str, Any]:
    members = enum.__members__.values()  # type: ignore[attr-defined]
    return {member.value: member for member in members if isinstance(member.value, str)}


def _enum(value: Any, enum: type, field: str, errors: list[FieldError], label: str) -> Any:
    if isinstance(value, str) and (member := _members(enum).get(value)) is not None:
        return member  # what enum(value) gives, without its lookup machinery (an import asks 300,000 times)
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        errors.append(FieldError(field, f"Nieznany {label} „{value}”. Dozwolone: {allowed}."))
        return None


def _refuse_excluded_bodies(
    out: Mapping[str, Any], merged: Mapping[str, Any], errors: list[FieldError]
) -> None:
    """Trade unions, employers' organisations, political parties, professional self-government and
    party foundations are not PES of art. 2 pt 5 lit. e, whatever association-like form they have."""
    form = out.get("legal_form", merged.get("legal_form"))
    folded = (out.get("name_search") or fold(" ".join(str(merged.get("name") or "").split()))) + " "
    by_name = (
        next((found for start, found in NOT_PES_NAME_STARTS.items() if folded.startswith(start)), None)
        if folded.startswith(tuple(NOT_PES_NAME_STARTS))
        else None
    )
    excluded = LegalForm(form) if form in NOT_PES_FORMS else by_name
    if excluded is None:
        return
    errors.append(
        FieldError(
            "legal_form" if form in NOT_PES_FORMS else "name",
            f"{LEGAL_FORM_LABELS[excluded].capitalize()} nie jest podmiotem ekonomii społecznej "
            "(art. 2 pkt 5 lit. e ustawy o ekonomii społecznej wyłącza związki zawodowe, organizacje "
            "pracodawców, partie polityczne, samorządy zawodowe i fundacje partii): można go wpisać "
            "jako inny podmiot (other), nie jako organizację pozarządową.",
        )
    )


def clean_organisation(
    data: Mapping[str, Any],
    *,
    gmina_exists: Callable[[str], bool],
    today: date,
    current: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate `data` (a whole record, or the changed fields of `current`) and derive columns.

    Returns the column values to write and every problem found (not just the first one).
    """
    errors: list[FieldError] = control_character_problems(data)
    merged: dict[str, Any] = {**(current or {}), **data}
    out: dict[str, Any] = {}

    if "name" in data:
        name = " ".join(str(data["name"] or "").split())
        if len(name) < 2:
            errors.append(FieldError("name", "Nazwa jest wymagana (co najmniej 2 znaki)."))
        out["name"] = name
        out["name_search"] = fold(name)

    kind = _enum(merged.get("kind"), Kind, "kind", errors, "rodzaj podmiotu") if "kind" in merged else None
    letter = letter_of(kind) if kind is not None else None
    if "kind" in data and kind is not None:
        out["kind"] = kind.value
        out["pes_letter"] = letter.value if letter else None
    if "legal_form" in data and data["legal_form"] is not None:
        form = _enum(data["legal_form"], LegalForm, "legal_form", errors, "forma prawna")
        if form is not None:
            out["legal_form"] = form.value
    elif current is None and kind is not None:
        out["legal_form"] = default_legal_form(kind).value
    if kind is not None and letter is PesLetter.E:
        _refuse_excluded_bodies(out, merged, errors)
    if "activity_state" in data:
        state = _enum(
            data["activity_state"] or "", ActivityState, "activity_state", errors, "stan aktywności"
        )
        if state is ActivityState.RETIRED and (current or {}).get("activity_state") != "retired":
            errors.append(
                FieldError("activity_state", "Do wycofania z rejestru służy operacja „retire” z powodem.")
            )
        elif state is not None:
            out["activity_state"] = state.value
    elif current is None:
        out["activity_state"] = ActivityState.ACTIVE.value

    if "gmina_code" in data:
        code = str(data["gmina_code"] or "").strip()
        if not (len(code) == 7 and code.isdigit()):
            errors.append(FieldError("gmina_code", "Kod gminy TERYT (TERC) ma 7 cyfr, np. 0463011."))
        elif not gmina_exists(code):
            errors.append(FieldError("gmina_code", f"Nie ma gminy o kodzie TERYT {code}."))
        else:
            out.update(gmina_code=code, powiat_code=code[:4], voivodeship_code=code[:2])

    for field, (normalise, problem) in IDENTIFIERS.items():
        if field not in data:
            continue
        raw = data[field]
        if raw is None or str(raw).strip() == "":
            out[field] = None
            continue
        value = normalise(str(raw))
        if (message := problem(value)) is not None:
            errors.append(FieldError(field, f"{message} Podano: „{raw}”."))
        out[field] = value

    for field in OPTIONAL_TEXT:
        if field in data:
            text = " ".join(str(data[field]).split()) if data[field] is not None else ""
            out[field] = text or None
    if out.get("postal_code") and not POSTAL_CODE.match(out["postal_code"]):
        errors.append(FieldError("postal_code", "Kod pocztowy ma postać 00-000."))
    if out.get("email") and not EMAIL.match(out["email"]):
        errors.append(FieldError("email", "Niepoprawny adres e-mail."))

    if "registered_on" in data:
        registered = data["registered_on"]
        if registered is not None and registered > today:
            errors.append(FieldError("registered_on", "Data rejestracji nie może być z przyszłości."))
        out["registered_on"] = registered

    if "is_owes" in data and data["is_owes"] is not None:
        out["is_owes"] = bool(data["is_owes"])
        if out["is_owes"] and kind is not None and (letter is None or kind in REINTEGRATION_UNIT_KINDS):
            errors.append(
                FieldError(
                    "is_owes", "Akredytację OWES może mieć tylko PES z art. 2 pkt 5 lit. a, d, e lub f."
                )
            )

    if "founder_id" in data:
        out["founder"] = data["founder_id"]
    if kind is not None:
        founder = out.get("founder", merged.get("founder", merged.get("founder_id")))
        if kind in REINTEGRATION_UNIT_KINDS and founder is None:
            errors.append(
                FieldError(
                    "founder_id",
                    f"{kind.value.upper()} nie ma osobowości prawnej: wskaż podmiot, który go prowadzi.",
                )
            )
        if kind not in REINTEGRATION_UNIT_KINDS and "founder_id" in data and data["founder_id"] is not None:
            errors.append(
                FieldError("founder_id", "Podmiot prowadzący wskazuje się tylko dla CIS, KIS, ZAZ i WTZ.")
            )
    return out, errors
