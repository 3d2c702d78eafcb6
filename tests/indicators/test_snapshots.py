"""The time series: snapshots taken on demand (API, CLI) and by the scheduler keep every value per
indicator, territory and period; a period the live computation cannot answer any more is read
from its snapshot, and "no data" stays "no data"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ses.extensions import installed
from ses.indicators import services, snapshots
from ses.indicators.model import Level, parse_period
from ses.indicators.tables import IndicatorSnapshot

pytestmark = pytest.mark.anyio

TORUN = "0463011"
THIS_YEAR = date.today().year


async def org(client: Any, staff: Any, name: str, gmina: str = TORUN) -> None:
    body = {"name": name, "kind": "association", "gmina_code": gmina}
    response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
    assert response.status_code == 201, response.text


async def test_a_snapshot_keeps_the_year_when_the_register_moves_on(client, staff, committee):
    await org(client, staff, "Stowarzyszenie A")
    await org(client, staff, "Stowarzyszenie B")
    response = await client.post("/api/v1/indicator-snapshots", json={}, headers=staff.headers)
    assert response.status_code == 201, response.text
    taken = response.json()
    assert taken["period"] == str(THIS_YEAR) and taken["values"] > 2875
    again = (await client.post("/api/v1/indicator-snapshots", json={}, headers=staff.headers)).json()
    assert again["values"] == taken["values"]  # replaced, not added
    assert (
        await IndicatorSnapshot.count().where(IndicatorSnapshot.period == str(THIS_YEAR)) == taken["values"]
    )

    await org(client, staff, "Stowarzyszenie C")  # after the snapshot
    ind = services.indicator("pes.total")
    next_january = date(THIS_YEAR + 1, 1, 10)
    kept = await services.compute(ind, Level.POWIAT, "04", parse_period(str(THIS_YEAR)), next_january)
    assert kept.source == "snapshot"
    rows = {value.territory: value for value in kept.values}
    assert rows["0463"].value == 2  # as it was when the snapshot was taken
    assert rows["0461"].value == 0
    live = await services.compute(ind, Level.POWIAT, "04", parse_period(str(THIS_YEAR)))
    assert {v.territory: v.value for v in live.values}["0463"] == 3


async def test_no_data_is_kept_as_no_data_and_the_series_shows_changes(client, staff, committee):
    await org(client, staff, "Stowarzyszenie A")
    await snapshots.take_snapshot(None, "tests")
    rows = await IndicatorSnapshot.select().where(
        IndicatorSnapshot.indicator_code == "jobs.ps.total",
        IndicatorSnapshot.period == str(THIS_YEAR),
    )
    assert rows and all(row["value"] is None for row in rows)  # no year figures: no data, not 0
    response = await client.get(
        "/api/v1/indicators/network.cross_sector_ties/series",
        params={"territory": "04", "start": THIS_YEAR - 2, "end": THIS_YEAR},
        headers=committee.headers,
    )
    assert response.status_code == 200, response.text
    points = response.json()["points"]
    assert [p["period"] for p in points] == [str(y) for y in range(THIS_YEAR - 2, THIS_YEAR + 1)]
    assert all(p["value"] == 0 for p in points) and points[1]["change"] == 0


async def test_who_may_take_snapshots_and_bad_input(client, staff, committee):
    assert (
        await client.post("/api/v1/indicator-snapshots", json={}, headers=committee.headers)
    ).status_code == 403
    response = await client.post(
        "/api/v1/indicator-snapshots", json={"indicators": ["nope"]}, headers=staff.headers
    )
    assert response.status_code == 422 and "nope" in response.text
    response = await client.post(
        "/api/v1/indicator-snapshots", json={"period": "2025-Q9"}, headers=staff.headers
    )
    assert response.status_code == 422
    assert await IndicatorSnapshot.count() == 0


def test_the_scheduler_has_the_snapshot_job():
    jobs = {job.id: job for extension in installed() for job in extension.jobs}
    assert jobs["indicator-snapshot"].run is snapshots.scheduled_snapshot
