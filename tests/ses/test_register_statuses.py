"""Legal statuses of reintegration units and PS as state machines, and safe concurrent editing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ses.register.statuses import add_years

pytestmark = pytest.mark.anyio

TORUN = "0463011"


async def create(client: Any, staff: Any, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "kind": "association", "gmina_code": TORUN, **fields}
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def unit(client: Any, staff: Any, kind: str) -> dict[str, Any]:
    body = await create(client, staff, f"Stowarzyszenie prowadzące {kind.upper()}")
    return await create(client, staff, f"{kind.upper()} w Toruniu", kind=kind, founder_id=body["id"])


async def add_status(client: Any, staff: Any, org_id: int, **body: Any) -> Any:
    return await client.post(f"/api/v1/organisations/{org_id}/statuses", json=body, headers=staff.headers)


async def move(client: Any, staff: Any, org_id: int, status_id: int, **body: Any) -> Any:
    return await client.post(
        f"/api/v1/organisations/{org_id}/statuses/{status_id}/transitions", json=body, headers=staff.headers
    )


@pytest.mark.parametrize(
    ("kind", "closing"),
    [("kis", "removed"), ("zaz", "withdrawn"), ("wtz", "closed"), ("cis", "withdrawn")],
)
async def test_unit_status_is_recorded_closed_and_then_read_only(client, staff, kind, closing):
    org = await unit(client, staff, kind)
    created = await add_status(
        client,
        staff,
        org["id"],
        status_type=kind,
        decision_number=f"{kind.upper()}.7.2022",
        decision_date="2022-05-10",
    )
    assert created.status_code == 201, created.text
    status = created.json()
    assert status["state"] == "active" and status["decision_number"] == f"{kind.upper()}.7.2022"
    assert (await client.get(f"/api/v1/organisations/{org['id']}", headers=staff.headers)).json()[
        "unit_state"
    ] == "active"
    closed = await move(
        client, staff, org["id"], status["id"], to_state=closing, on_date="2024-01-31", reason="decyzja"
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == closing
    again = await move(client, staff, org["id"], status["id"], to_state="active", on_date="2024-02-01")
    assert again.status_code == 422
    assert "zamknięty" in again.json()["errors"][0]["message"]
    record = (await client.get(f"/api/v1/organisations/{org['id']}", headers=staff.headers)).json()
    assert record["unit_state"] == closing
    listed = (await client.get(f"/api/v1/organisations/{org['id']}/statuses", headers=staff.headers)).json()
    assert [event["to_state"] for event in listed[0]["events"]] == ["active", closing]
    assert listed[0]["events"][1]["reason"] == "decyzja"


async def test_a_status_belongs_only_to_its_kind_of_unit(client, staff):
    association = await create(client, staff, "Stowarzyszenie Bez Zakładu")
    response = await add_status(
        client,
        staff,
        association["id"],
        status_type="zaz",
        decision_number="ZAZ.1",
        decision_date="2023-01-02",
    )
    assert response.status_code == 422 and "ZAZ" in response.json()["detail"]
    wtz = await unit(client, staff, "wtz")
    response = await add_status(
        client, staff, wtz["id"], status_type="cis", decision_number="C.1", decision_date="2023-01-02"
    )
    assert response.status_code == 422


async def test_granted_status_needs_its_decision_and_no_future_dates(client, staff):
    cis = await unit(client, staff, "cis")
    response = await add_status(client, staff, cis["id"], status_type="cis", state="active")
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"decision_date", "decision_number"}
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = await add_status(
        client, staff, cis["id"], status_type="cis", decision_number="C.1", decision_date=tomorrow
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "decision_date"
    response = await add_status(client, staff, cis["id"], status_type="cis", state="lost")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "state"


async def test_submitted_cis_becomes_active_for_five_years_from_the_decision(client, staff):
    cis = await unit(client, staff, "cis")
    submitted = await add_status(client, staff, cis["id"], status_type="cis", state="submitted")
    assert submitted.status_code == 201 and submitted.json()["valid_to"] is None
    no_number = await move(
        client, staff, cis["id"], submitted.json()["id"], to_state="active", on_date="2024-02-29"
    )
    assert no_number.status_code == 422
    assert [e["field"] for e in no_number.json()["errors"]] == ["reason", "decision_number"]
    granted = await move(
        client,
        staff,
        cis["id"],
        submitted.json()["id"],
        to_state="active",
        on_date="2024-02-29",
        decision_number="CIS.2",
        reason="decyzja wojewody",
    )
    assert granted.status_code == 200
    assert granted.json()["valid_from"] == "2024-02-29" and granted.json()["valid_to"] == "2029-02-28"


async def test_one_open_status_at_a_time_and_reapplication_waits_a_year(client, staff):
    coop = await create(client, staff, "Spółdzielnia Socjalna „Wspólny Cel”", kind="social_cooperative")
    body = {
        "status_type": "ps",
        "goal": "social_services",
        "decision_number": "PS.1",
        "decision_date": "2023-01-10",
    }
    first = await add_status(client, staff, coop["id"], **body)
    assert first.status_code == 201
    twice = await add_status(client, staff, coop["id"], **body)
    assert twice.status_code == 409
    loss_day = date.today() - timedelta(days=30)
    lost = await move(
        client, staff, coop["id"], first.json()["id"],
        to_state="lost", on_date=loss_day.isoformat(), final_date=(loss_day + timedelta(days=14)).isoformat(),
        decision_number="PS.U.1", reason="Niespełnienie warunków",
    )  # fmt: skip
    assert lost.status_code == 200, lost.text
    assert lost.json()["reapply_after"] == add_years(loss_day + timedelta(days=14), 1).isoformat()
    too_early = await add_status(
        client, staff, coop["id"], status_type="ps", state="submitted", goal="social_services"
    )
    assert too_early.status_code == 409
    assert lost.json()["reapply_after"] in too_early.json()["detail"]


async def test_ps_needs_a_goal_and_loss_needs_a_decision(client, staff):
    coop = await create(client, staff, "Spółdzielnia Socjalna „Opiekun”", kind="social_cooperative")
    no_goal = await add_status(
        client, staff, coop["id"], status_type="ps", decision_number="PS.2", decision_date="2024-01-02"
    )
    assert no_goal.status_code == 422 and no_goal.json()["errors"][0]["field"] == "goal"
    granted = await add_status(
        client,
        staff,
        coop["id"],
        status_type="ps",
        goal="reintegration",
        decision_number="PS.2",
        decision_date="2024-01-02",
    )
    lost = await move(
        client,
        staff,
        coop["id"],
        granted.json()["id"],
        to_state="lost",
        on_date="2024-06-01",
        reason="kontrola",
    )
    assert lost.status_code == 422 and lost.json()["errors"][0]["field"] == "decision_number"
    unknown = await move(
        client, staff, coop["id"], granted.json()["id"], to_state="flying", on_date="2024-06-01"
    )
    assert unknown.status_code == 422 and "Dozwolone" in unknown.json()["detail"]


async def test_status_of_another_organisation_is_not_found(client, staff):
    cis = await unit(client, staff, "cis")
    status = await add_status(
        client, staff, cis["id"], status_type="cis", decision_number="C.3", decision_date="2023-03-03"
    )
    other = await create(client, staff, "Inne Stowarzyszenie")
    response = await move(
        client, staff, other["id"], status.json()["id"], to_state="withdrawn", on_date="2024-01-01"
    )
    assert response.status_code == 404


async def test_if_match_is_required_must_be_well_formed_and_current(client, staff):
    org = await create(client, staff, "Stowarzyszenie Edytowane")
    url = f"/api/v1/organisations/{org['id']}"
    read = await client.get(url, headers=staff.headers)
    assert read.headers["etag"] == f'"org-{org["id"]}-v1"'
    missing = await client.post(
        f"{url}/retire", json={"reason": "koniec działalności"}, headers=staff.headers
    )
    assert missing.status_code == 428
    assert missing.headers["content-type"].startswith("application/problem+json")
    garbled = await client.patch(url, json={"phone": "1"}, headers={**staff.headers, "If-Match": "v1"})
    assert garbled.status_code == 422 and garbled.json()["errors"][0]["field"] == "If-Match"
    changed = await client.patch(
        url,
        json={"name": "Stowarzyszenie Po Zmianie"},
        headers={**staff.headers, "If-Match": read.headers["etag"]},
    )
    assert changed.status_code == 200 and changed.headers["etag"] == f'"org-{org["id"]}-v2"'
    stale = await client.post(
        f"{url}/retire",
        json={"reason": "koniec działalności"},
        headers={**staff.headers, "If-Match": read.headers["etag"]},
    )
    assert stale.status_code == 412
    assert (await client.get(url, headers=staff.headers)).json()["activity_state"] == "active"
    history = (await client.get(f"{url}/history", headers=staff.headers)).json()
    assert history[0]["changes"]["name"] == ["Stowarzyszenie Edytowane", "Stowarzyszenie Po Zmianie"]
