"""Verifications of an OWES: planned on a template version, moved through their states, opened
with every criterion. An OWES caller sees only the verifications of its own organisation: for any
other one the answer is "not found"."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from accreditation.checklist_services import template_of
from accreditation.checklists import iter_criteria
from accreditation.lifecycle import (
    VERIFICATION,
    AccreditationRuleError,
    InvalidTransitionError,
    check_verifiable,
    missing_results,
    transition,
)
from accreditation.services import _json_list, now, raise_stale, rule_failed, transition_refused
from accreditation.tables import (
    Accreditation,
    ChecklistTemplate,
    CriterionAssessment,
    CriterionComment,
    EvidenceFile,
    Verification,
)
from ses.audit.services import Actor, record_event
from ses.auth.policy import Principal
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, InvalidTransition, NotFound, ValidationFailed

# ---------------------------------------------------------------------------------------------
# Verifications

VERIFICATION_COLUMNS = (
    Verification.id,
    Verification.accreditation.as_alias("accreditation_id"),
    Verification.organisation.as_alias("organisation_id"),
    Verification.accreditation.owes_name.as_alias("owes_name"),
    Verification.template.as_alias("template_id"),
    Verification.state,
    Verification.scope,
    Verification.modes,
    Verification.team,
    Verification.planned_from,
    Verification.planned_to,
    Verification.version,
    Verification.created_at,
    Verification.updated_at,
)


def verification_etag(row: Mapping[str, Any]) -> str:
    return f'"verification-{row["id"]}-v{row["version"]}"'


def _not_found_verification(verification_id: int) -> NotFound:
    return NotFound(f"Nie ma weryfikacji o id {verification_id}.")


def _visible_to(viewer: Principal | None, organisation_id: int) -> bool:
    return viewer is None or not viewer.is_owes or viewer.organisation_id == organisation_id


async def verification_row(verification_id: int, viewer: Principal | None = None) -> dict[str, Any]:
    row = await Verification.select(*VERIFICATION_COLUMNS).where(Verification.id == verification_id).first()
    if row is None or not _visible_to(viewer, row["organisation_id"]):
        raise _not_found_verification(verification_id)
    row["modes"] = _json_list(row["modes"])
    row["team"] = _json_list(row["team"])
    row["state_label"] = VERIFICATION.states[row["state"]]
    return row


async def list_verifications(
    viewer: Principal | None, accreditation_id: int | None, state: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    query = Verification.select(*VERIFICATION_COLUMNS)
    if viewer is not None and viewer.is_owes:
        query = query.where(Verification.organisation == (viewer.organisation_id or -1))
    if accreditation_id is not None:
        query = query.where(Verification.accreditation == accreditation_id)
    if state:
        query = query.where(Verification.state == state)
    rows = await query.order_by(Verification.id, ascending=False).limit(limit).offset(offset)
    for row in rows:
        row["modes"] = _json_list(row["modes"])
        row["team"] = _json_list(row["team"])
        row["state_label"] = VERIFICATION.states[row["state"]]
    return rows


async def create_verification(data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    problems: list[FieldError] = []
    if data["planned_to"] < data["planned_from"]:
        problems.append(
            FieldError("planned_to", "Koniec weryfikacji nie może być wcześniejszy niż jej początek.")
        )
    async with write_transaction():
        accreditation = (
            await Accreditation.select(
                Accreditation.id, Accreditation.organisation, Accreditation.state, Accreditation.valid_to
            )
            .where(Accreditation.id == data["accreditation_id"])
            .first()
        )
        if accreditation is None:
            problems.append(
                FieldError("accreditation_id", f"Nie ma akredytacji o id {data['accreditation_id']}.")
            )
        else:
            try:
                check_verifiable(accreditation["state"], accreditation["valid_to"], date.today())
            except AccreditationRuleError as exc:
                problems.append(FieldError("accreditation_id", exc.message))
        exists = await ChecklistTemplate.exists().where(ChecklistTemplate.id == data["template_id"])
        if not exists:
            problems.append(
                FieldError("template_id", f"Nie ma szablonu listy kontrolnej o id {data['template_id']}.")
            )
        if problems:
            raise ValidationFailed("Nie można zaplanować weryfikacji.", problems)
        template = await template_of(data["template_id"])
        stamp = now()
        modes = [str(m) for m in data["modes"]]
        team = [dict(member) for member in data.get("team") or []]
        rows = await Verification.insert(
            Verification(
                accreditation=accreditation["id"],  # type: ignore[index]
                organisation=accreditation["organisation"],  # type: ignore[index]
                template=data["template_id"],
                state=VERIFICATION.initial,
                scope=data["scope"],
                modes=json.dumps(modes),
                team=json.dumps(team, ensure_ascii=False),
                planned_from=data["planned_from"],
                planned_to=data["planned_to"],
                version=1,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        verification_id = int(rows[0]["id"])
        await CriterionAssessment.insert(
            *[
                CriterionAssessment(
                    verification=verification_id, position=i, code=placed.criterion.code, updated_at=stamp
                )
                for i, placed in enumerate(iter_criteria(template))
            ]
        )
        await record_event(
            actor,
            "verification.create",
            "verification",
            verification_id,
            {
                "accreditation_id": [None, data["accreditation_id"]],
                "template": [None, f"{template.code} {template.version}"],
                "planned": [None, f"{data['planned_from'].isoformat()}–{data['planned_to'].isoformat()}"],
                "modes": [None, modes],
                "team": [None, team],
            },
        )
        return await verification_row(verification_id)


async def transition_verification(
    verification_id: int, data: Mapping[str, Any], expected_version: int | None, actor: Actor
) -> dict[str, Any]:
    target = data["to_state"]
    async with write_transaction():
        current = await verification_row(verification_id)
        if expected_version is not None and current["version"] != expected_version:
            raise_stale(current["version"], expected_version)
        if target in {"opinion_drafted", "opinion_approved"}:
            message = "Ten stan weryfikacja osiąga przez utworzenie lub zatwierdzenie opinii."
            raise InvalidTransition(message, [FieldError("to_state", message)])
        try:
            transition(VERIFICATION, current["state"], target)
        except InvalidTransitionError as exc:
            raise transition_refused(exc) from exc
        except AccreditationRuleError as exc:
            raise rule_failed(exc, "to_state") from exc
        if target == "findings":
            template = await template_of(current["template_id"])
            results = await _results(verification_id)
            missing = missing_results(template, results)
            if missing:
                shown = ", ".join(missing[:15]) + (", …" if len(missing) > 15 else "")
                message = (
                    f"Przed przejściem do ustaleń każde kryterium musi mieć wynik; brak wyniku: {shown}."
                )
                raise Conflict(message, [FieldError(f"results.{code}", "Brak wyniku.") for code in missing])
        await set_verification_state(verification_id, current, target, actor, data.get("reason"))
        return await verification_row(verification_id)


async def set_verification_state(
    verification_id: int, current: Mapping[str, Any], target: str, actor: Actor, reason: str | None
) -> None:
    """Inside the caller's transaction: move the state, bump the version, audit."""
    await Verification.update(
        {
            Verification.state: target,
            Verification.version: Verification.version + 1,
            Verification.updated_at: now(),
        }
    ).where(Verification.id == verification_id)
    await record_event(
        actor,
        "verification.transition",
        "verification",
        verification_id,
        {"state": [current["state"], target]},
        reason,
    )


