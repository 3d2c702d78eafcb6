"""The demo region's reports: loaded through the services, visible in the follow-up."""

from __future__ import annotations

from typing import Any

import pytest

from ses.reporting.demo import load_reporting_demo

pytestmark = pytest.mark.anyio


async def test_demo_reports_have_late_returned_and_missing(client: Any, staff: Any):
    ids = []
    for index in range(3):
        response = await client.post(
            "/api/v1/organisations",
            json={
                "name": f"OWES demo {index}",
                "kind": "association",
                "gmina_code": "0463011",
                "is_owes": True,
            },
            headers=staff.headers,
        )
        ids.append(response.json()["id"])
    ps = await client.post(
        "/api/v1/organisations",
        json={"name": "Spółdzielnia Socjalna Demo", "kind": "social_cooperative", "gmina_code": "0463011"},
        headers=staff.headers,
    )
    counts = await load_reporting_demo(ids, ps.json()["id"])
    assert counts["returned"] == 1 and counts["accepted"] > 0
    received = counts["accepted"] + counts["returned"] + counts["submitted"]
    follow = (await client.get("/api/v1/reports/follow-up", headers=staff.headers)).json()
    assert follow["totals"]["expected"] == 24  # 3 OWES × the last 8 ended quarters
    assert follow["totals"]["received"] == received
    assert follow["totals"]["returned"] == 1
    assert follow["totals"]["late"] == counts["late"]
    assert follow["totals"]["on_time"] == received - counts["late"]
    assert follow["totals"]["completeness"] == round(received / 24, 4)
    listing = (await client.get("/api/v1/reports?state=returned", headers=staff.headers)).json()
    assert listing["total"] == 1

    # Accepted demo reports fed the PS's jobs created through the register service (never the
    # people it employs: the year figures stay empty here).
    ps_id = ps.json()["id"]
    accepted = (
        await client.get("/api/v1/reports?state=accepted&page_size=100", headers=staff.headers)
    ).json()
    by_year: dict[int, int] = {}
    for report in accepted["items"]:
        for item in report["register_links"].get("figures", []):
            by_year[item["year"]] = by_year.get(item["year"], 0) + item["jobs_created"]
    figures = (await client.get(f"/api/v1/organisations/{ps_id}/figures", headers=staff.headers)).json()
    assert by_year and {row["year"]: row["jobs_created"] for row in figures} == by_year
    assert {row["employees"] for row in figures} == {None}

    # A second run adds nothing and counts nothing twice.
    again = await load_reporting_demo(ids, ps_id)
    assert again["accepted"] == again["returned"] == again["submitted"] == 0
    total = (await client.get("/api/v1/reports", headers=staff.headers)).json()["total"]
    assert total == received
    assert (
        await client.get(f"/api/v1/organisations/{ps_id}/figures", headers=staff.headers)
    ).json() == figures
