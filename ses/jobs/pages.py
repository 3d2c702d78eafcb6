"""/zadania: the scheduled jobs, their runs and the reminders' outbox, with a run-now button (staff)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from ses import scheduler
from ses.auth.policy import Role, allow
from ses.jobs import services
from ses.web.pages import page


@get("/zadania", guards=[allow(Role.STAFF)], include_in_schema=False)
async def jobs_page(request: Request[Any, Any, Any], uruchomiono: FromQuery[str | None] = None) -> Template:
    notices = (
        [f"Uruchomiono zadanie (przebieg nr {uruchomiono}). Odśwież stronę, by zobaczyć wynik."]
        if uruchomiono
        else []
    )
    return page(
        request,
        "jobs.html.j2",
        jobs=await services.jobs_overview(),
        runs=await services.recent_runs(limit=30),
        outbox=await services.outbox_messages(),
        status_labels=services.STATUS_LABELS,
        trigger_labels=services.TRIGGER_LABELS,
        titles={job.id: job.title or job.id for job in scheduler.scheduled_jobs()},
        count_labels={job.id: services.count_labels(job) for job in scheduler.scheduled_jobs()},
        notices=notices,
        scheduler_on=scheduler.is_running(),
        pl_time=services.pl_time,
    )


@post("/zadania/{job_id:str}/uruchom", guards=[allow(Role.STAFF)], include_in_schema=False, status_code=303)
async def run_now(job_id: FromPath[str]) -> Redirect:
    run_id = await scheduler.run_now(services.job_or_404(job_id))
    return Redirect(f"/zadania?uruchomiono={run_id}", status_code=303)


ROUTES = (jobs_page, run_now)
