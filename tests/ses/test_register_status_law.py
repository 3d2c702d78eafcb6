"""The register follows the law on statuses: terms expire on their own and can be extended, PS
decisions are dated within the Act, a year to reapply runs only from a final loss decision, a PS
change says why, PS conditions and the KIS entry deadline are checked, annual reports are tracked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ses.register import obligation_services, status_services
from ses.register.expiry import SWEEP
from ses.register.tables import LegalStatus

pytestmark = pytest.mark.anyio

TORUN = "0463011"
API = "/api/v1/organisations"


async def create(client: Any, staff: Any, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "kind": "association", "gmina_code": TORUN, **fields}
    response = await client.post(API, json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def unit(client: Any, staff: Any, kind: str, **fields: Any) -> dict[str, Any]:
    body = await create(client, staff, f"Stowarzyszenie prowadzące {kind.upper()}")
    return await create(
        client, staff, f"{kind.upper()} w Toruniu", kind=kind, founder_id=body["id"], **fields
    )


async def add_status(client: Any, staff: Any, org_id: int, **body: Any) -> Any:
    return await client.post(f"{API}/{org_id}/statuses", json=body, headers=staff.headers)


async def cis_with_status(
    client: Any, staff: Any, number: str, decided: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A CIS and its status, decided on `decided` (statuses of a CIS last five years)."""
    cis = await unit(client, staff, "cis")
    recorded = await add_status(
        client, staff, cis["id"], status_type="cis", decision_number=number, decision_date=decided
    )
    assert recorded.status_code == 201, recorded.text
    return cis, recorded.json()


async def move(client: Any, staff: Any, org_id: int, status_id: int, **body: Any) -> Any:
    return await client.post(
        f"{API}/{org_id}/statuses/{status_id}/transitions", json=body, headers=staff.headers
    )


