"""Accreditation's scheduled jobs: the daily deadline reminder."""

from __future__ import annotations

from typing import Any

from accreditation.deadlines import deadlines
from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.extensions import ScheduledJob


async def remind_deadlines() -> dict[str, int]:
    """Count what needs attention (as the deadline page shows it) and put the reminder on record.

    The audit record is what a notification channel (e-mail, when a ROPS configures one) reads;
    the counts are also logged.
    """
    found: dict[str, Any] = await deadlines()
    counts = {key: len(value) for key, value in found.items() if isinstance(value, list)}
    async with write_transaction():
        await record_event(
            Actor.system("scheduler"),
            "accreditation.reminder",
            "deadlines",
            None,
            {key: [None, count] for key, count in counts.items()},
        )
    return counts


JOBS = [
    ScheduledJob(
        id="accreditation.remind_deadlines",
        run=remind_deadlines,
        cron={"hour": 6, "minute": 0},
        title="Przypomnienie o terminach akredytacji i weryfikacji",
        count_labels={
            "expiring_accreditations": "kończące się akredytacje",
            "overdue_verifications": "weryfikacje po terminie",
            "corrective_actions_overdue": "działania naprawcze po terminie",
            "unanswered_evidence_requests": "prośby o dowody bez odpowiedzi",
        },
    )
]
