"""Deadlines of accreditation work, for the staff page and the scheduler's reminders.

Four lists, each one SQL query bounded by `limit`: accreditations expiring within N days (and
those whose period already ended but were not closed), verifications past their planned end,
corrective-action (recommendation) deadlines passed, and evidence requests left unanswered.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from accreditation.lifecycle import VERIFICATION
from accreditation.services import IN_FORCE
from accreditation.tables import Accreditation, CriterionAssessment, Verification

OPEN_VERIFICATION = ("planned", "in_progress", "findings", "opinion_drafted")

# Column lists built once: following foreign keys in Piccolo copies column objects, which cost
# more than the queries themselves when done on every request (measured with cProfile).
_CA = CriterionAssessment
EXPIRING_COLUMNS = (
    Accreditation.id,
    Accreditation.organisation.as_alias("organisation_id"),
    Accreditation.owes_name,
    Accreditation.decision_number,
    Accreditation.state,
    Accreditation.valid_to,
)
OVERDUE_COLUMNS = (
    Verification.id,
    Verification.accreditation.owes_name.as_alias("owes_name"),
    Verification.organisation.as_alias("organisation_id"),
    Verification.state,
    Verification.planned_to,
)
CORRECTIVE_COLUMNS = (
    _CA.verification.as_alias("verification_id"),
    _CA.verification.accreditation.owes_name.as_alias("owes_name"),
    _CA.verification.organisation.as_alias("organisation_id"),
    _CA.code,
    _CA.recommendation,
    _CA.recommendation_deadline.as_alias("deadline"),
)
REQUEST_COLUMNS = (
    _CA.verification.as_alias("verification_id"),
    _CA.verification.accreditation.owes_name.as_alias("owes_name"),
    _CA.verification.organisation.as_alias("organisation_id"),
    _CA.code,
    _CA.request_note,
    _CA.request_due.as_alias("due"),
    _CA.requested_at,
)
_VERIFICATION_STATE = _CA.verification.state


async def deadlines(today: date | None = None, within_days: int = 90, limit: int = 200) -> dict[str, Any]:
    today = today or date.today()
    horizon = today + timedelta(days=within_days)
    expiring = await (
        Accreditation.select(*EXPIRING_COLUMNS)
        .where(Accreditation.state.is_in(list(IN_FORCE)) & (Accreditation.valid_to <= horizon))
        .order_by(Accreditation.valid_to)
        .limit(limit)
    )
    for row in expiring:
        row["days_left"] = (row["valid_to"] - today).days
        row["expired"] = row["days_left"] < 0
    overdue_verifications = await (
        Verification.select(*OVERDUE_COLUMNS)
        .where(Verification.state.is_in(list(OPEN_VERIFICATION)) & (Verification.planned_to < today))
        .order_by(Verification.planned_to)
        .limit(limit)
    )
    for row in overdue_verifications:
        row["days_overdue"] = (today - row["planned_to"]).days
        row["state_label"] = VERIFICATION.states[row["state"]]
    corrective = await (
        _CA.select(*CORRECTIVE_COLUMNS)
        .where((_CA.recommendation_deadline < today) & _CA.recommendation_done_on.is_null())
        .order_by(_CA.recommendation_deadline)
        .limit(limit)
    )
    for row in corrective:
        row["days_overdue"] = (today - row["deadline"]).days
    unanswered = await (
        _CA.select(*REQUEST_COLUMNS)
        .where(
            (_CA.evidence_requested == True)  # noqa: E712 - Piccolo builds SQL from ==
            & _CA.answered_at.is_null()
            & _VERIFICATION_STATE.is_in(list(OPEN_VERIFICATION))
        )
        .order_by(_CA.request_due)
        .order_by(_CA.id)
        .limit(limit)
    )
    for row in unanswered:
        row["overdue"] = row["due"] is not None and row["due"] < today
    return {
        "today": today,
        "within_days": within_days,
        "expiring_accreditations": expiring,
        "overdue_verifications": overdue_verifications,
        "corrective_actions_overdue": corrective,
        "unanswered_evidence_requests": unanswered,
    }
