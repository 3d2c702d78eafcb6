"""The OpenAPI document describes what the API really answers (#14): security, errors, headers,
media types; no HTML page listed as an operation; OPTIONS names the methods a path allows."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.anyio
OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
async def schema(client) -> dict[str, Any]:
    return (await client.get("/schema/openapi.json")).json()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in OPERATIONS
    ]


async def test_security_schemes_and_each_operations_requirement_follow_its_policy(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie" and schemes["sessionCookie"]["name"] == "ses_session"
    paths = schema["paths"]
    assert paths["/api/v1/territories"]["get"]["security"] == []  # public
    assert paths["/hsds/services"]["get"]["security"] == []
    assert paths["/api/v1/organisations"]["post"]["security"] == [{"bearerToken": []}, {"sessionCookie": []}]
    for method, path, op in operations(schema):
        assert "security" in op, (method, path)
        assert "401" in op["responses"], (method, path)  # a token sent must be valid, even when public
        if op["security"]:
            assert "403" in op["responses"], (method, path)
        else:
            assert "403" not in op["responses"], (method, path)


async def test_error_answers_are_problem_details(schema):
    problem = schema["components"]["schemas"]["ProblemDetails"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    patch = schema["paths"]["/api/v1/organisations/{org_id}"]["patch"]["responses"]
    assert {"401", "403", "404", "409", "412", "422", "428"} <= set(patch)
    for method, path, op in operations(schema):
        assert "422" in op["responses"], (method, path)
        assert "400" not in op["responses"] or not path.startswith("/api/"), (method, path)
        if "{" in path:
            assert "404" in op["responses"], (method, path)
        for code, answer in op["responses"].items():
            if code in {"401", "403", "404", "409", "412", "422", "428"}:
                assert list(answer["content"]) == ["application/problem+json"], (method, path, code)
    listing = schema["paths"]["/api/v1/organisations"]["get"]["responses"]
    assert "409" not in listing and "412" not in listing  # only where they can happen


def _headers(op: dict[str, Any]) -> set[str]:
    return {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}


async def test_if_match_and_idempotency_key_are_declared_where_the_handler_reads_them(schema):
    paths = schema["paths"]
    assert "If-Match" in _headers(paths["/api/v1/organisations/{org_id}"]["patch"])
    assert "If-Match" in _headers(paths["/api/v1/services/{service_id}"]["delete"])
    assert "If-Match" in _headers(paths["/api/v1/reports/{report_id}/accept"]["post"])  # through helpers
    assert "Idempotency-Key" in _headers(paths["/api/v1/reports"]["post"])
    assert "Idempotency-Key" in _headers(paths["/api/v1/services"]["post"])
    assert _headers(paths["/api/v1/organisations"]["post"]) == set()
    assert "428" not in paths["/api/v1/organisations"]["post"]["responses"]


async def test_every_export_declares_its_real_media_type(schema):
    def media(path: str) -> list[str]:
        return list(schema["paths"][path]["get"]["responses"]["200"]["content"])

    assert media("/api/v1/organisations/export.csv") == ["text/csv; charset=utf-8"]
    assert media("/api/v1/organisations/export.xlsx") == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ]
    assert media("/api/v1/network/export.gexf") == ["application/gexf+xml"]
    assert media("/api/v1/network/export.graphml") == ["application/graphml+xml"]
    assert media("/api/v1/network/export.json") == ["application/json"]
    assert media("/api/v1/accreditation/opinions/{opinion_id}/document.docx") == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ]
    assert media("/api/v1/activities/{activity_id}/participants.csv") == ["text/csv; charset=utf-8"]
    assert set(media("/api/v1/report-definitions/{code}/versions/{version}/templates/{table}")) == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv; charset=utf-8",
    }
    assert media("/hsds/datapackage.zip") == ["application/zip"]


async def test_no_html_page_is_listed_as_an_api_operation(schema):
    for method, path, op in operations(schema):
        for answer in op["responses"].values():
            assert not any("text/html" in m for m in answer.get("content", {})), (method, path)
        assert path.startswith(("/api/", "/hsds", "/health")), (method, path)


async def test_options_answers_the_methods_the_path_allows(client, schema, admin):
    # Was `Allow: GET, OPTIONS` on /api/v1/organisations/{id}, which also takes PATCH.
    import re

    for template, item in schema["paths"].items():
        response = await client.options(re.sub(r"\{[^}]+\}", "1", template), headers=admin.headers)
        assert response.status_code == 204, (template, response.text)
        documented = {m.upper() for m in item if m in OPERATIONS}
        allowed = {m.strip() for m in response.headers["allow"].split(",")}
        assert documented | {"OPTIONS"} <= allowed, (template, allowed)
        assert allowed - documented <= {"OPTIONS", "HEAD"}, (template, allowed)
