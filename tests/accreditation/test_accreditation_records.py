"""Checklist templates and accreditation records through the HTTP API, as ROPS staff use them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from accreditation.checklists import load_template
from ses.auth.policy import Role
from tests.accreditation.calendar import on

pytestmark = pytest.mark.anyio
API = "/api/v1/accreditation"


def _fields(response: Any) -> dict[str, str]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {error["field"]: error["message"] for error in response.json().get("errors", [])}


async def test_template_is_stored_by_version_and_exported_loadable(client, staff, reviewer, stored_template):
    assert stored_template["criteria_count"] == 59
    assert stored_template["status"] == "working"
    again = await client.post(
        f"{API}/templates",
        json={
            "content": (
                await client.get(f"{API}/templates/{stored_template['id']}/export", headers=staff.headers)
            ).text
        },
        headers=staff.headers,
    )
    assert again.status_code == 409
    assert "nową wersję" in again.json()["detail"] or "nowy numer wersji" in again.json()["detail"]

    exported = await client.get(
        f"{API}/templates/{stored_template['id']}/export?format=json", headers=reviewer.headers
    )
    assert exported.status_code == 200
    template = load_template(exported.text, "json")
    assert template.version == stored_template["version"] and len(template.criterion_codes) == 59

    # A new version of the same code is a separate stored template.
    data = yaml.safe_load(
        (await client.get(f"{API}/templates/{stored_template['id']}/export", headers=staff.headers)).text
    )
    data["version"] = "2026.1"
    data["status"] = "official"
    created = await client.post(
        f"{API}/templates", json={"content": yaml.safe_dump(data, allow_unicode=True)}, headers=staff.headers
    )
    assert created.status_code == 201, created.text
    listing = await client.get(f"{API}/templates", headers=reviewer.headers)
    assert {row["version"] for row in listing.json()} >= {"2025.0-robocza", "2026.1"}
    detail = await client.get(f"{API}/templates/{created.json()['id']}", headers=reviewer.headers)
    assert detail.json()["content"]["parts"][0]["areas"][0]["criteria"][0]["code"] == "I.1.1"


async def test_bad_template_file_lists_every_problem_with_its_path(client, staff):
    text = """
code: owes-standards
version: "x"
title: T
status: working
legal_basis: art. 36
parts:
  - code: I
    kind: formal_organisational
    title: Część
    areas:
      - code: I.1
        title: Obszar
        criteria:
          - code: I.1.1
            requirement: Coś
            verification_methods: [telepathy]
      - code: I.2
        title: Drugi obszar
        criteria:
          - code: I.3.1
            requirement: Coś innego
            verification_methods: [desk_review]
