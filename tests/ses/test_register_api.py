"""The register through its HTTP API, as ROPS staff and API clients use it."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.anyio

TORUN = "0463011"  # Toruń, gmina miejska
LODZ = "1061011"  # Łódź
VALID_NIP = "5260250274"
VALID_REGON = "012100784"


def org(**overrides: Any) -> dict[str, Any]:
    body = {"name": "Stowarzyszenie Przyjaciół Torunia", "kind": "association", "gmina_code": TORUN}
    body.update(overrides)
    return body


async def create(client: Any, staff: Any, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/organisations", json=org(**overrides), headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_derives_letter_territory_and_etag(client, staff):
    response = await client.post(
        "/api/v1/organisations", json=org(nip="526-025-02-74", krs="30897"), headers=staff.headers
    )
    assert response.status_code == 201
    body = response.json()
    assert body["pes_letter"] == "e"
    assert body["legal_form"] == "stowarzyszenie"
    assert (body["voivodeship_code"], body["powiat_code"]) == ("04", "0463")
    assert body["nip"] == VALID_NIP and body["krs"] == "0000030897"
    assert response.headers["etag"] == f'"org-{body["id"]}-v1"'


async def test_organisation_without_any_identifier_is_fine(client, staff):
    body = await create(client, staff, name="Koło Gospodyń Wiejskich w Lubiczu", kind="kgw")
    assert body["krs"] is None and body["nip"] is None and body["regon"] is None


async def test_bad_identifiers_and_territory_are_reported_together(client, staff):
    response = await client.post(
        "/api/v1/organisations",
        json=org(nip="5260250275", regon="123456789", krs="12ab", gmina_code="0499999"),
        headers=staff.headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert set(fields) == {"nip", "regon", "krs", "gmina_code"}
    assert "cyfrę kontrolną" in fields["nip"]
    assert "0499999" in fields["gmina_code"]
    listing = await client.get("/api/v1/organisations", headers=staff.headers)
    assert listing.json()["total"] == 0


async def test_identifiers_are_unique_and_the_holder_is_named(client, staff):
    first = await create(client, staff, nip=VALID_NIP)
    response = await client.post(
        "/api/v1/organisations", json=org(name="Inna", nip=VALID_NIP), headers=staff.headers
    )
    assert response.status_code == 422
    assert f"id {first['id']}" in response.json()["errors"][0]["message"]


async def test_unknown_field_and_wrong_kind_are_refused(client, staff):
    response = await client.post("/api/v1/organisations", json=org(colour="red"), headers=staff.headers)
    assert response.status_code == 422
    assert any(
        error["field"] == "colour" or "colour" in error["message"] for error in response.json()["errors"]
    )
    response = await client.post("/api/v1/organisations", json=org(kind="party"), headers=staff.headers)
    assert response.status_code == 422


async def test_reintegration_unit_needs_its_running_body(client, staff):
    response = await client.post(
        "/api/v1/organisations", json=org(name="CIS w Toruniu", kind="cis"), headers=staff.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "founder_id"
    founder = await create(client, staff, name="Fundacja Pomocy", kind="foundation")
    unit = await create(client, staff, name="CIS w Toruniu", kind="cis", founder_id=founder["id"])
    assert unit["founder_id"] == founder["id"] and unit["pes_letter"] == "c"
    founders = await client.get("/api/v1/organisations", params={"role": "founder"}, headers=staff.headers)
    assert [item["id"] for item in founders.json()["items"]] == [founder["id"]]


async def test_search_filters_sorts_and_counts(client, staff):
    await create(client, staff, name="Fundacja Łódzka Pomoc", kind="foundation", gmina_code=LODZ)
    await create(client, staff, name="Spółdzielnia Socjalna Pod Lipami", kind="social_cooperative")
    await create(client, staff, name="Ochotnicza Straż Pożarna w Toruniu", kind="osp")
    found = await client.get("/api/v1/organisations", params={"q": "lodz"}, headers=staff.headers)
    assert [item["name"] for item in found.json()["items"]] == ["Fundacja Łódzka Pomoc"]
    by_letter = await client.get("/api/v1/organisations", params={"pes_letter": "a"}, headers=staff.headers)
    assert by_letter.json()["total"] == 1
    by_powiat = await client.get(
        "/api/v1/organisations",
        params={"territory": "0463", "sort": "-name", "facets": "kind,pes_letter"},
        headers=staff.headers,
    )
    page = by_powiat.json()
    assert page["total"] == 2
    assert [item["name"] for item in page["items"]] == [
        "Spółdzielnia Socjalna Pod Lipami",
        "Ochotnicza Straż Pożarna w Toruniu",
    ]
    assert page["facets"]["kind"] == {"osp": 1, "social_cooperative": 1}
    by_voivodeship = await client.get(
        "/api/v1/organisations", params={"territory": "10"}, headers=staff.headers
    )
    assert by_voivodeship.json()["total"] == 1
    by_gmina = await client.get(
        "/api/v1/organisations", params={"territory": "106101"}, headers=staff.headers
    )
    assert by_gmina.json()["total"] == 1


async def test_oversized_page_and_bad_sort_are_specific_errors(client, staff):
    response = await client.get("/api/v1/organisations", params={"page_size": 5000}, headers=staff.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page_size"
    response = await client.get("/api/v1/organisations", params={"sort": "colour"}, headers=staff.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "sort"
    response = await client.get("/api/v1/organisations", params={"territory": "4"}, headers=staff.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "territory"


async def test_concurrent_edits_cannot_overwrite_each_other(client, staff):
    created = await create(client, staff)
    url = f"/api/v1/organisations/{created['id']}"
    etag = (await client.get(url, headers=staff.headers)).headers["etag"]
    first = await client.patch(
        url, json={"phone": "56 123 45 67"}, headers={**staff.headers, "If-Match": etag}
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = await client.patch(
        url, json={"phone": "56 000 00 00"}, headers={**staff.headers, "If-Match": etag}
    )
    assert second.status_code == 412
    missing = await client.patch(url, json={"phone": "1"}, headers=staff.headers)
    assert missing.status_code == 428
    assert (await client.get(url, headers=staff.headers)).json()["phone"] == "56 123 45 67"


async def test_history_shows_who_changed_what_and_retire_keeps_the_record(client, staff):
    created = await create(client, staff)
    url = f"/api/v1/organisations/{created['id']}"
    etag = (await client.get(url, headers=staff.headers)).headers["etag"]
    changed = await client.patch(
        url, json={"name": "Stowarzyszenie Toruńskie"}, headers={**staff.headers, "If-Match": etag}
    )
    retired = await client.post(
        f"{url}/retire",
        json={"reason": "Wykreślone z KRS"},
        headers={**staff.headers, "If-Match": changed.headers["etag"]},
    )
    assert retired.status_code == 200 and retired.json()["activity_state"] == "retired"
    history = (await client.get(f"{url}/history", headers=staff.headers)).json()
    assert [entry["action"] for entry in history] == [
        "organisation.retire",
        "organisation.update",
        "organisation.create",
    ]
    assert history[1]["changes"]["name"] == ["Stowarzyszenie Przyjaciół Torunia", "Stowarzyszenie Toruńskie"]
    assert history[0]["reason"] == "Wykreślone z KRS" and history[0]["channel"] == "api"
    assert history[1]["actor"].startswith("staff")
    listed = await client.get("/api/v1/organisations", headers=staff.headers)
    assert listed.json()["total"] == 0
    assert (await client.get(url, headers=staff.headers)).status_code == 200


async def test_ps_status_lifecycle_and_reapplication_date(client, staff):
    coop = await create(client, staff, name="Spółdzielnia Socjalna Razem", kind="social_cooperative")
    base = f"/api/v1/organisations/{coop['id']}/statuses"
    granted = await client.post(
        base,
        json={
            "status_type": "ps",
            "state": "active",
            "goal": "reintegration",
            "decision_number": "WPS.1.2024",
            "decision_date": "2024-03-01",
            "granted_by": "Wojewoda Kujawsko-Pomorski",
        },
        headers=staff.headers,
    )
    assert granted.status_code == 201, granted.text
    status_id = granted.json()["id"]
    moves = f"{base}/{status_id}/transitions"
    bad = await client.post(
        moves, json={"to_state": "submitted", "on_date": "2024-05-01"}, headers=staff.headers
    )
    assert bad.status_code == 422 and "Dozwolone" in bad.json()["detail"]
    control = await client.post(
        moves,
        json={"to_state": "under_control", "on_date": "2024-06-01", "reason": "Kontrola warunków"},
        headers=staff.headers,
    )
    assert control.json()["state"] == "under_control"
    before_grant = await client.post(
        moves,
        json={"to_state": "lost", "on_date": "2024-01-01", "decision_number": "X"},
        headers=staff.headers,
    )
    assert before_grant.status_code == 422
    lost = await client.post(
        moves,
        json={
            "to_state": "lost",
            "on_date": "2025-02-10",
            "final_date": "2025-03-01",
            "decision_number": "WPS.9.2025",
            "reason": "Niespełnienie warunków statusu",
        },
        headers=staff.headers,
    )
    assert lost.json()["reapply_after"] == "2026-03-01"
    record = await client.get(f"/api/v1/organisations/{coop['id']}", headers=staff.headers)
    assert record.json()["ps_state"] == "lost"
    statuses = (await client.get(base, headers=staff.headers)).json()
    assert [event["to_state"] for event in statuses[0]["events"]] == ["active", "under_control", "lost"]
    filtered = await client.get("/api/v1/organisations", params={"ps_state": "lost"}, headers=staff.headers)
    assert filtered.json()["total"] == 1


async def test_ps_status_refused_for_letter_c_entity(client, staff):
    founder = await create(client, staff, name="Fundacja X", kind="foundation")
    unit = await create(client, staff, name="KIS w Toruniu", kind="kis", founder_id=founder["id"])
    response = await client.post(
        f"/api/v1/organisations/{unit['id']}/statuses",
        json={"status_type": "ps", "state": "submitted", "goal": "reintegration"},
        headers=staff.headers,
    )
    assert response.status_code == 422
    assert "lit. c" in response.json()["detail"]


async def test_cis_status_lasts_five_years(client, staff):
    founder = await create(client, staff, name="Gmina Toruń", kind="gmina_office")
    unit = await create(client, staff, name="CIS Toruń", kind="cis", founder_id=founder["id"])
    response = await client.post(
        f"/api/v1/organisations/{unit['id']}/statuses",
        json={"status_type": "cis", "decision_number": "CIS.1.2023", "decision_date": "2023-04-15"},
        headers=staff.headers,
    )
    assert response.status_code == 201 and response.json()["valid_to"] == "2028-04-15"


async def test_year_figures_are_checked_and_kept_per_year(client, staff):
    coop = await create(client, staff, name="Spółdzielnia Socjalna Razem", kind="social_cooperative")
    url = f"/api/v1/organisations/{coop['id']}/figures/2024"
    bad = await client.put(url, json={"employees": 3, "employees_at_risk": 5}, headers=staff.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "employees_at_risk"
    good = await client.put(
        url,
        json={
            "employees": 5,
            "employees_at_risk": 2,
            "employees_disabled": 1,
            "revenue_pln": "100000.00",
            "market_revenue_pln": "60000.00",
        },
        headers=staff.headers,
    )
    assert good.status_code == 200 and good.json()["market_share"] == "0.6000"
    figures = (await client.get(f"/api/v1/organisations/{coop['id']}/figures", headers=staff.headers)).json()
    assert [row["year"] for row in figures] == [2024]


async def test_csv_and_xlsx_export_of_the_same_query(client, staff):
    await create(client, staff, name="Fundacja Łódzka", kind="foundation", gmina_code=LODZ)
    await create(client, staff, name="Stowarzyszenie Toruńskie", kind="association")
    response = await client.get(
        "/api/v1/organisations/export.csv", params={"territory": "04"}, headers=staff.headers
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "Stowarzyszenie Toruńskie" in lines[1]
    response = await client.get("/api/v1/organisations/export.xlsx", headers=staff.headers)
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 3 and sheet["B1"].value == "Nazwa"


async def test_register_needs_a_role_that_may_read_it(client, staff, committee):
    assert (await client.get("/api/v1/organisations")).status_code == 401
    assert (await client.get("/api/v1/organisations", headers=committee.headers)).status_code == 403
    forged = {"Authorization": "Bearer ses_" + "x" * 43}
    response = await client.get("/api/v1/organisations", headers=forged)
    assert response.status_code == 401 and "token" in response.json()["detail"].lower()
