"""Daily reminders of the core: overdue OWES reports, annual reports due by 31 March, CIS statuses
reaching their five years. Each puts one message in the outbox when there is something to say."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ses.extensions import ScheduledJob
from ses.jobs import outbox
from ses.register.tables import LegalStatus

ANNUAL_REPORT_TYPES = ("ps", "cis", "kis")
TYPE_LABELS = {"ps": "PS", "cis": "CIS", "kis": "KIS"}
CIS_WARNING_DAYS = 90


async def reports_overdue(today: date | None = None) -> dict[str, int]:
    from ses.reporting.followup import overdue

    found = await overdue(page_size=50, today=today)
    if found["total"]:
        lines = [
            f"- {row['owes_name']}: sprawozdanie za {row['period']}, termin {row['deadline']} "
            f"({row['days_overdue']} dni po terminie)"
            for row in found["items"]
        ]
        more = found["total"] - len(lines)
        body = "\n".join(lines) + (
            f"\n… i {more} kolejnych (strona /raporty/monitoring)." if more > 0 else ""
        )
        await outbox.queue("reports_overdue", f"Zaległe sprawozdania OWES: {found['total']}", body)
    return {"overdue": int(found["total"]), **await outbox.deliver()}


async def annual_reports_due(today: date | None = None) -> dict[str, int]:
    """PS, CIS and KIS holding an active status owe the voivode a report for last year by 31 March."""
    today = today or date.today()
    deadline = date(today.year, 3, 31)
    rows = await (
        LegalStatus.select(LegalStatus.status_type, LegalStatus.organisation.name.as_alias("name"))
        .where(
            LegalStatus.status_type.is_in(list(ANNUAL_REPORT_TYPES))
            & LegalStatus.state.is_in(["active", "under_control"])
        )
        .order_by(LegalStatus.status_type)
        .order_by(LegalStatus.organisation.name)
    )
    counts = {TYPE_LABELS[t]: sum(1 for r in rows if r["status_type"] == t) for t in ANNUAL_REPORT_TYPES}
    if rows and today <= deadline:
        head = ", ".join(f"{label}: {n}" for label, n in counts.items())
        body = f"Sprawozdania roczne za {today.year - 1} składa się do {deadline.isoformat()}.\n" + "\n".join(
            f"- {TYPE_LABELS[r['status_type']]}: {r['name']}" for r in rows[:200]
        )
        await outbox.queue("annual_reports_due", f"Sprawozdania roczne do 31 marca ({head})", body)
    return {**counts, **await outbox.deliver()}


async def cis_status_ending(today: date | None = None) -> dict[str, int]:
    """Active CIS statuses whose five years end within 90 days (or have ended unrecorded)."""
    today = today or date.today()
    rows: list[dict[str, Any]] = await (
        LegalStatus.select(LegalStatus.valid_to, LegalStatus.organisation.name.as_alias("name"))
        .where(
            (LegalStatus.status_type == "cis")
            & (LegalStatus.state == "active")
            & LegalStatus.valid_to.is_not_null()
            & (LegalStatus.valid_to <= today + timedelta(days=CIS_WARNING_DAYS))
        )
        .order_by(LegalStatus.valid_to)
    )
    if rows:
        body = "\n".join(
            f"- {r['name']}: status ważny do {r['valid_to'].isoformat()}"
            + (" (minął)" if r["valid_to"] < today else "")
            for r in rows
        )
        await outbox.queue("cis_status_ending", f"Statusy CIS kończące pięć lat: {len(rows)}", body)
    return {"cis_ending": len(rows), **await outbox.deliver()}


JOBS = (
    ScheduledJob(
        id="ses.reports_overdue",
        run=reports_overdue,
        cron={"hour": 6, "minute": 30},
        title="Przypomnienie o zaległych sprawozdaniach OWES",
        time_limit_minutes=15,
        count_labels={"overdue": "zaległe sprawozdania"},
    ),
    ScheduledJob(
        id="ses.annual_reports_due",
        run=annual_reports_due,
        cron={"month": "2-3", "day": "1,15,25", "hour": 7, "minute": 0},
        title="Przypomnienie o sprawozdaniach rocznych PS, CIS i KIS (do 31 marca)",
        time_limit_minutes=15,
    ),
    ScheduledJob(
        id="ses.cis_status_ending",
        run=cis_status_ending,
        cron={"hour": 6, "minute": 45},
        title="Przypomnienie o statusach CIS kończących pięć lat",
        time_limit_minutes=15,
        count_labels={"cis_ending": "statusy CIS kończące pięć lat"},
    ),
)
