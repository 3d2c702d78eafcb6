"""The demo data: accredited OWES, a verification in progress with evidence requests and comments,
and an approved opinion whose DOCX opens again."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from accreditation.demo import load_accreditation_demo
from ses.demo.register import public_holidays

pytestmark = pytest.mark.anyio
API = "/api/v1/accreditation"


async def test_demo_region_has_accredited_owes_work_in_progress_and_an_approved_opinion(
    client, staff, new_organisation
):
    leads = [
        await new_organisation(name=f"Fundacja OWES Demo {i}", kind="foundation", is_owes=True)
        for i in range(3)
    ]
    loaded = await load_accreditation_demo([lead["id"] for lead in leads])
    assert len(loaded["accreditations"]) == 3 and len(loaded["verifications"]) == 2
    listed = (await client.get(f"{API}/accreditations", headers=staff.headers)).json()
    decided = [date.fromisoformat(item["decision_date"]) for item in listed]
    assert len(decided) == 6  # each OWES: the accreditation in force and the one before it
    assert all(day.weekday() < 5 and day not in public_holidays(day.year) for day in decided), decided

    in_progress, finished = loaded["verifications"]
    opened = (await client.get(f"{API}/verifications/{in_progress}", headers=staff.headers)).json()
    assert opened["state"] == "in_progress"
    assert any(c["evidence_requested"] for c in opened["criteria"])
    assert all(c["comments"] for c in opened["criteria"])
    assert {c["author_role"] for crit in opened["criteria"] for c in crit["comments"]} == {"reviewer"}

    versions = (await client.get(f"{API}/verifications/{finished}/opinions", headers=staff.headers)).json()
    assert [o["state"] for o in versions] == ["approved"]
    docx = await client.get(f"{API}/opinions/{versions[0]['id']}/document.docx", headers=staff.headers)
    assert "Fundacja OWES Demo 1" in "\n".join(
        cell.text for t in Document(io.BytesIO(docx.content)).tables for row in t.rows for cell in row.cells
    )

    deadlines = (await client.get(f"{API}/deadlines", headers=staff.headers)).json()
    assert deadlines["unanswered_evidence_requests"]
    assert (
        any(v["id"] == finished for v in deadlines["overdue_verifications"]) is False
    )  # approved: not overdue
    page = await client.get("/akredytacja/terminy", headers=staff.headers)
    assert page.status_code == 200 and "Prośby o dowody bez odpowiedzi" in page.text
