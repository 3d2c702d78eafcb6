"""Work on the criteria of a verification: results, evidence requests, comment threads, the OWES's
self-assessment and evidence files (content-addressed, typed and size-limited by `evidence`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from accreditation import evidence as blobs
from accreditation.checklist_services import template_of
from accreditation.checklists import Template, iter_criteria
from accreditation.lifecycle import (
    VERIFICATION,
    CriterionResult,
)
from accreditation.services import EXCHANGE_OPEN, REVIEW_OPEN, SELF_ASSESSMENT_OPEN, now, raise_stale
from accreditation.tables import (
    CriterionAssessment,
    CriterionComment,
    EvidenceFile,
    Verification,
)
from accreditation.verification_services import (
    EVIDENCE_COLUMNS,
    REVIEWER_ONLY,
    _visible_to,
    open_verification,
    verification_row,
)
from ses import idempotency
from ses.audit.services import Actor, record_event
from ses.auth.policy import Principal
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, ValidationFailed


def _unknown_codes(template: Template, codes: Sequence[str], field: str) -> list[FieldError]:
    known = set(template.criterion_codes)
    return [
        FieldError(
            f"{field}.{i}.code" if field == "results" or field == "items" else f"{field}.{i}",
            f"Kryterium „{code}” nie występuje w szablonie „{template.code}” w wersji {template.version}.",
        )
        for i, code in enumerate(codes)
        if code not in known
    ]


def _duplicates(codes: Sequence[str], field: str) -> list[FieldError]:
    seen: set[str] = set()
    out = []
    for i, code in enumerate(codes):
        if code in seen:
            out.append(FieldError(f"{field}.{i}.code", f"Kryterium „{code}” podano więcej niż raz."))
        seen.add(code)
    return out


def _state_refusal(current: str, allowed: Sequence[str], what: str) -> Conflict:
    labels = ", ".join(f"„{VERIFICATION.states[s]}”" for s in allowed)
    return Conflict(
        f"{what} jest możliwe tylko, gdy weryfikacja jest w stanie {labels}; "
        f"ta jest w stanie „{VERIFICATION.states[current]}”."
    )


async def record_results(
    verification_id: int, items: Sequence[Mapping[str, Any]], expected_version: int | None, actor: Actor
) -> dict[str, Any]:
    """Set results, findings and recommendations of chosen criteria (only the fields sent).

    `expected_version` is the verification's version the writer saw: a stale one is refused, so two
    reviewers never overwrite each other's results (None only for internal callers)."""
    async with write_transaction():
        verification = await verification_row(verification_id)
        if expected_version is not None and verification["version"] != expected_version:
            raise_stale(verification["version"], expected_version)
        template = await template_of(verification["template_id"])
        codes = [item["code"] for item in items]
        problems = _unknown_codes(template, codes, "results") + _duplicates(codes, "results")
        for i, item in enumerate(items):
            if item.get("recommendation_deadline") and not (item.get("recommendation") or "").strip():
                problems.append(
                    FieldError(f"results.{i}.recommendation", "Termin podaje się razem z treścią zalecenia.")
                )
        if problems:
            unknown = [code for code in codes if code not in set(template.criterion_codes)]
            detail = (
                f"Wyniki dotyczą kryteriów, których nie ma w szablonie „{template.code}” w wersji "
                f"{template.version}: {', '.join(unknown)}."
                if unknown
                else "Wyniki zawierają błędy."
            )
            raise ValidationFailed(detail, problems)
        if verification["state"] not in REVIEW_OPEN:
            raise _state_refusal(verification["state"], REVIEW_OPEN, "Wpisywanie wyników")
        before = {
            row["code"]: row
            for row in await CriterionAssessment.select(
                CriterionAssessment.code,
                *[CriterionAssessment._meta.get_column_by_name(k) for k in REVIEWER_ONLY],
            ).where(
                (CriterionAssessment.verification == verification_id) & CriterionAssessment.code.is_in(codes)
            )
        }
        stamp = now()
        changes: dict[str, list[Any]] = {}
        for item in items:
            values = {k: item[k] for k in REVIEWER_ONLY if k in item}
            if "result" in values and values["result"] is not None:
                values["result"] = CriterionResult(values["result"]).value
            for key, value in values.items():
                old = before[item["code"]].get(key)
                if old != value:
                    changes[f"{item['code']}.{key}"] = [old, value]
            if values:
                await CriterionAssessment.update({**values, "updated_at": stamp}).where(
                    (CriterionAssessment.verification == verification_id)
                    & (CriterionAssessment.code == item["code"])
                )
        if changes:
            await Verification.update(
                {Verification.version: Verification.version + 1, Verification.updated_at: stamp}
            ).where(Verification.id == verification_id)
            await record_event(actor, "verification.results", "verification", verification_id, changes)
    return await open_verification(verification_id, None)


