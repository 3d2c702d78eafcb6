"""Reproducers of the faults the API fuzzer (test_api_fuzz.py) found, one each, through the real app."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("path", ["/api/v1/activities?year=0", "/api/v1/training-needs?year=0"])
async def test_a_year_out_of_range_is_refused_naming_it(client, staff, path):
    # Was a 500: `date(0, 1, 1)` raised inside the query.
    response = await client.get(path, headers=staff.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["year"]


async def test_a_series_ending_in_year_147_is_refused_naming_it(client, staff):
    # Was a 500 (found by the fuzzer in CI): the series computed a period of the year 147.
    url = "/api/v1/indicators/pes.active/series?end=147&territory=0402"
    response = await client.get(url, headers=staff.headers)
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["end"]
    # Was a 500 too: a series ending in 2001 began in 1997, a year no period is parsed for.
    url = "/api/v1/indicators/network.cross_sector_ties/series?end=2001&territory=0404"
    response = await client.get(url, headers=staff.headers)
    assert response.status_code == 200, response.text
    assert [point["period"] for point in response.json()["points"]] == ["2000", "2001"]


async def test_a_year_in_range_still_answers(client, staff):
    response = await client.get("/api/v1/training-needs?year=2025", headers=staff.headers)
    assert response.status_code == 200 and response.json() == []


async def test_the_network_json_export_is_documented_as_the_object_it_is(client, staff):
    # The OpenAPI said "a string"; the answer is an object of nodes and links.
    schema = (await client.get("/schema/openapi.json")).json()
    answer = schema["paths"]["/api/v1/network/export.json"]["get"]["responses"]["200"]
    ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {"directed", "nodes", "links"}
    body = (await client.get("/api/v1/network/export.json", headers=staff.headers)).json()
    assert set(body) == {"directed", "nodes", "links"}


async def test_a_token_for_an_unknown_account_is_a_documented_404(client, admin):
    # The answer was right, the OpenAPI did not list it: a body naming a record may answer 404.
    response = await client.post(
        "/api/v1/tokens", json={"account_id": 999_999, "name": "x", "valid_days": 30}, headers=admin.headers
    )
    assert response.status_code == 404
    schema = (await client.get("/schema/openapi.json")).json()
    assert "404" in schema["paths"]["/api/v1/tokens"]["post"]["responses"]


async def test_the_year_refusal_says_the_range_in_polish(client, staff):
    response = await client.get("/api/v1/training-needs?year=1999", headers=staff.headers)
    assert response.json()["errors"][0]["message"] == "Wartość jest za mała."


async def test_a_list_mapping_is_documented_as_the_object_it_is(client, staff):
    # `Field(max_length=40)` on a dict was described as an array: every /api/v1/sync/lists answer
    # contradicted the OpenAPI.
    schema = (await client.get("/schema/openapi.json")).json()
    columns = schema["components"]["schemas"]["FileListOut"]["properties"]["columns"]
    assert columns["type"] == "object"
    too_many = {"name": "Lista", "columns": {f"field{i}": f"Kolumna {i}" for i in range(41)}}
    response = await client.put("/api/v1/sync/lists/fuzz-test", json=too_many, headers=staff.headers)
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["columns"]


async def test_a_query_naming_a_record_documents_404(client, staff):
    # An OWES asking for the network around an organisation it may not see (`ego=`) answers 404;
    # the OpenAPI did not list it.
    schema = (await client.get("/schema/openapi.json")).json()
    for path in ("/api/v1/network/metrics", "/api/v1/network/export.json", "/api/v1/network/metrics/nodes"):
        assert "404" in schema["paths"][path]["get"]["responses"], path
    assert "404" not in schema["paths"]["/api/v1/network/status"]["get"]["responses"]


@pytest.mark.parametrize(
    "parts",
    [
        {"note": (None, "bez pliku")},  # a text field only: the fuzzer's StopIteration
        {"plik": (None, "")},
        {"attachment": ("program.csv", b"code;name_pl\nx.1;Wskaznik\n", "text/csv")},
    ],
)
async def test_a_programme_upload_without_its_file_part_is_a_422_naming_the_field(client, staff, parts):
    # Was a 500 (StopIteration, seen while fuzzing): the body was declared as one UploadFile, and
    # Litestar picks it with `next(...)` over the form's parts, which raises when none is a file.
    response = await client.post("/api/v1/indicator-programme", files=parts, headers=staff.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["file"]


def test_no_route_takes_its_body_as_a_bare_upload_file():
    # The same fault anywhere else: a handler whose `data` is one UploadFile answers 500 to a
    # multipart form without a file part. Every upload route takes the form and uses ses.uploads.
    from litestar.datastructures import UploadFile

    from ses.app import create_app

    bare = []
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", ()):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None and (data.annotation is UploadFile or data.has_inner_subclass_of(UploadFile)):
                bare.append(f"{route.path} {sorted(handler.http_methods)}")
    assert bare == []
