"""The nightly KRS sync: yesterday's bulletin, only the register's numbers in it."""

from __future__ import annotations

from typing import Any

from scrapers.vocab import RECORD_STATUS_LABELS, RUN_STATUS_LABELS
from ses.extensions import ScheduledJob

RUN_COUNT_LABELS = {
    "run": "przebieg nr",
    "status": "stan",
    "planned": "numery do zapytania",
    "units": "jednostki",
    "changes_pending": "zmiany do przejrzenia",
    "changes_applied": "zmiany zastosowane",
    **RECORD_STATUS_LABELS,
}


async def krs_nightly() -> dict[str, Any]:
    from scrapers.krs_sync import sync_krs

    report = await sync_krs(triggered_by="harmonogram")
    status = RUN_STATUS_LABELS.get(report.status, report.status)
    return {"run": report.run_id, "status": status, "planned": report.planned, **dict(report.counts)}


async def bdl_yearly() -> dict[str, Any]:
    from datetime import date

    from scrapers.bdl_sync import sync_bdl

    report = await sync_bdl(date.today().year - 1, triggered_by="harmonogram")
    status = RUN_STATUS_LABELS.get(report.status, report.status)
    return {"run": report.run_id, "status": status, "units": len(report.values)}


JOBS = (
    ScheduledJob(
        id="scrapers.krs_nightly",
        run=krs_nightly,
        cron={"hour": 2, "minute": 30},
        title="Synchronizacja z KRS według wczorajszego biuletynu",
        time_limit_minutes=180,
        reaches_outside=True,
        count_labels=RUN_COUNT_LABELS,
    ),
    ScheduledJob(
        id="scrapers.bdl_population_yearly",
        run=bdl_yearly,
        cron={"month": 7, "day": 1, "hour": 4, "minute": 0},
        title="Ludność z GUS BDL za poprzedni rok",
        time_limit_minutes=60,
        reaches_outside=True,
        count_labels=RUN_COUNT_LABELS,
    ),
)
