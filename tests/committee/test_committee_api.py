"""The regional committee through the API as ROPS staff keep it and its members read it: a term,
appointments, a meeting with attendance and quorum, resolutions with votes, absences flagged for
dismissal, the minutes as a DOCX, and every refusal the law and the working rules call for."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from docx import Document

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio
BASE = "/api/v1/committee"
STARTS = date.today() - timedelta(days=400)


async def term(client: Any, staff: Any, starts: date = STARTS, number: int = 7) -> dict[str, Any]:
    body = {"number": number, "starts_on": starts.isoformat(), "appointing_act": "Zarządzenie nr 1/2025"}
    response = await client.post(f"{BASE}/terms", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def appoint(
    client: Any, staff: Any, term_id: int, name: str, group: str, seat: int = 1, **extra: Any
) -> Any:
    body = {
        "term_id": term_id, "person_name": name, "group": group, "seat": seat, "represented_body": "Podmiot",
        "appointed_on": STARTS.isoformat(), **extra,
    }  # fmt: skip
    return await client.post(f"{BASE}/members", json=body, headers=staff.headers)


async def meeting(client: Any, staff: Any, term_id: int, days_ago: int) -> dict[str, Any]:
    body = {
        "term_id": term_id, "held_on": (date.today() - timedelta(days=days_ago)).isoformat(),
        "place": "Toruń", "agenda": "Otwarcie\nOpinia o programie",
    }  # fmt: skip
    response = await client.post(f"{BASE}/meetings", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def committee_of_four(client: Any, staff: Any) -> tuple[dict[str, Any], list[int]]:
    made = await term(client, staff)
    ids = []
    people = (
        ("Anna Nowak", "marshal"),
        ("Jan Kowalski", "voivode"),
        ("Ewa Wójcik", "social_economy"),
        ("Piotr Mazur", "employers"),
    )
    for name, group in people:
        response = await appoint(
            client, staff, made["id"], name, group, email=f"{name.split()[0].lower()}@x.example"
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return made, ids


async def test_a_term_lasts_three_years_and_terms_do_not_overlap(client, staff):
    made = await term(client, staff, date(2024, 3, 1), 2)
    assert made["ends_on"] == "2027-02-28"
    clash = await client.post(
        f"{BASE}/terms",
        json={"number": 3, "starts_on": "2026-01-01", "appointing_act": "Zarządzenie nr 2/2026"},
        headers=staff.headers,
    )
    assert clash.status_code == 409 and clash.json()["errors"][0]["field"] == "starts_on"
    assert (await client.get(f"{BASE}/terms", headers=staff.headers)).json()[0]["number"] == 2


async def test_one_holder_per_seat_and_a_deputy_stands_in_for_a_member(client, staff):
    made, ids = await committee_of_four(client, staff)
    twice = await appoint(client, staff, made["id"], "Marek Król", "marshal")
    assert twice.status_code == 409
    assert (
        twice.json()["errors"][0]["field"] == "seat" and "Anna Nowak" in twice.json()["errors"][0]["message"]
    )
    second_seat = await appoint(client, staff, made["id"], "Marek Król", "marshal", seat=2)
    assert second_seat.status_code == 201
    deputy = await appoint(client, staff, made["id"], "Ola Zastępca", "social_economy", function="deputy",
                           deputy_for_id=ids[2])  # fmt: skip
    assert deputy.status_code == 201 and deputy.json()["function_label"] == "zastępca członka"
    orphan = await appoint(client, staff, made["id"], "Bez Członka", "employers", function="deputy")
    assert orphan.status_code == 422 and orphan.json()["errors"][0]["field"] == "deputy_for_id"
    late = await appoint(client, staff, made["id"], "Po Kadencji", "universities",
                         appointed_on=(date.today() + timedelta(days=5000)).isoformat())  # fmt: skip
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "appointed_on"


async def test_a_meeting_outside_the_term_is_refused_and_nothing_is_stored(client, staff):
    made, _ = await committee_of_four(client, staff)
    body = {"term_id": made["id"], "held_on": (STARTS - timedelta(days=1)).isoformat(), "place": "Toruń",
            "agenda": "Otwarcie"}  # fmt: skip
    refused = await client.post(f"{BASE}/meetings", json=body, headers=staff.headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "held_on"
    assert (await client.get(f"{BASE}/meetings?term={made['id']}", headers=staff.headers)).json() == []


async def test_attendance_quorum_votes_and_the_minutes(client, staff):
    made, ids = await committee_of_four(client, staff)
    held = await meeting(client, staff, made["id"], 30)
    stranger = await client.put(
        f"{BASE}/meetings/{held['id']}/attendance",
        json={
            "rows": [
                {"member_id": ids[0], "presence": "present"},
                {"member_id": 987654, "presence": "present"},
            ]
        },
        headers=staff.headers,
    )
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "rows.1.member_id"
    no_quorum = await client.put(
        f"{BASE}/meetings/{held['id']}/attendance",
        json={
            "rows": [
                {"member_id": ids[0], "presence": "present"},
                {"member_id": ids[1], "presence": "excused"},
            ]
        },
        headers=staff.headers,
    )
    assert no_quorum.json()["quorum"] == {
        "members": 4,
        "present": 1,
        "required": 2,
        "reached": False,
        "recorded": True,
    }
    vote = {"number": "1/2026", "kind": "programme_opinion", "subject": "Opinia o programie", "votes_for": 1,
            "votes_against": 0, "abstained": 0}  # fmt: skip
    refused = await client.post(f"{BASE}/meetings/{held['id']}/resolutions", json=vote, headers=staff.headers)
    assert refused.status_code == 409 and "kworum" in refused.json()["detail"].lower()
    rows = [{"member_id": i, "presence": "present"} for i in ids[:3]] + [
        {"member_id": ids[3], "presence": "unexcused"}
    ]
    quorate = await client.put(
        f"{BASE}/meetings/{held['id']}/attendance", json={"rows": rows}, headers=staff.headers
    )
    assert quorate.json()["quorum"]["reached"] is True and quorate.json()["state"] == "held"
    too_many = await client.post(
        f"{BASE}/meetings/{held['id']}/resolutions", json={**vote, "votes_for": 4}, headers=staff.headers
    )
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "votes_for"
    adopted = await client.post(
        f"{BASE}/meetings/{held['id']}/resolutions", json={**vote, "votes_for": 2, "abstained": 1},
        headers=staff.headers,
    )  # fmt: skip
    assert adopted.status_code == 201
    assert adopted.json()["resolutions"][0]["adopted"] is True
    assert (
        adopted.json()["resolutions"][0]["kind_label"]
        == "opinia o regionalnym programie rozwoju ekonomii społecznej"
    )

    docx = await client.get(f"{BASE}/meetings/{held['id']}/minutes", headers=staff.headers)
    assert docx.status_code == 200 and docx.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Protokół nr 1 posiedzenia" in text and "Uchwała nr 1/2026" in text
    assert "za 2, przeciw 0, wstrzymało się 1 — uchwała przyjęta" in text
    table = Document(io.BytesIO(docx.content)).tables[0]
    assert [row.cells[3].text for row in table.rows][1:] == ["obecny"] * 3 + [
        "nieobecność nieusprawiedliwiona"
    ]


async def test_three_unexcused_absences_in_a_row_flag_the_member_for_dismissal(client, staff):
    made, ids = await committee_of_four(client, staff)
    for days_ago in (90, 60, 30):
        held = await meeting(client, staff, made["id"], days_ago)
        rows = [{"member_id": i, "presence": "present"} for i in ids[:3]]
        rows.append({"member_id": ids[3], "presence": "unexcused"})
        response = await client.put(
            f"{BASE}/meetings/{held['id']}/attendance", json={"rows": rows}, headers=staff.headers
        )
        assert response.status_code == 200
    members = {
        m["id"]: m
        for m in (await client.get(f"{BASE}/members?term={made['id']}", headers=staff.headers)).json()
    }
    assert members[ids[3]]["absence_flag"] and not members[ids[0]]["absence_flag"]
    member = await client.get(f"{BASE}/members/{ids[0]}", headers=staff.headers)
    wrong_ground = await client.post(
        f"{BASE}/members/{ids[0]}/leave", json={"left_on": date.today().isoformat(), "reason": "absences"},
        headers={**staff.headers, "If-Match": member.headers["etag"]},
    )  # fmt: skip
    assert wrong_ground.status_code == 422 and wrong_ground.json()["errors"][0]["field"] == "reason"
    flagged = await client.get(f"{BASE}/members/{ids[3]}", headers=staff.headers)
    dismissed = await client.post(
        f"{BASE}/members/{ids[3]}/leave", json={"left_on": date.today().isoformat(), "reason": "absences"},
        headers={**staff.headers, "If-Match": flagged.headers["etag"]},
    )  # fmt: skip
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["leave_label"].startswith("odwołanie po nieusprawiedliwionej nieobecności")
    stale = await client.post(
        f"{BASE}/members/{ids[3]}/leave", json={"left_on": date.today().isoformat(), "reason": "own_request"},
        headers={**staff.headers, "If-Match": flagged.headers["etag"]},
    )  # fmt: skip
    assert stale.status_code == 412


async def test_committee_members_read_their_committee_but_no_contacts_and_change_nothing(
    client, staff, caller_for
):
    made, ids = await committee_of_four(client, staff)
    member = await caller_for(Role.COMMITTEE)
    read = await client.get(f"{BASE}/terms/{made['id']}", headers=member.headers)
    assert read.status_code == 200 and len(read.json()["members"]) == 4
    assert all("email" not in m for m in read.json()["members"])
    assert "email" in (await client.get(f"{BASE}/members/{ids[0]}", headers=staff.headers)).json()
    write = await client.post(
        f"{BASE}/terms", json={"number": 9, "starts_on": "2030-01-01", "appointing_act": "X 1/2030"},
        headers=member.headers,
    )  # fmt: skip
    assert write.status_code == 403
    reviewer = await caller_for(Role.REVIEWER)
    assert (await client.get(f"{BASE}/terms", headers=reviewer.headers)).status_code == 403