"""
    response = await client.post(f"{API}/templates", json={"content": text}, headers=staff.headers)
    assert response.status_code == 422
    fields = _fields(response)
    assert any("areas[1].criteria[0].code" in f for f in fields), fields
    assert any("verification_methods" in f for f in fields), fields
    assert "telepathy" in " ".join(fields.values())


async def test_only_staff_load_templates(client, reviewer, committee):
    for caller in (reviewer, committee):
        response = await client.post(f"{API}/templates", json={"content": "code: x"}, headers=caller.headers)
        assert response.status_code == 403
    assert (await client.get(f"{API}/templates")).status_code == 401


async def test_accreditation_record_with_partners_and_current_on_register(
    client, staff, owes_world, caller_for
):
    acc = owes_world["accreditation"]
    assert acc["state"] == "accredited"
    assert acc["owes_name"] == "Toruński Ośrodek Wsparcia Ekonomii Społecznej"
    assert [p["name"] for p in acc["partners"]] == ["Spółdzielnia Socjalna Razem"]
    assert acc["powiat_codes"] == ["0463", "0415"]
    lead_id = owes_world["lead"]["id"]
    owes = await caller_for(Role.OWES, organisation_id=lead_id, name="owes-lead")
    current = await client.get(f"{API}/organisations/{lead_id}/current", headers=owes.headers)
    assert current.status_code == 200
    # The fixture's period is moved to be in force today (conftest.YEARS_ON).
    body = current.json()
    assert body["organisation_id"] == lead_id
    assert body["current"]["id"] == acc["id"]
    other = await client.get(
        f"{API}/organisations/{owes_world['partner']['id']}/current", headers=owes.headers
    )
    assert other.status_code == 404


async def test_accreditation_longer_than_two_years_is_refused(client, staff, new_organisation):
    lead = await new_organisation(name="Fundacja Długiego Okresu", kind="foundation")
    body = {
        "organisation_id": lead["id"],
        "call_edition": "nabór 2024",
        "decision_number": "DES.1.2024",
        "decision_date": "2024-12-16",
        "valid_from": "2025-01-01",
        "valid_to": "2026-12-17",
    }
    response = await client.post(f"{API}/accreditations", json=body, headers=staff.headers)
    assert response.status_code == 422
    assert "najwyżej 2 lata" in _fields(response)["valid_to"]
    assert "16.12.2026" in _fields(response)["valid_to"]


async def test_decision_data_is_required_for_an_accreditation(client, staff, new_organisation):
    lead = await new_organisation(name="Fundacja Bez Decyzji", kind="foundation")
    response = await client.post(
        f"{API}/accreditations",
        json={"organisation_id": lead["id"], "call_edition": "nabór 2024"},
        headers=staff.headers,
    )
    assert response.status_code == 422
    assert set(_fields(response)) == {"decision_number", "decision_date", "valid_from", "valid_to"}


async def test_overlapping_accreditation_of_one_owes_is_refused(client, staff, owes_world):
    body = {
        "organisation_id": owes_world["lead"]["id"],
        "call_edition": "nabór 2026",
        "decision_number": "DES.9.2026",
        "decision_date": on("2025-12-17"),  # never in the future: today is within a year before the end
        "valid_from": on("2026-06-01"),
        "valid_to": on("2027-12-16"),
    }
    response = await client.post(f"{API}/accreditations", json=body, headers=staff.headers)
    assert response.status_code == 409
    assert "nakłada się" in response.json()["detail"]
    assert "DES-V.5021.3.2024" in response.json()["detail"]
    # Starting the day after the old one ends is fine.
    body |= {"valid_from": on("2026-12-17")}
    assert (await client.post(f"{API}/accreditations", json=body, headers=staff.headers)).status_code == 201


async def test_partner_of_letter_b_or_c_and_unknown_powiat_are_refused(client, staff, new_organisation):
    lead = await new_organisation(name="Stowarzyszenie Lider", kind="association")
    cis = await new_organisation(
        name="Centrum Integracji Społecznej w Toruniu", kind="cis", founder_id=lead["id"]
    )
    body = {
        "organisation_id": lead["id"],
        "call_edition": "nabór 2024",
        "decision_number": "DES.2.2024",
        "decision_date": "2024-12-16",
        "valid_from": "2025-01-01",
        "valid_to": "2026-12-16",
        "partner_ids": [cis["id"], 999999],
        "powiat_codes": ["0463", "9999"],
    }
    response = await client.post(f"{API}/accreditations", json=body, headers=staff.headers)
    assert response.status_code == 422
    fields = _fields(response)
    assert "lit. c" in fields["partner_ids.0"] and "Centrum Integracji" in fields["partner_ids.0"]
    assert "999999" in fields["partner_ids.1"]
    assert "9999" in fields["powiat_codes.1"]


async def test_accreditation_transitions_need_if_match_and_follow_the_machine(client, staff, owes_world):
    acc = owes_world["accreditation"]
    url = f"{API}/accreditations/{acc['id']}/transitions"
    without = await client.post(
        url, json={"to_state": "under_verification", "reason": "weryfikacja 2025"}, headers=staff.headers
    )
    assert without.status_code == 428
    etag = (await client.get(f"{API}/accreditations/{acc['id']}", headers=staff.headers)).headers["etag"]
    moved = await client.post(
        url,
        json={"to_state": "under_verification", "reason": "weryfikacja 2025"},
        headers={**staff.headers, "If-Match": etag},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["state"] == "under_verification"
    stale = await client.post(
        url,
        json={"to_state": "corrective_actions", "reason": "x" * 5},
        headers={**staff.headers, "If-Match": etag},
    )
    assert stale.status_code == 412
    wrong = await client.post(
        url,
        json={"to_state": "refused", "reason": "pomyłka"},
        headers={**staff.headers, "If-Match": moved.headers["etag"]},
    )
    assert wrong.status_code == 409
    assert "Niedozwolona zmiana stanu" in wrong.json()["detail"]
    assert "działania naprawcze" in wrong.json()["detail"]
    history = await client.get(f"/api/v1/organisations/{owes_world['lead']['id']}", headers=staff.headers)
    assert history.status_code == 200


async def test_owes_sees_only_its_own_accreditation(client, owes_world, caller_for, new_organisation):
    acc = owes_world["accreditation"]
    own = await caller_for(Role.OWES, organisation_id=owes_world["lead"]["id"], name="owes-own")
    stranger_org = await new_organisation(name="Inny OWES", kind="association", is_owes=True)
    stranger = await caller_for(Role.OWES, organisation_id=stranger_org["id"], name="owes-other")
    assert (await client.get(f"{API}/accreditations/{acc['id']}", headers=own.headers)).status_code == 200
    assert (
        await client.get(f"{API}/accreditations/{acc['id']}", headers=stranger.headers)
    ).status_code == 404
    assert (await client.get(f"{API}/accreditations", headers=own.headers)).status_code == 403


async def test_every_change_is_in_the_audit_history(client, staff, reviewer, owes_world):
    acc = owes_world["accreditation"]
    etag = (await client.get(f"{API}/accreditations/{acc['id']}", headers=staff.headers)).headers["etag"]
    await client.post(
        f"{API}/accreditations/{acc['id']}/transitions",
        json={"to_state": "under_verification", "reason": "weryfikacja planowa 2025"},
        headers={**staff.headers, "If-Match": etag},
    )
    got = await client.get(f"{API}/accreditations/{acc['id']}/history", headers=reviewer.headers)
    assert got.status_code == 200, got.text
    entries = got.json()
    assert [e["action"] for e in entries] == ["accreditation.transition", "accreditation.create"]
    assert entries[0]["changes"]["state"] == ["accredited", "under_verification"]
    assert entries[0]["reason"] == "weryfikacja planowa 2025"
    verification = owes_world["verification"]
    trail = (
        await client.get(f"{API}/verifications/{verification['id']}/history", headers=reviewer.headers)
    ).json()
    assert trail[-1]["action"] == "verification.create"
    assert (await client.get(f"{API}/opinions/1/history")).status_code == 401
