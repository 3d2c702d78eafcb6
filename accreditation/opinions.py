"""Use-cases of ROPS opinions: draft from a verification, edit, approve (lock), new version, render.

An opinion version is a row. Approving renders the DOCX once, keeps its bytes and SHA-256 and who
approved it; from then on the row is locked and any change goes into a new version (the previous
approved one becomes "superseded" when the new one is approved, and stays downloadable as it was).
The ROPS's name, address and a replacement letterhead template come from the environment:
``SES_ROPS_NAME``, ``SES_ROPS_ADDRESS``, ``SES_OPINION_TEMPLATE`` (path to a DOCX).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from accreditation.checklist_services import template_of
from accreditation.checklists import iter_criteria
from accreditation.lifecycle import (
    OPINION,
    AccreditationRuleError,
    IncompleteResultsError,
    OpinionConclusion,
    approval_problems,
    suggest_conclusion,
)
from accreditation.opinion_document import (
    AccreditationDecision,
    FindingItem,
    OpinionContent,
    OrganisationInfo,
    TeamMember,
    area_summaries_from_results,
    render_opinion_docx,
    render_opinion_html,
    sha256_of,
)
from accreditation.services import now, raise_stale
from accreditation.tables import Accreditation, AccreditationPartner, CriterionAssessment, Opinion
from accreditation.verification_services import set_verification_state, verification_row
from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, ValidationFailed
from ses.register.tables import Organisation

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_ROPS_NAME = "Regionalny Ośrodek Polityki Społecznej"

OPINION_COLUMNS = (
    Opinion.id,
    Opinion.verification.as_alias("verification_id"),
    Opinion.number,
    Opinion.state,
    Opinion.conclusion,
    Opinion.justification,
    Opinion.reference_number,
    Opinion.signatory_name,
    Opinion.signatory_position,
    Opinion.place,
    Opinion.issue_date,
    Opinion.sha256,
    Opinion.approved_by,
    Opinion.approved_at,
    Opinion.version,
    Opinion.created_at,
    Opinion.updated_at,
)
EDITABLE = (
    "conclusion",
    "justification",
    "reference_number",
    "signatory_name",
    "signatory_position",
    "place",
    "issue_date",
)


def opinion_etag(row: Mapping[str, Any]) -> str:
    return f'"opinion-{row["id"]}-v{row["version"]}"'


def _decorate(row: dict[str, Any]) -> dict[str, Any]:
    row["state_label"] = OPINION.states[row["state"]]
    row["conclusion_label"] = OpinionConclusion(row["conclusion"]).label
    row["locked"] = row["state"] != "draft"
    return row


async def _stored_opinion(opinion_id: int) -> dict[str, Any]:
    row = await Opinion.select(*OPINION_COLUMNS).where(Opinion.id == opinion_id).first()
    if row is None:
        raise NotFound(f"Nie ma opinii o id {opinion_id}.")
    return _decorate(row)


async def _with_justification(row: dict[str, Any]) -> dict[str, Any]:
    """A draft without its own justification shows the one generated from today's results."""
    row["justification_generated"] = not (row["justification"] or "").strip()
    if row["justification_generated"]:
        row["justification"] = await _justification(row)
    return row


async def get_opinion(opinion_id: int) -> dict[str, Any]:
    return await _with_justification(await _stored_opinion(opinion_id))


async def list_opinions(verification_id: int) -> list[dict[str, Any]]:
    await verification_row(verification_id)
    rows = (
        await Opinion.select(*OPINION_COLUMNS)
        .where(Opinion.verification == verification_id)
        .order_by(Opinion.number)
    )
    return [await _with_justification(_decorate(row)) for row in rows]


async def _results(verification_id: int) -> list[dict[str, Any]]:
    return (
        await CriterionAssessment.select(
            CriterionAssessment.code,
            CriterionAssessment.result,
            CriterionAssessment.finding,
            CriterionAssessment.recommendation,
            CriterionAssessment.recommendation_deadline,
        )
        .where(CriterionAssessment.verification == verification_id)
        .order_by(CriterionAssessment.position)
    )


async def suggestion(verification_id: int) -> dict[str, Any]:
    """The conclusion the results point to, with the reasons (staff decide the final one)."""
    verification = await verification_row(verification_id)
    template = await template_of(verification["template_id"])
    rows = await _results(verification_id)
    results = {row["code"]: row["result"] for row in rows if row["result"]}
    recommended = [row["code"] for row in rows if (row["recommendation"] or "").strip()]
    try:
        suggested = suggest_conclusion(template, results, recommendations=recommended)
    except IncompleteResultsError as exc:
        raise Conflict(
            exc.message, [FieldError(f"results.{code}", "Brak wyniku.") for code in exc.codes]
        ) from exc
    except AccreditationRuleError as exc:
        raise ValidationFailed(exc.message, [FieldError("results", exc.message)]) from exc
    return {
        "conclusion": suggested.conclusion.value,
        "conclusion_label": suggested.conclusion.label,
        "reasons": list(suggested.reasons),
        "rule": suggested.rule,
    }


