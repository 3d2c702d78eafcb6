"""The ROPS's support work through the API: activities and participants with consent, people
counted once, personal data removed on request without changing the counts, the project's
indicators against targets, the monitoring XLSX, and networking events becoming network ties."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from ses.audit.tables import AuditRecord
from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
TORUN = "0463011"
LAST_YEAR = date.today().year - 1


async def org(client: Any, staff: Any, name: str, kind: str, gmina: str = TORUN) -> int:
    response = await client.post(
        "/api/v1/organisations", json={"name": name, "kind": kind, "gmina_code": gmina}, headers=staff.headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def activity(
    client: Any, staff: Any, kind: str = "training", on: date | None = None, **extra: Any
) -> int:
    on = on or date(LAST_YEAR, 5, 12)
    body = {
        "kind": kind,
        "topic": "social_economy",
        "title": "Klauzule społeczne",
        "starts_on": on.isoformat(),
        "ends_on": on.isoformat(),
        "place": "Toruń",
        "gmina_code": TORUN,
        "hours": "6",
        **extra,
    }
    response = await client.post("/api/v1/activities", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def participant(name: str, email: str, organisation_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "full_name": name,
        "email": email,
        "role": "ops",
        "organisation_id": organisation_id,
        "consent_on": date(LAST_YEAR, 5, 1).isoformat(),
        **extra,
    }


def indicator(table: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in table["indicators"] if i["code"] == code)


async def test_an_activity_cannot_end_before_it_starts(client, staff):
    body = {
        "kind": "training",
        "topic": "social_economy",
        "title": "Szkolenie",
        "starts_on": "2026-05-12",
        "ends_on": "2026-05-11",
        "place": "Toruń",
        "gmina_code": TORUN,
        "hours": "6",
    }
    response = await client.post("/api/v1/activities", json=body, headers=staff.headers)
    assert response.status_code in (400, 422) and "przed rozpoczęciem" in response.text
    assert (await client.get("/api/v1/activities", headers=staff.headers)).json()["total"] == 0


async def test_a_participant_without_consent_is_refused_and_nothing_is_stored(client, staff):
    ops = await org(client, staff, "Miejski Ośrodek Pomocy Rodzinie w Toruniu", "ops")
    made = await activity(client, staff)
    body = participant("Anna Nowak", "anna@x.example", ops)
    del body["consent_on"]
    refused = await client.post(f"/api/v1/activities/{made}/participants", json=body, headers=staff.headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "consent_on"
    assert (await client.get(f"/api/v1/activities/{made}", headers=staff.headers)).json()[
        "participants"
    ] == []


async def test_people_count_once_and_erasure_keeps_the_counts(client, staff, caller_for):
    ops = await org(client, staff, "Gminny Ośrodek Pomocy Społecznej w Łysomicach", "ops", "0415062")
    first = await activity(client, staff, certificates=True)
    second = await activity(client, staff, on=date(LAST_YEAR, 9, 3))
    added = await client.post(
        f"/api/v1/activities/{first}/participants",
        json=participant("Anna Nowak", "Anna@X.example", ops, completed=True, certificate_number="Z/1"),
        headers=staff.headers,
    )
    assert added.status_code == 201, added.text
    again = await client.post(
        f"/api/v1/activities/{second}/participants",
        json=participant("Anna Nowak", "anna@x.example", ops),
        headers=staff.headers,
    )
    assert again.status_code == 201
    twice = await client.post(
        f"/api/v1/activities/{second}/participants",
        json=participant("Anna Nowak", "anna@x.example", ops),
        headers=staff.headers,
    )
    assert twice.status_code == 409
    table = (await client.get("/api/v1/project-indicators", headers=staff.headers)).json()
    people = indicator(table, "people_supported")
    last_year = next(p for p in people["periods"] if p["period"] == str(LAST_YEAR))
    assert last_year["cumulative"] == 1 and last_year["in_year"] == 1
    assert (
        next(p for p in indicator(table, "people_qualified")["periods"] if p["period"] == str(LAST_YEAR))[
            "cumulative"
        ]
        == 1
    )
    coverage = next(
        p for p in indicator(table, "gmina_coverage_es")["periods"] if p["period"] == str(LAST_YEAR)
    )
    assert coverage["count"] == 1 and coverage["of"] == 144  # the region's gminas (TERYT, kujawsko-pomorskie)

    committee = await caller_for(Role.COMMITTEE)
    assert (await client.get("/api/v1/project-indicators", headers=committee.headers)).status_code == 200
    assert (await client.get(f"/api/v1/activities/{first}", headers=committee.headers)).status_code == 403

    person_id = (await client.get(f"/api/v1/activities/{first}", headers=staff.headers)).json()[
        "participants"
    ][0]["person_id"]
    erased = await client.post(
        f"/api/v1/people/{person_id}/erase", json={"reason": "wniosek z 2026-11-02"}, headers=staff.headers
    )
    assert erased.status_code == 200
    listed = (await client.get(f"/api/v1/activities/{first}", headers=staff.headers)).json()["participants"][
        0
    ]
    assert listed["full_name"] == "dane usunięte na wniosek" and listed["email"] is None
    after = (await client.get("/api/v1/project-indicators", headers=staff.headers)).json()
    assert indicator(after, "people_supported")["periods"] == people["periods"]


async def test_the_participant_list_export_is_audited_and_carries_no_formula(client, staff):
    ops = await org(client, staff, "Ośrodek Pomocy Społecznej", "ops")
    made = await activity(client, staff)
    await client.post(
        f"/api/v1/activities/{made}/participants",
        json=participant('=HYPERLINK("http://x")', "h@x.example", ops),
        headers=staff.headers,
    )
    export = await client.get(f"/api/v1/activities/{made}/participants.csv", headers=staff.headers)
    assert export.status_code == 200 and "'=HYPERLINK" in export.text
    exports = await AuditRecord.count().where(
        (AuditRecord.action == "activity.participants_export") & (AuditRecord.entity_id == made)
    )
    assert exports == 1


async def test_monitoring_xlsx_shows_targets_and_values_as_numbers(client, staff):
    ops = await org(client, staff, "Ośrodek Pomocy Społecznej", "ops")
    made = await activity(client, staff)
    await client.post(
        f"/api/v1/activities/{made}/participants",
        json=participant("Jan Kos", "j@x.example", ops),
        headers=staff.headers,
    )
    target = await client.put(
        "/api/v1/project-indicators/people_supported/target",
        json={"baseline": "0", "target": "10", "target_year": 2029},
        headers=staff.headers,
    )
    assert target.status_code == 200
    response = await client.get("/api/v1/project-indicators/monitoring.xlsx", headers=staff.headers)
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content))["Wskaźniki projektu"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "people_supported")
    assert row[5] == 10 and row[header.index(f"{LAST_YEAR} — narastająco")] == 1
    assert row[header.index(f"{LAST_YEAR} — realizacja celu (%)")] == 10
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for r in sheet.iter_rows() for c in r)
    unknown = await client.put(
        "/api/v1/project-indicators/nie_ma/target",
        json={"target": "1", "target_year": 2029},
        headers=staff.headers,
    )
    assert unknown.status_code == 404


async def test_a_plan_for_an_unknown_local_government_is_refused(client, staff):
    refused = await client.post(
        "/api/v1/di-plans",
        json={"territory_code": "9999999", "title": "Plan DI", "adopted_on": "2025-05-01"},
        headers=staff.headers,
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "territory_code"
    made = await client.post(
        "/api/v1/di-plans",
        json={"territory_code": "0415062", "title": "Plan DI", "adopted_on": "2025-05-01"},
        headers=staff.headers,
    )
    assert made.status_code == 201
    table = (await client.get("/api/v1/project-indicators", headers=staff.headers)).json()
    plans = next(p for p in indicator(table, "di_plan_share")["periods"] if p["period"] == "2025")
    assert plans["count"] == 1 and plans["of"] == 144 + 23


async def test_organisations_that_met_at_a_networking_event_gain_ties(client, staff):
    pes = [
        await org(client, staff, f"Spółdzielnia Socjalna {n}", "social_cooperative") for n in ("A", "B", "C")
    ]
    meeting = await activity(client, staff, kind="networking_pes", on=date.today() - timedelta(days=10))
    for i, organisation in enumerate(pes):
        body = participant(f"Osoba {i}", f"o{i}@x.example", organisation, role="pes")
        body["consent_on"] = (date.today() - timedelta(days=20)).isoformat()
        assert (
            await client.post(f"/api/v1/activities/{meeting}/participants", json=body, headers=staff.headers)
        ).status_code == 201
    ties = await client.get(
        "/api/v1/network/relations",
        params={"relation_type": "met_at_event", "page_size": 100},
        headers=staff.headers,
    )
    assert ties.status_code == 200, ties.text
    pairs = {tuple(sorted((t["source_id"], t["target_id"]))) for t in ties.json()["items"]}
    assert pairs == {(pes[0], pes[1]), (pes[0], pes[2]), (pes[1], pes[2])}
    participants = (await client.get(f"/api/v1/activities/{meeting}", headers=staff.headers)).json()[
        "participants"
    ]
    removed = await client.delete(
        f"/api/v1/activities/{meeting}/participants/{participants[0]['id']}", headers=staff.headers
    )
    assert removed.status_code == 204
    ties = await client.get(
        "/api/v1/network/relations",
        params={"relation_type": "met_at_event", "page_size": 100},
        headers=staff.headers,
    )
    assert {tuple(sorted((t["source_id"], t["target_id"]))) for t in ties.json()["items"]} == {
        (pes[1], pes[2])
    }
