"""Reading the jobs and their runs for the staff page and the API (no Litestar here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ses import scheduler
from ses.errors import NotFound
from ses.extensions import ScheduledJob
from ses.jobs.tables import JobRun, OutboxMessage

CRON_LABELS = {
    "month": "mies.",
    "day": "dzień",
    "day_of_week": "dzień tyg.",
    "hour": "godz.",
    "minute": "min.",
}
STATUS_LABELS = {
    "running": "trwa",
    "finished": "zakończone",
    "failed": "nieudane",
}
TRIGGER_LABELS = {"schedule": "wg harmonogramu", "manual": "uruchomione ręcznie"}
COUNT_LABELS = {"sent": "wysłane e-mailem", "failed": "niewysłane", "result": "wynik"}
"""Counts every job may return: the outbox's delivery (ses/jobs/outbox.py) and a bare result."""


def count_labels(job: ScheduledJob) -> dict[str, str]:
    return {**COUNT_LABELS, **job.count_labels}


WARSAW = ZoneInfo("Europe/Warsaw")


def pl_time(value: datetime | None) -> str:
    """'06.12.2026 07:30' in Polish time (what people read on the pages)."""
    if value is None:
        return "—"
    return value.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")


def cron_text(job: ScheduledJob) -> str:
    """'codziennie 06:30', or the cron fields in Polish (Polish time)."""
    cron = dict(job.cron)
    hour, minute = cron.pop("hour", "*"), cron.pop("minute", 0)
    at = (
        f"{int(hour):02d}:{int(minute):02d}"
        if str(hour).isdigit() and str(minute).isdigit()
        else f"{hour}:{minute}"
    )
    if not cron:
        return f"codziennie o {at}"
    rest = ", ".join(f"{CRON_LABELS.get(k, k)} {v}" for k, v in cron.items())
    return f"{rest}, o {at}"


def job_or_404(job_id: str) -> ScheduledJob:
    job = scheduler.job_by_id(job_id)
    if job is None:
        raise NotFound(f"Nie ma zadania o identyfikatorze „{job_id}”.")
    return job


async def recent_runs(job_id: str | None = None, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    query = JobRun.select().order_by(JobRun.id, ascending=False).limit(limit).offset(offset)
    if job_id:
        query = query.where(JobRun.job_id == job_id)
    return list(await query.output(load_json=True))


async def count_runs(job_id: str | None = None) -> int:
    query = JobRun.count()
    if job_id:
        query = query.where(JobRun.job_id == job_id)
    return int(await query)


async def jobs_overview(last: int = 3) -> list[dict[str, Any]]:
    await scheduler.mark_stuck()
    found = []
    for job in scheduler.scheduled_jobs():
        found.append(
            {
                "id": job.id,
                "title": job.title or job.id,
                "schedule": cron_text(job),
                "cron": {k: str(v) for k, v in job.cron.items()},
                "time_limit_minutes": job.time_limit_minutes,
                "next_run": scheduler.next_run(job),
                "last_runs": await recent_runs(job.id, limit=last),
            }
        )
    return found


async def outbox_messages(limit: int = 20) -> list[dict[str, Any]]:
    return list(await OutboxMessage.select().order_by(OutboxMessage.id, ascending=False).limit(limit))