def generated_justification(suggested: Mapping[str, Any]) -> str:
    """The justification written from the results as they are now, with the rule behind it."""
    return (
        "Konkluzja wynika z wyników weryfikacji: "
        + "; ".join(suggested["reasons"])
        + ".\n"
        + suggested["rule"]
    )


async def _justification(opinion: Mapping[str, Any]) -> str:
    """The reviewers' own justification, or (when they wrote none) one generated from the results
    as they are at this moment, never from the draft's old results."""
    own = (opinion["justification"] or "").strip()
    if own:
        return own
    try:
        return generated_justification(await suggestion(opinion["verification_id"]))
    except Conflict:  # results incomplete: the renderer reports what is missing
        return ""


async def create_opinion(verification_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """The first draft of the opinion on a verification that reached its findings."""
    async with write_transaction():
        verification = await verification_row(verification_id)
        if verification["state"] != "findings":
            existing = await Opinion.exists().where(Opinion.verification == verification_id)
            hint = (
                " Opinia już istnieje — zmień projekt albo utwórz nową wersję zatwierdzonej."
                if existing
                else ""
            )
            raise Conflict(
                "Opinię przygotowuje się po ustaleniach: weryfikacja musi być w stanie „ustalenia”, "
                f"a jest w stanie „{verification['state_label']}”.{hint}"
            )
        suggested = await suggestion(verification_id)
        conclusion = data.get("conclusion") or suggested["conclusion"]
        # Empty: generated from the results when shown, and frozen into the opinion at approval.
        justification = (data.get("justification") or "").strip()
        stamp = now()
        values = {
            "number": 1,
            "state": OPINION.initial,
            "conclusion": OpinionConclusion(conclusion).value,
            "justification": justification,
            "reference_number": data.get("reference_number"),
            "signatory_name": data["signatory_name"],
            "signatory_position": data["signatory_position"],
            "place": data["place"],
            "issue_date": data.get("issue_date") or date.today(),
        }
        rows = await Opinion.insert(
            Opinion(verification=verification_id, version=1, created_at=stamp, updated_at=stamp, **values)
        )
        opinion_id = int(rows[0]["id"])
        await set_verification_state(
            verification_id, verification, "opinion_drafted", actor, "projekt opinii"
        )
        await record_event(
            actor, "opinion.create", "opinion", opinion_id,
            {"verification_id": [None, verification_id], "conclusion": [None, values["conclusion"]]},
        )  # fmt: skip
        return await get_opinion(opinion_id)


def _locked(row: Mapping[str, Any]) -> Conflict:
    message = (
        f"Opinia w wersji {row['number']} jest {OPINION.states[row['state']]} i zablokowana "
        f"(SHA-256 {row['sha256'] or '—'}). Zmiany wprowadza się w nowej wersji opinii."
    )
    return Conflict(message, [FieldError("state", message)])


async def update_opinion(
    opinion_id: int, data: Mapping[str, Any], expected_version: int, actor: Actor
) -> dict[str, Any]:
    async with write_transaction():
        current = await _stored_opinion(opinion_id)
        if current["state"] != "draft":
            raise _locked(current)
        if current["version"] != expected_version:
            raise_stale(current["version"], expected_version)
        values = {k: data[k] for k in EDITABLE if k in data and data[k] is not None}
        if "conclusion" in values:
            values["conclusion"] = OpinionConclusion(values["conclusion"]).value
        changes = {k: [current.get(k), v] for k, v in values.items() if current.get(k) != v}
        if not changes:
            return await get_opinion(opinion_id)
        await Opinion.update({**values, "version": expected_version + 1, "updated_at": now()}).where(
            Opinion.id == opinion_id
        )
        await record_event(actor, "opinion.update", "opinion", opinion_id, changes)
        return await get_opinion(opinion_id)


async def new_version(opinion_id: int, actor: Actor) -> dict[str, Any]:
    """A new draft copied from an approved opinion; the approved one stays as it is."""
    async with write_transaction():
        current = await get_opinion(opinion_id)
        if current["state"] == "draft":
            raise Conflict("To jest projekt opinii: zmień go bezpośrednio, nowa wersja nie jest potrzebna.")
        verification_id = current["verification_id"]
        draft = (
            await Opinion.select(Opinion.id, Opinion.number)
            .where((Opinion.verification == verification_id) & (Opinion.state == "draft"))
            .first()
        )
        if draft:
            raise Conflict(f"Projekt nowej wersji już istnieje (wersja {draft['number']}, id {draft['id']}).")
        top = (
            await Opinion.select(Opinion.number)
            .where(Opinion.verification == verification_id)
            .order_by(Opinion.number, ascending=False)
            .first()
        )
        stamp = now()
        number = int(top["number"]) + 1  # type: ignore[index]
        rows = await Opinion.insert(
            Opinion(
                verification=verification_id,
                number=number,
                state="draft",
                version=1,
                created_at=stamp,
                updated_at=stamp,
                **{k: current[k] for k in EDITABLE},
            )
        )
        new_id = int(rows[0]["id"])
        await record_event(
            actor, "opinion.new_version", "opinion", new_id, {"number": [current["number"], number]}
        )
        return await get_opinion(new_id)


async def _content(opinion: Mapping[str, Any], approved: bool) -> OpinionContent:
    verification = await verification_row(opinion["verification_id"])
    template = await template_of(verification["template_id"])
    accreditation = (
        await Accreditation.select().where(Accreditation.id == verification["accreditation_id"]).first()
    )
    org_columns = (
        Organisation.id, Organisation.name, Organisation.krs, Organisation.nip, Organisation.regon,
        Organisation.street, Organisation.postal_code, Organisation.locality,
    )  # fmt: skip
    lead = (
        await Organisation.select(*org_columns)
        .where(Organisation.id == accreditation["organisation"])
        .first()
    )  # type: ignore[index]
    partner_ids = [
        row["organisation"]
        for row in await AccreditationPartner.select(AccreditationPartner.organisation)
        .where(AccreditationPartner.accreditation == accreditation["id"])  # type: ignore[index]
        .order_by(AccreditationPartner.id)
    ]
    partners = (
        await Organisation.select(*org_columns).where(Organisation.id.is_in(partner_ids))
        if partner_ids
        else []
    )
    order = {org_id: i for i, org_id in enumerate(partner_ids)}
    partners = sorted(partners, key=lambda row: order[row["id"]])
    rows = await _results(opinion["verification_id"])
    results = {row["code"]: row["result"] for row in rows if row["result"]}
    try:
        summaries = area_summaries_from_results(template, results)
    except AccreditationRuleError as exc:
        raise Conflict(exc.message) from exc
    position = {placed.criterion.code: i for i, placed in enumerate(iter_criteria(template))}
    findings = [
        FindingItem(
            criterion_code=row["code"],
            finding=(row["finding"] or "").strip() or "—",
            recommendation=(row["recommendation"] or "").strip() or None,
            deadline=row["recommendation_deadline"],
        )
        for row in sorted(rows, key=lambda r: position.get(r["code"], 0))
        if (row["finding"] or "").strip() or (row["recommendation"] or "").strip()
    ]
    decision = None
    if accreditation["decision_number"] and accreditation["decision_date"] and accreditation["valid_to"]:  # type: ignore[index]
        decision = AccreditationDecision(
            number=accreditation["decision_number"],  # type: ignore[index]
            decision_date=accreditation["decision_date"],  # type: ignore[index]
            valid_from=accreditation["valid_from"] or accreditation["decision_date"],  # type: ignore[index]
            valid_to=accreditation["valid_to"],  # type: ignore[index]
        )
    team = [TeamMember(m["name"], m["role"], m.get("institution")) for m in verification["team"]]
    return OpinionContent(
        rops_name=os.environ.get("SES_ROPS_NAME") or DEFAULT_ROPS_NAME,
        rops_address=os.environ.get("SES_ROPS_ADDRESS") or None,
        owes_name=accreditation["owes_name"],  # type: ignore[index]
        lead=_org_info(lead),  # type: ignore[arg-type]
        partners=tuple(_org_info(p) for p in partners),
        call_edition=accreditation["call_edition"],  # type: ignore[index]
        decision=decision,
        verification_scope=verification["scope"],
        verification_from=verification["planned_from"],
        verification_to=verification["planned_to"],
        verification_modes=tuple(verification["modes"]),
        team=tuple(team),
        area_summaries=tuple(summaries),
        findings=tuple(findings),
        conclusion=opinion["conclusion"],
        justification=await _justification(opinion),
        signatory_name=opinion["signatory_name"],
        signatory_position=opinion["signatory_position"],
        place=opinion["place"],
        issue_date=opinion["issue_date"],
        version=opinion["number"],
        approved=approved,
        reference_number=opinion["reference_number"],
        template_title=template.title,
        template_version=template.version,
        template_status=template.status,
    )


def _org_info(row: Mapping[str, Any]) -> OrganisationInfo:
    address = ", ".join(
        part
        for part in (
            row.get("street"),
            " ".join(p for p in (row.get("postal_code"), row.get("locality")) if p),
        )
        if part
    )
    return OrganisationInfo(
        name=row["name"],
        krs=row.get("krs"),
        nip=row.get("nip"),
        regon=row.get("regon"),
        address=address or None,
    )


def _docx_template() -> Path | None:
    path = os.environ.get("SES_OPINION_TEMPLATE")
    return Path(path) if path else None


def _render(content: OpinionContent) -> bytes:
    try:
        return render_opinion_docx(content, _docx_template())
    except AccreditationRuleError as exc:
        raise ValidationFailed(exc.message, [FieldError("opinion", exc.message)]) from exc


async def approve(opinion_id: int, expected_version: int | None, actor: Actor) -> dict[str, Any]:
    """Lock the opinion: render the DOCX, keep its bytes and SHA-256, record who approved it."""
    async with write_transaction():
        current = await _stored_opinion(opinion_id)
        if current["state"] != "draft":
            raise _locked(current)
        if expected_version is not None and current["version"] != expected_version:
            raise_stale(current["version"], expected_version)
        verification = await verification_row(current["verification_id"])
        results = {row["code"]: row["result"] for row in await _results(current["verification_id"])}
        problems = approval_problems(results, current["reference_number"], verification["team"])
        if problems:
            raise Conflict(
                "Nie można zatwierdzić opinii: " + " ".join(message for _, message in problems),
                [FieldError(field, message) for field, message in problems],
            )
        justification = await _justification(current)
        current = {**current, "justification": justification}
        data = _render(await _content(current, approved=True))
        digest = sha256_of(data)
        stamp = now()
        await Opinion.update(
            {
                Opinion.state: "approved",
                Opinion.justification: justification,
                Opinion.docx: data,
                Opinion.sha256: digest,
                Opinion.approved_by: actor.label[:120],
                Opinion.approved_at: stamp,
                Opinion.version: current["version"] + 1,
                Opinion.updated_at: stamp,
            }
        ).where(Opinion.id == opinion_id)
        earlier = await Opinion.select(Opinion.id).where(
            (Opinion.verification == current["verification_id"])
            & (Opinion.state == "approved")
            & (Opinion.id != opinion_id)
        )
        for row in earlier:
            await Opinion.update(
                {Opinion.state: "superseded", Opinion.version: Opinion.version + 1, Opinion.updated_at: stamp}
            ).where(Opinion.id == row["id"])
            await record_event(
                actor, "opinion.supersede", "opinion", row["id"], {"state": ["approved", "superseded"]}
            )
        verification = await verification_row(current["verification_id"])
        if verification["state"] == "opinion_drafted":
            await set_verification_state(
                verification["id"], verification, "opinion_approved", actor, "opinia zatwierdzona"
            )
        await record_event(
            actor, "opinion.approve", "opinion", opinion_id,
            {"state": ["draft", "approved"], "sha256": [None, digest],
             "conclusion": [None, current["conclusion"]]},
        )  # fmt: skip
        return await get_opinion(opinion_id)


async def opinion_docx(opinion_id: int) -> tuple[dict[str, Any], bytes]:
    """The approved DOCX exactly as approved; a draft is rendered now, marked as a draft."""
    row = await Opinion.select(*OPINION_COLUMNS, Opinion.docx).where(Opinion.id == opinion_id).first()
    if row is None:
        raise NotFound(f"Nie ma opinii o id {opinion_id}.")
    stored = row.pop("docx")
    if stored is not None:
        return _decorate(row), bytes(stored)
    return _decorate(row), _render(await _content(row, approved=False))


async def opinion_html(opinion_id: int) -> str:
    row = await _stored_opinion(opinion_id)
    content = await _content(row, approved=row["state"] != "draft")
    try:
        return render_opinion_html(content)
    except AccreditationRuleError as exc:
        raise ValidationFailed(exc.message, [FieldError("opinion", exc.message)]) from exc


async def opinion_sheet(opinion_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(opinion, what its printed sheet shows) for the preview page in the shared layout."""
    from accreditation.opinion_document import opinion_view

    row = await _stored_opinion(opinion_id)
    content = await _content(row, approved=row["state"] != "draft")
    try:
        return await _with_justification(row), opinion_view(content)
    except AccreditationRuleError as exc:
        raise ValidationFailed(exc.message, [FieldError("opinion", exc.message)]) from exc
