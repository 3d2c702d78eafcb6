"""The OWES's accreditation in force shows on its register page; other OWES cannot open the page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
HTML = {"accept": "text/html"}


async def test_register_page_shows_the_accreditation_in_force(client, staff, new_organisation, caller_for):
    lead = await new_organisation(
        name="Fundacja Wsparcia Inicjatyw Lokalnych", kind="foundation", is_owes=True
    )
    other = await new_organisation(name="Stowarzyszenie OWES Inne", kind="association", is_owes=True)
    today = date.today()
    created = await client.post(
        "/api/v1/accreditation/accreditations",
        json={
            "organisation_id": lead["id"],
            "owes_name": "OWES Subregionu Toruńskiego",
            "call_edition": f"nabór {today.year}",
            "decision_number": f"DES-V.5021.9.{today.year}",
            "decision_date": str(today - timedelta(days=40)),
            "valid_from": str(today - timedelta(days=30)),
            "valid_to": str(today + timedelta(days=600)),
            "partner_ids": [],
            "powiat_codes": ["0463"],
        },
        headers=staff.headers,
    )
    assert created.status_code == 201, created.text

    page = await client.get(f"/rejestr/{lead['id']}", headers={**staff.headers, **HTML})
    assert page.status_code == 200
    assert "Fundacja Wsparcia Inicjatyw Lokalnych" in page.text
    assert "Akredytacja OWES" in page.text and f"DES-V.5021.9.{today.year}" in page.text

    without = await client.get(f"/rejestr/{other['id']}", headers={**staff.headers, **HTML})
    assert without.status_code == 200 and "Akredytacja OWES" not in without.text

    owes = await caller_for(Role.OWES, organisation_id=lead["id"], name="owes-strona")
    assert (await client.get(f"/rejestr/{lead['id']}", headers={**owes.headers, **HTML})).status_code == 200
    refused = await client.get(f"/rejestr/{other['id']}", headers={**owes.headers, **HTML})
    assert refused.status_code == 404 and "Stowarzyszenie OWES Inne" not in refused.text
