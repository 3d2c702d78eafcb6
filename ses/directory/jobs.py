"""The directory's scheduled job: ask organisations to confirm entries that have aged."""

from __future__ import annotations

from datetime import timedelta

from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.directory.services import now
from ses.directory.tables import Service
from ses.directory.vocab import CONFIRMATION_MAX_AGE_DAYS, REMINDER_INTERVAL_DAYS
from ses.extensions import ScheduledJob


async def remind_unconfirmed() -> dict[str, int]:
    """Each organisation with services unconfirmed for over 180 days, not asked in the last 30, is
    asked once: the request is on record (audit log, entity `organisation`) and the services carry
    `reminded_at`; the organisation's list of its services shows them as awaiting confirmation."""
    stamp = now()
    stale = Service.confirmed_at.is_null() | (
        Service.confirmed_at < stamp - timedelta(days=CONFIRMATION_MAX_AGE_DAYS)
    )
    not_asked = Service.reminded_at.is_null() | (
        Service.reminded_at < stamp - timedelta(days=REMINDER_INTERVAL_DAYS)
    )
    actor = Actor.system("przypomnienie o potwierdzeniu usług")
    async with write_transaction():
        rows = await Service.select(Service.id, Service.organisation).where(
            stale & not_asked & (Service.status == "active")
        )
        by_org: dict[int, list[int]] = {}
        for row in rows:
            by_org.setdefault(row["organisation"], []).append(row["id"])
        for org_id, ids in by_org.items():
            await record_event(
                actor,
                "directory.confirmation_requested",
                "organisation",
                org_id,
                {"services": [None, ids]},
                reason=f"{len(ids)} usług czeka na potwierdzenie aktualności "
                f"(starsze niż {CONFIRMATION_MAX_AGE_DAYS} dni).",
            )
        if rows:
            await Service.update({Service.reminded_at: stamp}).where(
                Service.id.is_in([row["id"] for row in rows])
            )
    return {"organisations": len(by_org), "services": len(rows)}


JOBS = (
    ScheduledJob(
        id="directory.remind_unconfirmed",
        run=remind_unconfirmed,
        cron={"hour": 6, "minute": 30},
        title="Prośba do organizacji o potwierdzenie usług niepotwierdzonych od ponad 6 miesięcy",
    ),
)
