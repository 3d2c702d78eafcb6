"""Polish labels of everything a sync shows a person (codes stay in the database and the API)."""

from __future__ import annotations

from typing import Any

from ses.register.vocab import ACTIVITY_STATE_LABELS, KIND_LABELS, LEGAL_FORM_LABELS

SOURCE_LABELS = {"krs": "KRS (Krajowy Rejestr Sądowy)", "bdl": "GUS BDL (ludność)", "file": "lista z pliku"}
RUN_STATUS_LABELS = {
    "running": "trwa",
    "finished": "zakończony",
    "interrupted": "przerwany — zostanie wznowiony",
    "failed": "nieudany",
}
RECORD_STATUS_LABELS = {
    "new": "nowa organizacja",
    "update": "zmiany danych",
    "conflict": "konflikt z późniejszą poprawką osoby",
    "unchanged": "bez zmian",
    "suggestion": "możliwe dopasowanie po nazwie i gminie — do potwierdzenia",
    "deregistered": "wykreślona z rejestru źródłowego",
    "not_found": "nieznany numer (404)",
    "error": "błąd pobrania lub odczytu",
    "unmatched": "niedopasowana do rejestru",
}
DECISION_LABELS = {
    "open": "czeka na decyzję",
    "partly": "rozstrzygnięta częściowo",
    "accepted": "zastosowano",
    "rejected": "odrzucono",
    "none": "—",
}
CHANGE_STATE_LABELS = {
    "pending": "czeka",
    "applied": "zastosowano",
    "auto_applied": "zastosowano automatycznie",
    "rejected": "odrzucono",
}
FIELD_LABELS = {
    "name": "Nazwa",
    "kind": "Rodzaj",
    "legal_form": "Forma prawna",
    "krs": "KRS",
    "nip": "NIP",
    "regon": "REGON",
    "gmina_code": "Gmina siedziby",
    "locality": "Miejscowość",
    "street": "Ulica i numer",
    "postal_code": "Kod pocztowy",
    "email": "E-mail",
    "website": "Strona internetowa",
    "registered_on": "Data rejestracji",
    "activity_state": "Stan działalności",
    "founder_id": "Podmiot prowadzący",
}
AUTO_FIELDS = (
    "name",
    "street",
    "postal_code",
    "locality",
    "email",
    "website",
    "nip",
    "regon",
    "registered_on",
)
"""Fields staff may let the KRS sync apply by itself (never identity-defining ones like the KRS number)."""


def value_label(
    field: str,
    value: Any,
    territories: dict[str, str] | None = None,
    organisations: dict[str, str] | None = None,
) -> str:
    if value in (None, ""):
        return "—"
    text = str(value)
    if field == "legal_form":
        return next((label for code, label in LEGAL_FORM_LABELS.items() if code.value == text), text)
    if field == "activity_state":
        return next((label for code, label in ACTIVITY_STATE_LABELS.items() if code.value == text), text)
    if field == "kind":
        return next((label for code, label in KIND_LABELS.items() if code.value == text), text)
    if field == "gmina_code" and territories:
        return f"{territories.get(text, '?')} ({text})"
    if field == "founder_id" and organisations is not None:
        return f"{organisations.get(text, '?')} (id {text})"
    return text