async def _results(verification_id: int) -> dict[str, str]:
    rows = await CriterionAssessment.select(CriterionAssessment.code, CriterionAssessment.result).where(
        (CriterionAssessment.verification == verification_id) & CriterionAssessment.result.is_not_null()
    )
    return {row["code"]: row["result"] for row in rows}


ASSESSMENT_COLUMNS = (
    CriterionAssessment.code,
    CriterionAssessment.result,
    CriterionAssessment.finding,
    CriterionAssessment.recommendation,
    CriterionAssessment.recommendation_deadline,
    CriterionAssessment.recommendation_done_on,
    CriterionAssessment.evidence_requested,
    CriterionAssessment.request_note,
    CriterionAssessment.request_due,
    CriterionAssessment.requested_at,
    CriterionAssessment.answered_at,
    CriterionAssessment.self_result,
    CriterionAssessment.self_comment,
    CriterionAssessment.self_updated_at,
)
REVIEWER_ONLY = ("result", "finding", "recommendation", "recommendation_deadline", "recommendation_done_on")


async def open_verification(verification_id: int, viewer: Principal | None) -> dict[str, Any]:
    """The whole verification as a reviewer works on it: every criterion of the template with its
    requirement, result, self-assessment, evidence request, files and comment thread.

    An OWES sees the same page without the reviewers' working results and findings (those reach
    it through the approved opinion).
    """
    verification = await verification_row(verification_id, viewer)
    template = await template_of(verification["template_id"])
    assessments = {
        row["code"]: row
        for row in await CriterionAssessment.select(*ASSESSMENT_COLUMNS)
        .where(CriterionAssessment.verification == verification_id)
        .order_by(CriterionAssessment.position)
    }
    comments: dict[str, list[dict[str, Any]]] = {}
    for row in (
        await CriterionComment.select(
            CriterionComment.id,
            CriterionComment.code,
            CriterionComment.author,
            CriterionComment.author_role,
            CriterionComment.body,
            CriterionComment.at,
        )
        .where(CriterionComment.verification == verification_id)
        .order_by(CriterionComment.id)
    ):
        comments.setdefault(row.pop("code"), []).append(row)
    files: dict[str, list[dict[str, Any]]] = {}
    for row in (
        await EvidenceFile.select(*EVIDENCE_COLUMNS)
        .where(EvidenceFile.verification == verification_id)
        .order_by(EvidenceFile.id)
    ):
        files.setdefault(row["code"], []).append(row)
    owes_view = viewer is not None and viewer.is_owes
    criteria = []
    for placed in iter_criteria(template):
        c = placed.criterion
        item: dict[str, Any] = {
            "part": placed.part.code,
            "area": placed.area.code,
            "area_title": placed.area.title,
            "code": c.code,
            "requirement": c.requirement,
            "verification_methods": list(c.verification_methods),
            "evidence_types": list(c.evidence_types),
            "whole_period": c.whole_period,
            "scoring": c.scoring,
            "max_points": c.max_points,
            "weight": c.weight,
            "legal_reference": c.legal_reference,
            **(assessments.get(c.code) or {}),
            "comments": comments.get(c.code, []),
            "evidence": files.get(c.code, []),
        }
        if owes_view:
            for key in REVIEWER_ONLY:
                item.pop(key, None)
        criteria.append(item)
    return {
        **verification,
        "template": {
            "id": verification["template_id"],
            "code": template.code,
            "version": template.version,
            "title": template.title,
            "status": template.status,
        },
        "criteria": criteria,
    }


