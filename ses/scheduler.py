"""Scheduled jobs (APScheduler 3, in memory): every package lists its jobs, this runs them.

Jobs come from the `jobs` of each package's extension record (ses/extensions.py), with fixed ids and
cron times in Polish time. The scheduler starts with `SES_SCHEDULER=1` (`ses demo` sets it for its
single process). Several processes may have it on: before a job runs, its process inserts the
(job, slot) row of `job_run` — unique in the database — and a process that finds the row already
there leaves the slot to the one that got it, so each slot runs exactly once (APScheduler 3 cannot
share a job store between processes; the database is the one thing they share).

Every run is on record with its start, end, status, counts and error; a run is given the job's time
limit, and a run found still "running" past its limit (its process died) is marked failed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from ses.extensions import ScheduledJob, installed
from ses.settings import get_settings

log = logging.getLogger("ses.scheduler")
TIMEZONE = "Europe/Warsaw"
PROCESS = f"{socket.gethostname()}:{os.getpid()}"
_running: set[asyncio.Task[Any]] = set()
_scheduler: Any = None


def scheduled_jobs() -> list[ScheduledJob]:
    return [job for extension in installed() for job in extension.jobs]


def is_running() -> bool:
    """Whether this process runs the scheduler."""
    return _scheduler is not None


def job_by_id(job_id: str) -> ScheduledJob | None:
    return next((job for job in scheduled_jobs() if job.id == job_id), None)


def trigger_of(job: ScheduledJob) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(timezone=TIMEZONE, **job.cron)


def next_run(job: ScheduledJob, after: datetime | None = None) -> datetime | None:
    """When the job runs next (from the live scheduler when this process runs one)."""
    if _scheduler is not None and (live := _scheduler.get_job(job.id)) is not None:
        return live.next_run_time
    after = after or datetime.now(UTC)
    return trigger_of(job).get_next_fire_time(None, after)


def current_slot(job: ScheduledJob, now: datetime | None = None) -> datetime:
    """The scheduled time a run starting now belongs to: the trigger's last fire time up to now.

    Two processes firing the same cron time compute the same slot even if one starts a little late.
    """
    now = now or datetime.now(UTC)
    trigger = trigger_of(job)
    fire = trigger.get_next_fire_time(None, now - timedelta(days=400))
    slot = fire
    while fire is not None and fire <= now + timedelta(seconds=1):
        slot = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return (slot or now).astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


async def claim(job: ScheduledJob, slot: str, trigger: str) -> int | None:
    """Insert the run's (job, slot) row; None when another process already holds that slot."""
    from ses.db import write_transaction
    from ses.jobs.tables import JobRun

    # ON CONFLICT DO NOTHING on the unique (job_id, slot) index: no error to recover from, so this
    # also works inside a caller's PostgreSQL transaction (a failed statement would abort it).
    async with write_transaction():
        rows = await (
            JobRun.insert(
                JobRun(
                    job_id=job.id,
                    slot=slot,
                    trigger=trigger,
                    status="running",
                    started_at=_now(),
                    deadline_at=_now() + timedelta(minutes=job.time_limit_minutes),
                    process=PROCESS,
                )
            )
            .on_conflict(target=(JobRun.job_id, JobRun.slot), action="DO NOTHING")
            .returning(JobRun.id)
        )
    if not rows:
        return None
    return int(rows[0]["id"])


def _counts(result: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    if isinstance(result, Mapping):
        return {str(k): v for k, v in result.items() if isinstance(v, int | float | str | bool) or v is None}
    return {} if result is None else {"result": str(result)[:200]}


async def finish(run_id: int, status: str, counts: Mapping[str, Any], error: str | None) -> None:
    import json

    from ses.db import write_transaction
    from ses.jobs.tables import JobRun

    async with write_transaction():
        await JobRun.update(
            {
                JobRun.status: status,
                JobRun.finished_at: _now(),
                JobRun.counts: json.dumps(dict(counts), ensure_ascii=False, default=str),
                JobRun.error: error,
            }
        ).where(JobRun.id == run_id)


async def execute(job: ScheduledJob, run_id: int) -> str:
    """Run a claimed job within its time limit and put the outcome on its record."""
    try:
        result = await asyncio.wait_for(job.run(), timeout=job.time_limit_minutes * 60)
    except TimeoutError:
        await finish(run_id, "failed", {}, f"Przekroczono limit czasu ({job.time_limit_minutes} min).")
        return "failed"
    except Exception as error:  # a failing job must not stop the scheduler or the server
        log.exception("job %s failed", job.id)
        await finish(run_id, "failed", {}, f"{type(error).__name__}: {error}"[:2000])
        return "failed"
    await finish(run_id, "finished", _counts(result), None)
    log.info("job %s done: %s", job.id, result)
    return "finished"


async def run_slot(job: ScheduledJob, slot: datetime | None = None) -> tuple[int | None, str]:
    """Run the job for a scheduled slot, unless another process has it: (run id, status)."""
    await mark_stuck()
    when = (slot or current_slot(job)).astimezone(UTC).isoformat(timespec="seconds")
    run_id = await claim(job, when, "schedule")
    if run_id is None:
        log.info("job %s slot %s already taken by another process", job.id, when)
        return None, "skipped"
    return run_id, await execute(job, run_id)


async def run_now(job: ScheduledJob, *, wait: bool = False) -> int:
    """Start the job at once (the run-now button); returns its run id at once unless `wait`."""
    await mark_stuck()
    run_id = await claim(job, f"manual:{uuid.uuid4().hex}", "manual")
    assert run_id is not None  # a fresh slot cannot be taken
    if wait:
        await execute(job, run_id)
    else:
        task = asyncio.get_running_loop().create_task(execute(job, run_id))
        _running.add(task)
        task.add_done_callback(_running.discard)
    return run_id


async def wait_for_manual_runs() -> None:
    """Wait for the runs started by run-now in this process (tests; a clean shutdown)."""
    if _running:
        await asyncio.gather(*list(_running), return_exceptions=True)


async def mark_stuck() -> int:
    """Runs still 'running' past their limit (the process died or hung): recorded as failed."""
    from ses.db import write_transaction
    from ses.jobs.tables import JobRun

    async with write_transaction():
        rows = await (
            JobRun.update(
                {
                    JobRun.status: "failed",
                    JobRun.finished_at: _now(),
                    JobRun.error: "Zadanie utknęło: przekroczyło limit czasu i nie zakończyło się.",
                }
            )
            .where((JobRun.status == "running") & (JobRun.deadline_at < _now()))
            .returning(JobRun.id)
        )
    return len(rows)


def _guarded(job: ScheduledJob) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await run_slot(job)
        except Exception:  # the record itself failed (database away): keep the scheduler alive
            log.exception("job %s could not be run", job.id)

    return run


def build_scheduler() -> Any:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    scheduler = AsyncIOScheduler(
        timezone=TIMEZONE, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    )
    outside = get_settings().external_jobs
    for job in scheduled_jobs():
        if job.reaches_outside and not outside:
            continue
        scheduler.add_job(
            _guarded(job), trigger_of(job), id=job.id, name=job.title or job.id, replace_existing=True
        )
    return scheduler


@asynccontextmanager
async def scheduler_lifespan(_app: Any = None) -> AsyncIterator[None]:
    global _scheduler
    if not get_settings().scheduler_enabled:
        yield
        return
    scheduler = build_scheduler()
    scheduler.start()
    _scheduler = scheduler
    log.info("scheduler started with jobs %s", [job.id for job in scheduler.get_jobs()])
    try:
        yield
    finally:
        _scheduler = None
        scheduler.shutdown(wait=False)
