"""Scheduled jobs (APScheduler 3, in memory): every package lists its jobs, this runs them.

Exactly one process may run the scheduler (APScheduler 3 cannot share a job store between
processes): it starts only with `SES_SCHEDULER=1`, which `ses demo` sets for its single process; a
multi-worker deployment sets it on one process only. A package contributes jobs through the `jobs`
of its extension record (ses/extensions.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from ses.extensions import ScheduledJob, installed
from ses.settings import get_settings

log = logging.getLogger("ses.scheduler")
TIMEZONE = "Europe/Warsaw"


def scheduled_jobs() -> list[ScheduledJob]:
    return [job for extension in installed() for job in extension.jobs]


def build_scheduler() -> Any:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = AsyncIOScheduler(
        timezone=TIMEZONE, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    )
    for job in scheduled_jobs():
        scheduler.add_job(
            _logged(job), CronTrigger(timezone=TIMEZONE, **job.cron), id=job.id, replace_existing=True
        )
    return scheduler


def _logged(job: ScheduledJob) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            result = await job.run()
            log.info("job %s done: %s", job.id, result)
        except Exception:  # a failing job must not stop the scheduler or the server
            log.exception("job %s failed", job.id)

    return run


@asynccontextmanager
async def scheduler_lifespan(_app: Any = None) -> AsyncIterator[None]:
    if not get_settings().scheduler_enabled:
        yield
        return
    scheduler = build_scheduler()
    scheduler.start()
    log.info("scheduler started with jobs %s", [job.id for job in scheduler.get_jobs()])
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
