"""OWES coverage indicators from accepted reports' contents: initiative groups and services by
standard summed by the OWES's seat, the share of gminas with a supported PES; a period without
accepted reports is "no data", never zero."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from ses.reporting.demo import load_reporting_demo
from ses.reporting.tables import Report, ReportVersion

pytestmark = pytest.mark.anyio
LAST_YEAR = str(date.today().year - 1)


async def region_value(client: Any, caller: Any, code: str, period: str) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/indicators/{code}/values",
        params={"period": period, "level": "voivodeship"},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text
    return {row["territory"]: row for row in response.json()["values"]}["04"]


async def test_coverage_indicators_match_the_accepted_reports(client, staff, committee):
    ids = []
    for index in range(2):
        response = await client.post(
            "/api/v1/organisations",
            json={"name": f"OWES {index}", "kind": "association", "gmina_code": "0463011", "is_owes": True},
            headers=staff.headers,
        )
        ids.append(response.json()["id"])
    ps = await client.post(
        "/api/v1/organisations",
        json={
            "name": "Spółdzielnia Socjalna Pokrzywa",
            "kind": "social_cooperative",
            "gmina_code": "0415042",
        },
        headers=staff.headers,
    )
    await load_reporting_demo(ids, ps.json()["id"])
    # Straight from the database: the accepted versions of last year's reports.
    accepted = await Report.select(Report.id, Report.current_version).where(
        Report.state == "accepted", Report.period.like(f"{LAST_YEAR}-%")
    )
    groups = 0.0
    sessions = 0.0
    for report in accepted:
        version = (
            await ReportVersion.select(ReportVersion.data)
            .where(ReportVersion.report == report["id"], ReportVersion.number == report["current_version"])
            .first()
        )
        data = version["data"] if isinstance(version["data"], dict) else json.loads(version["data"])
        groups += data["initiative_groups"]
        sessions += sum(row["sessions"] for row in data["services"] if row["standard"] == "local_animation")
    assert accepted, "the demo accepts reports of last year"
    found = await region_value(client, committee, "owes.initiative_groups", LAST_YEAR)
    assert found["value"] == groups
    found = await region_value(client, committee, "owes.services.local_animation", LAST_YEAR)
    assert found["value"] == sessions
    share = await region_value(client, committee, "owes.gminas_supported_share", LAST_YEAR)
    assert share["denominator"] == 144 and 0 < share["value"] <= 100
    listed = {
        i["code"]: i for i in (await client.get("/api/v1/indicators", headers=committee.headers)).json()
    }
    assert (
        listed["owes.initiative_groups"]["nature"] == "output"
        and listed["owes.initiative_groups"]["package"] == "reporting"
    )
    none = await region_value(client, committee, "owes.initiative_groups", "2015")
    assert none["value"] is None and none["has_data"] is False