async def request_evidence(verification_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    async with write_transaction():
        verification = await verification_row(verification_id)
        template = await template_of(verification["template_id"])
        codes = list(dict.fromkeys(data["codes"]))
        problems = _unknown_codes(template, codes, "codes")
        if problems:
            raise ValidationFailed("Prośba o dowody dotyczy kryteriów spoza szablonu.", problems)
        if verification["state"] not in EXCHANGE_OPEN:
            raise _state_refusal(verification["state"], EXCHANGE_OPEN, "Prośba o dowody")
        stamp = now()
        await CriterionAssessment.update(
            {
                CriterionAssessment.evidence_requested: True,
                CriterionAssessment.request_note: data.get("note"),
                CriterionAssessment.request_due: data.get("due"),
                CriterionAssessment.requested_at: stamp,
                CriterionAssessment.answered_at: None,
                CriterionAssessment.updated_at: stamp,
            }
        ).where((CriterionAssessment.verification == verification_id) & CriterionAssessment.code.is_in(codes))
        await record_event(
            actor,
            "verification.evidence_request",
            "verification",
            verification_id,
            {"evidence_requested": [None, codes], "due": [None, data.get("due")]},
            data.get("note"),
        )
    return await open_verification(verification_id, None)


async def _check_code(verification: Mapping[str, Any], code: str) -> None:
    template = await template_of(verification["template_id"])
    if code not in set(template.criterion_codes):
        raise NotFound(
            f"Kryterium „{code}” nie występuje w szablonie „{template.code}” w wersji {template.version}."
        )


async def _mark_answered(verification_id: int, code: str, stamp: datetime) -> None:
    await CriterionAssessment.update({CriterionAssessment.answered_at: stamp}).where(
        (CriterionAssessment.verification == verification_id)
        & (CriterionAssessment.code == code)
        & (CriterionAssessment.evidence_requested == True)  # noqa: E712 - Piccolo builds SQL from ==
        & CriterionAssessment.answered_at.is_null()
    )


COMMENT_COLUMNS = (
    CriterionComment.id,
    CriterionComment.code,
    CriterionComment.author,
    CriterionComment.author_role,
    CriterionComment.body,
    CriterionComment.at,
)


async def add_comment(
    verification_id: int,
    code: str,
    body: str,
    viewer: Principal,
    actor: Actor,
    key: idempotency.Key | None = None,
) -> idempotency.Answer:
    """Add a comment (201). A retry with the same Idempotency-Key by the same account gets the
    answer given the first time (`replayed`) instead of a duplicate (ses/idempotency)."""

    async def work() -> tuple[int, Any, int | None]:
        verification = await verification_row(verification_id, viewer)
        await _check_code(verification, code)
        if verification["state"] not in EXCHANGE_OPEN:
            raise _state_refusal(verification["state"], EXCHANGE_OPEN, "Dodawanie komentarzy")
        stamp = now()
        rows = await CriterionComment.insert(
            CriterionComment(
                verification=verification_id,
                code=code,
                author=actor.label[:120],
                author_role=viewer.role.value,
                body=body,
                at=stamp,
            )
        )
        if viewer.is_owes:
            await _mark_answered(verification_id, code, stamp)
        await record_event(
            actor,
            "verification.comment",
            "verification",
            verification_id,
            {f"{code}.comment": [None, body[:500]]},
        )
        comment_id = int(rows[0]["id"])
        row = {
            "id": comment_id,
            "code": code,
            "author": actor.label[:120],
            "author_role": viewer.role.value,
            "body": body,
            "at": stamp,
        }
        return 201, row, comment_id

    return await idempotency.once(key, work)


async def self_assessment(verification_id: int, viewer: Principal | None) -> dict[str, Any]:
    """The OWES's self-assessment beside the reviewers' results (the OWES gets its own side only)."""
    verification = await verification_row(verification_id, viewer)
    template = await template_of(verification["template_id"])
    rows = {
        row["code"]: row
        for row in await CriterionAssessment.select(
            CriterionAssessment.code,
            CriterionAssessment.result,
            CriterionAssessment.self_result,
            CriterionAssessment.self_comment,
            CriterionAssessment.self_updated_at,
        ).where(CriterionAssessment.verification == verification_id)
    }
    owes_view = viewer is not None and viewer.is_owes
    items = []
    for placed in iter_criteria(template):
        row = rows.get(placed.criterion.code, {})
        item = {
            "code": placed.criterion.code,
            "area": placed.area.code,
            "requirement": placed.criterion.requirement,
            "self_result": row.get("self_result"),
            "self_comment": row.get("self_comment"),
            "self_updated_at": row.get("self_updated_at"),
        }
        if not owes_view:
            item["reviewer_result"] = row.get("result")
            item["agrees"] = (
                None
                if row.get("result") is None or row.get("self_result") is None
                else row["result"] == row["self_result"]
            )
        items.append(item)
    return {
        "verification_id": verification_id,
        "state": verification["state"],
        "open": verification["state"] in SELF_ASSESSMENT_OPEN,
        "items": items,
    }


async def submit_self_assessment(
    verification_id: int, items: Sequence[Mapping[str, Any]], viewer: Principal, actor: Actor
) -> dict[str, Any]:
    async with write_transaction():
        verification = await verification_row(verification_id, viewer)
        template = await template_of(verification["template_id"])
        codes = [item["code"] for item in items]
        problems = _unknown_codes(template, codes, "items") + _duplicates(codes, "items")
        if problems:
            raise ValidationFailed(
                "Samoocena dotyczy kryteriów spoza szablonu lub powtarza kryteria.", problems
            )
        if verification["state"] not in SELF_ASSESSMENT_OPEN:
            raise _state_refusal(verification["state"], SELF_ASSESSMENT_OPEN, "Składanie samooceny")
        stamp = now()
        for item in items:
            await CriterionAssessment.update(
                {
                    CriterionAssessment.self_result: CriterionResult(item["result"]).value,
                    CriterionAssessment.self_comment: item.get("comment"),
                    CriterionAssessment.self_updated_at: stamp,
                    CriterionAssessment.updated_at: stamp,
                }
            ).where(
                (CriterionAssessment.verification == verification_id)
                & (CriterionAssessment.code == item["code"])
            )
        await record_event(
            actor,
            "verification.self_assessment",
            "verification",
            verification_id,
            {f"{item['code']}.self_result": [None, CriterionResult(item["result"]).value] for item in items},
        )
    return await self_assessment(verification_id, viewer)


# ---------------------------------------------------------------------------------------------
# Evidence files


async def upload_evidence(
    verification_id: int,
    code: str,
    filename: str,
    data: bytes,
    viewer: Principal,
    actor: Actor,
    key: idempotency.Key | None = None,
) -> idempotency.Answer:
    """Store an evidence file (201). A retry with the same Idempotency-Key by the same account gets
    the answer given the first time (`replayed`) instead of a duplicate (ses/idempotency)."""
    if (stored := await idempotency.lookup(key)) is not None:
        return stored  # before the file is written again
    verification = await verification_row(verification_id, viewer)
    await _check_code(verification, code)
    try:
        name, content_type = blobs.check_file(filename, data)
    except blobs.EvidenceRejected as exc:
        raise ValidationFailed(str(exc), [FieldError("file", str(exc))]) from exc
    if verification["state"] not in EXCHANGE_OPEN:
        raise _state_refusal(verification["state"], EXCHANGE_OPEN, "Dodawanie dowodów")
    blob = blobs.write_blob(data)

    async def work() -> tuple[int, Any, int | None]:
        stamp = now()
        rows = await EvidenceFile.insert(
            EvidenceFile(
                verification=verification_id,
                code=code,
                filename=name,
                content_type=content_type,
                size=blob.size,
                sha256=blob.sha256,
                storage=blob.storage,
                data=blob.data,
                uploaded_by=actor.label[:120],
                uploaded_role=viewer.role.value,
                uploaded_at=stamp,
            )
        )
        evidence_id = int(rows[0]["id"])
        if viewer.is_owes:
            await _mark_answered(verification_id, code, stamp)
        await record_event(
            actor,
            "verification.evidence",
            "verification",
            verification_id,
            {f"{code}.evidence": [None, {"file": name, "sha256": blob.sha256, "size": blob.size}]},
        )
        row = await EvidenceFile.select(*EVIDENCE_COLUMNS).where(EvidenceFile.id == evidence_id).first()
        return 201, row, evidence_id

    return await idempotency.once(key, work)


async def evidence_content(evidence_id: int, viewer: Principal | None) -> tuple[dict[str, Any], bytes]:
    row = (
        await EvidenceFile.select(
            *EVIDENCE_COLUMNS,
            EvidenceFile.storage,
            EvidenceFile.data,
            EvidenceFile.verification.organisation.as_alias("organisation_id"),
        )
        .where(EvidenceFile.id == evidence_id)
        .first()
    )
    if row is None or not _visible_to(viewer, row["organisation_id"]):
        raise NotFound(f"Nie ma pliku dowodu o id {evidence_id}.")
    content = blobs.read_blob(row["sha256"], row.pop("storage"), row.pop("data"))
    return row, content
