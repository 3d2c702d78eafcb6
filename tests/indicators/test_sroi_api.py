"""SROI as staff build it and the committee reads it: a proxy library with sources, an analysis with
every adjustment shown, the ratio with its range; bad input refused whole, naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from ses.indicators.impact_tables import SroiAnalysis, SroiOutcome, SroiProxy

pytestmark = pytest.mark.anyio

PROXY = {
    "name": "Roczny koszt zasiłków i świadczeń osoby bezrobotnej",
    "unit": "osoba zatrudniona przez rok",
    "value_pln": "30000.00",
    "source": "MRiPS, wydatki na świadczenia z pomocy społecznej",
    "year": 2024,
}


async def proxy(client: Any, staff: Any, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/sroi/proxies", json={**PROXY, **fields}, headers=staff.headers)
    assert response.status_code == 201, response.text
    return response.json()


def analysis_body(proxy: int, **outcome: Any) -> dict[str, Any]:
    return {
        "title": "SROI województwa 2025",
        "scope": "region",
        "year": 2025,
        "investment_pln": "100000",
        "duration_years": 2,
        "discount_rate": 0,
        "outcomes": [
            {
                "stakeholder": "osoby zatrudnione w PS",
                "description": "zatrudnienie zamiast bezrobocia",
                "quantity": 10,
                "proxy_id": proxy,
                "deadweight": 20,
                "attribution": 10,
                "displacement": 0,
                "drop_off": 50,
                **outcome,
            }
        ],
    }


async def test_analysis_with_ratio_range_read_by_the_committee(client, staff, committee):
    made = await proxy(client, staff)
    response = await client.post(
        "/api/v1/sroi/analyses", json=analysis_body(made["id"]), headers=staff.headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["ratio"] == pytest.approx(3.24)
    assert body["ratio_low"] < 3.24 < body["ratio_high"]
    assert body["present_value_pln"] == "324000.00" and body["net_value_pln"] == "224000.00"
    outcome = body["outcomes"][0]
    assert (outcome["deadweight"], outcome["attribution"], outcome["displacement"], outcome["drop_off"]) == (
        20,
        10,
        0,
        50,
    )
    assert outcome["proxy_source"] == PROXY["source"] and outcome["proxy_year"] == 2024
    read = await client.get(f"/api/v1/sroi/analyses/{body['id']}", headers=committee.headers)
    assert read.status_code == 200 and read.json()["ratio"] == pytest.approx(3.24)
    assert (
        await client.post("/api/v1/sroi/proxies", json=PROXY, headers=committee.headers)
    ).status_code == 403
    # Impact never mixes into the indicators or their counts.
    codes = {
        item["code"] for item in (await client.get("/api/v1/indicators", headers=committee.headers)).json()
    }
    assert not any("sroi" in code for code in codes)
    page = await client.get(f"/panel/sroi/{body['id']}", headers=committee.headers)
    assert page.status_code == 200, page.text
    assert "3,24" in page.text and "MRiPS" in page.text and "Deadweight" in page.text


async def test_a_proxy_without_a_source_is_refused(client, staff):
    response = await client.post(
        "/api/v1/sroi/proxies", json={**PROXY, "source": "  "}, headers=staff.headers
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "bez źródła" in errors["source"]
    assert await SroiProxy.count() == 0


@pytest.mark.parametrize(
    ("outcome", "field", "words"),
    [
        ({"deadweight": 120}, "outcomes.0.deadweight", "spoza 0–100 %"),
        ({"attribution": -5}, "outcomes.0.attribution", "spoza 0–100 %"),
        ({"drop_off": None}, "outcomes.0.drop_off", "wymagane"),
        ({"displacement": None}, "outcomes.0.displacement", "wymagane"),
        ({"proxy_id": 999999}, "outcomes.0.proxy_id", "biblioteki"),
    ],
)
async def test_bad_adjustments_are_refused_and_nothing_is_stored(client, staff, outcome, field, words):
    made = await proxy(client, staff)
    body = analysis_body(made["id"], **outcome)
    response = await client.post("/api/v1/sroi/analyses", json=body, headers=staff.headers)
    assert response.status_code == 422, response.text
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert words in errors[field]
    assert await SroiAnalysis.count() == 0 and await SroiOutcome.count() == 0


async def test_scope_needs_the_right_organisation_and_versions_guard_edits(client, staff):
    made = await proxy(client, staff)
    body = {**analysis_body(made["id"]), "scope": "owes"}
    response = await client.post("/api/v1/sroi/analyses", json=body, headers=staff.headers)
    assert response.status_code == 422
    assert "organisation_id" in {e["field"] for e in response.json()["errors"]}
    changed = await client.put(
        f"/api/v1/sroi/proxies/{made['id']}",
        json={**PROXY, "value_pln": "31000", "version": 1},
        headers=staff.headers,
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = await client.put(
        f"/api/v1/sroi/proxies/{made['id']}", json={**PROXY, "version": 1}, headers=staff.headers
    )
    assert stale.status_code == 409


async def test_staff_forms_refuse_bad_input_and_the_committee_reads_the_list(client, staff, committee):
    refused = await client.post("/panel/sroi/proxy", data={**PROXY, "source": ""}, headers=staff.headers)
    assert refused.status_code == 422 and "bez źródła" in refused.text
    assert (await client.post("/panel/sroi/proxy", data=PROXY, headers=staff.headers)).status_code == 303
    made = (await client.get("/api/v1/sroi/proxies", headers=committee.headers)).json()[0]
    form = {
        "title": "SROI OWES",
        "scope": "region",
        "year": "2025",
        "investment_pln": "50000",
        "duration_years": "1",
        "discount_rate": "0",
        "o0_stakeholder": "osoby",
        "o0_description": "praca",
        "o0_quantity": "2",
        "o0_proxy_id": str(made["id"]),
        "o0_deadweight": "10",
        "o0_attribution": "150",
        "o0_displacement": "0",
    }
    refused = await client.post("/panel/sroi/nowa", data=form, headers=staff.headers)
    assert refused.status_code == 422
    assert "Rezultat 1: przypisanie" in refused.text and "Rezultat 1: spadek" in refused.text
    assert await SroiAnalysis.count() == 0
    saved = await client.post(
        "/panel/sroi/nowa", data={**form, "o0_attribution": "0", "o0_drop_off": "0"}, headers=staff.headers
    )
    assert saved.status_code == 303
    listing = await client.get("/panel/sroi", headers=committee.headers)
    assert listing.status_code == 200 and "SROI OWES" in listing.text and "Nowa analiza" not in listing.text
    assert (await client.get("/panel/sroi/nowa", headers=committee.headers)).status_code == 403
