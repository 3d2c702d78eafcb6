"""Issue #14, accreditation: each defect found against the law, reproduced through the HTTP API.

Every test here failed before its fix: an approved opinion printing the working "partly" rating,
future decision dates, an expired accreditation put under verification (and then never expiring),
opinions approved without a case number or a team, transitions without a reason, a stale If-Match
on results accepted, and ids past the 32-bit range or a missing file part answered with 500.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from docx import Document

from accreditation.checklists import Template, iter_criteria
from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
API = "/api/v1/accreditation"
OPINION = {
    "signatory_name": "Katarzyna Wróblewska",
    "signatory_position": "Dyrektor Regionalnego Ośrodka Polityki Społecznej w Toruniu",
    "place": "Toruń",
    "reference_number": "ROPS.III.4521.7.2025",
    "issue_date": "2025-10-20",
}


async def etag(client: Any, who: Any, url: str) -> str:
    response = await client.get(url, headers=who.headers)
    assert response.status_code == 200, response.text
    return str(response.headers["etag"])


async def set_results(client: Any, who: Any, vid: int, results: list[dict[str, Any]]) -> Any:
    tag = await etag(client, who, f"{API}/verifications/{vid}")
    return await client.patch(
        f"{API}/verifications/{vid}/results",
        json={"results": results},
        headers={**who.headers, "If-Match": tag},
    )


async def move(client: Any, who: Any, vid: int, to_state: str) -> Any:
    return await client.post(
        f"{API}/verifications/{vid}/transitions",
        json={"to_state": to_state, "reason": "kolejny krok weryfikacji"},
        headers=who.headers,
    )


async def to_findings(client: Any, reviewer: Any, vid: int, template: Template, partly: str) -> None:
    assert (await move(client, reviewer, vid, "in_progress")).status_code == 200
    results = [{"code": p.criterion.code, "result": "meets"} for p in iter_criteria(template)]
    for item in results:
        if item["code"] == partly:
            item["result"] = "partly"
    assert (await set_results(client, reviewer, vid, results)).status_code == 200
    assert (await move(client, reviewer, vid, "findings")).status_code == 200


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


async def test_approved_opinion_reflects_results_at_approval_not_the_draft(
    client, staff, reviewer, owes_world, shipped_template
):
    vid = owes_world["verification"]["id"]
    await to_findings(client, reviewer, vid, shipped_template, partly="II.2.5")
    body = dict(OPINION)  # no justification: it comes from the results
    created = await client.post(f"{API}/verifications/{vid}/opinions", json=body, headers=staff.headers)
    assert created.status_code == 201, created.text
    opinion = created.json()
    assert "częściowo" in opinion["justification"] and opinion["justification_generated"]

    refused = await client.post(f"{API}/opinions/{opinion['id']}/approve", headers=staff.headers)
    assert refused.status_code == 409
    assert "II.2.5" in refused.json()["detail"] and "częściowo" in refused.json()["detail"]

    assert (
        await set_results(client, reviewer, vid, [{"code": "II.2.5", "result": "meets"}])
    ).status_code == 200
    approved = await client.post(f"{API}/opinions/{opinion['id']}/approve", headers=staff.headers)
    assert approved.status_code == 200, approved.text
    assert "częściowo" not in approved.json()["justification"]
    document = await client.get(f"{API}/opinions/{opinion['id']}/document.docx", headers=staff.headers)
    text = docx_text(document.content)
    assert (
        "robocza ocena" not in text and "częściowo" not in text and "zmień ją na wynik ostateczny" not in text
    )
    assert "Propozycja konkluzji wynika ze standardów" in text  # the rule is stated in the opinion


async def test_approval_needs_a_case_number_and_a_team(
    client, staff, reviewer, owes_world, shipped_template, stored_template
):
    vid = owes_world["verification"]["id"]
    await to_findings(client, reviewer, vid, shipped_template, partly="")
    body = {k: v for k, v in OPINION.items() if k != "reference_number"}
    created = (
        await client.post(f"{API}/verifications/{vid}/opinions", json=body, headers=staff.headers)
    ).json()
    refused = await client.post(f"{API}/opinions/{created['id']}/approve", headers=staff.headers)
    assert refused.status_code == 409
    assert {e["field"] for e in refused.json()["errors"]} == {"reference_number"}

    # A verification planned without a team cannot end in an approved opinion either.
    lone = await client.post(
        f"{API}/verifications",
        json={
            "accreditation_id": owes_world["accreditation"]["id"],
            "template_id": stored_template["id"],
            "scope": "Weryfikacja doraźna",
            "modes": ["desk_review"],
            "planned_from": "2025-11-03",
            "planned_to": "2025-11-07",
        },
        headers=staff.headers,
    )
    assert lone.status_code == 201, lone.text
    lone_id = lone.json()["id"]
    await to_findings(client, reviewer, lone_id, shipped_template, partly="")
    draft = (
        await client.post(f"{API}/verifications/{lone_id}/opinions", json=OPINION, headers=staff.headers)
    ).json()
    refused = await client.post(f"{API}/opinions/{draft['id']}/approve", headers=staff.headers)
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == ["team"]
    assert "zespołu" in refused.json()["detail"]


async def test_decision_dates_in_the_future_are_refused(client, staff, new_organisation):
    lead = await new_organisation(name="Fundacja Przyszłości", kind="foundation", is_owes=True)
    tomorrow = date.today() + timedelta(days=1)
    body = {
        "organisation_id": lead["id"],
        "call_edition": "nabór przyszły",
        "decision_number": "DES.1.2030",
        "decision_date": tomorrow.isoformat(),
        "valid_from": tomorrow.isoformat(),
        "valid_to": (tomorrow + timedelta(days=365)).isoformat(),
    }
    refused = await client.post(f"{API}/accreditations", json=body, headers=staff.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "decision_date"
    assert "późniejsza niż dzisiejsza" in refused.json()["errors"][0]["message"]
    body |= {"state": "submitted"}
    assert (await client.post(f"{API}/accreditations", json=body, headers=staff.headers)).status_code == 422
    today = date.today()
    body |= {"state": "accredited", "decision_date": today.isoformat(), "valid_from": today.isoformat()}
    assert (await client.post(f"{API}/accreditations", json=body, headers=staff.headers)).status_code == 201


async def test_an_expired_accreditation_is_not_verified_and_still_expires(
    client, staff, new_organisation, stored_template
):
    lead = await new_organisation(name="Stowarzyszenie Dawnego OWES", kind="association", is_owes=True)
    body = {
        "organisation_id": lead["id"],
        "call_edition": "nabór 2022",
        "decision_number": "DES.4.2022",
        "decision_date": "2022-12-15",
        "valid_from": "2023-01-01",
        "valid_to": "2024-12-15",
    }
    acc = await client.post(f"{API}/accreditations", json=body, headers=staff.headers)
    assert acc.status_code == 201 and acc.json()["effective_state"] == "expired"
    url = f"{API}/accreditations/{acc.json()['id']}"
    plan = {
        "accreditation_id": acc.json()["id"],
        "template_id": stored_template["id"],
        "scope": "Weryfikacja po terminie",
        "modes": ["desk_review"],
        "team": [{"name": "Anna Żmudzka", "role": "przewodnicząca"}],
        "planned_from": "2026-01-05",
        "planned_to": "2026-01-09",
    }
    refused = await client.post(f"{API}/verifications", json=plan, headers=staff.headers)
    assert refused.status_code == 422 and "akredytacja wygasła" in refused.text
    moved = await client.post(
        f"{url}/transitions",
        json={"to_state": "under_verification", "reason": "kontrola"},
        headers={**staff.headers, "If-Match": await etag(client, staff, url)},
    )
    assert moved.status_code == 409 and "wygasła 15.12.2024" in moved.json()["detail"]
    # Put under verification while it was in force (recorded afterwards), it still expires.
    moved = await client.post(
        f"{url}/transitions",
        json={"to_state": "under_verification", "reason": "kontrola", "on_date": "2024-06-03"},
        headers={**staff.headers, "If-Match": await etag(client, staff, url)},
    )
    assert moved.status_code == 200, moved.text
    expired = await client.post(
        f"{url}/transitions",
        json={"to_state": "expired", "reason": "upływ okresu"},
        headers={**staff.headers, "If-Match": await etag(client, staff, url)},
    )
    assert expired.status_code == 200, expired.text
    assert expired.json()["state"] == "expired" and expired.json()["ended_on"] == "2024-12-15"
    future = await client.post(
        f"{url}/transitions",
        json={"to_state": "withdrawn", "reason": "x" * 5, "on_date": "2099-01-01"},
        headers={**staff.headers, "If-Match": await etag(client, staff, url)},
    )
    assert future.status_code == 422


async def test_verification_transitions_need_a_reason(client, reviewer, owes_world):
    vid = owes_world["verification"]["id"]
    for body in ({"to_state": "in_progress"}, {"to_state": "in_progress", "reason": "  "}):
        refused = await client.post(
            f"{API}/verifications/{vid}/transitions", json=body, headers=reviewer.headers
        )
        assert refused.status_code in (400, 422), refused.text
        assert "reason" in refused.text
    moved = await move(client, reviewer, vid, "in_progress")
    assert moved.status_code == 200
    history = (await client.get(f"{API}/verifications/{vid}/history", headers=reviewer.headers)).json()
    assert history[0]["reason"] == "kolejny krok weryfikacji"


async def test_two_reviewers_cannot_overwrite_each_other(client, reviewer, caller_for, owes_world):
    other = await caller_for(Role.REVIEWER, name="drugi-weryfikator")
    vid = owes_world["verification"]["id"]
    await move(client, reviewer, vid, "in_progress")
    url = f"{API}/verifications/{vid}"
    seen = await etag(client, reviewer, url)
    seen_by_other = await etag(client, other, url)
    first = await client.patch(
        f"{url}/results",
        json={"results": [{"code": "I.1.1", "result": "meets", "finding": "Dokumenty kompletne."}]},
        headers={**reviewer.headers, "If-Match": seen},
    )
    assert first.status_code == 200 and first.headers["etag"] != seen
    second = await client.patch(
        f"{url}/results",
        json={"results": [{"code": "I.1.1", "result": "does_not_meet", "finding": "Brak dokumentów."}]},
        headers={**other.headers, "If-Match": seen_by_other},
    )
    assert second.status_code == 412
    blind = await client.patch(
        f"{url}/results", json={"results": [{"code": "I.1.1", "result": "partly"}]}, headers=other.headers
    )
    assert blind.status_code == 428
    kept = (await client.get(url, headers=reviewer.headers)).json()["criteria"][0]
    assert kept["result"] == "meets" and kept["finding"] == "Dokumenty kompletne."


BIG = 2**31  # one past the 32-bit range
HUGE = 10**20


@pytest.mark.parametrize("number", [BIG, HUGE])
async def test_ids_past_the_32_bit_range_are_refused_not_crashed(
    client, staff, caller_for, owes_world, number
):
    owes = await caller_for(Role.OWES, organisation_id=owes_world["lead"]["id"], name="owes-lider")
    for who in (staff, owes):
        for method, url, body in [
            ("GET", f"{API}/templates/{number}", None),
            ("GET", f"{API}/templates/{number}/export", None),
            ("GET", f"{API}/accreditations/{number}", None),
            ("GET", f"{API}/accreditations?organisation_id={number}", None),
            ("GET", f"{API}/verifications?accreditation_id={number}", None),
            ("GET", f"{API}/verifications/{number}", None),
            ("GET", f"{API}/verifications/{number}/self-assessment", None),
            ("GET", f"{API}/verifications/{number}/opinions", None),
            ("GET", f"{API}/verifications/{number}/history", None),
            ("GET", f"{API}/organisations/{number}/current", None),
            ("GET", f"{API}/evidence/{number}", None),
            ("GET", f"{API}/opinions/{number}", None),
            ("GET", f"{API}/opinions/{number}/document.docx", None),
            ("POST", f"{API}/verifications/{number}/criteria/I.1.1/comments", {"body": "Pytanie"}),
            (
                "PUT",
                f"{API}/verifications/{number}/self-assessment",
                {"items": [{"code": "I.1.1", "result": "meets"}]},
            ),
            ("POST", f"{API}/accreditations", {"organisation_id": number, "call_edition": "nabór"}),
            (
                "POST",
                f"{API}/accreditations",
                {"organisation_id": 1, "call_edition": "nabór", "partner_ids": [number]},
            ),
            (
                "POST",
                f"{API}/verifications",
                {
                    "accreditation_id": number,
                    "template_id": number,
                    "scope": "zakres",
                    "modes": ["desk_review"],
                    "planned_from": "2026-01-05",
                    "planned_to": "2026-01-09",
                },
            ),
        ]:
            response = await client.request(method, url, json=body, headers=who.headers)
            assert response.status_code in (403, 422), (
                who.role,
                method,
                url,
                response.status_code,
                response.text,
            )
            if response.status_code == 422:
                assert response.headers["content-type"].startswith("application/problem+json")


async def test_evidence_upload_without_its_file_part_is_a_clear_422(client, reviewer, owes_world):
    vid = owes_world["verification"]["id"]
    url = f"{API}/verifications/{vid}/criteria/I.1.1/evidence"
    for files in [
        {"other": ("a.pdf", b"%PDF-1.4", "application/pdf")},
        {"note": (None, "x")},
        {"file": (None, "x")},
    ]:
        response = await client.post(url, files=files, headers=reviewer.headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "file"


async def test_a_lapsed_accreditation_is_listed_as_expired_not_as_accredited(client, staff, new_organisation):
    """A status with a term shows as expired in lists when the term passes, before anyone marks it."""
    lead = await new_organisation(name="Fundacja OWES Minionego Okresu", kind="foundation", is_owes=True)
    body = {"organisation_id": lead["id"], "call_edition": "nabór 2022", "decision_number": "DES.9.2022",
            "decision_date": "2022-12-15", "valid_from": "2023-01-01", "valid_to": "2024-12-15"}  # fmt: skip
    acc = await client.post(f"{API}/accreditations", json=body, headers=staff.headers)
    assert acc.status_code == 201 and acc.json()["state"] == "accredited"  # stored as decided

    async def listed(state: str) -> list[int]:
        query = {"organisation_id": lead["id"], "state": state}
        response = await client.get(f"{API}/accreditations", params=query, headers=staff.headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()]

    assert await listed("expired") == [acc.json()["id"]]
    assert await listed("accredited") == []
