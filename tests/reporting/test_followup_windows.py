"""The follow-up expects reports from an OWES only for periods within its accreditation."""

from __future__ import annotations

from typing import Any

import pytest

from ses.auth.policy import Role
from ses.reporting import followup

pytestmark = pytest.mark.anyio

TORUN = "0463011"
ACC = "/api/v1/accreditation/accreditations"
PERIODS = "2024-Q3,2024-Q4,2025-Q1,2025-Q2"


async def organisation(client: Any, staff: Any, name: str, **body: Any) -> int:
    payload = {"name": name, "kind": "association", "gmina_code": TORUN, "is_owes": True, **body}
    response = await client.post("/api/v1/organisations", json=payload, headers=staff.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def accredit(client: Any, staff: Any, owes_id: int, **body: Any) -> dict[str, Any]:
    payload = {"organisation_id": owes_id, "call_edition": "nabór testowy", "powiat_codes": ["0463"], **body}
    response = await client.post(ACC, json=payload, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def move(client: Any, staff: Any, acc_id: int, to_state: str, **body: Any) -> None:
    etag = (await client.get(f"{ACC}/{acc_id}", headers=staff.headers)).headers["etag"]
    response = await client.post(
        f"{ACC}/{acc_id}/transitions",
        json={"to_state": to_state, "reason": "test okresów", **body},
        headers={**staff.headers, "If-Match": etag},
    )
    assert response.status_code == 200, response.text


def content() -> dict[str, Any]:
    return {
        "pes_supported_total": 1, "initiative_groups": 0, "new_pes_created": 0, "new_ps_created": 0,
        "new_jobs_total": 0, "new_jobs_at_risk": 0, "grants_total_pln": "0", "ps_applications_supported": 0,
        "procurement_cases": 0, "supported_pes": [{"kind": "association", "powiat_code": "0463", "count": 1}],
        "services": [{"standard": "local_animation", "sessions": 1, "hours": "2", "participants": 5}],
        "new_entities": [], "jobs": [], "grants": [],
    }  # fmt: skip


@pytest.fixture
async def world(client: Any, staff: Any) -> dict[str, int]:
    # A: accredited from 2025 on; B: accredited in 2024, withdrawn on 15 Nov 2024;
    # C: only an application, never accredited; D: no accreditation record at all.
    ids = {key: await organisation(client, staff, f"OWES {key}") for key in "ABCD"}
    await accredit(client, staff, ids["A"], decision_number="A.1", decision_date="2024-12-16",
                   valid_from="2025-01-01", valid_to="2026-12-16")  # fmt: skip
    b = await accredit(client, staff, ids["B"], decision_number="B.1", decision_date="2023-12-18",
                       valid_from="2024-01-01", valid_to="2025-12-18")  # fmt: skip
    await move(client, staff, b["id"], "under_verification", on_date="2024-10-01")
    await move(client, staff, b["id"], "withdrawn", on_date="2024-11-15")
    await accredit(client, staff, ids["C"], state="submitted")
    return ids


async def test_windows_list_accredited_ranges_and_known_owes(world):
    from accreditation.reporting_windows import reporting_windows

    rows = await reporting_windows()
    ranges = {(w.owes_id, str(w.starts_on), str(w.ends_on)) for w in rows if w.starts_on is not None}
    assert ranges == {(world["A"], "2025-01-01", "2026-12-16"), (world["B"], "2024-01-01", "2024-11-15")}
    assert {w.owes_id for w in rows} == {world["A"], world["B"], world["C"]}


async def test_follow_up_expects_reports_only_within_accreditation(client, staff, caller_for, world):
    sender = await caller_for(Role.OWES, organisation_id=world["C"], name="owes-c")
    stray = await client.post(
        "/api/v1/reports",
        json={"period": "2025-Q1", "data": content(), "submit": True},
        headers=sender.headers,
    )
    assert stray.status_code == 422, stray.text  # never accredited: no period is a reporting period
    response = await client.get(f"/api/v1/reports/follow-up?periods={PERIODS}", headers=staff.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    rows = {row["owes_id"]: row for row in body["owes"] if row["owes_id"] in world.values()}
    expected = {key: rows[owes_id]["expected"] for key, owes_id in world.items()}
    assert expected == {"A": 2, "B": 2, "C": 0, "D": 4}
    assert rows[world["A"]]["missing"] == 2 and rows[world["B"]]["missing"] == 2
    assert rows[world["C"]]["received"] == 0 and rows[world["C"]]["completeness"] is None
    assert [rows[world[k]]["accreditation_known"] for k in "ABCD"] == [True, True, True, False]
    cells = {(c["owes_id"], c["period"]): c["status"] for c in body["cells"]}
    assert cells[(world["A"], "2024-Q4")] == "not_expected" and cells[(world["A"], "2025-Q1")] == "missing"
    assert cells[(world["B"], "2024-Q4")] == "missing"  # withdrawn mid-quarter: that quarter is owed
    assert cells[(world["B"], "2025-Q1")] == "not_expected"
    assert cells[(world["C"], "2025-Q1")] == "not_expected"
    overdue = (await client.get(f"/api/v1/reports/overdue?periods={PERIODS}", headers=staff.headers)).json()
    pairs = {(row["owes_id"], row["period"]) for row in overdue["items"]}
    assert (world["A"], "2024-Q4") not in pairs and (world["A"], "2025-Q1") in pairs
    assert not {p for p in pairs if p[0] == world["C"]}
    assert {p for p in pairs if p[0] == world["D"]} == {(world["D"], p) for p in PERIODS.split(",")}


async def test_without_a_provider_every_owes_is_expected(client, staff, world, monkeypatch):
    import dataclasses

    from ses import extensions

    bare = tuple(dataclasses.replace(ext, reporting_windows=()) for ext in extensions.installed())
    monkeypatch.setattr(extensions, "_installed", bare)
    table = await followup.follow_up(None, PERIODS.split(","), world["A"])
    assert table["totals"]["expected"] == 4


async def test_a_report_for_a_period_outside_every_accreditation_is_refused_naming_it(
    client, staff, caller_for, world
):
    senders = {
        key: await caller_for(Role.OWES, organisation_id=world[key], name=f"owes-{key}") for key in world
    }

    async def send(key: str, period: str, submit: bool = True) -> Any:
        sender = senders[key]
        return await client.post(
            "/api/v1/reports",
            json={"period": period, "data": content(), "submit": submit},
            headers=sender.headers,
        )

    before = await send("A", "2024-Q4", submit=False)  # A is accredited from 1 Jan 2025
    assert before.status_code == 422, before.text
    problem = before.json()
    assert "2024-Q4" in problem["detail"]
    assert (
        problem["errors"][0]["field"] == "period"
        and "2025-01-01 – 2026-12-16" in problem["errors"][0]["message"]
    )
    assert (await send("A", "2025-Q1")).status_code == 201
    after_withdrawal = await send("B", "2025-Q1")  # withdrawn on 15 Nov 2024
    assert after_withdrawal.status_code == 422 and "2025-Q1" in after_withdrawal.json()["detail"]
    assert (await send("B", "2024-Q4")).status_code == 201  # the quarter it was withdrawn in is owed
    never = await send("C", "2025-Q1")
    assert never.status_code == 422 and "nie miał dotąd akredytacji" in never.json()["errors"][0]["message"]
    assert (await send("D", "2025-Q1")).status_code == 201  # no record at all: as the follow-up, not refused
    reports = (await client.get("/api/v1/reports", headers=staff.headers)).json()
    sent = {(r["owes_id"], r["period"]) for r in reports["items"]}
    assert (world["A"], "2024-Q4") not in sent and (world["C"], "2025-Q1") not in sent
