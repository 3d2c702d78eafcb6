"""Verifications through the HTTP API: results per criterion, evidence requests, comment threads,
the OWES's self-assessment, and what an OWES may (not) see."""

from __future__ import annotations

from typing import Any

import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
API = "/api/v1/accreditation"


async def verification_etag(client: Any, who: Any, verification_id: int) -> str:
    """The verification's current ETag, as a reviewer's page or client holds it before writing."""
    response = await client.get(f"{API}/verifications/{verification_id}", headers=who.headers)
    return str(response.headers["etag"])


async def _start(client: Any, caller: Any, verification_id: int) -> None:
    response = await client.post(
        f"{API}/verifications/{verification_id}/transitions",
        json={"to_state": "in_progress", "reason": "krok weryfikacji"},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text


async def _owes(caller_for: Any, world: dict[str, Any], name: str = "owes-lead") -> Any:
    return await caller_for(Role.OWES, organisation_id=world["lead"]["id"], name=name)


async def test_open_verification_lists_every_criterion_of_the_template(client, reviewer, owes_world):
    v = owes_world["verification"]
    assert v["state"] == "planned" and v["modes"] == ["desk_review", "site_visit"]
    response = await client.get(f"{API}/verifications/{v['id']}", headers=reviewer.headers)
    assert response.status_code == 200
    body = response.json()
    assert response.headers["etag"] == f'"verification-{v["id"]}-v1"'
    assert body["template"]["version"] == "2025.0-robocza"
    assert len(body["criteria"]) == 59
    first = body["criteria"][0]
    assert first["code"] == "I.1.1" and "art. 2 pkt 5" in first["requirement"]
    assert first["result"] is None and first["comments"] == [] and first["evidence"] == []
    assert body["team"][0]["name"] == "Anna Żmudzka"


async def test_results_for_criteria_not_in_the_template_are_refused(client, reviewer, owes_world):
    v = owes_world["verification"]
    await _start(client, reviewer, v["id"])
    response = await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "meets"}, {"code": "IX.9.9", "result": "meets"}]},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    assert response.status_code == 422
    problem = response.json()
    assert "IX.9.9" in problem["detail"] and "2025.0-robocza" in problem["detail"]
    assert problem["errors"][0]["field"] == "results.1.code"
    # Nothing was stored: the valid half of the request is not applied either.
    opened = await client.get(f"{API}/verifications/{v['id']}", headers=reviewer.headers)
    assert opened.json()["criteria"][0]["result"] is None


async def test_results_only_while_the_verification_is_in_progress(client, reviewer, owes_world):
    v = owes_world["verification"]
    response = await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "meets"}]},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    assert response.status_code == 409
    assert "zaplanowana" in response.json()["detail"]


async def test_unknown_result_value_is_refused(client, reviewer, owes_world):
    v = owes_world["verification"]
    await _start(client, reviewer, v["id"])
    response = await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "excellent"}]},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    assert response.status_code == 422
    assert response.json()["errors"]


async def test_findings_need_a_result_for_every_criterion(client, reviewer, owes_world):
    v = owes_world["verification"]
    await _start(client, reviewer, v["id"])
    await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "meets"}]},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    response = await client.post(
        f"{API}/verifications/{v['id']}/transitions",
        json={"to_state": "findings", "reason": "krok weryfikacji"},
        headers=reviewer.headers,
    )
    assert response.status_code == 409
    assert "I.1.2" in response.json()["detail"] and "I.1.1," not in response.json()["detail"]
    skip = await client.post(
        f"{API}/verifications/{v['id']}/transitions",
        json={"to_state": "opinion_approved", "reason": "krok weryfikacji"},
        headers=reviewer.headers,
    )
    assert skip.status_code == 409


