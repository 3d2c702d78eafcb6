"""The daily deadline reminder: what it counts is what the deadline page lists, and it is on record."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


async def test_reminder_counts_the_deadlines_and_records_them(client, staff, owes_world):
    from accreditation.jobs import remind_deadlines
    from ses.audit.tables import AuditRecord

    page = await client.get("/api/v1/accreditation/deadlines", headers=staff.headers)
    assert page.status_code == 200, page.text
    counts = await remind_deadlines()
    for key, count in counts.items():
        assert count == len(page.json()[key]), key
    record = (
        await AuditRecord.select(AuditRecord.actor, AuditRecord.changes)
        .where(AuditRecord.action == "accreditation.reminder")
        .output(load_json=True)
        .first()
    )
    assert record["actor"] == "scheduler"
    assert record["changes"]["expiring_accreditations"] == [None, counts["expiring_accreditations"]]


def test_the_scheduler_runs_the_reminder_every_morning_in_polish_time():
    from ses.scheduler import build_scheduler

    scheduler = build_scheduler()
    job = scheduler.get_job("accreditation.remind_deadlines")
    assert job is not None
    assert str(job.trigger) == "cron[hour='6', minute='0']"
    assert str(job.trigger.timezone) == "Europe/Warsaw"
