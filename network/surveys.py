"""Survey rounds (PARTNER-style): invitations, answers that rate partners on trust and value and
record a survey-sourced tie to each, and the scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from piccolo.query.functions.aggregate import Avg, Count

from network.relations import missing_organisations
from network.state import bump_version, now
from network.tables import PartnerRating, Relation, SurveyInvitation, SurveyResponse, SurveyRound
from network.vocab import Origin, RelationType
from ses import idempotency
from ses.audit.services import Actor, record_event
from ses.auth.policy import Principal
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, NotFound, ValidationFailed
from ses.idempotency import Answer, Key


async def _survey(survey_id: int) -> dict[str, Any]:
    row = await SurveyRound.select().where(SurveyRound.id == survey_id).first()
    if row is None:
        raise NotFound(f"Nie ma rundy badania o id {survey_id}.")
    return row


async def _survey_out(row: Mapping[str, Any]) -> dict[str, Any]:
    invited = await SurveyInvitation.count().where(SurveyInvitation.survey_round == row["id"])
    responded = await SurveyResponse.count().where(SurveyResponse.survey_round == row["id"])
    return {
        "id": row["id"], "name": row["name"], "opened_on": row["opened_on"], "closes_on": row["closes_on"],
        "state": row["state"], "invited": invited, "responded": responded,
        "response_rate": round(responded / invited, 4) if invited else 0.0,
    }  # fmt: skip


async def _invite(survey_id: int, organisation_ids: list[int], field: str = "organisation_ids") -> int:
    ids = list(dict.fromkeys(organisation_ids))
    errors = await missing_organisations({f"{field}.{i}": org for i, org in enumerate(ids)})
    if errors:
        raise ValidationFailed("Nie można zaprosić organizacji spoza rejestru.", errors)
    already = {
        row["organisation"]
        for row in await SurveyInvitation.select(SurveyInvitation.organisation).where(
            SurveyInvitation.survey_round == survey_id
        )
    }
    fresh = [org for org in ids if org not in already]
    stamp = now()
    if fresh:
        await SurveyInvitation.insert(
            *(SurveyInvitation(survey_round=survey_id, organisation=org, invited_at=stamp) for org in fresh)
        )
    return len(fresh)


async def create_survey(data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    errors = []
    if data.get("closes_on") and data["closes_on"] < data["opened_on"]:
        errors.append(FieldError("closes_on", "Data zamknięcia rundy jest wcześniejsza niż data otwarcia."))
    if not data.get("invited_ids"):
        errors.append(FieldError("invited_ids", "Zaproś do rundy badania co najmniej jedną organizację."))
    if errors:
        raise ValidationFailed("Nie można utworzyć rundy badania.", errors)
    async with write_transaction():
        rows = await SurveyRound.insert(
            SurveyRound(
                name=data["name"],
                opened_on=data["opened_on"],
                closes_on=data.get("closes_on"),
                state="open",
                created_at=now(),
            )  # fmt: skip
        )
        survey_id = int(rows[0]["id"])
        invited = await _invite(survey_id, list(data["invited_ids"]), "invited_ids")
        await record_event(actor, "survey.create", "network_survey_round", survey_id,
                           {"name": [None, data["name"]], "invited": [None, invited]})  # fmt: skip
        return await _survey_out(await _survey(survey_id))


async def invite(survey_id: int, organisation_ids: list[int], actor: Actor) -> dict[str, Any]:
    async with write_transaction():
        await _survey(survey_id)
        added = await _invite(survey_id, organisation_ids)
        await record_event(
            actor, "survey.invite", "network_survey_round", survey_id, {"invited": [None, added]}
        )
        return await _survey_out(await _survey(survey_id))


async def close_survey(survey_id: int, actor: Actor) -> dict[str, Any]:
    async with write_transaction():
        survey = await _survey(survey_id)
        if survey["state"] != "open":
            raise Conflict("Runda badania jest już zamknięta.")
        await SurveyRound.update({SurveyRound.state: "closed"}).where(SurveyRound.id == survey_id)
        await record_event(
            actor, "survey.close", "network_survey_round", survey_id, {"state": ["open", "closed"]}
        )
        return await _survey_out(await _survey(survey_id))


async def get_survey(survey_id: int) -> dict[str, Any]:
    return await _survey_out(await _survey(survey_id))


async def list_surveys(page: int, page_size: int) -> list[dict[str, Any]]:
    rows = (
        await SurveyRound.select()
        .order_by(SurveyRound.id, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return [await _survey_out(row) for row in rows]


def _rating_errors(answers: list[Mapping[str, Any]], respondent_id: int) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[int] = set()
    for i, answer in enumerate(answers):
        if answer["partner_id"] == respondent_id:
            errors.append(
                FieldError(f"partners.{i}.partner_id", "Organizacja nie może wskazać siebie jako partnera.")
            )
        if answer["partner_id"] in seen:
            errors.append(
                FieldError(f"partners.{i}.partner_id", "Ten partner został już wskazany w tej odpowiedzi.")
            )
        seen.add(answer["partner_id"])
        for group, label in (("trust", "zaufania"), ("value", "wartości")):
            items = answer[group]
            if len(items) != 3:
                errors.append(
                    FieldError(f"partners.{i}.{group}", f"Ocena {label} ma dokładnie trzy pozycje.")
                )
            for j, item in enumerate(items):
                if not 1 <= item <= 4:
                    errors.append(
                        FieldError(
                            f"partners.{i}.{group}.{j}",
                            f"Ocena {label} musi być w skali 1–4 (podano {item}).",
                        )
                    )
    return errors


async def submit_response_once(
    survey_id: int, data: Mapping[str, Any], actor: Actor, viewer: Principal | None, key: Key | None
) -> Answer:
    """As submit_response, at most once per `Idempotency-Key`: a retry with the same key and body
    gets the first answer back (nothing is written twice); the same key with another body is refused.
    The key is claimed in the same transaction as the answer (ses/idempotency)."""

    async def work() -> tuple[int, Any, int | None]:
        return 201, await submit_response(survey_id, data, actor, viewer), None

    return await idempotency.once(key, work)


async def submit_response(
    survey_id: int, data: Mapping[str, Any], actor: Actor, viewer: Principal | None
) -> dict[str, Any]:
    """Record one organisation's answer: its ratings and a survey-sourced tie to every named partner."""
    respondent = data["respondent_id"]
    if viewer is not None and viewer.is_owes and viewer.organisation_id != respondent:
        raise NotFound(f"Nie ma w rejestrze organizacji o id {respondent}.")
    answers = list(data["partners"])
    errors = _rating_errors(answers, respondent)
    async with write_transaction():
        survey = await _survey(survey_id)
        if survey["state"] != "open":
            raise Conflict("Runda badania jest zamknięta; odpowiedzi nie są już przyjmowane.")
        invited = await SurveyInvitation.exists().where(
            (SurveyInvitation.survey_round == survey_id) & (SurveyInvitation.organisation == respondent)
        )
        if not invited:
            errors.insert(
                0,
                FieldError(
                    "respondent_id",
                    f"Organizacja o id {respondent} nie została zaproszona do tej rundy badania.",
                ),
            )
        if answers:
            errors += await missing_organisations(
                {f"partners.{i}.partner_id": a["partner_id"] for i, a in enumerate(answers)}
            )
        if errors:
            raise ValidationFailed("Nie można przyjąć odpowiedzi na badanie.", errors)
        if await SurveyResponse.exists().where(
            (SurveyResponse.survey_round == survey_id) & (SurveyResponse.respondent == respondent)
        ):
            raise Conflict("Ta organizacja już odpowiedziała w tej rundzie badania.")
        stamp = now()
        rows = await SurveyResponse.insert(
            SurveyResponse(
                survey_round=survey_id,
                respondent=respondent,
                submitted_at=stamp,
                submitted_by=actor.label[:120],
            )
        )
        response_id = int(rows[0]["id"])
        ratings = []
        relations = []
        for answer in answers:
            trust, value = answer["trust"], answer["value"]
            trust_score, value_score = sum(trust) / 3, sum(value) / 3
            ratings.append(
                PartnerRating(
                    response=response_id,
                    survey_round=survey_id,
                    respondent=respondent,
                    partner=answer["partner_id"],
                    trust_reliability=trust[0],
                    trust_mission=trust[1],
                    trust_openness=trust[2],
                    value_power=value[0],
                    value_involvement=value[1],
                    value_resources=value[2],
                    trust_score=trust_score,
                    value_score=value_score,
                )  # fmt: skip
            )
            relations.append(
                Relation(
                    source=respondent,
                    target=answer["partner_id"],
                    relation_type=RelationType.COOPERATES.value,
                    directed=True,
                    weight=round((trust_score + value_score) / 2, 4),
                    valid_from=survey["opened_on"],
                    confidence=0.8,
                    origin=Origin.SURVEY.value,
                    survey_response=response_id,
                    version=1,
                    created_at=stamp,
                    updated_at=stamp,
                )  # fmt: skip
            )
        if ratings:
            await PartnerRating.insert(*ratings)
            await Relation.insert(*relations)
        await record_event(actor, "survey.response", "network_survey_round", survey_id,
                           {"respondent": [None, respondent], "partners": [None, len(answers)]})  # fmt: skip
        await bump_version()
    return {"id": response_id, "survey_id": survey_id, "respondent_id": respondent,
            "partners": len(answers), "relations_created": len(relations)}  # fmt: skip


