"""Bad input on the network routes, as the API fuzzer sent it: each answer a clear 4xx problem,
never a 500 (issue #14)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

BASE = "/api/v1/network"
HUGE = 2**31  # one past the largest id a 32-bit integer column holds
HUGER = 2**63


def is_problem(response, *statuses: int) -> bool:
    return response.status_code in statuses and response.headers["content-type"].startswith(
        "application/problem+json"
    )


@pytest.mark.parametrize("value", [HUGE, HUGER, -HUGER])
async def test_ids_beyond_32_bits_in_paths_are_refused_not_crashed(client, staff, value):
    for path in (f"{BASE}/relations/{value}", f"{BASE}/surveys/{value}", f"{BASE}/surveys/{value}/scores"):
        response = await client.get(path, headers=staff.headers)
        assert is_problem(response, 400, 404, 422), (path, response.status_code, response.text)
    etag = {"If-Match": f'"relation-{value}-v1"'}
    for method in ("PATCH", "DELETE"):
        response = await client.request(
            method, f"{BASE}/relations/{value}", json={"weight": 2} if method == "PATCH" else None,
            headers={**staff.headers, **etag},
        )  # fmt: skip
        assert is_problem(response, 400, 404, 422), (method, response.status_code, response.text)
    for path in (f"{BASE}/surveys/{value}/close", f"{BASE}/surveys/{value}/invitations"):
        response = await client.post(path, json={"organisation_ids": [1]}, headers=staff.headers)
        assert is_problem(response, 400, 404, 422), (path, response.status_code, response.text)


@pytest.mark.parametrize("value", [HUGE, HUGER])
async def test_ids_beyond_32_bits_in_queries_are_refused_not_crashed(client, staff, value):
    for path, params in (
        (f"{BASE}/relations", {"organisation_id": value}),
        (f"{BASE}/relations", {"owes_report_id": value}),
        (f"{BASE}/metrics", {"ego": value}),
        (f"{BASE}/metrics/nodes", {"ego": value}),
        (f"{BASE}/bridges", {"ego": value}),
        (f"{BASE}/articulation-points", {"ego": value}),
        (f"{BASE}/export.gexf", {"ego": value}),
    ):
        response = await client.get(path, params=params, headers=staff.headers)
        assert is_problem(response, 400, 404, 422), (path, response.status_code, response.text)
        assert str(params.popitem()[0]) in response.text


@pytest.mark.parametrize("value", [HUGE, HUGER])
async def test_ids_beyond_32_bits_in_bodies_are_refused_not_crashed(client, staff, org, value):
    a = await org("Stowarzyszenie Ciało Żądania")
    bodies = [
        (f"{BASE}/relations", {"source_id": a, "target_id": value, "relation_type": "cooperates"}),
        (f"{BASE}/relations", {"source_id": value, "target_id": a, "relation_type": "cooperates"}),
        (f"{BASE}/surveys", {"name": "Runda", "opened_on": "2026-01-01", "invited_ids": [a, value]}),
    ]
    for path, body in bodies:
        response = await client.post(path, json=body, headers=staff.headers)
        assert is_problem(response, 400, 422), (path, response.status_code, response.text)
    survey = await client.post(
        f"{BASE}/surveys", json={"name": "Runda", "opened_on": "2026-01-01", "invited_ids": [a]},
        headers=staff.headers,
    )  # fmt: skip
    assert survey.status_code == 201, survey.text
    sid = survey.json()["id"]
    invite = await client.post(
        f"{BASE}/surveys/{sid}/invitations", json={"organisation_ids": [value]}, headers=staff.headers
    )
    assert is_problem(invite, 400, 422), invite.text
    for body in (
        {"respondent_id": value, "partners": []},
        {"respondent_id": a, "partners": [{"partner_id": value, "trust": [3, 3, 3], "value": [3, 3, 3]}]},
    ):
        response = await client.post(f"{BASE}/surveys/{sid}/responses", json=body, headers=staff.headers)
        assert is_problem(response, 400, 422), (body, response.status_code, response.text)


async def test_network_import_without_its_file_part_is_a_clear_problem(client, staff):
    without_file = await client.post(
        f"{BASE}/relations/import", data={"other": "x"}, files={"note": ("a.txt", b"x")},
        headers=staff.headers,
    )  # fmt: skip
    assert is_problem(without_file, 400, 422), (without_file.status_code, without_file.text)
    assert "data" in without_file.text or "plik" in without_file.text.lower()
    empty = await client.post(
        f"{BASE}/relations/import",
        content=b"--x--\r\n",
        headers={**staff.headers, "content-type": "multipart/form-data; boundary=x"},
    )
    assert is_problem(empty, 400, 422), (empty.status_code, empty.text)


@pytest.mark.parametrize("body", [{}, {"invited_ids": []}, {"invited_ids": None}])
async def test_a_new_survey_needs_someone_to_invite(client, staff, body):
    response = await client.post(
        f"{BASE}/surveys", json={"name": "Runda bez zaproszonych", "opened_on": "2026-01-01", **body},
        headers=staff.headers,
    )  # fmt: skip
    assert is_problem(response, 422), (response.status_code, response.text)
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == ["invited_ids"]
    assert "co najmniej jedną" in problem["errors"][0]["message"]
    listing = await client.get(f"{BASE}/surveys", headers=staff.headers)
    assert listing.json() == []  # nothing was written
