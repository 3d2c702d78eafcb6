"""Accepted reports bring employment figures (and new PES/PS) into the register, idempotently."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ses.audit.services import Actor
from ses.auth.policy import Role
from ses.reporting import register_feed, review

pytestmark = pytest.mark.anyio

TORUN = "0463011"
NEW_PS_NIP = "5260250274"


async def organisation(client: Any, staff: Any, name: str, **body: Any) -> int:
    payload = {"name": name, "kind": "association", "gmina_code": TORUN, **body}
    response = await client.post("/api/v1/organisations", json=payload, headers=staff.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def job(
    ps_id: int, category: str, contract: str = "employment", started_on: str = "2025-02-01"
) -> dict[str, Any]:
    return {"ps_organisation_id": ps_id, "person_category": category, "fte": "0.5", "contract_type": contract,
            "started_on": started_on}  # fmt: skip


def content(jobs: list[dict[str, Any]], new_entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    new_entities = new_entities or []
    return {
        "pes_supported_total": 1, "initiative_groups": 0,
        "new_pes_created": sum(1 for e in new_entities if e["entity"] == "pes"),
        "new_ps_created": sum(1 for e in new_entities if e["entity"] == "ps"),
        "new_jobs_total": len(jobs),
        "new_jobs_at_risk": sum(1 for j in jobs if j["person_category"] != "other"),
        "grants_total_pln": "0", "ps_applications_supported": 0, "procurement_cases": 0,
        "supported_pes": [{"kind": "association", "powiat_code": "0463", "count": 1}],
        "services": [{"standard": "local_animation", "sessions": 1, "hours": "2", "participants": 5}],
        "new_entities": new_entities, "jobs": jobs, "grants": [],
    }  # fmt: skip


@pytest.fixture
async def world(client: Any, staff: Any, caller_for: Any) -> dict[str, Any]:
    owes_a = await organisation(client, staff, "OWES Alfa", is_owes=True)
    owes_b = await organisation(client, staff, "OWES Beta", is_owes=True)
    return {
        "owes_a": owes_a,
        "ps": await organisation(client, staff, "Spółdzielnia Socjalna Chleb", kind="social_cooperative"),
        "ps2": await organisation(client, staff, "Spółdzielnia Socjalna Sól", kind="social_cooperative"),
        "a": await caller_for(Role.OWES, organisation_id=owes_a, name="owes-a"),
        "b": await caller_for(Role.OWES, organisation_id=owes_b, name="owes-b"),
    }


async def submit(client: Any, caller: Any, data: dict[str, Any], period: str = "2025-Q1") -> int:
    response = await client.post(
        "/api/v1/reports", json={"period": period, "data": data, "submit": True}, headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def accept(client: Any, staff: Any, report_id: int) -> Any:
    return await client.post(f"/api/v1/reports/{report_id}/accept", headers=staff.headers)


async def figures(client: Any, staff: Any, org_id: int) -> dict[int, dict[str, Any]]:
    response = await client.get(f"/api/v1/organisations/{org_id}/figures", headers=staff.headers)
    assert response.status_code == 200, response.text
    return {row["year"]: row for row in response.json()}


def counts(row: dict[str, Any]) -> tuple[int, int, int]:
    """The jobs created that year (what reports bring), not the people employed."""
    return row["jobs_created"], row["jobs_created_at_risk"], row["jobs_created_disabled"]


def test_contribution_counts_employment_contracts_per_ps_and_year():
    jobs = [job(5, "at_risk"), job(5, "disabled", "cooperative_employment"), job(5, "other", "civil_law")]
    data = {"jobs": [*jobs, job(6, "other", started_on="2024-12-01")]}
    made = {(c.organisation_id, c.year): c for c in register_feed.contributions(data)}
    assert set(made) == {(5, 2025), (6, 2024)}
    assert (made[(5, 2025)].jobs, *made[(5, 2025)].counts().values()) == (
        3,
        2,
        2,
        1,
    )  # civil law: no employee
    assert str(made[(5, 2025)].fte) == "1.5"
    assert register_feed.recorded({"figures": [c.plain() for c in made.values()]}) == list(made.values())


async def test_acceptance_writes_figures_visible_in_register_and_history(client, world, staff):
    ps = world["ps"]
    report_id = await submit(
        client, world["a"], content([job(ps, "at_risk"), job(ps, "disabled"), job(ps, "other")])
    )
    assert await figures(client, staff, ps) == {}  # nothing before acceptance
    accepted = await accept(client, staff, report_id)
    assert accepted.status_code == 200, accepted.text
    row = (await figures(client, staff, ps))[2025]
    assert counts(row) == (3, 2, 1)
    assert row["employees"] is None and row["source"] is None  # nobody said how many people it employs
    [entry] = accepted.json()["register_links"]["figures"]
    assert entry["organisation_id"] == ps and entry["organisation_name"] == "Spółdzielnia Socjalna Chleb"
    assert entry["outcome"] == "written" and entry["register"]["jobs_created"] == 3
    history = (await client.get(f"/api/v1/organisations/{ps}/history", headers=staff.headers)).json()
    by_action = {h["action"]: h for h in history}
    assert "figures.put" not in by_action  # the year figures are not touched
    source = by_action["jobs_created.put"]  # one audit record: the counts and why
    assert source["channel"] == "api" and source["changes"]["2025.jobs_created"] == [None, 3]
    assert f"sprawozdanie id {report_id}" in source["reason"] and "2025-Q1" in source["reason"]


async def test_reopen_correct_accept_never_double_counts(client, world, staff):
    ps, ps2 = world["ps"], world["ps2"]
    first = await submit(client, world["a"], content([job(ps, "at_risk"), job(ps, "other")]))
    other = await submit(client, world["b"], content([job(ps, "disabled")]))
    assert (await accept(client, staff, first)).status_code == 200
    assert (await accept(client, staff, other)).status_code == 200
    assert counts((await figures(client, staff, ps))[2025]) == (3, 2, 1)  # both reports add up

    reopened = await client.post(
        f"/api/v1/reports/{first}/reopen", json={"comment": "Zła spółdzielnia"}, headers=staff.headers
    )
    assert reopened.status_code == 200
    assert counts((await figures(client, staff, ps))[2025]) == (1, 1, 1)  # only the other report counts
    # The correction moves one job to another PS; accepted again, each job counts once.
    corrected = await client.post(
        f"/api/v1/reports/{first}/corrections",
        json={
            "data": content([job(ps, "at_risk"), job(ps2, "other")]),
            "comment": "Poprawione",
            "submit": True,
        },
        headers=world["a"].headers,
    )
    assert corrected.status_code == 201, corrected.text
    again = await accept(client, staff, first)
    assert again.status_code == 200, again.text
    assert counts((await figures(client, staff, ps))[2025]) == (2, 2, 1)
    assert counts((await figures(client, staff, ps2))[2025]) == (1, 0, 0)
    written = {(f["organisation_id"], f["outcome"]) for f in again.json()["register_links"]["figures"]}
    assert written == {(ps, "written"), (ps2, "written")}


async def test_jobs_created_never_replace_the_people_employed(client, world, staff):
    """A PS of 23 employees showed 2 after a report of 2 new jobs was accepted: two measures, apart."""
    ps = world["ps"]
    manual = await client.put(
        f"/api/v1/organisations/{ps}/figures/2025",
        json={"employees": 23, "employees_at_risk": 9, "revenue_pln": "100000.00"},
        headers=staff.headers,
    )
    assert manual.status_code == 200, manual.text
    report_id = await submit(client, world["a"], content([job(ps, "at_risk"), job(ps, "other")]))
    accepted = await accept(client, staff, report_id)
    assert accepted.status_code == 200, accepted.text
    row = (await figures(client, staff, ps))[2025]
    assert (row["employees"], row["employees_at_risk"], row["source"]) == (23, 9, "manual")
    assert counts(row) == (2, 1, 0)
    page = await client.get(f"/rejestr/{ps}", headers={**staff.headers, "Accept": "text/html"})
    assert page.status_code == 200
    assert "Nowe miejsca pracy (sprawozdania OWES)" in page.text and ">23<" in page.text
    status = await client.post(
        f"/api/v1/organisations/{ps}/statuses",
        json={"status_type": "ps", "goal": "reintegration", "decision_number": "PS.1",
              "decision_date": "2024-03-04", "granted_by": "Wojewoda Kujawsko-Pomorski"},
        headers=staff.headers,
    )  # fmt: skip
    assert status.status_code == 201, status.text

    async def value(code: str) -> Any:
        params = {"level": "voivodeship", "period": "2025"}
        answer = await client.get(f"/api/v1/indicators/{code}/values", params=params, headers=staff.headers)
        assert answer.status_code == 200, answer.text
        return {row["territory"]: row["value"] for row in answer.json()["values"]}.get("04")

    assert await value("jobs.ps.created") == 2 and await value("jobs.ps.created_at_risk") == 1
    assert await value("jobs.ps.total") == 23  # people employed: the year figures


async def test_figures_entered_by_a_person_are_never_overwritten(client, world, staff):
    ps = world["ps"]
    manual = await client.put(
        f"/api/v1/organisations/{ps}/figures/2025",
        json={"employees": 10, "employees_at_risk": 4, "revenue_pln": "100000.00"},
        headers=staff.headers,
    )
    assert manual.status_code == 200, manual.text
    report_id = await submit(client, world["a"], content([job(ps, "at_risk"), job(ps, "other")]))
    accepted = await accept(client, staff, report_id)
    assert accepted.status_code == 200, accepted.text
    row = (await figures(client, staff, ps))[2025]
    assert (row["employees"], row["employees_at_risk"], row["source"]) == (10, 4, "manual")
    assert Decimal(row["revenue_pln"]) == 100000 and counts(row) == (2, 1, 0)
    [entry] = accepted.json()["register_links"]["figures"]
    assert (
        entry["outcome"] == "written"
        and entry["jobs_created"] == 2
        and entry["register"]["jobs_created"] == 2
    )


async def test_invalid_organisation_leaves_report_unaccepted_and_nothing_written(client, world, staff):
    from ses.reporting.tables import ReportVersion

    ps, ps2 = world["ps"], world["ps2"]
    report_id = await submit(client, world["a"], content([job(ps, "other"), job(ps2, "other")]))
    # ps2 is retired between submission and acceptance.
    record = await client.get(f"/api/v1/organisations/{ps2}", headers=staff.headers)
    retired = await client.post(
        f"/api/v1/organisations/{ps2}/retire",
        json={"reason": "Duplikat"},
        headers={**staff.headers, "If-Match": record.headers["etag"]},
    )
    assert retired.status_code == 200, retired.text
    refused = await accept(client, staff, report_id)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "data.jobs.1.ps_organisation_id"
    # An id that is not in the register at all (stored content no longer matching the register).
    data = content([job(ps, "other"), job(999_999, "other")])
    await ReportVersion.update({ReportVersion.data: __import__("json").dumps(data)}).where(
        ReportVersion.report == report_id
    )
    unknown = await accept(client, staff, report_id)
    assert unknown.status_code == 422 and "999999" in unknown.json()["errors"][0]["message"]
    report = (await client.get(f"/api/v1/reports/{report_id}", headers=staff.headers)).json()
    assert report["state"] == "submitted" and report["register_links"] == {}
    assert await figures(client, staff, ps) == {}
    history = (await client.get(f"/api/v1/organisations/{ps}/history", headers=staff.headers)).json()
    assert not [h for h in history if h["action"].startswith("figures.")]


async def test_new_ps_is_added_to_register_and_linked(client, world, staff):
    new_ps = {"entity": "ps", "name": "Spółdzielnia Socjalna Nowa", "kind": "social_cooperative",
              "gmina_code": TORUN, "nip": NEW_PS_NIP, "created_on": "2025-02-10"}  # fmt: skip
    report_id = await submit(client, world["a"], content([], [new_ps]))
    accepted = await accept(client, staff, report_id)
    assert accepted.status_code == 200, accepted.text
    found = (await client.get(f"/api/v1/organisations?nip={NEW_PS_NIP}", headers=staff.headers)).json()
    assert found["total"] == 1
    links = accepted.json()["register_links"]
    assert links["new_entities"] == {"0": found["items"][0]["id"]} and links["new_ps"] == [
        found["items"][0]["id"]
    ]


async def test_acceptance_hooks_get_the_typed_payload_of_every_installed_package(app_tx, monkeypatch):
    from ses import extensions

    actor = Actor.system("tests")
    seen = []

    async def hook(report, hook_actor):
        seen.append(
            (report.report_id, report.owes_id, [e.kind.value for e in report.cooperation], hook_actor)
        )
        return {"seen": report.report_id}

    monkeypatch.setattr(extensions, "_installed", (extensions.Extension("test", report_accepted=(hook,)),))
    data = {"cooperation_events": [{"partner_organisation_id": 5, "event_type": "meeting"}], "jobs": []}
    assert await review.acceptance_hooks({"id": 7, "owes_id": 3}, data, actor) == {"seen": 7}
    assert seen == [(7, 3, ["meeting"], actor)]
    monkeypatch.setattr(extensions, "_installed", (extensions.Extension("bare"),))
    assert await review.acceptance_hooks({"id": 1, "owes_id": 3}, {}, actor) == {}
