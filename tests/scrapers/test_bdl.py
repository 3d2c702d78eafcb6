"""GUS BDL population: unit ids to TERYT, the recorded answer parsed, a sync over pages with faults."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from tests.scrapers.conftest import fixture

BASE = "http://bdl.test/api/v1"


def test_unit_ids_map_to_teryt_from_their_own_positions():
    from scrapers.bdl import teryt_of

    assert teryt_of("011212001011", 6) == "1201011"  # Bochnia, gmina miejska
    assert teryt_of("023016121132", 6) == "3021132"  # Rokietnica
    assert teryt_of("011212001000", 5) == "1201"
    assert teryt_of("011200000000", 2) == "12"
    assert teryt_of("0112", 6) is None


def test_the_recorded_results_parse_and_unmappable_units_are_reported():
    from scrapers.bdl import parse_population

    results = json.loads(fixture("bdl/samples_raw_data.json"))["get_data_by_variable"]
    page = parse_population(results, 2024, 2)
    assert page.values == {"12": 19}  # MAŁOPOLSKIE in the recorded answer
    assert any("POLSKA" in p for p in page.problems) and any("MAKROREGION" in p for p in page.problems)


def _page(units, year, next_url=None):
    body = {"totalRecords": len(units), "results": [
        {"id": uid, "name": name, "values": [{"year": str(year), "val": val, "attrId": attr}]}
        for uid, name, val, attr in units
    ]}  # fmt: skip
    if next_url:
        body["links"] = {"next": next_url}
    return httpx.Response(200, json=body)


pytestmark = pytest.mark.anyio


async def test_a_sync_follows_pages_stores_each_unit_once_and_keeps_flagged_values_out(app_tx):
    from scrapers.bdl_sync import sync_bdl
    from scrapers.http import Source, build_client, retry_policy
    from scrapers.tables import PopulationFigure, SyncRun

    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(f"{BASE}/data/by-variable/72305")
        route.side_effect = lambda request: {
            "2": _page([("010400000000", "KUJAWSKO-POMORSKIE", 2_061_942, 1)], 2024),
            "5": _page([("010404063000", "Powiat m. Toruń", 197_000, 1)], 2024),
            "6": _page(
                [("010404063011", "Toruń", 197_000, 1), ("010404015012", "Aleksandrów Kujawski", 0, 4)], 2024
            ),
        }[request.url.params.get("unit-level", "6")]
        client = build_client(Source("bdl", BASE, 0), retry=retry_policy(backoff=0.01))
        report = await sync_bdl(2024, client=client)
        await client.aclose()
    assert report.status == "finished" and report.requests == 3
    rows = {
        r["code"]: r["population"]
        for r in await PopulationFigure.select().where(PopulationFigure.year == 2024)
    }
    assert rows == {"04": 2_061_942, "0463": 197_000, "0463011": 197_000}
    run = await SyncRun.select().where(SyncRun.id == report.run_id).output(load_json=True).first()
    assert run["source"] == "bdl" and "niepełna" in run["errors"][0]["message"]


async def test_a_bdl_outage_is_recorded_on_the_run_and_nothing_is_stored(app_tx):
    from scrapers.bdl_sync import sync_bdl
    from scrapers.http import Source, build_client, retry_policy
    from scrapers.tables import PopulationFigure, SyncRun

    with respx.mock() as mock:
        mock.get(f"{BASE}/data/by-variable/72305").mock(return_value=httpx.Response(503))
        client = build_client(Source("bdl", BASE, 0), retry=retry_policy(attempts=2, backoff=0.01))
        report = await sync_bdl(2023, client=client)
        await client.aclose()
    assert report.status == "failed"
    assert await PopulationFigure.count().where(PopulationFigure.year == 2023) == 0
    run = await SyncRun.select().where(SyncRun.id == report.run_id).output(load_json=True).first()
    assert run["status"] == "failed" and "503" in run["errors"][0]["message"]
