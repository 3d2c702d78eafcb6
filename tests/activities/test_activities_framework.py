"""The project's indicators join the indicator framework: listed in /api/v1/indicators with their
targets, valued for the region by year (people counted once), on the committee's dashboard, and
the list behind a value names organisations, never people."""

from __future__ import annotations

from datetime import date

import pytest

from tests.activities.test_activities_api import LAST_YEAR, activity, org, participant

pytestmark = pytest.mark.anyio


async def test_project_indicators_in_the_framework_and_on_the_dashboard(client, staff, committee):
    ops = await org(client, staff, "Miejski Ośrodek Pomocy Rodzinie w Toruniu", "ops")
    first = await activity(client, staff, certificates=True)
    second = await activity(client, staff, on=date(LAST_YEAR, 9, 3))
    for made, extra in ((first, {"completed": True, "certificate_number": "Z/1"}), (second, {})):
        response = await client.post(
            f"/api/v1/activities/{made}/participants",
            json=participant("Anna Nowak", "anna@x.example", ops, **extra),
            headers=staff.headers,
        )
        assert response.status_code == 201, response.text
    found = (await client.get("/api/v1/indicators", headers=committee.headers)).json()
    listed = {i["code"]: i for i in found}
    people = listed["project.people_supported"]
    assert people["target"] == {"value": 1100.0, "year": 2029} and people["package"] == "activities"
    assert listed["project.people_qualified"]["nature"] == "outcome"
    assert listed["project.gmina_coverage_es"]["unit"] == "percent"
    values = (
        await client.get(
            "/api/v1/indicators/project.people_supported/values",
            params={"period": str(LAST_YEAR)},
            headers=committee.headers,
        )
    ).json()
    region = {row["territory"]: row for row in values["values"]}["04"]
    assert region["value"] == 1  # one person across two activities
    coverage = (
        await client.get(
            "/api/v1/indicators/project.gmina_coverage_es/values",
            params={"period": str(LAST_YEAR)},
            headers=committee.headers,
        )
    ).json()
    share = {row["territory"]: row for row in coverage["values"]}["04"]
    assert share["numerator"] == 100 and share["value"] == pytest.approx(100 / share["denominator"])
    behind = (
        await client.get(
            "/api/v1/indicators/project.people_supported/values/04/behind",
            params={"period": str(LAST_YEAR)},
            headers=committee.headers,
        )
    ).json()
    assert [row["name"] for row in behind["items"]] == ["Miejski Ośrodek Pomocy Rodzinie w Toruniu"]
    assert "Anna" not in str(behind)
    page = await client.get("/panel", params={"okres": str(LAST_YEAR)}, headers=committee.headers)
    assert "Wskaźniki projektu ROPS" in page.text and 'data-indicator="project.people_supported"' in page.text
