"""The indicator API as the regional committee uses it: definitions, values by territory with
counts and per 10,000 inhabitants, "no data" never shown as zero, and the list behind each value."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

TORUN = "0463011"
LUBICZ = "0415042"  # gmina in powiat toruński
BYDGOSZCZ = "0461011"
YEAR = str(date.today().year)


async def org(client: Any, staff: Any, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "kind": "association", "gmina_code": TORUN, **fields}
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def ps_status(client: Any, staff: Any, org_id: int, on: date) -> None:
    body = {
        "status_type": "ps",
        "state": "active",
        "decision_date": on.isoformat(),
        "decision_number": "PS/1",
        "goal": "reintegration",
    }
    response = await client.post(f"/api/v1/organisations/{org_id}/statuses", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text


async def values(client: Any, caller: Any, code: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/indicators/{code}/values", params=params, headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_code(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["territory"]: row for row in table["values"]}


async def test_definitions_list_every_package_contribution(client, committee):
    response = await client.get("/api/v1/indicators", headers=committee.headers)
    assert response.status_code == 200
    found = {item["code"]: item for item in response.json()}
    assert {"pes.total", "ps.active", "units.cis", "jobs.ps.at_risk", "reports.completeness"} <= set(found)
    assert found["ps.active"]["programme"] == "kpres"
    assert found["ps.active"]["name_en"] == "Active social enterprises"
    assert found["jobs.ps.total"]["nature_label"] == "rezultat"
    assert found["reports.completeness"]["nature_label"] == "produkt"


async def test_counts_per_territory_with_population_and_the_organisations_behind(client, staff, committee):
    await org(client, staff, "Stowarzyszenie A")
    await org(client, staff, "Fundacja B", kind="foundation")
    await org(client, staff, "Stowarzyszenie C", gmina_code=LUBICZ)
    await org(client, staff, "Urząd Gminy", kind="gmina_office")  # not a PES
    powiats = by_code(await values(client, committee, "pes.total", level="powiat", territory="04"))
    assert powiats["0463"]["value"] == 2
    assert powiats["0415"]["value"] == 1
    assert powiats["0461"]["value"] == 0  # the register is complete: none there is a true zero
    assert len(powiats) == 23  # every powiat of the voivodeship is listed
    torun = powiats["0463"]
    assert torun["per_10k"] == pytest.approx(2 * 10_000 / torun["population"])
    gminas = by_code(await values(client, committee, "pes.total", level="gmina", territory="0415"))
    assert gminas[LUBICZ]["value"] == 1

    behind = await client.get(powiats["0463"]["behind_url"], headers=committee.headers)
    assert behind.status_code == 200
    listed = behind.json()
    assert listed["total"] == 2 and listed["basis"] == "organisations"
    assert sorted(item["name"] for item in listed["items"]) == ["Fundacja B", "Stowarzyszenie A"]
    assert all("email" not in item and "phone" not in item for item in listed["items"])
    assert powiats["0463"]["behind_page"].startswith("/panel/lista?wskaznik=pes.total&teryt=0463")


async def test_shares_of_gminas_and_ps_density(client, staff, committee):
    a = await org(client, staff, "Spółdzielnia socjalna A", kind="social_cooperative")
    await ps_status(client, staff, a["id"], date.today())
    share = by_code(await values(client, committee, "ps.gminas_share", level="powiat", territory="0463"))
    assert share["0463"]["value"] == pytest.approx(100.0)  # Toruń is one gmina
    region = by_code(await values(client, committee, "ps.active", level="voivodeship", territory="04"))
    assert region["04"]["value"] == 1
    granted = by_code(await values(client, committee, "ps.granted", level="voivodeship", period=YEAR))
    assert granted["04"]["value"] == 1
    assert granted["14"]["value"] == 0


async def test_no_data_is_never_zero(client, staff, committee):
    # A stock of the register as it is today cannot answer for an earlier year.
    past = await values(client, committee, "pes.total", level="voivodeship", period="2019")
    assert past["covered"] is False
    assert all(row["value"] is None and row["has_data"] is False for row in past["values"])
    # Jobs come from year figures: a powiat without any is "no data", not 0.
    a = await org(client, staff, "Spółdzielnia socjalna A", kind="social_cooperative")
    await ps_status(client, staff, a["id"], date(2024, 3, 1))
    response = await client.put(
        f"/api/v1/organisations/{a['id']}/figures/2024",
        json={"employees": 7, "employees_at_risk": 4, "employees_disabled": 1},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.text
    jobs = by_code(
        await values(client, committee, "jobs.ps.at_risk", level="powiat", territory="04", period="2024")
    )
    assert jobs["0463"]["value"] == 4
    assert jobs["0461"]["value"] is None and jobs["0461"]["has_data"] is False
    quarter = await values(
        client, committee, "jobs.ps.total", level="powiat", territory="04", period="2024-Q2"
    )
    assert quarter["covered"] is False  # year figures have no quarters


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "county"}, "level"),
        ({"territory": "9999"}, "territory"),
        ({"level": "powiat", "territory": TORUN}, "territory"),
        ({"period": "2025-Q5"}, "period"),
        ({"period": "last year"}, "period"),
    ],
)
async def test_bad_scope_is_a_specific_422(client, committee, params, field):
    response = await client.get(
        "/api/v1/indicators/pes.total/values", params=params, headers=committee.headers
    )
    assert response.status_code == 422
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in body["errors"]]


async def test_unknown_indicator_and_levels_it_does_not_have(client, committee):
    response = await client.get("/api/v1/indicators/nope/values", headers=committee.headers)
    assert response.status_code == 404
    response = await client.get(
        "/api/v1/indicators/pes.gminas_share/values", params={"level": "gmina"}, headers=committee.headers
    )
    assert response.status_code == 422


async def test_who_may_read(client, committee, staff, reviewer):
    for caller, status in ((committee, 200), (staff, 200), (reviewer, 200)):
        response = await client.get("/api/v1/indicators", headers=caller.headers)
        assert response.status_code == status
    assert (await client.get("/api/v1/indicators")).status_code == 401
