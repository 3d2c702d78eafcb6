"""Every JSON answer is described in the OpenAPI (#13): a client reading /schema learns the fields of
each answer, never a bare "some object". Files (CSV, XLSX, DOCX, GEXF, ZIP, NDJSON), plain text and
pages are left out by their media type; they are checked in test_openapi.py."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.anyio
OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
async def schema(client) -> dict[str, Any]:
    return (await client.get("/schema/openapi.json")).json()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def undescribed(
    schema: dict[str, Any], node: dict[str, Any] | None, seen: frozenset[str] = frozenset()
) -> bool:
    """True when the answer's schema says nothing of its fields: missing, empty, an object without
    properties (Python's `dict[str, Any]`), or a list of those."""
    if not node:
        return True
    ref = node.get("$ref")
    if ref in seen:
        return False
    node = _resolve(schema, node)
    seen = seen | ({ref} if ref else set())
    for key in ("oneOf", "anyOf", "allOf"):
        if key in node:
            options = [o for o in node[key] if _resolve(schema, o).get("type") != "null"]
            return any(undescribed(schema, option, seen) for option in options)
    kind = node.get("type")
    if kind == "array":
        return undescribed(schema, node.get("items"), seen)
    if kind == "object" or (kind is None and "properties" not in node):
        extra = node.get("additionalProperties")
        if node.get("properties"):
            return False
        return not isinstance(extra, dict) or undescribed(schema, extra, seen)
    return False  # string, integer, number, boolean


def json_answers(schema: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    found = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in OPERATIONS:
                continue
            for code, answer in op["responses"].items():
                if not code.startswith("2") or code == "204":
                    continue
                content = answer.get("content")
                if content is None:
                    found.append((method, path, code, None))
                for media, body in (content or {}).items():
                    if media.startswith("application/json"):
                        found.append((method, path, code, body.get("schema")))
    return found


async def test_every_json_answer_is_described_field_by_field(schema):
    answers = json_answers(schema)
    assert len(answers) > 100
    untyped = {f"{method.upper()} {path}" for method, path, _, node in answers if undescribed(schema, node)}
    assert sorted(untyped) == [], "answers the OpenAPI does not describe"


async def test_the_check_recognises_an_untyped_answer(schema):
    bare = {"type": "object", "additionalProperties": {}}
    assert undescribed(schema, bare)
    assert undescribed(schema, {"type": "array", "items": bare})
    assert undescribed(schema, None)
    assert not undescribed(schema, {"type": "object", "properties": {"id": {"type": "integer"}}})
    assert not undescribed(schema, {"type": "object", "additionalProperties": {"type": "string"}})
