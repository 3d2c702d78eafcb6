"""Indicators the network package contributes through its extension record (the core never
imports it): cross-sector ties and density per powiat, with the ties behind a value."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

BUKOWIEC = "0414012"  # powiat świecki
DRAGACZ = "0414022"


async def org(client: Any, staff: Any, name: str, kind: str, gmina: str = BUKOWIEC) -> int:
    body = {"name": name, "kind": kind, "gmina_code": gmina}
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def tie(client: Any, staff: Any, a: int, b: int, relation_type: str = "cooperates") -> None:
    body = {"source_id": a, "target_id": b, "relation_type": relation_type, "valid_from": "2025-01-01"}
    response = await client.post("/api/v1/network/relations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text


async def test_cross_sector_ties_and_density_per_powiat(client, staff, committee):
    coop = await org(client, staff, "Spółdzielnia Socjalna Razem", "social_cooperative")
    office = await org(client, staff, "Urząd Gminy Bukowiec", "gmina_office")
    assoc = await org(client, staff, "Stowarzyszenie Dragacz", "association", DRAGACZ)
    await tie(client, staff, coop, office, "cooperates")
    await tie(client, staff, coop, assoc, "cooperates")
    year = str(date.today().year)
    response = await client.get(
        "/api/v1/indicators/network.cross_sector_ties/values",
        params={"level": "powiat", "territory": "04", "period": year},
        headers=committee.headers,
    )
    assert response.status_code == 200, response.text
    rows = {row["territory"]: row for row in response.json()["values"]}
    assert rows["0414"]["value"] == 1  # the cooperative–office tie; PES–PES is not cross-sector
    assert rows["0461"]["value"] == 0
    behind = (await client.get(rows["0414"]["behind_url"], headers=committee.headers)).json()
    assert behind["basis"] == "ties"
    assert behind["items"][0]["source"] == "Spółdzielnia Socjalna Razem"
    assert behind["items"][0]["target"] == "Urząd Gminy Bukowiec"

    response = await client.get(
        "/api/v1/indicators/network.density/values",
        params={"level": "powiat", "territory": "04", "period": year},
        headers=committee.headers,
    )
    rows = {row["territory"]: row for row in response.json()["values"]}
    assert rows["0414"]["value"] == pytest.approx(100 * 2 / 3)  # 3 organisations, 2 of 3 pairs tied
    assert rows["0461"]["value"] is None  # no network there: no data, not 0
    before = await client.get(
        "/api/v1/indicators/network.density/values",
        params={"level": "powiat", "territory": "0414", "period": "2024"},
        headers=committee.headers,
    )
    assert before.json()["values"][0]["value"] is None
