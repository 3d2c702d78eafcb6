"""OWES reports through the HTTP API: as an OWES system, ROPS staff and a reviewer use it."""

from __future__ import annotations

from typing import Any

import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio

TORUN = "0463011"
PERIOD = "2025-Q1"
NEW_PES_NIP = "5260250274"


async def organisation(client: Any, staff: Any, **body: Any) -> dict[str, Any]:
    payload = {"name": "Stowarzyszenie OWES Toruń", "kind": "association", "gmina_code": TORUN, **body}
    response = await client.post("/api/v1/organisations", json=payload, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def world(client: Any, staff: Any, caller_for: Any) -> dict[str, Any]:
    owes_a = await organisation(client, staff, name="OWES Alfa", is_owes=True)
    owes_b = await organisation(client, staff, name="OWES Beta", is_owes=True)
    ps = await organisation(client, staff, name="Spółdzielnia Socjalna Chleb", kind="social_cooperative")
    return {
        "owes_a": owes_a,
        "owes_b": owes_b,
        "ps": ps,
        "a": await caller_for(Role.OWES, organisation_id=owes_a["id"], name="owes-a"),
        "b": await caller_for(Role.OWES, organisation_id=owes_b["id"], name="owes-b"),
    }


def content(ps_id: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "pes_supported_total": 5,
        "initiative_groups": 2,
        "new_pes_created": 1,
        "new_ps_created": 0,
        "new_jobs_total": 2,
        "new_jobs_at_risk": 1,
        "grants_total_pln": "30000.00",
        "ps_applications_supported": 1,
        "procurement_cases": 0,
        "supported_pes": [
            {"kind": "association", "powiat_code": "0463", "count": 3},
            {"kind": "social_cooperative", "powiat_code": "0463", "count": 2},
        ],
        "services": [{"standard": "local_animation", "sessions": 4, "hours": "12.5", "participants": 40}],
        "new_entities": [
            {
                "entity": "pes",
                "name": "Spółdzielnia Socjalna Nowa Droga",
                "kind": "social_cooperative",
                "gmina_code": TORUN,
                "nip": NEW_PES_NIP,
                "created_on": "2025-02-10",
            },
        ],
        "jobs": [
            {
                "ps_organisation_id": ps_id,
                "person_category": "at_risk",
                "fte": "1",
                "contract_type": "employment",
                "started_on": "2025-02-01",
            },
            {
                "ps_organisation_id": ps_id,
                "person_category": "other",
                "fte": "0.5",
                "contract_type": "employment",
                "started_on": "2025-03-01",
            },
        ],
        "grants": [{"recipient_organisation_id": ps_id, "amount_pln": "30000.00", "purpose": "new_jobs"}],
    }
    data.update(overrides)
    return data


async def submit_new(client: Any, caller: Any, ps_id: int, period: str = PERIOD, **extra: Any) -> Any:
    body = {"period": period, "data": content(ps_id), "submit": True, **extra}
    return await client.post("/api/v1/reports", json=body, headers=caller.headers)


async def test_owes_submits_valid_report_in_one_call_and_it_is_marked_late(client, world):
    response = await submit_new(client, world["a"], world["ps"]["id"])
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["state"] == "submitted"
    assert report["owes_id"] == world["owes_a"]["id"]
    assert report["definition_code"] == "owes-quarterly" and report["definition_version"] == 1
    assert report["deadline"] == "2025-04-30" and report["late"] is True
    assert report["data"]["grants_total_pln"] == "30000.00"
    assert response.headers["etag"] == f'"report-{report["id"]}-v1"'
    assert report["allowed_actions"] == []
    again = await client.get(f"/api/v1/reports/{report['id']}", headers=world["a"].headers)
    assert again.json() == report


async def test_every_problem_is_listed_with_its_path_and_nothing_is_stored(client, world, staff):
    data = content(world["ps"]["id"], new_jobs_total=-1, unknown_field=3, initiative_groups="dwa")
    data["jobs"][1]["fte"] = "1.5"
    data["jobs"][0]["started_on"] = "2024-12-31"
    data["supported_pes"][1]["powiat_code"] = "463"
    response = await client.post(
        "/api/v1/reports", json={"period": PERIOD, "data": data, "submit": True}, headers=world["a"].headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "mniejsza niż 0" in errors["data.new_jobs_total"]
    assert "Nieznane pole" in errors["data.unknown_field"]
    assert "liczby całkowitej" in errors["data.initiative_groups"]
    assert "większa niż 1" in errors["data.jobs.1.fte"]
    assert "poza okresem" in errors["data.jobs.0.started_on"]
    assert "data.supported_pes.1.powiat_code" in errors
    listing = await client.get("/api/v1/reports", headers=staff.headers)
    assert listing.json()["total"] == 0


async def test_cross_field_rules_name_the_field_and_the_numbers(client, world):
    data = content(world["ps"]["id"], new_jobs_at_risk=3, pes_supported_total=4)
    response = await client.post(
        "/api/v1/reports", json={"period": PERIOD, "data": data, "submit": True}, headers=world["a"].headers
    )
    assert response.status_code == 422
    errors: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        errors.setdefault(error["field"], []).append(error["message"])
    assert any("(3 ≤ 2 nie jest prawdą)" in m for m in errors["data.new_jobs_at_risk"])
    assert any("(3 = 1 nie jest prawdą)" in m for m in errors["data.new_jobs_at_risk"])
    assert errors["data.pes_supported_total"] == [
        "Suma PES w podziale na rodzaje i powiaty musi być równa liczbie PES objętych wsparciem. "
        "(4 = 5 nie jest prawdą)"
    ]


async def test_unknown_register_ids_and_bad_nip_are_refused(client, world):
    data = content(world["ps"]["id"])
    data["jobs"][0]["ps_organisation_id"] = 999_999
    data["new_entities"][0]["nip"] = "5260250275"
    response = await client.post(
        "/api/v1/reports", json={"period": PERIOD, "data": data, "submit": True}, headers=world["a"].headers
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "cyfrę kontrolną" in errors["data.new_entities.0.nip"]
    assert "999999" in errors["data.jobs.0.ps_organisation_id"]


async def test_future_and_running_periods_are_refused(client, world):
    future = await submit_new(client, world["a"], world["ps"]["id"], period="2099-Q1")
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "period"
    bad = await submit_new(client, world["a"], world["ps"]["id"], period="2025-5")
    assert bad.status_code == 422 and "RRRR-QN" in bad.json()["errors"][0]["message"]


async def test_second_report_for_same_period_is_a_conflict(client, world):
    assert (await submit_new(client, world["a"], world["ps"]["id"])).status_code == 201
    again = await submit_new(client, world["a"], world["ps"]["id"])
    assert again.status_code == 409
    assert "korektę" in again.json()["detail"]


async def test_idempotency_key_returns_first_answer_and_creates_one_report(client, world, staff):
    headers = {**world["a"].headers, "Idempotency-Key": "abc-123"}
    body = {"period": PERIOD, "data": content(world["ps"]["id"]), "submit": True}
    first = await client.post("/api/v1/reports", json=body, headers=headers)
    second = await client.post("/api/v1/reports", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    listing = await client.get("/api/v1/reports", headers=staff.headers)
    assert listing.json()["total"] == 1
    other = await client.post("/api/v1/reports", json={**body, "period": "2025-Q2"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_owes_cannot_see_or_send_for_another_owes(client, world):
    created = (await submit_new(client, world["a"], world["ps"]["id"])).json()
    assert (
        await client.get(f"/api/v1/reports/{created['id']}", headers=world["b"].headers)
    ).status_code == 404
    assert (
        await client.post(f"/api/v1/reports/{created['id']}/submit", headers=world["b"].headers)
    ).status_code == 404
    listing = await client.get("/api/v1/reports", headers=world["b"].headers)
    assert listing.json()["total"] == 0
    foreign = await submit_new(client, world["b"], world["ps"]["id"], owes_id=world["owes_a"]["id"])
    assert foreign.status_code == 403
    assert "własny OWES" in foreign.json()["detail"]


async def test_committee_and_anonymous_have_no_access(client, world, committee):
    assert (await client.get("/api/v1/reports", headers=committee.headers)).status_code == 403
    assert (await client.get("/api/v1/reports")).status_code == 401
    assert (await client.get("/api/v1/reports/follow-up", headers=world["a"].headers)).status_code == 403


async def test_lifecycle_return_correct_resubmit_accept_and_versions(client, world, staff):
    ps_id = world["ps"]["id"]
    draft = await client.post(
        "/api/v1/reports",
        json={"period": PERIOD, "data": {"initiative_groups": 1}},
        headers=world["a"].headers,
    )
    assert draft.status_code == 201 and draft.json()["state"] == "draft"
    report_id = draft.json()["id"]
    # Submitting an incomplete draft lists what is missing.
    incomplete = await client.post(f"/api/v1/reports/{report_id}/submit", headers=world["a"].headers)
    assert incomplete.status_code == 422
    assert "data.pes_supported_total" in {e["field"] for e in incomplete.json()["errors"]}
    # Editing needs If-Match.
    url = f"/api/v1/reports/{report_id}/data"
    assert (
        await client.put(url, json={"data": content(ps_id)}, headers=world["a"].headers)
    ).status_code == 428
    edited = await client.put(
        url, json={"data": content(ps_id)}, headers={**world["a"].headers, "If-Match": draft.headers["etag"]}
    )
    assert edited.status_code == 200, edited.text
    stale = await client.put(
        url, json={"data": content(ps_id)}, headers={**world["a"].headers, "If-Match": draft.headers["etag"]}
    )
    assert stale.status_code == 412
    # Staff cannot accept a draft: invalid transition.
    early = await client.post(f"/api/v1/reports/{report_id}/accept", headers=staff.headers)
    assert early.status_code == 409 and early.json()["type"] == "/problems/invalid-transition"
    assert (
        await client.post(f"/api/v1/reports/{report_id}/submit", headers=world["a"].headers)
    ).status_code == 200
    # OWES cannot accept its own report.
    assert (
        await client.post(f"/api/v1/reports/{report_id}/accept", headers=world["a"].headers)
    ).status_code == 403
    no_reason = await client.post(f"/api/v1/reports/{report_id}/return", json={}, headers=staff.headers)
    assert no_reason.status_code == 422
    returned = await client.post(
        f"/api/v1/reports/{report_id}/return", json={"comment": "Popraw liczbę grup."}, headers=staff.headers
    )
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    # A correction made against a version of the report that is no longer current: 412, nothing kept.
    stale_correction = await client.post(
        f"/api/v1/reports/{report_id}/corrections",
        json={"data": content(ps_id, initiative_groups=3), "comment": "Poprawione", "submit": True},
        headers={**world["a"].headers, "If-Match": draft.headers["etag"]},
    )
    assert stale_correction.status_code == 412
    corrected = await client.post(
        f"/api/v1/reports/{report_id}/corrections",
        json={"data": content(ps_id, initiative_groups=3), "comment": "Poprawione", "submit": True},
        headers={**world["a"].headers, "If-Match": returned.headers["etag"]},
    )
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["state"] == "submitted" and corrected.json()["current_version"] == 2
    diff = await client.get(
        f"/api/v1/reports/{report_id}/diff?from_version=1&to_version=2", headers=world["a"].headers
    )
    assert {"path": "initiative_groups", "before": 2, "after": 3} in diff.json()["changes"]
    accepted = await client.post(f"/api/v1/reports/{report_id}/accept", headers=staff.headers)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    locked = await client.put(
        url,
        json={"data": content(ps_id)},
        headers={**world["a"].headers, "If-Match": accepted.headers["etag"]},
    )
    assert locked.status_code == 409
    events = (await client.get(f"/api/v1/reports/{report_id}/events", headers=staff.headers)).json()
    assert [e["action"] for e in events] == ["create", "submit", "return", "correct", "submit", "accept"]
    assert events[2]["comment"] == "Popraw liczbę grup."
    versions = (await client.get(f"/api/v1/reports/{report_id}/versions", headers=staff.headers)).json()
    assert [v["number"] for v in versions] == [1, 2]
    reopened = await client.post(
        f"/api/v1/reports/{report_id}/reopen", json={"comment": "Błąd w dotacjach"}, headers=staff.headers
    )
    assert reopened.status_code == 200 and reopened.json()["state"] == "returned"


async def test_acceptance_adds_new_pes_to_register_through_audited_service(client, world, staff):
    report = (await submit_new(client, world["a"], world["ps"]["id"])).json()
    before = await client.get(f"/api/v1/organisations?nip={NEW_PES_NIP}", headers=staff.headers)
    assert before.json()["total"] == 0
    accepted = await client.post(f"/api/v1/reports/{report['id']}/accept", headers=staff.headers)
    assert accepted.status_code == 200
    found = (await client.get(f"/api/v1/organisations?nip={NEW_PES_NIP}", headers=staff.headers)).json()
    assert found["total"] == 1
    new_id = found["items"][0]["id"]
    links = accepted.json()["register_links"]
    assert links["new_entities"] == {"0": new_id}
    assert [(f["organisation_id"], f["outcome"]) for f in links["figures"]] == [
        (world["ps"]["id"], "written")
    ]
    history = (await client.get(f"/api/v1/organisations/{new_id}/history", headers=staff.headers)).json()
    assert history[0]["action"] == "organisation.create"


async def test_follow_up_counts_received_late_missing_and_returned(client, world, staff):
    ps_id = world["ps"]["id"]
    first = (await submit_new(client, world["a"], ps_id)).json()
    await client.post(
        f"/api/v1/reports/{first['id']}/return", json={"comment": "Uzupełnij"}, headers=staff.headers
    )
    response = await client.get("/api/v1/reports/follow-up?periods=2025-Q1,2025-Q2", headers=staff.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    q1 = next(p for p in body["periods"] if p["period"] == "2025-Q1")
    owes_rows = {row["owes_id"]: row for row in body["owes"]}
    assert owes_rows[world["owes_a"]["id"]]["received"] == 1
    assert owes_rows[world["owes_a"]["id"]]["late"] == 1
    assert owes_rows[world["owes_a"]["id"]]["returned"] == 1
    assert owes_rows[world["owes_a"]["id"]]["missing"] == 1
    assert owes_rows[world["owes_b"]["id"]]["missing"] == 2
    assert owes_rows[world["owes_b"]["id"]]["completeness"] == 0
    assert q1["late"] >= 1 and q1["timeliness"] is not None
    overdue = (
        await client.get("/api/v1/reports/overdue?periods=2025-Q1,2025-Q2", headers=staff.headers)
    ).json()
    pairs = {(row["owes_id"], row["period"]) for row in overdue["items"]}
    assert (world["owes_b"]["id"], "2025-Q1") in pairs and (world["owes_a"]["id"], "2025-Q1") not in pairs


async def test_submission_writes_version_events_audit_and_key_answer_together(client, world, staff):
    from ses.audit.tables import AuditRecord
    from ses.idempotency.tables import IdempotencyKey
    from ses.reporting.tables import ReportVersion

    headers = {**world["a"].headers, "Idempotency-Key": "together-1"}
    body = {"period": PERIOD, "data": content(world["ps"]["id"]), "submit": True, "comment": "Pierwsza"}
    created = await client.post("/api/v1/reports", json=body, headers=headers)
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["state"] == "submitted" and report["late"] is True and report["owes_name"] == "OWES Alfa"
    assert created.headers["etag"] == f'"report-{report["id"]}-v1"'
    read = await client.get(f"/api/v1/reports/{report['id']}", headers=world["a"].headers)
    assert read.json() == report
    events = (await client.get(f"/api/v1/reports/{report['id']}/events", headers=staff.headers)).json()
    assert [(e["action"], e["from_state"], e["to_state"], e["comment"]) for e in events] == [
        ("create", None, "draft", "Pierwsza"),
        ("submit", "draft", "submitted", None),
    ]
    versions = await ReportVersion.select(ReportVersion.number, ReportVersion.comment).where(
        ReportVersion.report == report["id"]
    )
    assert versions == [{"number": 1, "comment": "Pierwsza"}]
    audit = await AuditRecord.select(AuditRecord.action, AuditRecord.actor).where(
        (AuditRecord.entity_type == "report") & (AuditRecord.entity_id == report["id"])
    )
    assert audit == [{"action": "report.submit", "actor": audit[0]["actor"]}] and audit[0]["actor"]
    key = await IdempotencyKey.select(IdempotencyKey.status_code, IdempotencyKey.resource_id).where(
        IdempotencyKey.key == "together-1"
    )
    assert key == [{"status_code": 201, "resource_id": report["id"]}]

    # The same report again under a new key: refused, and neither the key nor any row is left.
    again = await client.post(
        "/api/v1/reports", json=body, headers={**world["a"].headers, "Idempotency-Key": "together-2"}
    )
    assert again.status_code == 409
    assert not await IdempotencyKey.exists().where(IdempotencyKey.key == "together-2")
    assert await ReportVersion.count() == 1
    assert await AuditRecord.count().where(AuditRecord.entity_type == "report") == 1


async def test_an_acceptance_that_writes_the_register_makes_its_list_pages_stale(client, world, staff):
    """The register's list cache learns of register writes made by reporting (the new PES and the
    PS's year figures of an acceptance), not only of writes through the register's own API. On
    PostgreSQL the list otherwise kept its old stamp for up to `STAMP_RECHECK_S`."""
    import time

    from ses.register import stamp

    report = (await submit_new(client, world["a"], world["ps"]["id"])).json()
    stamp.STAMP._fresh(time.monotonic())  # everything announced so far is seen
    seen = stamp.STAMP.generation
    accepted = await client.post(f"/api/v1/reports/{report['id']}/accept", headers=staff.headers)
    assert accepted.status_code == 200, accepted.text
    stamp.STAMP._fresh(time.monotonic())
    assert stamp.STAMP.generation > seen  # the next list request reads the register afresh
    found = await client.get(f"/api/v1/organisations?nip={NEW_PES_NIP}", headers=staff.headers)
    assert found.json()["total"] == 1
