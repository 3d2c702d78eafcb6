"""The composite condition index as the committee reads it and staff weigh it: every powiat of the
region ranked with its rank range, the documented method, and bad weights refused whole."""

from __future__ import annotations

from typing import Any

import pytest

from ses.indicators.impact_tables import IndexWeighting

pytestmark = pytest.mark.anyio

TORUN = "0463011"
BYDGOSZCZ = "0461011"


async def org(client: Any, staff: Any, name: str, gmina: str) -> None:
    body = {"name": name, "kind": "association", "gmina_code": gmina, "activity_state": "active"}
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text


async def test_index_ranks_powiats_of_the_region_with_method_and_rank_range(client, staff, committee):
    await org(client, staff, "Stowarzyszenie Toruń", TORUN)
    await org(client, staff, "Stowarzyszenie Toruń 2", TORUN)
    await org(client, staff, "Fundacja Bydgoszcz", BYDGOSZCZ)
    response = await client.get(
        "/api/v1/indicators/index", params={"territory": "04"}, headers=committee.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["level"] == "powiat" and body["weighting"]["is_default"] is True
    assert "przeskalowanymi" in body["weighting"]["missing_rule"]
    assert "−10 %" in body["weighting"]["sensitivity_rule"]
    rows = {row["territory"]: row for row in body["territories"]}
    assert len(rows) == 23  # every powiat of Kujawsko-Pomorskie
    assert rows["0463"]["rank"] == 1 and rows["0463"]["name"] == "Toruń"
    assert rows["0463"]["rank_best"] <= rows["0463"]["rank"] <= rows["0463"]["rank_worst"]
    assert sum(p["weight"] for p in rows["0463"]["components"]) == pytest.approx(1)
    last = body["territories"][-1]
    assert last["rank"] is not None and last["weakest"] is not None


async def test_staff_set_weights_and_the_committee_cannot(client, staff, committee):
    body = {
        "method": "zscore",
        "components": [{"indicator": "pes.total", "weight": 0.7}, {"indicator": "ps.active", "weight": 0.3}],
        "reason": "uchwała RKRES",
    }
    refused = await client.put("/api/v1/indicators/index/weights", json=body, headers=committee.headers)
    assert refused.status_code == 403
    response = await client.put("/api/v1/indicators/index/weights", json=body, headers=staff.headers)
    assert response.status_code == 200, response.text
    read = (await client.get("/api/v1/indicators/index/weights", headers=committee.headers)).json()
    assert read["method"] == "zscore" and read["is_default"] is False
    assert [(c["indicator"], c["weight"]) for c in read["components"]] == [
        ("pes.total", 0.7),
        ("ps.active", 0.3),
    ]
    table = (await client.get("/api/v1/indicators/index", headers=committee.headers)).json()
    assert table["weighting"]["method"] == "zscore"


@pytest.mark.parametrize(
    ("components", "method", "field", "words"),
    [
        ([("pes.total", 0.5), ("ps.active", 0.4)], "minmax", "components", "0,9000"),
        ([("pes.total", 0.5), ("no.such", 0.5)], "minmax", "components.1.indicator", "no.such"),
        ([("pes.total", 1.1), ("ps.active", -0.1)], "minmax", "components.0.weight", "większa od 0"),
        ([("pes.total", 0.5), ("ps.active", 0.5)], "median", "method", "median"),
    ],
)
async def test_bad_weights_are_refused_naming_the_problem_and_nothing_is_stored(
    client, staff, components, method, field, words
):
    body = {"method": method, "components": [{"indicator": c, "weight": w} for c, w in components]}
    response = await client.put("/api/v1/indicators/index/weights", json=body, headers=staff.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert words in errors[field]
    assert await IndexWeighting.count() == 0


async def test_bad_scope_is_refused(client, committee):
    response = await client.get(
        "/api/v1/indicators/index", params={"level": "voivodeship"}, headers=committee.headers
    )
    assert response.status_code == 422
    response = await client.get(
        "/api/v1/indicators/index", params={"territory": "99"}, headers=committee.headers
    )
    assert response.status_code == 422


async def test_index_page_and_staff_weights_form(client, staff, committee):
    await org(client, staff, "Stowarzyszenie Toruń", TORUN)
    page = await client.get("/panel/indeks", headers=committee.headers)
    assert page.status_code == 200, page.text
    assert (
        "Toruń" in page.text and "Zakres miejsc (wagi ±10 %)" in page.text and "przeskalowanymi" in page.text
    )
    assert "Zmień wagi" not in page.text
    assert (await client.get("/panel/indeks/wagi", headers=committee.headers)).status_code == 403
    gminas = await client.get(
        "/panel/indeks", params={"poziom": "gmina", "teryt": "0415"}, headers=committee.headers
    )
    assert gminas.status_code == 422  # the shares of gminas do not apply to gminas: named, not a 500
    form = await client.get("/panel/indeks/wagi", headers=staff.headers)
    assert form.status_code == 200 and "Zapisz wagi" in form.text
    bad = {
        "method": "minmax",
        "indicator_0": "pes.total",
        "weight_0": "0,5",
        "indicator_1": "ps.active",
        "weight_1": "0,3",
    }
    refused = await client.post("/panel/indeks/wagi", data=bad, headers=staff.headers)
    assert refused.status_code == 422 and "Wagi sumują się do 0,8000" in refused.text
    assert await IndexWeighting.count() == 0
    saved = await client.post("/panel/indeks/wagi", data={**bad, "weight_1": "0,5"}, headers=staff.headers)
    assert saved.status_code == 303, saved.text
    assert await IndexWeighting.count() == 1
    after = await client.get(saved.headers["location"], headers=staff.headers)
    assert after.status_code == 200 and "Zapisano wagi indeksu." in after.text
