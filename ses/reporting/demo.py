"""Demonstration reports: two years of quarterly reports from the OWES of the demo region,
most accepted on time, some late, one returned with a comment, the latest quarter partly missing.

`load_reporting_demo(owes_ids, ps_id)` is meant to be called by the demo loader after the region's
organisations (and their accreditations) exist. It goes through the same services as the API
(validation, lifecycle, audit, and on acceptance the register feed: new jobs become the PS's
employment figures); only the receipt dates are set in the past, as for reports received on paper.
An OWES reports only for quarters within its accreditation (as the follow-up expects); one the
accreditation package does not know reports for all eight. Without `ps_id` the jobs go to the demo
region's active PS. Quarters that already have a report are skipped, so a second run adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ses.audit.channel import Channel
from ses.audit.services import Actor
from ses.auth.policy import Principal, Role
from ses.register.tables import Organisation
from ses.reporting import catalogue, followup, periods, services
from ses.reporting.tables import Report

STAFF = Principal(account_id=0, username="demo-rops", role=Role.STAFF)
ACTOR = Actor(label="demo", channel=Channel.SYSTEM)


def demo_content(period: periods.Period, ps_id: int | None, rng: random.Random) -> dict[str, Any]:
    """A consistent report body (every cross-field rule holds)."""
    association, cooperative = rng.randint(1, 12), rng.randint(0, 4)
    day = (period.start + timedelta(days=rng.randint(0, 60))).isoformat()
    jobs = []
    if ps_id is not None:
        for index in range(rng.randint(0, 3)):
            jobs.append(
                {
                    "ps_organisation_id": ps_id,
                    "person_category": ("at_risk", "disabled", "other")[index % 3],
                    "fte": rng.choice(("1", "0.5", "0.75")),
                    "contract_type": "employment",
                    "started_on": day,
                }
            )
    grants = (
        [{"recipient_organisation_id": ps_id, "amount_pln": "25000.00", "purpose": "new_jobs"}]
        if jobs
        else []
    )
    return {
        "pes_supported_total": association + cooperative,
        "initiative_groups": rng.randint(0, 3),
        "new_pes_created": 0,
        "new_ps_created": 0,
        "new_jobs_total": len(jobs),
        "new_jobs_at_risk": sum(1 for job in jobs if job["person_category"] != "other"),
        "grants_total_pln": "25000.00" if grants else "0",
        "ps_applications_supported": rng.randint(0, 2),
        "procurement_cases": rng.randint(0, 2),
        "supported_pes": [
            {"kind": "association", "powiat_code": "0463", "count": association},
            *(
                [{"kind": "social_cooperative", "powiat_code": "0461", "count": cooperative}]
                if cooperative
                else []
            ),
        ],
        "services": [
            {
                "standard": "local_animation",
                "sessions": rng.randint(1, 9),
                "hours": str(rng.randint(4, 40)),
                "participants": rng.randint(10, 120),
            },
            {
                "standard": "business_support",
                "sessions": rng.randint(1, 5),
                "hours": str(rng.randint(2, 20)),
                "participants": rng.randint(1, 15),
            },
        ],
        "jobs": jobs,
        "grants": grants,
    }


async def load_reporting_demo(
    owes_ids: Sequence[int], ps_id: int | None = None, *, today: date | None = None, seed: int = 2026
) -> dict[str, int]:
    """Eight quarters of reports per OWES (within its accreditation); returns counts by outcome."""
    today = today or date.today()
    rng = random.Random(seed)
    _, definition = await catalogue.resolve(catalogue.DEFAULT_CODE)
    quarters = periods.last_ended(today, definition.period_type, 8)
    counts = {"accepted": 0, "late": 0, "returned": 0, "missing": 0, "submitted": 0}
    ps_ids = [ps_id] if ps_id is not None else await _demo_ps()
    windows = await followup.accredited_windows(list(owes_ids))
    existing = await _existing(owes_ids, definition.code)
    returned_one = bool(existing)  # a rerun: the returned example is already there
    for owes_index, owes_id in enumerate(owes_ids):
        for quarter_index, period in enumerate(quarters):
            deadline = period.deadline(definition.deadline_days)
            if deadline >= today or (owes_id, period.code) in existing:
                continue
            if owes_id in windows and not any(
                start <= period.end and end >= period.start for start, end in windows[owes_id]
            ):
                continue  # not accredited then: nothing owed
            if quarter_index == len(quarters) - 1 and owes_index % 3 == 2:
                counts["missing"] += 1
                continue
            late = rng.random() < 0.15
            received = (
                deadline + timedelta(days=rng.randint(3, 40))
                if late
                else deadline - timedelta(days=rng.randint(0, 20))
            )
            draft = services.Draft(
                period=period.code,
                data=demo_content(period, ps_ids[owes_index % len(ps_ids)] if ps_ids else None, rng),
                owes_id=owes_id,
                submit=True,
                received_at=datetime.combine(received, time(10, 0), tzinfo=UTC),
            )
            answer = await services.create_report(draft, STAFF, ACTOR, None)
            report_id = answer.body["id"]
            counts["late"] += late
            if not returned_one and quarter_index == len(quarters) - 2:
                await services.transition(
                    report_id,
                    "return",
                    STAFF,
                    ACTOR,
                    comment="Suma PES w podziale na powiaty nie zgadza się z opisem działań.",
                )
                returned_one = True
                counts["returned"] += 1
            elif quarter_index < len(quarters) - 1:
                await services.transition(report_id, "accept", STAFF, ACTOR)
                counts["accepted"] += 1
            else:
                counts["submitted"] += 1
    return counts


async def _demo_ps(limit: int = 6) -> list[int]:
    """A few active PS of the demo region, to which the demo jobs are created."""
    rows = await (
        Organisation.select(Organisation.id)
        .where((Organisation.is_demo == True) & (Organisation.ps_state == "active"))  # noqa: E712
        .order_by(Organisation.id)
        .limit(limit)
    )
    return [int(row["id"]) for row in rows]


async def _existing(owes_ids: Sequence[int], code: str) -> set[tuple[int, str]]:
    if not owes_ids:
        return set()
    rows = await Report.select(Report.owes, Report.period).where(
        Report.owes.is_in(list(owes_ids)) & (Report.definition_code == code)
    )
    return {(int(row["owes"]), str(row["period"])) for row in rows}