async def test_evidence_request_comment_thread_and_answer(client, reviewer, owes_world, caller_for):
    v = owes_world["verification"]
    await _start(client, reviewer, v["id"])
    asked = await client.post(
        f"{API}/verifications/{v['id']}/evidence-requests",
        json={"codes": ["I.3.2", "II.1.1"], "note": "Prosimy o CV kadry kluczowej.", "due": "2025-10-20"},
        headers=reviewer.headers,
    )
    assert asked.status_code == 200, asked.text
    by_code = {c["code"]: c for c in asked.json()["criteria"]}
    assert by_code["I.3.2"]["evidence_requested"] is True and by_code["I.3.1"]["evidence_requested"] is False

    bad = await client.post(
        f"{API}/verifications/{v['id']}/evidence-requests",
        json={"codes": ["Z.1.1"]},
        headers=reviewer.headers,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "codes.0"

    owes = await _owes(caller_for, owes_world)
    said = await client.post(
        f"{API}/verifications/{v['id']}/criteria/I.3.2/comments",
        json={"body": "CV prześlemy do piątku."},
        headers=owes.headers,
    )
    assert said.status_code == 201, said.text
    await client.post(
        f"{API}/verifications/{v['id']}/criteria/I.3.2/comments",
        json={"body": "Dziękujemy."},
        headers=reviewer.headers,
    )
    opened = (await client.get(f"{API}/verifications/{v['id']}", headers=reviewer.headers)).json()
    thread = {c["code"]: c for c in opened["criteria"]}["I.3.2"]
    assert [(c["author_role"], c["body"]) for c in thread["comments"]] == [
        ("owes", "CV prześlemy do piątku."),
        ("reviewer", "Dziękujemy."),
    ]
    assert thread["answered_at"] is not None
    assert {c["code"]: c for c in opened["criteria"]}["II.1.1"]["answered_at"] is None

    deadlines = (await client.get(f"{API}/deadlines", headers=reviewer.headers)).json()
    waiting = [(row["verification_id"], row["code"]) for row in deadlines["unanswered_evidence_requests"]]
    assert (v["id"], "II.1.1") in waiting and (v["id"], "I.3.2") not in waiting

    unknown = await client.post(
        f"{API}/verifications/{v['id']}/criteria/Q.1.1/comments", json={"body": "?"}, headers=owes.headers
    )
    assert unknown.status_code == 404


async def test_owes_sees_its_own_verification_without_reviewer_results(
    client, reviewer, owes_world, caller_for, new_organisation
):
    v = owes_world["verification"]
    await _start(client, reviewer, v["id"])
    await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "partly", "finding": "Robocza uwaga zespołu"}]},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    owes = await _owes(caller_for, owes_world)
    own = await client.get(f"{API}/verifications/{v['id']}", headers=owes.headers)
    assert own.status_code == 200
    first = own.json()["criteria"][0]
    assert "result" not in first and "finding" not in first
    assert "Robocza uwaga" not in own.text
    listing = await client.get(f"{API}/verifications", headers=owes.headers)
    assert [row["id"] for row in listing.json()] == [v["id"]]

    other_org = await new_organisation(name="Stowarzyszenie Inny OWES", kind="association", is_owes=True)
    stranger = await caller_for(Role.OWES, organisation_id=other_org["id"], name="owes-stranger")
    for method, url, body in (
        ("GET", f"{API}/verifications/{v['id']}", None),
        ("GET", f"{API}/verifications/{v['id']}/self-assessment", None),
        (
            "PUT",
            f"{API}/verifications/{v['id']}/self-assessment",
            {"items": [{"code": "I.1.1", "result": "meets"}]},
        ),
        ("POST", f"{API}/verifications/{v['id']}/criteria/I.1.1/comments", {"body": "cudza"}),
    ):
        response = await client.request(method, url, json=body, headers=stranger.headers)
        assert response.status_code == 404, (method, url, response.text)
    assert (await client.get(f"{API}/verifications", headers=stranger.headers)).json() == []
    # Reviewer work is not for an OWES at all.
    refused = await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "meets"}]},
        headers=owes.headers,
    )
    assert refused.status_code == 403


async def test_self_assessment_side_by_side_with_reviewer_results(
    client, reviewer, staff, owes_world, caller_for
):
    v = owes_world["verification"]
    owes = await _owes(caller_for, owes_world)
    submitted = await client.put(
        f"{API}/verifications/{v['id']}/self-assessment",
        json={
            "items": [
                {"code": "I.1.1", "result": "meets", "comment": "Statut w załączeniu."},
                {"code": "I.1.2", "result": "meets"},
            ]
        },
        headers=owes.headers,
    )
    assert submitted.status_code == 200, submitted.text
    mine = {item["code"]: item for item in submitted.json()["items"]}
    assert mine["I.1.1"]["self_comment"] == "Statut w załączeniu."
    assert "reviewer_result" not in mine["I.1.1"]

    bad = await client.put(
        f"{API}/verifications/{v['id']}/self-assessment",
        json={"items": [{"code": "X.1.1", "result": "meets"}]},
        headers=owes.headers,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "items.0.code"

    await _start(client, reviewer, v["id"])
    await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={
            "results": [{"code": "I.1.1", "result": "meets"}, {"code": "I.1.2", "result": "does_not_meet"}]
        },
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    side = await client.get(f"{API}/verifications/{v['id']}/self-assessment", headers=staff.headers)
    rows = {item["code"]: item for item in side.json()["items"]}
    assert (rows["I.1.1"]["self_result"], rows["I.1.1"]["reviewer_result"], rows["I.1.1"]["agrees"]) == (
        "meets",
        "meets",
        True,
    )
    assert (rows["I.1.2"]["self_result"], rows["I.1.2"]["reviewer_result"], rows["I.1.2"]["agrees"]) == (
        "meets",
        "does_not_meet",
        False,
    )
    assert rows["I.1.3"]["agrees"] is None
    # Staff cannot submit the OWES's self-assessment for it.
    staff_put = await client.put(
        f"{API}/verifications/{v['id']}/self-assessment",
        json={"items": [{"code": "I.1.1", "result": "meets"}]},
        headers=staff.headers,
    )
    assert staff_put.status_code == 403


async def test_verification_needs_an_existing_template_and_a_sane_period(client, staff, owes_world):
    body = {
        "accreditation_id": owes_world["accreditation"]["id"],
        "template_id": 987654,
        "scope": "Zakres",
        "modes": ["interview"],
        "planned_from": "2025-10-10",
        "planned_to": "2025-10-01",
    }
    response = await client.post(f"{API}/verifications", json=body, headers=staff.headers)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"template_id", "planned_to"}
