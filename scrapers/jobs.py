"""The nightly KRS sync: yesterday's bulletin, only the register's numbers in it."""

from __future__ import annotations

from typing import Any

from ses.extensions import ScheduledJob


async def krs_nightly() -> dict[str, Any]:
    from scrapers.krs_sync import sync_krs

    report = await sync_krs(triggered_by="harmonogram")
    return {"run": report.run_id, "status": report.status, "planned": report.planned, **dict(report.counts)}


JOBS = (
    ScheduledJob(
        id="scrapers.krs_nightly",
        run=krs_nightly,
        cron={"hour": 2, "minute": 30},
        title="Synchronizacja z KRS według wczorajszego biuletynu",
        time_limit_minutes=180,
    ),
)
