"""A programme file whose number is "nan" or "inf": refused naming the cell, never stored."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "1e999"])
async def test_a_programme_number_that_is_not_a_finite_number_is_refused(client, staff, committee, text):
    body = f"code;name_pl;target;target_year\nrpo.x1;Wskaźnik testowy;{text};2029\n".encode()
    response = await client.post(
        "/api/v1/indicator-programme",
        files={"file": ("program.csv", body, "text/csv")},
        headers=staff.headers,
    )
    assert response.status_code == 422, response.text
    assert [(e["field"], e["row"]) for e in response.json()["errors"]] == [("target", 2)]
    listed = await client.get("/api/v1/indicators", headers=committee.headers)
    assert listed.status_code == 200 and "rpo.x1" not in listed.text


async def test_a_manual_value_of_1e999_is_refused(client, staff):
    # JSON has no infinity, but 1e999 decodes to one: refused as the value, never stored.
    body = b"code;name_pl\nrpo.reczny;Wskaznik reczny\n"
    loaded = await client.post(
        "/api/v1/indicator-programme", files={"file": ("p.csv", body, "text/csv")}, headers=staff.headers
    )
    assert loaded.status_code == 200, loaded.text
    response = await client.put(
        "/api/v1/indicator-programme/rpo.reczny/values/04/2025",
        content=b'{"value": 1e999, "note": "x"}',
        headers={**staff.headers, "content-type": "application/json"},
    )
    assert response.status_code in (400, 422), response.text
