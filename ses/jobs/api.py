"""`/api/v1/jobs`: the scheduled jobs with their next and last runs; run one now (staff)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from pydantic import BaseModel

from ses import scheduler
from ses.auth.policy import Role, allow
from ses.jobs import services
from ses.web.context import page_window
from ses.web.schemas import Page


class JobRunOut(BaseModel):
    id: int
    job_id: str
    slot: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    deadline_at: datetime | None
    process: str
    counts: dict[str, Any]
    error: str | None


class JobOut(BaseModel):
    id: str
    title: str
    schedule: str
    cron: dict[str, str]
    time_limit_minutes: float
    next_run: datetime | None
    last_runs: list[JobRunOut]


class JobRunsPage(Page[JobRunOut]):
    pass


class RunStarted(BaseModel):
    run_id: int
    job_id: str
    status: str


@get(
    "/api/v1/jobs",
    guards=[allow(Role.STAFF)],
    summary="Scheduled jobs: next run and last runs",
    tags=["Zadania"],
)
async def list_jobs() -> list[JobOut]:
    return [JobOut.model_validate(job) for job in await services.jobs_overview()]


@get(
    "/api/v1/jobs/runs",
    guards=[allow(Role.STAFF)],
    summary="Runs of scheduled jobs, newest first",
    tags=["Zadania"],
)
async def list_runs(
    job: FromQuery[str | None] = None, page: FromQuery[int] = 1, page_size: FromQuery[int] = 50
) -> JobRunsPage:
    # Clamped as before; a page past the millionth row is refused (422), not sent to the database.
    page, page_size = page_window(max(page, 1), min(max(page_size, 1), 200), 200)
    rows = await services.recent_runs(job, limit=page_size, offset=(page - 1) * page_size)
    return JobRunsPage(
        items=[JobRunOut.model_validate(r) for r in rows],
        total=await services.count_runs(job),
        page=page,
        page_size=page_size,
    )


@post(
    "/api/v1/jobs/{job_id:str}/run",
    guards=[allow(Role.STAFF)],
    summary="Run a job now (answers at once; the run is on record)",
    tags=["Zadania"],
    status_code=202,
)
async def run_job(job_id: FromPath[str]) -> Response[RunStarted]:
    job = services.job_or_404(job_id)
    run_id = await scheduler.run_now(job)
    return Response(RunStarted(run_id=run_id, job_id=job.id, status="running"), status_code=202)


ROUTES = (list_jobs, list_runs, run_job)
