"""JSON API of the ROPS's support work (thin: every handler calls a service). Participants'
personal data is for staff only; the project's indicators are read by the committee as well."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from ses.activities import indicators, monitoring, services
from ses.activities.schemas import (
    ActivityDetails,
    ActivityIn,
    ActivityOut,
    ActivityPage,
    Created,
    Erased,
    EraseIn,
    ParticipantIn,
    PlanIn,
    PlanOut,
    ProjectIndicators,
    TargetIn,
    TrainingNeedIn,
    TrainingNeedTotal,
)
from ses.auth.policy import Role, allow
from ses.text import inert
from ses.web.context import actor_of, expected_version
from ses.web.dependencies import Paging
from ses.web.params import OptionalYear, Year

STAFF = (Role.STAFF,)
INDICATOR_READERS = (Role.STAFF, Role.COMMITTEE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
EXPORT_COLUMNS = ("imie_nazwisko", "email", "rola", "instytucja", "gmina", "ukonczone", "zaswiadczenie")


def _cell(value: Any) -> str:
    return "" if value is None else inert(str(value))


def participants_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                _cell(row["full_name"]),
                _cell(row["email"]),
                _cell(row["role_label"]),
                _cell(row["institution"]),
                _cell(row["gmina_code"]),
                "tak" if row["completed"] else "nie",
                _cell(row["certificate_number"]),
            ]
        )
    return out.getvalue()


async def monitoring_file() -> bytes:
    return monitoring.monitoring_xlsx(await indicators.project_indicators())


class ActivityController(Controller):
    path = "/api/v1/activities"
    tags = ["Działania ROPS"]

    @get("/", guards=[allow(*STAFF)], summary="Support activities, newest first")
    async def activities(
        self,
        paging: Paging,
        year: OptionalYear = None,
        kind: FromQuery[str | None] = None,
    ) -> ActivityPage:
        return await services.list_activities(year, kind, paging.page, paging.page_size)  # type: ignore[return-value]

    @post("/", guards=[allow(*STAFF)], summary="Record an activity")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[ActivityIn]
    ) -> Response[ActivityOut]:
        row = await services.create_activity(data, actor_of(request))
        return Response(
            row,
            status_code=201,
            headers={"ETag": services.activity_etag(row), "Location": f"/api/v1/activities/{row['id']}"},
        )

    @get("/{activity_id:int}", guards=[allow(*STAFF)], summary="An activity with its participants")
    async def activity(self, activity_id: FromPath[int]) -> Response[ActivityDetails]:
        row = await services.get_activity(activity_id)
        row["participants"] = await services.participants(activity_id)
        return Response(row, headers={"ETag": services.activity_etag(row)})

    @put("/{activity_id:int}", guards=[allow(*STAFF)], summary="Change an activity (needs If-Match)")
    async def update(
        self, request: Request[Any, Any, Any], activity_id: FromPath[int], data: JSONBody[ActivityIn]
    ) -> Response[ActivityOut]:
        row = await services.update_activity(activity_id, data, expected_version(request), actor_of(request))
        return Response(row, headers={"ETag": services.activity_etag(row)})

    @post(
        "/{activity_id:int}/participants",
        guards=[allow(*STAFF)],
        summary="Add a participant (consent required)",
    )
    async def add_participant(
        self, request: Request[Any, Any, Any], activity_id: FromPath[int], data: JSONBody[ParticipantIn]
    ) -> Response[Created]:
        row = await services.add_participant(activity_id, data, actor_of(request))
        return Response(row, status_code=201)

    @delete("/{activity_id:int}/participants/{participation_id:int}", guards=[allow(*STAFF)], status_code=204)
    async def remove_participant(
        self, request: Request[Any, Any, Any], activity_id: FromPath[int], participation_id: FromPath[int]
    ) -> None:
        await services.remove_participation(activity_id, participation_id, actor_of(request))

    @get(
        "/{activity_id:int}/participants.csv",
        guards=[allow(*STAFF)],
        summary="Participants as CSV (the export is audited)",
        media_type=CSV,
    )
    async def export(self, request: Request[Any, Any, Any], activity_id: FromPath[int]) -> Response[str]:
        rows = await services.participants(activity_id)
        await services.audit_export(actor_of(request), activity_id, len(rows))
        return Response(
            participants_csv(rows),
            media_type=CSV,
            headers={"Content-Disposition": f'attachment; filename="uczestnicy-{activity_id}.csv"'},
        )


class PeopleController(Controller):
    path = "/api/v1/people"
    tags = ["Działania ROPS"]

    @post("/{person_id:int}/erase", guards=[allow(*STAFF)], summary="Remove a person's data on request")
    async def erase(
        self, request: Request[Any, Any, Any], person_id: FromPath[int], data: JSONBody[EraseIn]
    ) -> Response[Erased]:
        await services.erase_person(person_id, actor_of(request), data.reason)
        return Response({"erased": person_id}, status_code=200)


class ProjectController(Controller):
    path = "/api/v1"
    tags = ["Wskaźniki projektu"]

    @get(
        "/project-indicators", guards=[allow(*INDICATOR_READERS)], summary="The project's indicators by year"
    )
    async def project_indicators(self) -> ProjectIndicators:
        return await indicators.project_indicators()  # type: ignore[return-value]

    @put("/project-indicators/{code:str}/target", guards=[allow(*STAFF)], summary="Set an indicator's target")
    async def set_target(
        self, request: Request[Any, Any, Any], code: FromPath[str], data: JSONBody[TargetIn]
    ) -> ProjectIndicators:
        await services.set_target(code, data, actor_of(request))
        return await indicators.project_indicators()  # type: ignore[return-value]

    @get(
        "/project-indicators/monitoring.xlsx",
        guards=[allow(*INDICATOR_READERS)],
        summary="The monitoring table (XLSX)",
        media_type=XLSX,
    )
    async def monitoring(self) -> Response[bytes]:
        return Response(
            await monitoring_file(),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="monitoring-wskaznikow-projektu.xlsx"'},
        )

    @get("/training-needs", guards=[allow(*STAFF)], summary="Training needs of a year, summed by topic")
    async def training_needs(self, year: Year) -> list[TrainingNeedTotal]:
        return await services.training_needs(year)  # type: ignore[return-value]

    @post("/training-needs", guards=[allow(*STAFF)], summary="Record a survey answer")
    async def add_training_need(
        self, request: Request[Any, Any, Any], data: JSONBody[TrainingNeedIn]
    ) -> Response[Created]:
        return Response(await services.add_training_need(data, actor_of(request)), status_code=201)

    @get(
        "/di-plans",
        guards=[allow(*INDICATOR_READERS)],
        summary="Deinstitutionalisation plans of local governments",
    )
    async def plans(self) -> list[PlanOut]:
        return await services.list_plans()  # type: ignore[return-value]

    @post("/di-plans", guards=[allow(*STAFF)], summary="Record a local government's plan")
    async def add_plan(self, request: Request[Any, Any, Any], data: JSONBody[PlanIn]) -> Response[Created]:
        return Response(await services.add_plan(data, actor_of(request)), status_code=201)


ROUTES: list[Any] = [ActivityController, PeopleController, ProjectController]
