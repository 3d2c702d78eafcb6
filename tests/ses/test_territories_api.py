from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


async def test_the_whole_country_is_loaded(client):
    for level, count in (("voivodeship", 16), ("powiat", 380), ("gmina", 2479)):
        response = await client.get("/api/v1/territories", params={"level": level, "page_size": 1})
        assert response.json()["total"] == count


async def test_gmina_with_parents_population_and_boundary(client):
    body = (await client.get("/api/v1/territories/0463011")).json()
    assert body["name"] == "Toruń" and body["population"] > 190_000
    assert [parent["code"] for parent in body["parents"]] == ["04", "0463"]
    feature = (await client.get("/api/v1/territories/0463011/geojson")).json()
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    powiats = (
        await client.get("/api/v1/territories/geojson", params={"level": "powiat", "within": "04"})
    ).json()
    assert len(powiats["features"]) == 23


async def test_name_search_ignores_polish_letters(client):
    body = (await client.get("/api/v1/territories", params={"q": "lodz", "level": "gmina"})).json()
    assert "Łódź" in [item["name"] for item in body["items"]]


async def test_unknown_code_and_level(client):
    response = await client.get("/api/v1/territories/9999999")
    assert response.status_code == 404 and response.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert (await client.get("/api/v1/territories", params={"level": "country"})).status_code == 422
