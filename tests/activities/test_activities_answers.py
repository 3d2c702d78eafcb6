"""The activities' JSON answers carry exactly the fields their OpenAPI models describe (#13), so a
client generated from /schema reads every answer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from ses.activities.schemas import (
    ActivityDetails,
    ActivityIn,
    ActivityOut,
    ActivityPage,
    ActivitySummary,
    Created,
    Erased,
    IndicatorOut,
    IndicatorPeriod,
    ParticipantOut,
    ProjectIndicators,
)
from tests.activities.test_activities_api import LAST_YEAR, activity, org, participant

pytestmark = pytest.mark.anyio


def matches(model: type[BaseModel], answer: Any) -> None:
    """The answer validates against the model and has no field the model leaves out."""
    model.model_validate(answer)
    assert set(answer) == set(model.model_fields), model.__name__
    for name, field in model.model_fields.items():
        inner = field.annotation
        if isinstance(answer[name], dict) and isinstance(inner, type) and issubclass(inner, BaseModel):
            matches(inner, answer[name])


async def test_answers_have_the_fields_of_their_models(client, staff):
    ops = await org(client, staff, "Ośrodek Pomocy Społecznej w Chełmnie", "ops")
    made = await activity(client, staff, certificates=True)
    shown = await client.get(f"/api/v1/activities/{made}", headers=staff.headers)
    changed = await client.put(
        f"/api/v1/activities/{made}",
        json={k: shown.json()[k] for k in ActivityIn.model_fields},
        headers={**staff.headers, "If-Match": shown.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    matches(ActivityOut, changed.json())
    added = await client.post(
        f"/api/v1/activities/{made}/participants",
        json=participant("Ewa Lis", "ewa@x.example", ops, completed=True, certificate_number="Z/2"),
        headers=staff.headers,
    )
    matches(Created, added.json())
    details = (await client.get(f"/api/v1/activities/{made}", headers=staff.headers)).json()
    matches(ActivityDetails, details)
    for row in details["participants"]:
        matches(ParticipantOut, row)
    page = (await client.get("/api/v1/activities", headers=staff.headers)).json()
    matches(ActivityPage, page)
    matches(ActivitySummary, page["items"][0])
    plan = await client.post(
        "/api/v1/di-plans",
        json={
            "territory_code": "0415062",
            "title": "Plan DI",
            "adopted_on": date(LAST_YEAR, 3, 1).isoformat(),
        },
        headers=staff.headers,
    )
    matches(Created, plan.json())
    need = await client.post(
        "/api/v1/training-needs",
        json={
            "year": LAST_YEAR,
            "institution": "OPS Chełmno",
            "gmina_code": "0404011",
            "topic": "social_economy",
            "people": 3,
        },
        headers=staff.headers,
    )
    assert need.status_code == 201, need.text
    matches(Created, need.json())
    table = (await client.get("/api/v1/project-indicators", headers=staff.headers)).json()
    matches(ProjectIndicators, table)
    for one in table["indicators"]:
        matches(IndicatorOut, one)
        for period in one["periods"]:
            matches(IndicatorPeriod, period)
    person = details["participants"][0]["person_id"]
    erased = await client.post(
        f"/api/v1/people/{person}/erase", json={"reason": "wniosek"}, headers=staff.headers
    )
    matches(Erased, erased.json())
