"""#14: control characters are refused in every text body, not only the register's.

Before, only the register's fields and the upload readers refused them: a committee meeting's place
with U+0007 was stored, and its minutes (a DOCX, which cannot hold the character) answered 500 from
then on. Now one guard refuses them in any JSON or form body, naming the field."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from ses.web.input_guard import control_character_problems

pytestmark = pytest.mark.anyio
COMMITTEE = "/api/v1/committee"


@pytest.mark.parametrize(
    ("body", "content_type", "fields"),
    [
        (b'{"place": "Toru\\u0144\\u0007", "rows": [{"note": "a\\u001bb"}]}', "application/json",
         ["place", "rows.0.note"]),
        (b'{"name": "Zak\xc2\x85\xc5\x82ad"}', "application/json", ["name"]),  # U+0085 as UTF-8
        (b"tytul=Protok%C3%B3%C5%82%07&miejsce=Toru%C5%84", "application/x-www-form-urlencoded", ["tytul"]),
        (b"tytul=a%C2%9Bb", "application/x-www-form-urlencoded", ["tytul"]),
        (b'{"name": "A\x07B"}', "text/plain", ["body"]),  # a raw one is not even JSON
    ],
)  # fmt: skip
def test_a_control_character_is_found_and_its_field_named(body, content_type, fields):
    problems = control_character_problems(body, content_type)
    assert [problem.field for problem in problems] == fields
    assert all("znak sterujący (U+" in problem.message for problem in problems)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"agenda": "Otwarcie\\nOpinia\\t(1)\\r\\n"}', "application/json"),  # line breaks and tabs stay
        (b'{"note": "the text \\\\u0007 typed as it is"}', "application/json"),  # an escaped backslash
        (b"agenda=Otwarcie%0D%0AOpinia%09o+programie", "application/x-www-form-urlencoded"),
        (b'{"url": "http://x.example/%07"}', "application/json"),  # percent signs mean nothing in JSON
        (b"[" * 100_000 + b"\x07" + b"]" * 100_000, "application/json"),  # deep: no recursion here
    ],
)
def test_ordinary_text_passes(body, content_type):
    problems = control_character_problems(body, content_type)
    assert problems == [] or [p.field for p in problems] == ["body"]  # the deep one is not JSON
    if not body.startswith(b"["):
        assert problems == []


async def test_a_committee_meeting_with_a_control_character_is_refused_and_the_minutes_still_open(
    client, staff
):
    starts = date.today() - timedelta(days=400)
    term = await client.post(
        f"{COMMITTEE}/terms",
        json={"number": 7, "starts_on": starts.isoformat(), "appointing_act": "Zarządzenie nr 1/2025"},
        headers=staff.headers,
    )
    assert term.status_code == 201, term.text
    body = {
        "term_id": term.json()["id"], "held_on": (date.today() - timedelta(days=30)).isoformat(),
        "place": "Toruń\u0007", "agenda": "Otwarcie\nOpinia o programie",
    }  # fmt: skip
    refused = await client.post(f"{COMMITTEE}/meetings", json=body, headers=staff.headers)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], "U+0007" in e["message"]) for e in refused.json()["errors"]] == [("place", True)]
    listed = await client.get(f"{COMMITTEE}/meetings", headers=staff.headers)
    assert listed.status_code == 200 and listed.json() == []

    held = await client.post(f"{COMMITTEE}/meetings", json={**body, "place": "Toruń"}, headers=staff.headers)
    assert held.status_code == 201, held.text
    minutes = await client.get(f"{COMMITTEE}/meetings/{held.json()['id']}/minutes", headers=staff.headers)
    assert minutes.status_code == 200


async def test_a_form_body_with_a_control_character_is_refused_naming_the_field(client, staff):
    response = await client.post(
        "/api/v1/activities",
        content=b"title=Szkolenie%1B",
        headers={**staff.headers, "content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    assert "niedozwolony znak sterujący (U+001B)" in response.json()["errors"][0]["message"]


async def test_an_old_record_with_a_control_character_does_not_break_the_minutes(client, staff):
    from docx import Document

    from ses.committee.tables import Meeting

    starts = date.today() - timedelta(days=400)
    term = await client.post(
        f"{COMMITTEE}/terms",
        json={"number": 7, "starts_on": starts.isoformat(), "appointing_act": "Zarządzenie nr 1/2025"},
        headers=staff.headers,
    )
    body = {
        "term_id": term.json()["id"], "held_on": (date.today() - timedelta(days=30)).isoformat(),
        "place": "Toruń", "agenda": "Otwarcie",
    }  # fmt: skip
    held = (await client.post(f"{COMMITTEE}/meetings", json=body, headers=staff.headers)).json()
    await Meeting.update({Meeting.place: "Toruń\x07"}).where(Meeting.id == held["id"])  # stored before
    minutes = await client.get(f"{COMMITTEE}/meetings/{held['id']}/minutes", headers=staff.headers)
    assert minutes.status_code == 200  # was 500: python-docx cannot write U+0007
    text = "\n".join(p.text for p in Document(io.BytesIO(minutes.content)).paragraphs)
    assert "Miejsce: Toruń\ufffd." in text
