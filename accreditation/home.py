"""Accreditation's boxes on the start page: for reviewers and staff, the verifications in
progress, the OWES answers to evidence requests and the opinions waiting for approval; for an
OWES, the evidence requested from it and not yet answered."""

from __future__ import annotations

from accreditation.lifecycle import VERIFICATION
from accreditation.tables import CriterionAssessment, Opinion, Verification
from ses.auth.policy import Principal, Role
from ses.extensions import HomeSection
from ses.web.i18n import gettext

WORKERS = frozenset({Role.STAFF, Role.REVIEWER, Role.ADMIN})
OPEN = ["planned", "in_progress", "findings", "opinion_drafted"]


async def verifications_in_progress(user: Principal) -> HomeSection | None:
    if user.role not in WORKERS:
        return None
    rows = (
        await Verification.select(
            Verification.id, Verification.state, Verification.accreditation.owes_name.as_alias("owes_name")
        )
        .where(Verification.state.is_in(OPEN))
        .order_by(Verification.planned_to)
        .limit(6)
    )
    total = await Verification.count().where(Verification.state.is_in(OPEN))
    return HomeSection(
        title=gettext("Weryfikacje OWES w toku"),
        count=int(total),
        items=[
            (
                f"{row['owes_name']} · {VERIFICATION.states[row['state']]}",
                f"/akredytacja/weryfikacje/{row['id']}",
            )
            for row in rows
        ],
        link=("/akredytacja", gettext("Wszystkie weryfikacje i akredytacje")),
        empty=gettext("Żadna weryfikacja nie jest w toku."),
        order=30,
    )


async def evidence_answered(user: Principal) -> HomeSection | None:
    if user.role not in WORKERS:
        return None
    rows = (
        await CriterionAssessment.select(
            CriterionAssessment.verification.as_alias("verification_id"),
            CriterionAssessment.code,
            CriterionAssessment.verification.accreditation.owes_name.as_alias("owes_name"),
        )
        .where(
            CriterionAssessment.evidence_requested.eq(True)
            & CriterionAssessment.answered_at.is_not_null()
            & CriterionAssessment.verification.state.is_in(OPEN)
        )
        .order_by(CriterionAssessment.answered_at, ascending=False)
        .limit(6)
    )
    return HomeSection(
        title=gettext("Odpowiedzi OWES na prośby o dowody"),
        count=len(rows),
        items=[
            (
                f"{row['owes_name']} · {row['code']}",
                f"/akredytacja/weryfikacje/{row['verification_id']}#kryterium-{row['code']}",
            )
            for row in rows
        ],
        empty=gettext("Brak nowych odpowiedzi OWES."),
        order=31,
    )


async def opinions_to_approve(user: Principal) -> HomeSection | None:
    if user.role not in WORKERS:
        return None
    rows = (
        await Opinion.select(
            Opinion.id, Opinion.number, Opinion.verification.accreditation.owes_name.as_alias("owes_name")
        )
        .where(Opinion.state == "draft")
        .order_by(Opinion.id)
        .limit(6)
    )
    return HomeSection(
        title=gettext("Opinie do zatwierdzenia"),
        count=len(rows),
        items=[
            (f"{row['owes_name']} · wersja {row['number']}", f"/akredytacja/opinie/{row['id']}")
            for row in rows
        ],
        empty=gettext("Żadna opinia nie czeka na zatwierdzenie."),
        order=32,
    )


async def evidence_requested_from_owes(user: Principal) -> HomeSection | None:
    if user.role is not Role.OWES or user.organisation_id is None:
        return None
    rows = (
        await CriterionAssessment.select(
            CriterionAssessment.verification.as_alias("verification_id"),
            CriterionAssessment.code,
            CriterionAssessment.request_due,
        )
        .where(
            CriterionAssessment.evidence_requested.eq(True)
            & CriterionAssessment.answered_at.is_null()
            & (CriterionAssessment.verification.organisation == user.organisation_id)
            & CriterionAssessment.verification.state.is_in(OPEN)
        )
        .order_by(CriterionAssessment.request_due)
        .limit(6)
    )
    return HomeSection(
        title=gettext("Prośby o dowody do weryfikacji"),
        count=len(rows),
        items=[
            (row["code"], f"/akredytacja/weryfikacje/{row['verification_id']}#kryterium-{row['code']}")
            for row in rows
        ],
        empty=gettext("Żadna prośba o dowody nie czeka na odpowiedź."),
        order=30,
    )


HOME_SECTIONS = (
    verifications_in_progress,
    evidence_answered,
    opinions_to_approve,
    evidence_requested_from_owes,
)
