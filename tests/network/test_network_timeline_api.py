"""Yearly timeline, lists of bridges and articulation points, idempotent survey answers, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio

BUKOWIEC = "0414012"
DRAGACZ = "0414022"
BASE = "/api/v1/network"


async def tie(client: Any, staff: Any, a: int, b: int, **extra: Any) -> dict[str, Any]:
    body = {"source_id": a, "target_id": b, "relation_type": "cooperates", **extra}
    response = await client.post(f"{BASE}/relations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_yearly_timeline_shows_growth_and_ended_ties(client, staff, committee, caller_for, org):
    ids = [await org(f"Stowarzyszenie L{i}", gmina=DRAGACZ) for i in range(5)]
    await tie(client, staff, ids[0], ids[1], valid_from="2024-02-01")
    await tie(client, staff, ids[1], ids[2], valid_from="2025-03-01", valid_to="2025-11-30")
    await tie(client, staff, ids[2], ids[3], valid_from="2025-05-01")
    await tie(client, staff, ids[3], ids[4], valid_from="2026-01-10")
    params = {"from_date": "2023-12-31", "to_date": "2026-06-30", "territory": "041402"}
    response = await client.get(f"{BASE}/timeline", params=params, headers=committee.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cached"] is False
    points = body["points"]
    assert [p["on"] for p in points] == ["2023-12-31", "2024-12-31", "2025-12-31", "2026-06-30"]
    assert [p["ties"] for p in points] == [0, 1, 2, 3]
    assert [p["new_ties"] for p in points] == [None, 1, 1, 1]  # pairs tied at one point, not the other
    assert [p["ended_ties"] for p in points] == [None, 0, 0, 0]
    assert [p["started"] for p in points] == [None, 1, 2, 1]  # also the tie of 2025 that ended in 2025
    assert [p["ended"] for p in points] == [None, 0, 1, 0]
    assert points[-1]["organisations"] == 5 and points[-1]["components"]["count"] == 2
    assert points[-1]["density"] == pytest.approx(3 / 10)
    again = await client.get(f"{BASE}/timeline", params=params, headers=committee.headers)
    assert again.json()["cached"] is True and again.json()["points"] == points
    default = await client.get(f"{BASE}/timeline", params={"territory": "041402"}, headers=committee.headers)
    assert default.status_code == 200 and len(default.json()["points"]) == 4
    backwards = await client.get(
        f"{BASE}/timeline",
        params={"from_date": "2026-01-01", "to_date": "2025-01-01"},
        headers=committee.headers,
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to_date"
    owes_org = await org("OWES Linia", is_owes=True)
    owes = await caller_for(Role.OWES, organisation_id=owes_org, name="owes-line")
    assert (await client.get(f"{BASE}/timeline", headers=owes.headers)).status_code == 403


async def test_bridges_and_articulation_points_are_listed_with_names(client, staff, reviewer, org):
    # Triangle 0-1-2, a bridge 2-3 to the path 3-4 (3 is a cut point too).
    ids = [await org(f"Fundacja M{i}", "foundation", gmina=DRAGACZ) for i in range(5)]
    for a, b in [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4)]:
        await tie(client, staff, ids[a], ids[b])
    params = {"territory": "041402"}
    points = await client.get(f"{BASE}/articulation-points", params=params, headers=reviewer.headers)
    assert points.status_code == 200, points.text
    body = points.json()
    assert body["total"] == 2
    assert [(p["id"], p["cut_off"]) for p in body["items"]] == [(ids[2], 2), (ids[3], 1)]
    assert body["items"][0]["name"] == "Fundacja M2"
    bridges = await client.get(f"{BASE}/bridges", params={**params, "page_size": 1}, headers=reviewer.headers)
    assert bridges.status_code == 200, bridges.text
    page = bridges.json()
    assert page["total"] == 2 and page["page_size"] == 1
    first = page["items"][0]
    assert (first["source_id"], first["target_id"], first["cut_off"]) == (ids[2], ids[3], 2)
    assert (first["source_name"], first["target_name"]) == ("Fundacja M2", "Fundacja M3")
    second = await client.get(
        f"{BASE}/bridges", params={**params, "page_size": 1, "page": 2}, headers=reviewer.headers
    )
    assert [(b["source_id"], b["target_id"], b["cut_off"]) for b in second.json()["items"]] == [
        (ids[3], ids[4], 1)
    ]
    nodes = await client.get(
        f"{BASE}/metrics/nodes", params={**params, "sort": "cut_off"}, headers=reviewer.headers
    )
    assert nodes.json()["items"][0]["id"] == ids[2]


async def test_survey_answer_with_idempotency_key_is_recorded_once(client, staff, caller_for, org):
    owes_org = await org("OWES Idem", is_owes=True)
    partner = await org("Spółdzielnia Idem", "social_cooperative")
    other = await org("Fundacja Idem", "foundation")
    created = await client.post(
        f"{BASE}/surveys",
        json={"name": "Badanie 2026", "opened_on": "2026-01-10", "invited_ids": [owes_org]},
        headers=staff.headers,
    )
    sid = created.json()["id"]
    owes = await caller_for(Role.OWES, organisation_id=owes_org, name="owes-idem")
    body = {
        "respondent_id": owes_org,
        "partners": [{"partner_id": partner, "trust": [4, 4, 3], "value": [3, 3, 3]}],
    }
    headers = {**owes.headers, "Idempotency-Key": "answer-2026-1"}
    first = await client.post(f"{BASE}/surveys/{sid}/responses", json=body, headers=headers)
    assert first.status_code == 201, first.text
    retry = await client.post(f"{BASE}/surveys/{sid}/responses", json=body, headers=headers)
    assert retry.status_code == 201 and retry.json() == first.json()
    assert retry.headers.get("idempotent-replayed") == "true"
    survey = (await client.get(f"{BASE}/surveys/{sid}", headers=staff.headers)).json()
    assert survey["responded"] == 1
    ties = (await client.get(f"{BASE}/relations", params={"origin": "survey"}, headers=staff.headers)).json()
    assert ties["total"] == 1
    changed = {**body, "partners": [{"partner_id": other, "trust": [1, 1, 1], "value": [1, 1, 1]}]}
    reused = await client.post(f"{BASE}/surveys/{sid}/responses", json=changed, headers=headers)
    assert reused.status_code == 422 and reused.headers["content-type"].startswith("application/problem+json")
    assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
    # Without a key a second answer is a conflict, as before.
    plain = await client.post(f"{BASE}/surveys/{sid}/responses", json=body, headers=owes.headers)
    assert plain.status_code == 409
    # A refused answer does not use the key up: fixed and sent again with it, it is taken.
    closed = await client.post(
        f"{BASE}/surveys",
        json={"name": "Badanie B", "opened_on": "2026-01-10", "invited_ids": [owes_org]},
        headers=staff.headers,
    )
    sid2 = closed.json()["id"]
    key2 = {**owes.headers, "Idempotency-Key": "answer-b"}
    wrong = {
        "respondent_id": owes_org,
        "partners": [{"partner_id": partner, "trust": [9, 4, 3], "value": [3, 3, 3]}],
    }
    for _ in range(2):
        refused = await client.post(f"{BASE}/surveys/{sid2}/responses", json=wrong, headers=key2)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "partners.0.trust.0"
    fixed = {**wrong, "partners": [{"partner_id": partner, "trust": [4, 4, 3], "value": [3, 3, 3]}]}
    assert (
        await client.post(f"{BASE}/surveys/{sid2}/responses", json=fixed, headers=key2)
    ).status_code == 201


async def test_more_bad_input_is_refused_with_specific_messages(client, staff, org):
    a = await org("Stowarzyszenie Z1")
    b = await org("Stowarzyszenie Z2")
    created = await tie(client, staff, a, b, valid_from="2025-01-01")
    later = await client.patch(
        f"{BASE}/relations/{created['id']}",
        json={"valid_to": "2024-12-31"},
        headers={**staff.headers, "If-Match": f'"relation-{created["id"]}-v1"'},
    )
    assert later.status_code == 422
    assert (
        "wcześniejsza" in later.json()["errors"][0]["message"]
        and later.json()["errors"][0]["field"] == "valid_to"
    )
    survey = await client.post(
        f"{BASE}/surveys",
        json={"name": "Badanie X", "opened_on": "2026-02-01", "closes_on": "2026-01-01"},
        headers=staff.headers,
    )
    assert survey.status_code == 422 and survey.json()["errors"][0]["field"] == "closes_on"
    unknown_invite = await client.post(
        f"{BASE}/surveys",
        json={"name": "Badanie Y", "opened_on": "2026-02-01", "invited_ids": [a, 999_997]},
        headers=staff.headers,
    )
    assert unknown_invite.status_code == 422 and "999997" in unknown_invite.json()["errors"][0]["message"]
    ok = await client.post(
        f"{BASE}/surveys",
        json={"name": "Badanie Z", "opened_on": "2026-02-01", "invited_ids": [a]},
        headers=staff.headers,
    )
    sid = ok.json()["id"]
    unknown_partner = await client.post(
        f"{BASE}/surveys/{sid}/responses",
        json={
            "respondent_id": a,
            "partners": [{"partner_id": 999_996, "trust": [1, 2, 3], "value": [4, 4, 4]}],
        },
        headers=staff.headers,
    )
    assert unknown_partner.status_code == 422
    assert unknown_partner.json()["errors"][0]["field"] == "partners.0.partner_id"
    assert "999996" in unknown_partner.json()["errors"][0]["message"]