async def survey_scores(survey_id: int, page: int, page_size: int) -> dict[str, Any]:
    """PARTNER scores: mean trust and value over all relationships, and per rated organisation."""
    out = await get_survey(survey_id)
    overall = (
        await PartnerRating.select(
            Avg(PartnerRating.trust_score, alias="trust"), Avg(PartnerRating.value_score, alias="value")
        )
        .where(PartnerRating.survey_round == survey_id)
        .first()
    )
    per_org = (
        PartnerRating.select(
            PartnerRating.partner.as_alias("organisation_id"),
            PartnerRating.partner.name.as_alias("name"),
            Count(alias="ratings"),
            Avg(PartnerRating.trust_score, alias="trust"),
            Avg(PartnerRating.value_score, alias="value"),
        )
        .where(PartnerRating.survey_round == survey_id)
        .group_by(PartnerRating.partner, PartnerRating.partner.name)
        .order_by(PartnerRating.partner)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    total_rows = (
        await PartnerRating.select(Count(distinct=[PartnerRating.partner], alias="n"))
        .where(PartnerRating.survey_round == survey_id)
        .first()
    )

    def r(value: Any) -> float | None:
        return None if value is None else round(float(value), 4)

    return {
        "survey_id": survey_id,
        "invited": out["invited"],
        "responded": out["responded"],
        "response_rate": out["response_rate"],
        "relationship_trust": r(overall["trust"]) if overall else None,
        "relationship_value": r(overall["value"]) if overall else None,
        "organisations": [
            {**row, "trust": r(row["trust"]), "value": r(row["value"])} for row in await per_org
        ],
        "page": page,
        "page_size": page_size,
        "total": int(total_rows["n"]) if total_rows else 0,
    }
