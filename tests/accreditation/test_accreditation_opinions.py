"""Opinions through the HTTP API: drafted from the findings, edited, approved and locked as a DOCX
that opens again, versioned; and the staff deadline list and page."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from docx import Document

from accreditation.checklists import Template, iter_criteria

pytestmark = pytest.mark.anyio
API = "/api/v1/accreditation"


async def verification_etag(client: Any, who: Any, verification_id: int) -> str:
    """The verification's current ETag, as a reviewer's page or client holds it before writing."""
    response = await client.get(f"{API}/verifications/{verification_id}", headers=who.headers)
    return str(response.headers["etag"])


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _to_findings(
    client: Any, reviewer: Any, world: dict[str, Any], template: Template
) -> tuple[str, str]:
    """All criteria assessed; one not-whole-period criterion fails with a recommendation."""
    v = world["verification"]
    await client.post(
        f"{API}/verifications/{v['id']}/transitions",
        json={"to_state": "in_progress", "reason": "krok weryfikacji"},
        headers=reviewer.headers,
    )
    codes = [p.criterion.code for p in iter_criteria(template)]
    failing = next(p.criterion.code for p in iter_criteria(template) if not p.criterion.whole_period)
    na = next(c for c in reversed(codes) if c != failing)
    results = [{"code": code, "result": "meets"} for code in codes if code not in {failing, na}]
    results.append(
        {
            "code": failing,
            "result": "does_not_meet",
            "finding": "Brak szkoleń z zamówień publicznych w okresie weryfikacji.",
            "recommendation": "Przeprowadzić dwa szkolenia.",
            "recommendation_deadline": (date.today() - timedelta(days=3)).isoformat(),
        }
    )
    results.append({"code": na, "result": "not_applicable"})
    response = await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": results},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    assert response.status_code == 200, response.text
    response = await client.post(
        f"{API}/verifications/{v['id']}/transitions",
        json={"to_state": "findings", "reason": "krok weryfikacji"},
        headers=reviewer.headers,
    )
    assert response.status_code == 200, response.text
    return failing, na


OPINION = {
    "signatory_name": "Katarzyna Wróblewska",
    "signatory_position": "Dyrektor Regionalnego Ośrodka Polityki Społecznej w Toruniu",
    "place": "Toruń",
    "reference_number": "ROPS.III.4521.7.2025",
    "issue_date": "2025-10-20",
}


async def test_opinion_is_drafted_edited_approved_locked_and_versioned(
    client, staff, reviewer, owes_world, shipped_template, monkeypatch
):
    monkeypatch.setenv("SES_ROPS_NAME", "Regionalny Ośrodek Polityki Społecznej w Toruniu")
    v = owes_world["verification"]
    early = await client.post(f"{API}/verifications/{v['id']}/opinions", json=OPINION, headers=staff.headers)
    assert early.status_code == 409 and "ustalenia" in early.json()["detail"]
    failing, _ = await _to_findings(client, reviewer, owes_world, shipped_template)

    suggested = await client.get(
        f"{API}/verifications/{v['id']}/suggested-conclusion", headers=reviewer.headers
    )
    assert suggested.json()["conclusion"] == "positive_with_remarks"
    assert any(failing in reason for reason in suggested.json()["reasons"])

    created = await client.post(
        f"{API}/verifications/{v['id']}/opinions", json=OPINION, headers=staff.headers
    )
    assert created.status_code == 201, created.text
    opinion = created.json()
    assert (
        opinion["state"] == "draft"
        and opinion["conclusion"] == "positive_with_remarks"
        and opinion["number"] == 1
    )
    assert failing in opinion["justification"]
    verification = (await client.get(f"{API}/verifications/{v['id']}", headers=staff.headers)).json()
    assert verification["state"] == "opinion_drafted"

    draft_docx = await client.get(f"{API}/opinions/{opinion['id']}/document.docx", headers=reviewer.headers)
    assert draft_docx.status_code == 200 and draft_docx.headers["content-type"] == DOCX
    assert "PROJEKT" in "\n".join(p.text for p in Document(io.BytesIO(draft_docx.content)).paragraphs)

    url = f"{API}/opinions/{opinion['id']}"
    justification = "OWES realizuje standardy.\nStwierdzono brak szkoleń, który wymaga działań naprawczych."
    no_match = await client.patch(url, json={"justification": justification}, headers=staff.headers)
    assert no_match.status_code == 428
    edited = await client.patch(
        url,
        json={"justification": justification},
        headers={**staff.headers, "If-Match": created.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    stale = await client.patch(
        url, json={"place": "Bydgoszcz"}, headers={**staff.headers, "If-Match": created.headers["etag"]}
    )
    assert stale.status_code == 412
    assert (await client.patch(url, json={"place": "Toruń"}, headers=reviewer.headers)).status_code == 403

    approved = await client.post(f"{url}/approve", headers=staff.headers)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["state"] == "approved" and body["locked"] and body["approved_by"]
    docx = await client.get(f"{url}/document.docx", headers=staff.headers)
    assert docx.status_code == 200 and docx.headers["content-type"] == DOCX
    assert hashlib.sha256(docx.content).hexdigest() == body["sha256"]
    assert 'filename="opinia-OWES' in docx.headers["content-disposition"]
    assert zipfile.ZipFile(io.BytesIO(docx.content)).testzip() is None
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Toruński Ośrodek Wsparcia Ekonomii Społecznej" in text
    assert "Opinia pozytywna z uwagami" in text
    assert "Stwierdzono brak szkoleń" in text
    assert "Katarzyna Wróblewska" in text and "(podpis)" in text and "PROJEKT" not in text
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert "Regionalny Ośrodek Polityki Społecznej w Toruniu" in header
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert [row[1] for row in tables[0][1:]] == [
        "Fundacja Rozwoju Ekonomii Społecznej",
        "Spółdzielnia Socjalna Razem",
    ]
    assert tables[1][-1][0] == "Razem" and tables[1][-1][-1] == "59"
    assert tables[2][1][1] == failing
    verification = (await client.get(f"{API}/verifications/{v['id']}", headers=staff.headers)).json()
    assert verification["state"] == "opinion_approved"

    locked = await client.patch(
        url, json={"place": "Bydgoszcz"}, headers={**staff.headers, "If-Match": approved.headers["etag"]}
    )
    assert locked.status_code == 409
    assert "zablokowana" in locked.json()["detail"] and body["sha256"] in locked.json()["detail"]
    assert (await client.post(f"{url}/approve", headers=staff.headers)).status_code == 409

    second = await client.post(f"{url}/versions", headers=staff.headers)
    assert second.status_code == 201 and second.json()["number"] == 2 and second.json()["state"] == "draft"
    assert (await client.post(f"{url}/versions", headers=staff.headers)).status_code == 409
    second_url = f"{API}/opinions/{second.json()['id']}"
    await client.patch(
        second_url,
        json={"conclusion": "positive"},
        headers={**staff.headers, "If-Match": second.headers["etag"]},
    )
    assert (await client.post(f"{second_url}/approve", headers=staff.headers)).status_code == 200
    versions = (await client.get(f"{API}/verifications/{v['id']}/opinions", headers=reviewer.headers)).json()
    assert [(o["number"], o["state"], o["conclusion"]) for o in versions] == [
        (1, "superseded", "positive_with_remarks"),
        (2, "approved", "positive"),
    ]
    old = await client.get(f"{url}/document.docx", headers=staff.headers)
    assert old.content == docx.content  # the old version stays exactly as approved

    printed = await client.get(f"{second_url}/print", headers=reviewer.headers)
    assert printed.status_code == 200 and printed.headers["content-type"].startswith("text/html")
    assert "Opinia pozytywna" in printed.text and "Katarzyna Wróblewska" in printed.text


async def test_deadlines_list_and_page(
    client, staff, reviewer, owes_world, shipped_template, new_organisation, committee
):
    failing, _ = await _to_findings(client, reviewer, owes_world, shipped_template)
    soon = await new_organisation(name="Stowarzyszenie Kończącej Się Akredytacji", kind="association")
    today = date.today()
    body = {
        "organisation_id": soon["id"],
        "owes_name": "OWES Subregionu Północnego",
        "call_edition": "nabór 2024",
        "decision_number": "DES.77.2024",
        "decision_date": (today - timedelta(days=600)).isoformat(),
        "valid_from": (today - timedelta(days=600)).isoformat(),
        "valid_to": (today + timedelta(days=30)).isoformat(),
    }
    assert (await client.post(f"{API}/accreditations", json=body, headers=staff.headers)).status_code == 201

    response = await client.get(f"{API}/deadlines", headers=staff.headers)
    assert response.status_code == 200
    data = response.json()
    expiring = {row["owes_name"]: row for row in data["expiring_accreditations"]}
    assert expiring["OWES Subregionu Północnego"]["days_left"] == 30
    corrective = [(row["verification_id"], row["code"]) for row in data["corrective_actions_overdue"]]
    assert (owes_world["verification"]["id"], failing) in corrective
    assert data["corrective_actions_overdue"][0]["days_overdue"] >= 3
    narrow = (await client.get(f"{API}/deadlines?within_days=10", headers=staff.headers)).json()
    assert "OWES Subregionu Północnego" not in {row["owes_name"] for row in narrow["expiring_accreditations"]}
    assert (await client.get(f"{API}/deadlines?within_days=5000", headers=staff.headers)).status_code == 422

    page = await client.get("/akredytacja/terminy", headers=reviewer.headers)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="pl">' in page.text
    assert (
        "OWES Subregionu Północnego" in page.text and "Przekroczone terminy działań naprawczych" in page.text
    )
    assert "Przeprowadzić dwa szkolenia." in page.text
    assert (await client.get("/akredytacja/terminy", headers=committee.headers)).status_code == 403


async def test_working_value_partly_blocks_approval_until_replaced(
    client, staff, reviewer, owes_world, shipped_template
):
    v = owes_world["verification"]
    failing, _ = await _to_findings(client, reviewer, owes_world, shipped_template)
    # Back in findings a reviewer may still change results; "partly" is a working value only.
    changed = await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "partly"}]},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    assert changed.status_code == 200
    created = await client.post(
        f"{API}/verifications/{v['id']}/opinions", json=OPINION, headers=staff.headers
    )
    assert created.status_code == 201
    assert "częściowo" in created.json()["justification"]
    refused = await client.post(f"{API}/opinions/{created.json()['id']}/approve", headers=staff.headers)
    assert refused.status_code == 409
    assert "I.1.1" in refused.json()["detail"] and "częściowo" in refused.json()["detail"]
    assert (await client.get(f"{API}/opinions/{created.json()['id']}", headers=staff.headers)).json()[
        "state"
    ] == "draft"
    fixed = await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "meets"}]},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    assert fixed.status_code == 200
    approved = await client.post(f"{API}/opinions/{created.json()['id']}/approve", headers=staff.headers)
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    after = await client.patch(
        f"{API}/verifications/{v['id']}/results",
        json={"results": [{"code": "I.1.1", "result": "partly"}]},
        headers={**reviewer.headers, "If-Match": await verification_etag(client, reviewer, v["id"])},
    )
    assert after.status_code == 409  # the approved opinion's results no longer change
