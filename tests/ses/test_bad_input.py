"""Bad input anywhere in the API is a clear 422 in Polish (RFC 9457), never a 500: integers past
the database's range in paths, query strings and bodies, JSON nested without end, NUL characters
under any content type; a created resource names itself in `Location`."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio

HUGE = [2**31, 2**63, 10**30]
TORUN = "0463011"


def _fill(path: str, value: int) -> str:
    return re.sub(r"\{[^}]+\}", str(value), path)


async def _operations(client: Any) -> list[tuple[str, str, dict[str, Any]]]:
    schema = (await client.get("/schema/openapi.json")).json()
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _int_params(operation: dict[str, Any], where: str) -> list[str]:
    found = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        types = {schema.get("type")} | {option.get("type") for option in schema.get("oneOf", [])}
        if parameter.get("in") == where and "integer" in types:
            found.append(parameter["name"])
    return found


async def test_ids_past_the_integer_range_in_paths_are_refused_on_every_route(client, staff):
    checked = 0
    for method, path, operation in await _operations(client):
        if not _int_params(operation, "path"):
            continue
        for value in HUGE:
            response = await client.request(method, _fill(path, value), headers=staff.headers, json={})
            if response.status_code == 403:  # the route's policy answers first: not a staff route
                continue
            assert response.status_code == 422, (
                method,
                path,
                value,
                response.status_code,
                response.text[:300],
            )
            assert response.headers["content-type"].startswith("application/problem+json")
            assert "zakresu" in response.text
            checked += 1
    assert checked >= 60


async def test_integers_past_the_range_in_query_strings_never_answer_500(client, staff, caller_for):
    centre = await client.post(
        "/api/v1/organisations",
        json={"name": "Fundacja OWES", "kind": "foundation", "gmina_code": TORUN, "is_owes": True},
        headers=staff.headers,
    )
    owes = await caller_for(Role.OWES, organisation_id=centre.json()["id"])
    checked = 0
    for method, path, operation in await _operations(client):
        names = _int_params(operation, "query")
        if method != "GET" or not names or "{" in path:
            continue
        for caller in (staff, owes):
            for name in names:
                response = await client.get(path, params={name: str(2**63)}, headers=caller.headers)
                assert response.status_code < 500, (path, name, response.text[:300])
        checked += 1
    assert checked >= 3


async def test_an_id_past_the_range_in_a_body_is_refused(client, staff):
    body = {"name": "CIS Zbyt Duży", "kind": "cis", "gmina_code": TORUN, "founder_id": 2**40}
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 422, response.text
    body["founder_id"] = 2**70
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("depth", [1_000, 100_000])
async def test_json_nested_without_end_is_refused(client, staff, depth):
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        response = await client.post(
            "/api/v1/organisations",
            content=body.encode(),
            headers={**staff.headers, "content-type": "application/json"},
        )
        assert response.status_code in (400, 422), response.text[:300]
        assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/merge-patch+json", ""]
)
async def test_a_nul_character_is_refused_whatever_the_content_type(client, staff, content_type):
    body = f'{{"name": "Stowarzyszenie\\u0000Zero", "kind": "association", "gmina_code": "{TORUN}"}}'
    headers = {**staff.headers, "content-type": content_type} if content_type else staff.headers
    response = await client.post("/api/v1/organisations", content=body.encode(), headers=headers)
    assert response.status_code == 422, response.text
    raw = await client.post(
        "/api/v1/organisations",
        content=b'{"name": "A\x00B"}',
        headers={**staff.headers, "content-type": "text/plain"},
    )
    assert raw.status_code == 422
    listed = await client.get("/api/v1/organisations", params={"q": "zero"}, headers=staff.headers)
    assert listed.json()["total"] == 0


async def test_validation_errors_are_422_problems_in_polish(client, staff):
    unknown = await client.post(
        "/api/v1/organisations",
        json={"name": "X Y", "kind": "association", "colour": "red"},
        headers=staff.headers,
    )
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
    messages = {error["field"]: error["message"] for error in unknown.json()["errors"]}
    assert messages["gmina_code"] == "Pole jest wymagane." and messages["colour"] == "Nieznane pole."
    page = await client.get("/api/v1/organisations", params={"page": "pierwsza"}, headers=staff.headers)
    assert page.status_code == 422
    assert page.json()["errors"][0] == {"field": "page", "message": "Oczekiwano liczby całkowitej."}
    broken = await client.post(
        "/api/v1/organisations",
        content=b'{"name": ',
        headers={**staff.headers, "content-type": "application/json"},
    )
    assert broken.status_code in (400, 422) and "JSON" in broken.text


async def test_a_created_organisation_is_answered_with_its_location(client, staff):
    body = {"name": "Stowarzyszenie Z Adresem", "kind": "association", "gmina_code": TORUN}
    created = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert created.status_code == 201
    location = created.headers["location"]
    assert location == f"/api/v1/organisations/{created.json()['id']}"
    assert (await client.get(location, headers=staff.headers)).json()["name"] == body["name"]
