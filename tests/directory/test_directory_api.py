"""Maintaining services through /api/v1/services, as ROPS staff and organisations' clients do."""

from __future__ import annotations

from typing import Any

import pytest

from ses.auth.policy import Role
from tests.directory.conftest import LUBICZ, TORUN, service_body

pytestmark = pytest.mark.anyio


async def _count(client: Any, staff: Any) -> int:
    return (await client.get("/api/v1/services", headers=staff.headers)).json()["total"]


async def test_staff_create_read_replace_confirm_delete(client, staff, make_org):
    org = await make_org()
    created = await client.post("/api/v1/services", json=service_body(org["id"]), headers=staff.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["etag"] == f'"service-{body["id"]}-v1"'
    assert body["category"] == "uslugi_opiekuncze" and body["languages"] == ["pl", "uk"]
    assert body["locations"][0]["gmina_code"] == TORUN and body["area_codes"] == [TORUN]
    assert body["confirmed_by"].startswith("staff") and not body["confirmation_overdue"]

    changed = service_body(org["id"], name="Usługi opiekuńcze i sąsiedzkie", area_codes=["0463", LUBICZ])
    no_match = await client.put(f"/api/v1/services/{body['id']}", json=changed, headers=staff.headers)
    assert no_match.status_code == 428
    stale = await client.put(
        f"/api/v1/services/{body['id']}",
        json=changed,
        headers={**staff.headers, "If-Match": '"service-1-v9"'},
    )
    assert stale.status_code == 412
    replaced = await client.put(
        f"/api/v1/services/{body['id']}",
        json=changed,
        headers={**staff.headers, "If-Match": created.headers["etag"]},
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["name"] == "Usługi opiekuńcze i sąsiedzkie"
    assert replaced.json()["area_codes"] == ["0463", LUBICZ] and replaced.json()["version"] == 2

    confirmed = await client.post(
        f"/api/v1/services/{body['id']}/confirm",
        headers={**staff.headers, "If-Match": replaced.headers["etag"]},
    )
    assert confirmed.status_code == 200 and confirmed.json()["version"] == 3
    gone = await client.delete(
        f"/api/v1/services/{body['id']}", headers={**staff.headers, "If-Match": confirmed.headers["etag"]}
    )
    assert gone.status_code == 204
    assert (await client.get(f"/api/v1/services/{body['id']}", headers=staff.headers)).status_code == 404


async def test_an_organisation_edits_only_its_own_services(client, staff, make_org, caller_for):
    own, other = await make_org(is_owes=True), await make_org()
    owes = await caller_for(Role.OWES, organisation_id=own["id"], name="owes-wlasne")
    mine = await client.post("/api/v1/services", json=service_body(own["id"]), headers=owes.headers)
    assert mine.status_code == 201, mine.text
    theirs = await client.post("/api/v1/services", json=service_body(other["id"]), headers=staff.headers)
    theirs_id = theirs.json()["id"]

    assert (await client.get(f"/api/v1/services/{theirs_id}", headers=owes.headers)).status_code == 404
    put = await client.put(
        f"/api/v1/services/{theirs_id}",
        json=service_body(own["id"]),
        headers={**owes.headers, "If-Match": theirs.headers["etag"]},
    )
    assert put.status_code == 404
    created_for_other = await client.post(
        "/api/v1/services", json=service_body(other["id"]), headers=owes.headers
    )
    assert created_for_other.status_code == 404
    listing = (await client.get("/api/v1/services", headers=owes.headers)).json()
    assert [item["id"] for item in listing["items"]] == [mine.json()["id"]]
    assert (await client.get(f"/api/v1/services/{theirs_id}", headers=staff.headers)).json()["name"]


async def test_a_retried_post_never_duplicates(client, staff, make_org):
    org = await make_org()
    headers = {**staff.headers, "Idempotency-Key": "abc-123"}
    first = await client.post("/api/v1/services", json=service_body(org["id"]), headers=headers)
    again = await client.post("/api/v1/services", json=service_body(org["id"]), headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert await _count(client, staff) == 1
    other_body = await client.post(
        "/api/v1/services", json=service_body(org["id"], name="Coś innego"), headers=headers
    )
    assert other_body.status_code == 409
    assert await _count(client, staff) == 1


async def test_bad_input_is_named_field_by_field_and_nothing_is_stored(client, staff, make_org):
    org = await make_org()
    location = {**service_body(org["id"])["locations"][0], "gmina_code": "0499999", "latitude": 60.0}
    body = service_body(
        org["id"],
        category="nie_ma",
        target_groups=["seniorzy", "kosmici"],
        languages=["pl", "xx"],
        locations=[location],
        area_codes=["12"],
        url="javascript:alert(1)",
    )
    response = await client.post("/api/v1/services", json=body, headers=staff.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {
        "category",
        "target_groups.1",
        "languages.1",
        "locations.0.gmina_code",
        "locations.0.latitude",
        "url",
    }
    assert await _count(client, staff) == 0
    missing = await client.post("/api/v1/services", json={"name": "x"}, headers=staff.headers)
    assert missing.status_code == 422  # the body does not match the schema (as everywhere in SES)
    unknown_org = await client.post("/api/v1/services", json=service_body(987654), headers=staff.headers)
    assert unknown_org.status_code == 422
    assert await _count(client, staff) == 0


async def test_reviewer_reads_but_does_not_write_and_public_is_refused(client, reviewer, staff, make_org):
    org = await make_org()
    await client.post("/api/v1/services", json=service_body(org["id"]), headers=staff.headers)
    assert (await client.get("/api/v1/services", headers=reviewer.headers)).status_code == 200
    assert (
        await client.post("/api/v1/services", json=service_body(org["id"]), headers=reviewer.headers)
    ).status_code == 403
    assert (await client.get("/api/v1/services")).status_code == 401


async def test_staff_extend_the_taxonomy(client, staff, make_org, caller_for):
    term = {
        "taxonomy": "category",
        "code": "teleopieka",
        "parent_code": "uslugi_opiekuncze",
        "name_pl": "Teleopieka",
        "name_en": "Telecare",
        "name_uk": "Телеопіка",
    }
    added = await client.post("/api/v1/services/taxonomy_terms", json=term, headers=staff.headers)
    assert added.status_code == 201, added.text
    again = await client.post("/api/v1/services/taxonomy_terms", json=term, headers=staff.headers)
    assert again.status_code == 422
    org = await make_org(is_owes=True)
    created = await client.post(
        "/api/v1/services", json=service_body(org["id"], category="teleopieka"), headers=staff.headers
    )
    assert created.status_code == 201
    owes = await caller_for(Role.OWES, organisation_id=org["id"], name="owes-term")
    refused = await client.post(
        "/api/v1/services/taxonomy_terms", json={**term, "code": "x2"}, headers=owes.headers
    )
    assert refused.status_code == 403
    terms = (await client.get("/hsds/taxonomy_terms", params={"search": "teleopieka"})).json()
    assert [t["name"] for t in terms["contents"]] == ["Teleopieka"]


async def test_unconfirmed_entries_age_and_the_reminder_asks_once(client, staff, make_org):
    from datetime import UTC, datetime, timedelta

    from ses.audit.tables import AuditRecord
    from ses.directory.jobs import remind_unconfirmed
    from ses.directory.tables import Service

    org = await make_org(email="biuro@fundacja.example")
    created = (
        await client.post("/api/v1/services", json=service_body(org["id"]), headers=staff.headers)
    ).json()
    await Service.update({Service.confirmed_at: datetime.now(UTC) - timedelta(days=200)}).where(
        Service.id == created["id"]
    )
    overdue = await client.get("/api/v1/services?confirmation_overdue=true", headers=staff.headers)
    assert [item["id"] for item in overdue.json()["items"]] == [created["id"]]
    assert overdue.json()["items"][0]["confirmation_overdue"] is True
    assert await remind_unconfirmed() == {"organisations": 1, "services": 1}
    assert await remind_unconfirmed() == {"organisations": 0, "services": 0}  # asked once a month at most
    asked = await AuditRecord.select(AuditRecord.entity_id).where(
        AuditRecord.action == "directory.confirmation_requested"
    )
    assert [row["entity_id"] for row in asked] == [org["id"]]
    # the organisation itself is asked: a message to its e-mail waits in the outbox (sent with SMTP)
    from ses.jobs.tables import OutboxMessage

    messages = await OutboxMessage.select().where(OutboxMessage.kind == "directory_confirmation")
    assert len(messages) == 1 and "biuro@fundacja.example" in messages[0]["recipients"]
    assert org["name"] in messages[0]["subject"]
    assert created["name"] in messages[0]["body"] and "/api/v1/services/{id}/confirm" in messages[0]["body"]
    page = await client.get("/uslugi", params={"gmina": TORUN})
    assert "niepotwierdzone od ponad 6 miesięcy" in page.text