async def listed_unit_state(client: Any, staff: Any, org_id: int, state: str) -> dict[str, Any]:
    response = await client.get(
        API, params={"unit_state": state, "kind": "cis", "facets": "unit_state"}, headers=staff.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_cis_status_expires_on_its_own_after_five_years(client, staff):
    cis = await unit(client, staff, "cis")
    decided = date.today() - timedelta(days=365 * 5 + 10)
    recorded = await add_status(
        client,
        staff,
        cis["id"],
        status_type="cis",
        decision_number="CIS.1",
        decision_date=decided.isoformat(),
    )
    assert recorded.status_code == 201, recorded.text
    # Recorded after its five years ended: it is expired from the start, with the day it ended.
    assert recorded.json()["state"] == "expired"
    events = (await client.get(f"{API}/{cis['id']}/statuses", headers=staff.headers)).json()[0]["events"]
    assert [event["to_state"] for event in events] == ["active", "expired"]
    record = (await client.get(f"{API}/{cis['id']}", headers=staff.headers)).json()
    assert record["unit_state"] == "expired"
    page = await listed_unit_state(client, staff, cis["id"], "expired")
    assert cis["id"] in [item["id"] for item in page["items"]]
    assert page["facets"]["unit_state"].get("expired", 0) >= 1
    # Expired is closed: a new status may be recorded.
    again = await add_status(
        client,
        staff,
        cis["id"],
        status_type="cis",
        decision_number="CIS.2",
        decision_date=date.today().isoformat(),
    )
    assert again.status_code == 201 and again.json()["state"] == "active"


async def test_the_passing_of_time_expires_a_status_in_lists_and_counts(client, staff):
    cis = await unit(client, staff, "cis")
    recorded = await add_status(
        client, staff, cis["id"], status_type="cis", decision_number="CIS.3", decision_date="2022-03-01"
    )
    status = recorded.json()
    assert status["state"] == "active" and status["valid_to"] == "2027-03-01"
    # Five years pass: the row still says "active" on paper until the daily expiry writes it down…
    await LegalStatus.update({LegalStatus.valid_to: date.today() - timedelta(days=1)}).where(
        LegalStatus.id == status["id"]
    )
    listed = (await client.get(f"{API}/{cis['id']}/statuses", headers=staff.headers)).json()
    assert listed[0]["state"] == "expired"  # …but no read shows it as still in force
    # The first request of a new day writes it down, so SQL lists and facet counts agree.
    SWEEP.done_on = date.today() - timedelta(days=1)
    active = await listed_unit_state(client, staff, cis["id"], "active")
    assert cis["id"] not in [item["id"] for item in active["items"]]
    expired = await listed_unit_state(client, staff, cis["id"], "expired")
    assert cis["id"] in [item["id"] for item in expired["items"]]
    record = (await client.get(f"{API}/{cis['id']}", headers=staff.headers)).json()
    assert record["unit_state"] == "expired"
    events = (await client.get(f"{API}/{cis['id']}/statuses", headers=staff.headers)).json()[0]["events"]
    assert events[-1]["to_state"] == "expired" and events[-1]["on_date"] == date.today().isoformat()
    assert await status_services.expire_lapsed() == 0  # done once, never twice


async def test_an_extension_is_recorded_and_keeps_the_status_in_force(client, staff):
    cis, status = await cis_with_status(client, staff, "CIS.4", "2022-03-01")
    url = f"{API}/{cis['id']}/statuses/{status['id']}/extensions"
    extended = await client.post(
        url, json={"decision_number": "CIS.4.P", "decision_date": "2024-05-06"}, headers=staff.headers
    )
    assert extended.status_code == 200, extended.text
    assert extended.json()["valid_to"] == "2032-03-01" and extended.json()["state"] == "active"
    future = (date.today() + timedelta(days=3)).isoformat()
    refused = await client.post(
        url, json={"decision_number": "X", "decision_date": future}, headers=staff.headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "decision_date"
    kis = await unit(client, staff, "kis")
    entry = (
        await add_status(
            client, staff, kis["id"], status_type="kis", decision_number="K.1", decision_date="2024-01-03"
        )
    ).json()
    no_term = await client.post(
        f"{API}/{kis['id']}/statuses/{entry['id']}/extensions",
        json={"decision_number": "K.2", "decision_date": "2024-05-06"},
        headers=staff.headers,
    )
    assert no_term.status_code == 422


async def test_an_expired_status_is_not_extended_by_a_decision_after_its_end(client, staff):
    cis, status = await cis_with_status(client, staff, "C.5", "2019-02-04")
    assert status["state"] == "expired"
    late = await client.post(
        f"{API}/{cis['id']}/statuses/{status['id']}/extensions",
        json={"decision_number": "C.5.P", "decision_date": "2024-05-06"},
        headers=staff.headers,
    )
    assert late.status_code == 422 and "nowa decyzja" in late.json()["errors"][0]["message"]
    # An extension decided in time but recorded late brings it back in force.
    in_time = await client.post(
        f"{API}/{cis['id']}/statuses/{status['id']}/extensions",
        json={"decision_number": "C.5.P", "decision_date": "2024-01-15", "valid_to": "2029-02-04"},
        headers=staff.headers,
    )
    assert in_time.status_code == 200, in_time.text
    assert in_time.json()["state"] == "active"
    assert (await client.get(f"{API}/{cis['id']}", headers=staff.headers)).json()["unit_state"] == "active"


async def test_a_ps_status_cannot_predate_the_act_or_be_in_the_future(client, staff):
    coop = await create(client, staff, "Spółdzielnia Socjalna „Przed Ustawą”", kind="social_cooperative")
    body = {"status_type": "ps", "goal": "social_services", "decision_number": "PS.0"}
    before = await add_status(client, staff, coop["id"], **body, decision_date="2022-10-29")
    assert before.status_code == 422 and before.json()["errors"][0]["field"] == "decision_date"
    assert "30.10.2022" in before.json()["errors"][0]["message"]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    future = await add_status(client, staff, coop["id"], **body, decision_date=tomorrow)
    assert future.status_code == 422
    submitted = await add_status(
        client, staff, coop["id"], status_type="ps", state="submitted", goal="reintegration"
    )
    granted_early = await move(
        client, staff, coop["id"], submitted.json()["id"],
        to_state="active", on_date="2022-06-01", decision_number="PS.1", reason="decyzja",
    )  # fmt: skip
    assert granted_early.status_code == 422
    granted = await move(
        client, staff, coop["id"], submitted.json()["id"],
        to_state="active", on_date="2022-11-02", decision_number="PS.1", reason="decyzja",
    )  # fmt: skip
    assert granted.status_code == 200, granted.text


async def test_the_year_to_reapply_runs_only_from_the_final_loss_decision(client, staff):
    coop = await create(client, staff, "Spółdzielnia Socjalna „Odwołanie”", kind="social_cooperative")
    status = (
        await add_status(
            client, staff, coop["id"],
            status_type="ps", goal="social_services", decision_number="PS.7", decision_date="2023-01-10",
        )
    ).json()  # fmt: skip
    no_reason = await move(
        client, staff, coop["id"], status["id"], to_state="under_control", on_date="2023-06-01"
    )
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    lost = await move(
        client, staff, coop["id"], status["id"],
        to_state="lost", on_date="2024-02-01", decision_number="PS.7.U", reason="Mniej niż 3 zatrudnionych",
    )  # fmt: skip
    assert lost.status_code == 200, lost.text
    assert lost.json()["reapply_after"] is None  # not a year from the decision: it may be appealed
    unknown = await add_status(
        client, staff, coop["id"], status_type="ps", state="submitted", goal="social_services"
    )
    assert unknown.status_code == 409 and "ostateczna" in unknown.json()["detail"]
    url = f"{API}/{coop['id']}/statuses/{status['id']}/loss-final"
    final = await client.post(
        url, json={"final_date": "2025-01-20", "reason": "wyrok WSA"}, headers=staff.headers
    )
    assert final.status_code == 200, final.text
    assert final.json()["reapply_after"] == "2026-01-20"
    before_decision = await client.post(
        url, json={"final_date": "2024-01-20", "reason": "pomyłka"}, headers=staff.headers
    )
    assert before_decision.status_code == 422
    now_possible = await add_status(
        client, staff, coop["id"], status_type="ps", state="submitted", goal="social_services"
    )
    assert now_possible.status_code == 201, now_possible.text


async def test_ps_conditions_are_checked_against_the_year_figures(client, staff):
    coop = await create(client, staff, "Spółdzielnia Socjalna „Mała”", kind="social_cooperative")
    await add_status(
        client, staff, coop["id"],
        status_type="ps", goal="reintegration", decision_number="PS.9", decision_date="2023-02-01",
    )  # fmt: skip
    url = f"{API}/{coop['id']}/compliance"
    put = await client.put(
        f"{API}/{coop['id']}/figures/2024",
        json={"employees": 2, "employees_at_risk": 0},
        headers=staff.headers,
    )
    assert put.status_code == 200, put.text
    warnings = (await client.get(url, headers=staff.headers)).json()["warnings"]
    assert any("co najmniej 3 osoby" in warning for warning in warnings)
    assert any("30 %" in warning for warning in warnings)
    await client.put(
        f"{API}/{coop['id']}/figures/2025",
        json={"employees": 6, "employees_at_risk": 2},
        headers=staff.headers,
    )
    warnings = (await client.get(url, headers=staff.headers)).json()["warnings"]
    assert not any("zatrudnion" in warning for warning in warnings)  # 2 of 6 is 33 %: met
    page = await client.get(f"/rejestr/{coop['id']}", headers=staff.headers)
    assert page.status_code == 200 and "Uwagi do statusów" in page.text


async def test_a_kis_entered_later_than_30_days_is_flagged(client, staff):
    kis = await unit(client, staff, "kis", registered_on="2024-01-02")
    await add_status(
        client, staff, kis["id"], status_type="kis", decision_number="K.9", decision_date="2024-03-04"
    )
    warnings = (await client.get(f"{API}/{kis['id']}/compliance", headers=staff.headers)).json()["warnings"]
    assert any("62 dni" in warning and "30 dni" in warning for warning in warnings)
    fresh = await unit(client, staff, "kis", registered_on="2024-05-02")
    warnings = (await client.get(f"{API}/{fresh['id']}/compliance", headers=staff.headers)).json()["warnings"]
    assert any("wpisu brak" in warning for warning in warnings)


async def test_annual_reports_are_owed_by_31_march_and_tracked(client, staff):
    coop = await create(client, staff, "Spółdzielnia Socjalna „Sprawozdawcza”", kind="social_cooperative")
    await add_status(
        client, staff, coop["id"],
        status_type="ps", goal="social_services", decision_number="PS.11", decision_date="2023-02-01",
    )  # fmt: skip
    today = date.today()
    owed = (await client.get(f"{API}/{coop['id']}/compliance", headers=staff.headers)).json()[
        "annual_reports"
    ]
    years = sorted(row["year"] for row in owed)
    assert years == list(range(2023, today.year))
    assert all(row["due_on"] == f"{row['year'] + 1}-03-31" for row in owed)
    missing = await obligation_services.annual_reports_owed()
    assert {(row["organisation_id"], row["year"]) for row in missing} >= {(coop["id"], 2023)}
    url = f"{API}/{coop['id']}/annual-reports"
    on_time = await client.post(
        url, json={"status_type": "ps", "year": 2023, "submitted_on": "2024-03-28"}, headers=staff.headers
    )
    assert on_time.status_code == 201, on_time.text
    late = await client.post(
        url, json={"status_type": "ps", "year": 2024, "submitted_on": "2025-04-15"}, headers=staff.headers
    )
    states = {row["year"]: row["state"] for row in late.json()}
    assert states[2023] == "submitted" and states[2024] == "late"
    twice = await client.post(
        url, json={"status_type": "ps", "year": 2023, "submitted_on": "2024-03-29"}, headers=staff.headers
    )
    assert twice.status_code == 409
    missing = await obligation_services.annual_reports_owed()
    assert (coop["id"], 2023) not in {(row["organisation_id"], row["year"]) for row in missing}


@pytest.mark.parametrize(
    ("name", "legal_form"),
    [
        ("NSZZ Solidarność Region Toruński", None),
        ("Związek Zawodowy Pracowników Socjalnych", None),
        ("Stowarzyszenie Pracodawców", "organizacja_pracodawcow"),
        ("Partia Kujawska", None),
        ("Fundacja Partii X", "fundacja_partii"),
    ],
)
async def test_bodies_excluded_from_letter_e_are_refused(client, staff, name, legal_form):
    body = {"name": name, "kind": "association", "gmina_code": TORUN}
    if legal_form:
        body["legal_form"] = legal_form
    response = await client.post(API, json=body, headers=staff.headers)
    assert response.status_code == 422, response.text
    assert "art. 2 pkt 5 lit. e" in response.json()["errors"][0]["message"]
    # As an actor of the network (not a PES) it may be registered.
    other = await client.post(API, json={**body, "kind": "other"}, headers=staff.headers)
    assert other.status_code == 201, other.text


async def test_every_status_change_says_why_not_only_a_ps_one(client, staff):
    """#14, the same fault elsewhere: a CIS status could be withdrawn without a word in its history."""
    cis, status = await cis_with_status(client, staff, "CIS.9", "2024-03-01")
    silent = await move(client, staff, cis["id"], status["id"], to_state="withdrawn", on_date="2025-02-03")
    assert silent.status_code == 422, silent.text
    assert [(e["field"], "status CIS" in e["message"]) for e in silent.json()["errors"]] == [("reason", True)]
    said = await move(
        client, staff, cis["id"], status["id"], to_state="withdrawn", on_date="2025-02-03",
        reason="Cofnięcie statusu decyzją wojewody",
    )  # fmt: skip
    assert said.status_code == 200 and said.json()["state"] == "withdrawn", said.text
    statuses = (await client.get(f"{API}/{cis['id']}/statuses", headers=staff.headers)).json()
    assert statuses[0]["events"][-1]["reason"] == "Cofnięcie statusu decyzją wojewody"