EVIDENCE_COLUMNS = (
    EvidenceFile.id,
    EvidenceFile.code,
    EvidenceFile.filename,
    EvidenceFile.content_type,
    EvidenceFile.size,
    EvidenceFile.sha256,
    EvidenceFile.uploaded_by,
    EvidenceFile.uploaded_role,
    EvidenceFile.uploaded_at,
)


async def progress(verification_ids: list[int]) -> dict[int, dict[str, int]]:
    """Criteria decided (with a result) and all, per verification: counted in the database."""
    if not verification_ids:
        return {}
    rows = await CriterionAssessment.raw(
        "SELECT verification AS id, COUNT(*) AS total, COUNT(result) AS decided, "
        "SUM(CASE WHEN evidence_requested AND answered_at IS NULL THEN 1 ELSE 0 END) AS waiting, "
        "SUM(CASE WHEN evidence_requested AND answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered "
        "FROM acc_criterion_assessment WHERE verification IN ("
        + ", ".join(str(int(i)) for i in verification_ids)
        + ") GROUP BY verification"
    )
    return {
        int(row["id"]): {
            "total": int(row["total"]),
            "decided": int(row["decided"]),
            "waiting": int(row["waiting"] or 0),
            "answered": int(row["answered"] or 0),
        }
        for row in rows
    }


async def count_verifications(viewer: Principal | None) -> int:
    query = Verification.count()
    if viewer is not None and viewer.is_owes:
        query = query.where(Verification.organisation == (viewer.organisation_id or -1))
    return int(await query)
