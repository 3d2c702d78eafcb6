"""Shared set-up of the directory tests: organisations of the register and service bodies."""

from __future__ import annotations

from typing import Any

import pytest

from ses.audit.services import Actor

TORUN = "0463011"  # Toruń, gmina miejska (powiat 0463)
LUBICZ = "0415062"  # Lubicz, gmina wiejska of powiat toruński
BYDGOSZCZ = "0461011"


def service_body(org_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation_id": org_id,
        "name": "Usługi opiekuńcze dla seniorów",
        "description": "Pomoc w domu dla osób starszych.",
        "category": "uslugi_opiekuncze",
        "target_groups": ["seniorzy"],
        "eligibility": "Mieszkańcy Torunia po 65. roku życia.",
        "cost": "paid",
        "fees_description": "Według dochodu.",
        "languages": ["pl", "uk"],
        "opening_hours": "pon.–pt. 8:00–16:00",
        "email": "opieka@torun.example",
        "phone": "+48 56 000 00 00",
        "url": "https://opieka.torun.example",
        "contact_person": "Anna Kontaktowa",
        "internal_note": "notatka wewnętrzna",
        "locations": [
            {
                "name": "Dom Dziennego Pobytu",
                "street": "ul. Szeroka 1",
                "locality": "Toruń",
                "postal_code": "87-100",
                "gmina_code": TORUN,
                "latitude": 53.0103,
                "longitude": 18.6045,
                "accessibility": "Wejście bez progów.",
            }
        ],
        "area_codes": [TORUN],
    }
    body.update(overrides)
    return body


@pytest.fixture
def make_org(app_tx: Any) -> Any:
    from ses.register.services import create

    counter = {"n": 0}

    async def make(**values: Any) -> dict[str, Any]:
        counter["n"] += 1
        data = {
            "name": f"Fundacja Pomocy nr {counter['n']}",
            "kind": "foundation",
            "gmina_code": TORUN,
            **values,
        }
        return await create(data, Actor.system("tests"))

    return make
