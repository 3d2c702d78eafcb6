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


async def test_a_target_staff_change_on_the_page_shows_on_the_dashboard_and_in_the_api(
    app_tx, client, committee
):
    """Staff set a new target on /dzialania/wskazniki; the committee's dashboard, the indicator API
    and the project's own table all show it at once (not the default declared in the code)."""
    import html
    import re

    from ses.audit.services import Actor
    from ses.auth.policy import Role
    from ses.auth.services import create_account

    password = "Wskazniki-2026-haslo"
    page_headers = {"accept": "text/html"}
    await create_account(
        username="rops.cele", role=Role.STAFF, password=password, actor=Actor.system("tests")
    )
    login = await client.get("/login", headers=page_headers)
    token = re.search(r'name="_csrf" value="([^"]+)"', login.text).group(1)
    signed = await client.post(
        "/login",
        data={"username": "rops.cele", "password": password, "_csrf": token, "next": "/dzialania/wskazniki"},
        headers=page_headers,
    )
    assert signed.status_code == 303, signed.text
    form_page = await client.get("/dzialania/wskazniki", headers=page_headers)
    assert "Zmień wartość bazową i docelową wskaźnika" in form_page.text
    csrf = re.search(r'name="_csrf" value="([^"]+)"', form_page.text).group(1)
    saved = await client.post(
        "/dzialania/wskazniki/cel",
        data={
            "_csrf": csrf,
            "code": "people_supported",
            "baseline": "0",
            "target": "1 450,5",
            "target_year": "2030",
        },
        headers=page_headers,
    )
    assert saved.status_code == 303, saved.text
    shown = await client.get(saved.headers["location"], headers=page_headers)
    assert "Zapisano wartość docelową" in shown.text and "(2030)" in shown.text

    listed = await client.get("/api/v1/indicators/project.people_supported", headers=committee.headers)
    assert listed.json()["target"] == {"value": 1450.5, "year": 2030}
    everything = {
        i["code"]: i for i in (await client.get("/api/v1/indicators", headers=committee.headers)).json()
    }
    assert everything["project.people_supported"]["target"] == {"value": 1450.5, "year": 2030}
    assert everything["project.people_qualified"]["target"] == {"value": 600.0, "year": 2029}  # unchanged
    client.cookies.clear()
    panel = await client.get("/panel", params={"okres": str(LAST_YEAR)}, headers=committee.headers)
    row = re.search(r'<tr data-indicator="project.people_supported">(.*?)</tr>', panel.text, re.S).group(1)
    assert "(2030)" in html.unescape(row) and "(2029)" not in html.unescape(row)

    refused = await client.put(
        "/api/v1/project-indicators/people_supported/target",
        json={"target": "0", "target_year": 2030},
        headers=committee.headers,
    )
    assert refused.status_code == 403
