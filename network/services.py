"""Use-cases of the cooperation network: relations, surveys, and metrics computed off the event loop.

Writes run in one transaction with their audit record and a new network version. Reads of the
graph select only the columns the metrics need; the graph is built and measured in a worker
thread (anyio.to_thread), and the answer is cached under (network version, register stamp, scope).
"""

from __future__ import annotations

import functools
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import anyio.to_thread
import numpy as np
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.query.functions.aggregate import Avg, Count, Max

from network import metrics, worker
from network.metrics import EdgeRow, NodeRow, Scope
from network.node_table import SORTABLE, NodeTable
from network.region_index import INDEX
from network.tables import (
    NetworkState,
    PartnerRating,
    Relation,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)
from network.vocab import UNDIRECTED_TYPES, Intensity, Origin, RelationType, sector_of
from ses import idempotency
from ses.audit.services import Actor, diff, record_event
from ses.auth.policy import Principal
from ses.db import engine, write_transaction
from ses.errors import Conflict, FieldError, NotFound, PreconditionFailed, ValidationFailed
from ses.idempotency import Answer, Key
from ses.register.tables import Organisation
from ses.single_flight import SingleFlight

RELATION_COLUMNS = (
    Relation.id,
    Relation.source.as_alias("source_id"),
    Relation.target.as_alias("target_id"),
    Relation.relation_type,
    Relation.directed,
    Relation.weight,
    Relation.intensity,
    Relation.valid_from,
    Relation.valid_to,
    Relation.formal_basis,
    Relation.value_pln,
    Relation.social_clause,
    Relation.service,
    Relation.confidence,
    Relation.origin,
    Relation.survey_response.as_alias("survey_response_id"),
    Relation.owes_report.as_alias("owes_report_id"),
    Relation.source_row,
    Relation.note,
    Relation.version,
    Relation.created_at,
    Relation.updated_at,
)
AUDITED = (
    "source", "target", "relation_type", "directed", "weight", "intensity", "valid_from", "valid_to",
    "formal_basis", "value_pln", "social_clause", "service", "confidence", "origin", "note",
)  # fmt: skip


def now() -> datetime:
    return datetime.now(UTC)


def etag(relation: Mapping[str, Any]) -> str:
    return f'"relation-{relation["id"]}-v{relation["version"]}"'


# ---------------------------------------------------------------- network version


async def bump_version() -> None:
    """Inside the caller's write transaction: the network changed, cached metrics no longer hold."""
    await NetworkState.update(
        {
            NetworkState.version: NetworkState.version + 1,
            NetworkState.token: uuid.uuid4().hex,
            NetworkState.changed_at: now(),
        }  # fmt: skip
    ).where(NetworkState.id == 1)


async def data_stamp() -> tuple[int, str, Any]:
    """(version, token, register stamp): what a cached answer was computed from."""
    state = (
        await NetworkState.select(NetworkState.version, NetworkState.token)
        .where(NetworkState.id == 1)
        .first()
    )
    register = await Organisation.select(Max(Organisation.updated_at, alias="stamp")).first()
    return (
        int(state["version"]) if state else 0,
        state["token"] if state else "",
        register["stamp"] if register else None,
    )


# ---------------------------------------------------------------- relations


def _date_errors(valid_from: date | None, valid_to: date | None) -> list[FieldError]:
    if valid_from and valid_to and valid_to < valid_from:
        return [FieldError("valid_to", "Data zakończenia relacji jest wcześniejsza niż data rozpoczęcia.")]
    return []


async def _missing_organisations(ids: Mapping[str, int]) -> list[FieldError]:
    found = {
        row["id"]
        for row in await Organisation.select(Organisation.id).where(
            Organisation.id.is_in(list(set(ids.values())))
        )
    }
    return [
        FieldError(field, f"Nie ma w rejestrze organizacji o id {value}.")
        for field, value in ids.items()
        if value not in found
    ]


async def get_relation(relation_id: int, viewer: Principal | None = None) -> dict[str, Any]:
    row = await Relation.select(*RELATION_COLUMNS).where(Relation.id == relation_id).first()
    if row is None or not _may_see(row, viewer):
        raise NotFound(f"Nie ma relacji o id {relation_id}.")
    return _money(row)


def _money(row: dict[str, Any]) -> dict[str, Any]:
    # SQLite gives NUMERIC back as a float or int; money goes on the wire with two decimals.
    if row.get("value_pln") is not None:
        row["value_pln"] = Decimal(str(row["value_pln"])).quantize(Decimal("0.01"))
    return row


def _may_see(row: Mapping[str, Any], viewer: Principal | None) -> bool:
    if viewer is None or not viewer.is_owes:
        return True
    return viewer.organisation_id in (row["source_id"], row["target_id"])


async def create_relation(data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    errors: list[FieldError] = []
    if data["source_id"] == data["target_id"]:
        errors.append(FieldError("target_id", "Relacja nie może łączyć organizacji z nią samą (pętla)."))
    errors += _date_errors(data.get("valid_from"), data.get("valid_to"))
    relation_type = RelationType(data["relation_type"])
    directed = data.get("directed")
    if directed is None:
        directed = relation_type not in UNDIRECTED_TYPES
    async with write_transaction():
        errors += await _missing_organisations(
            {"source_id": data["source_id"], "target_id": data["target_id"]}
        )
        if errors:
            raise ValidationFailed("Nie można zapisać relacji: dane zawierają błędy.", errors)
        stamp = now()
        values = {
            "source": data["source_id"], "target": data["target_id"], "relation_type": relation_type.value,
            "directed": directed, "weight": data.get("weight", 1.0), "intensity": data.get("intensity"),
            "valid_from": data.get("valid_from"), "valid_to": data.get("valid_to"),
            "formal_basis": data.get("formal_basis"), "value_pln": data.get("value_pln"),
            "social_clause": data.get("social_clause"), "service": data.get("service"),
            "confidence": data.get("confidence", 1.0), "origin": str(data.get("origin", Origin.MANUAL)),
            "survey_response": data.get("survey_response"), "note": data.get("note"),
        }  # fmt: skip
        rows = await Relation.insert(Relation(**values, version=1, created_at=stamp, updated_at=stamp))
        relation_id = int(rows[0]["id"])
        changes = {key: [None, values[key]] for key in AUDITED if values.get(key) is not None}
        await record_event(actor, "relation.create", "network_relation", relation_id, changes)
        await bump_version()
        return await get_relation(relation_id)


async def update_relation(
    relation_id: int, data: Mapping[str, Any], expected: int, actor: Actor
) -> dict[str, Any]:
    async with write_transaction():
        current = await get_relation(relation_id)
        if current["version"] != expected:
            raise PreconditionFailed(
                f"Relacja zmieniła się od czasu, gdy ją pobrano (wersja {current['version']}). "
                "Pobierz ją ponownie."
            )
        values = {key: (value.value if hasattr(value, "value") else value) for key, value in data.items()}
        merged_from = values.get("valid_from", current["valid_from"])
        merged_to = values.get("valid_to", current["valid_to"])
        errors = _date_errors(merged_from, merged_to)
        if errors:
            raise ValidationFailed("Nie można zapisać zmian relacji.", errors)
        changes = diff(current, values)
        if not changes:
            return current
        await Relation.update({**values, "version": expected + 1, "updated_at": now()}).where(
            Relation.id == relation_id
        )
        await record_event(actor, "relation.update", "network_relation", relation_id, changes)
        await bump_version()
        return await get_relation(relation_id)


async def delete_relation(relation_id: int, expected: int, actor: Actor) -> None:
    """Remove a relation recorded by mistake (a tie that ended gets `valid_to` instead)."""
    async with write_transaction():
        current = await get_relation(relation_id)
        if current["version"] != expected:
            raise PreconditionFailed("Relacja zmieniła się od czasu, gdy ją pobrano. Pobierz ją ponownie.")
        await Relation.delete().where(Relation.id == relation_id)
        changes = {key: [_plain(current.get(key + "_id", current.get(key))), None] for key in AUDITED}
        await record_event(actor, "relation.delete", "network_relation", relation_id, changes)
        await bump_version()


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


IMPORT_COLUMNS = ("source_id", "target_id", "relation_type")
MAX_IMPORT_ROWS = 50_000


def _parse_row(line: int, raw: Mapping[str, str]) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """One CSV row as relation values, or the problems found in it (every one, with its line)."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}

    def cell(name: str) -> str:
        return (raw.get(name) or "").strip()

    for name in ("source_id", "target_id"):
        if not cell(name).isdigit():
            errors.append(FieldError(name, "Oczekiwano identyfikatora organizacji (liczby).", line))
        else:
            values[name] = int(cell(name))
    try:
        values["relation_type"] = RelationType(cell("relation_type"))
    except ValueError:
        errors.append(FieldError("relation_type", f"Nieznany typ relacji „{cell('relation_type')}”.", line))
    for name in ("valid_from", "valid_to"):
        if cell(name):
            try:
                values[name] = date.fromisoformat(cell(name))
            except ValueError:
                errors.append(FieldError(name, "Oczekiwano daty w formacie RRRR-MM-DD.", line))
    if cell("weight"):
        try:
            values["weight"] = float(cell("weight").replace(",", "."))
            if not 0 < values["weight"] <= 1000:
                raise ValueError
        except ValueError:
            errors.append(FieldError("weight", "Waga musi być liczbą z przedziału (0, 1000].", line))
    if cell("intensity"):
        try:
            values["intensity"] = Intensity(cell("intensity")).value
        except ValueError:
            errors.append(FieldError("intensity", f"Nieznana intensywność „{cell('intensity')}”.", line))
    if cell("value_pln"):
        try:
            values["value_pln"] = Decimal(cell("value_pln").replace(",", ".")).quantize(Decimal("0.01"))
        except ArithmeticError:
            errors.append(FieldError("value_pln", "Oczekiwano kwoty w złotych.", line))
    if cell("formal_basis"):
        values["formal_basis"] = cell("formal_basis")[:300]
    if values.get("source_id") is not None and values.get("source_id") == values.get("target_id"):
        errors.append(
            FieldError("target_id", "Relacja nie może łączyć organizacji z nią samą (pętla).", line)
        )
    for error in _date_errors(values.get("valid_from"), values.get("valid_to")):
        errors.append(FieldError(error.field, error.message, line))
    return (None if errors else values), errors


async def import_relations(rows: list[tuple[int, Mapping[str, str]]], header: list[str], actor: Actor,
                           dry_run: bool = False) -> dict[str, Any]:  # fmt: skip
    """All rows or none: every problem of the file is reported with its line number."""
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(
            "Plik nie ma wymaganych kolumn.",
            [FieldError(name, "Brak kolumny w nagłówku.") for name in missing],
        )
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed(
            "Za duży plik.", [FieldError("file", f"Najwyżej {MAX_IMPORT_ROWS} wierszy naraz.")]
        )
    parsed: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    for line, raw in rows:
        values, problems = _parse_row(line, raw)
        errors += problems
        if values is not None:
            parsed.append({**values, "_line": line})
    async with write_transaction():
        ids = {v[k] for v in parsed for k in ("source_id", "target_id")}
        known: set[int] = set()
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            known |= {
                r["id"]
                for r in await Organisation.select(Organisation.id).where(Organisation.id.is_in(chunk))
            }
        for values in parsed:
            for name in ("source_id", "target_id"):
                if values[name] not in known:
                    errors.append(
                        FieldError(
                            name, f"Nie ma w rejestrze organizacji o id {values[name]}.", values["_line"]
                        )
                    )
        if errors:
            errors.sort(key=lambda e: (e.row or 0, e.field))
            raise ValidationFailed("Import relacji odrzucony: popraw wskazane wiersze.", errors[:500])
        if dry_run:
            return {"created": 0, "rows": len(parsed), "dry_run": True}
        stamp = now()
        objects = [
            Relation(
                source=v["source_id"],
                target=v["target_id"],
                relation_type=v["relation_type"].value,
                directed=v["relation_type"] not in UNDIRECTED_TYPES,
                weight=v.get("weight", 1.0),
                intensity=v.get("intensity"),
                valid_from=v.get("valid_from"),
                valid_to=v.get("valid_to"),
                formal_basis=v.get("formal_basis"),
                value_pln=v.get("value_pln"),
                confidence=1.0,
                origin=Origin.IMPORT.value,
                version=1,
                created_at=stamp,
                updated_at=stamp,
            )  # fmt: skip
            for v in parsed
        ]
        for start in range(0, len(objects), 500):
            await Relation.insert(*objects[start : start + 500])
        await record_event(actor, "relation.import", "network_relation", None, {"rows": [None, len(objects)]})
        await bump_version()
        return {"created": len(objects), "rows": len(parsed), "dry_run": False}


async def list_relations(
    *,
    viewer: Principal | None,
    organisation_id: int | None,
    relation_type: list[str],
    origin: list[str],
    active_on: date | None,
    page: int,
    page_size: int,
    owes_report_id: int | None = None,
) -> dict[str, Any]:
    where: list[Any] = []
    if owes_report_id is not None:
        where.append(Relation.owes_report == owes_report_id)
    problems: list[FieldError] = []
    for name, values, allowed in (("relation_type", relation_type, RelationType), ("origin", origin, Origin)):
        unknown = [v for v in values if v not in {a.value for a in allowed}]
        if unknown:
            problems.append(FieldError(name, f"Nieznane wartości: {', '.join(unknown)}."))
        elif values:
            where.append(Relation._meta.get_column_by_name(name).is_in(values))
    if problems:
        raise ValidationFailed("Niepoprawne parametry wyszukiwania.", problems)
    if viewer is not None and viewer.is_owes:
        if organisation_id is not None and organisation_id != viewer.organisation_id:
            raise NotFound(f"Nie ma w rejestrze organizacji o id {organisation_id}.")
        organisation_id = viewer.organisation_id
    if organisation_id is not None:
        where.append((Relation.source == organisation_id) | (Relation.target == organisation_id))
    if active_on is not None:
        where.append((Relation.valid_from.is_null()) | (Relation.valid_from <= active_on))
        where.append((Relation.valid_to.is_null()) | (Relation.valid_to >= active_on))
    query = (
        Relation.select(*RELATION_COLUMNS)
        .order_by(Relation.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    count = Relation.count()
    if where:
        query = query.where(*where)
        count = count.where(*where)
    return {
        "items": [_money(row) for row in await query],
        "page": page,
        "page_size": page_size,
        "total": await count,
    }


# ---------------------------------------------------------------- surveys


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


async def _invite(survey_id: int, organisation_ids: list[int]) -> int:
    ids = list(dict.fromkeys(organisation_ids))
    errors = await _missing_organisations({f"organisation_ids.{i}": org for i, org in enumerate(ids)})
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
    if data.get("closes_on") and data["closes_on"] < data["opened_on"]:
        raise ValidationFailed(
            "Nie można utworzyć rundy badania.",
            [FieldError("closes_on", "Data zamknięcia rundy jest wcześniejsza niż data otwarcia.")],
        )
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
        invited = await _invite(survey_id, list(data.get("invited_ids") or []))
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
            errors += await _missing_organisations(
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


# ---------------------------------------------------------------- the graph from the database


def scope_errors(scope: Scope) -> list[FieldError]:
    errors = []
    code = scope.territory
    if code is not None and (not code.isdigit() or len(code) not in (2, 4, 6, 7)):
        errors.append(
            FieldError("territory", "Kod TERYT ma 2 (województwo), 4 (powiat) lub 6–7 (gmina) cyfr.")
        )
    known = {t.value for t in RelationType}
    unknown = [t for t in scope.types if t not in known]
    if unknown:
        errors.append(
            FieldError(
                "types",
                f"Nieznane typy relacji: {', '.join(unknown)}. Dozwolone: {', '.join(sorted(known))}.",
            )
        )
    return errors


def _territory_condition(column_owner: Any, code: str) -> Any:
    if len(code) == 2:
        return column_owner.voivodeship_code == code
    if len(code) == 4:
        return column_owner.powiat_code == code
    return column_owner.gmina_code.like(f"{code[:6]}%")


TERRITORY_COLUMN = {2: "voivodeship_code", 4: "powiat_code"}


def _territory_sql(code: str) -> tuple[str, list[Any]]:
    """Condition on organisation columns for a TERYT prefix (7-digit gmina codes match on six)."""
    column = TERRITORY_COLUMN.get(len(code))
    if column:
        return f"{column} = {{}}", [code]
    return "gmina_code LIKE {}", [f"{code[:6]}%"]


async def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Plain tuples from the driver for `sql` with `{}` placeholders (the graph reads only).

    Row dictionaries built by the ORM cost more than the query itself at 160,000 ties (measured:
    Piccolo select ~2.1–2.9 s, plain tuples ~0.4 s on SQLite), so the graph is read like
    ses.db.bulk_insert writes: on the connection of the current transaction, or of a new one.
    """
    db = engine()
    sqlite = isinstance(db, SQLiteEngine)
    if sqlite:
        sql = sql.replace("{}", "?")
    else:
        parts = sql.split("{}")
        sql = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))

    async def run(connection: Any) -> list[tuple[Any, ...]]:
        if sqlite:
            cursor = await connection.execute(sql, params)
            cursor.row_factory = None  # tuples, not the engine's dictionaries
            rows = await cursor.fetchall()
            await cursor.close()
            return rows  # type: ignore[no-any-return]
        return [tuple(row) for row in await connection.fetch(sql, *params)]

    current = db.current_transaction.get()
    if current is not None:
        return await run(current.connection)
    async with db.transaction() as transaction:
        return await run(transaction.connection)


async def load_rows(scope: Scope, *, all_dates: bool = False) -> tuple[list[NodeRow], list[EdgeRow]]:
    """Nodes and ties of a scope, reading only the columns the metrics need, in one query each.

    A territory keeps ties whose both ends lie in it (metrics.build_graph drops the others too).
    """
    node_where = ["activity_state != 'retired'"]
    node_params: list[Any] = []
    edge_where: list[str] = []
    edge_params: list[Any] = []
    edge_from = "network_relation r"
    if scope.territory:
        condition, values = _territory_sql(scope.territory)
        node_where.append(condition)
        node_params += values
        # Walk the territory's organisations and their ties by the source index. CROSS JOIN and
        # `+ 0` are SQLite planner hints (PostgreSQL plans them as a plain join): left alone, SQLite
        # scanned every current tie by the valid_to index (150 ms for a powiat) or probed the
        # (source, target) index for every pair of the powiat (1.1 s); this way 85 ms.
        edge_from = "organisation o CROSS JOIN network_relation r"
        edge_where += [
            "o." + condition,
            "r.source = o.id",
            f"r.target + 0 IN (SELECT id FROM organisation WHERE {condition})",
        ]
        edge_params += values + values
    if scope.types:
        edge_where.append(f"r.relation_type IN ({', '.join('{}' for _ in scope.types)})")
        edge_params += list(scope.types)
    if scope.as_of is not None and not all_dates:
        edge_where.append(
            "(r.valid_from IS NULL OR r.valid_from <= {}) AND (r.valid_to IS NULL OR r.valid_to >= {})"
        )
        edge_params += [scope.as_of, scope.as_of]
    elif not all_dates:
        edge_where.append("r.valid_to IS NULL")
    node_rows = await _fetch(
        f"SELECT id, name, kind, gmina_code, is_owes FROM organisation WHERE {' AND '.join(node_where)}",
        node_params,
    )
    nodes = [
        NodeRow(i, name, kind, sector_of(kind), gmina, bool(owes)) for i, name, kind, gmina, owes in node_rows
    ]
    # Dates are read only when the job filters by them itself (change between two dates); otherwise
    # the query has already kept exactly the ties active in the scope, and EdgeRow leaves them None.
    dates = "r.valid_from, r.valid_to" if all_dates else "NULL, NULL"
    edge_rows = await _fetch(
        f"SELECT r.id, r.source, r.target, r.relation_type, r.directed, r.weight, {dates}, r.origin"
        f" FROM {edge_from}" + (f" WHERE {' AND '.join(edge_where)}" if edge_where else ""),
        edge_params,
    )
    # Both drivers already give bool, float and date (Piccolo registers SQLite converters by
    # declared column type), so each row becomes an EdgeRow as it is.
    edges = list(map(EdgeRow._make, edge_rows))
    founder_query = Organisation.select(
        Organisation.id, Organisation.founder, Organisation.registered_on
    ).where(Organisation.founder.is_not_null(), Organisation.activity_state != "retired")
    if scope.territory:
        founder_query = founder_query.where(_territory_condition(Organisation, scope.territory))
    if not scope.types or RelationType.FOUNDS_RUNS.value in scope.types:
        # The register's own fact: a reintegration unit and the body that runs it.
        edges += [
            EdgeRow(
                -r["id"],
                r["founder"],
                r["id"],
                RelationType.FOUNDS_RUNS.value,
                True,
                1.0,
                r["registered_on"],
                None,
                Origin.REGISTER.value,
            )  # fmt: skip
            for r in await founder_query
        ]
    return nodes, edges


# ---------------------------------------------------------------- cached computations


class ResultCache:
    """Computed answers under (what, data stamp, scope); one computation per key at a time."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.flights: SingleFlight[Any] = SingleFlight()

    async def get_or_compute(
        self, key: tuple[Any, ...], compute: Callable[[], Awaitable[Any]]
    ) -> tuple[Any, bool]:
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key], True
        value, led = await self.flights.run(key, compute)
        if led:
            self.entries[key] = value
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value, not led

    def clear(self) -> None:
        self.entries.clear()


CACHE = ResultCache()


def resolve_scope(scope: Scope, viewer: Principal | None) -> Scope:
    """Check the filter; an OWES sees only its own ego network."""
    errors = scope_errors(scope)
    if errors:
        raise ValidationFailed("Niepoprawny zakres sieci.", errors)
    if viewer is not None and viewer.is_owes:
        if scope.ego is not None and scope.ego != viewer.organisation_id:
            raise NotFound(f"Nie ma w rejestrze organizacji o id {scope.ego}.")
        return Scope(scope.as_of, scope.territory, scope.types, viewer.organisation_id)
    return scope


PROCESS_THRESHOLD = 20_000
"""Scopes with more ties than this are read and measured in a worker process (network/worker.py).

networkx is pure Python and holds the GIL, and turning 200,000 rows into Python objects runs on
the event loop: done in the server, other requests' p99 rose from ~0.1 s to ~1.6–2 s (measured).
Small scopes stay in a thread, where they finish before a process would have started.
"""


async def tie_count(scope: Scope) -> int:
    query = Relation.count()
    if scope.territory:
        query = query.where(_territory_condition(Relation.source, scope.territory))
    return int(await query)


INDEX_MIN_TIES = PROCESS_THRESHOLD
"""Networks with more ties than this are also held in memory (network/region_index.py) for
territory and type-subset answers; smaller ones are read from the database fast enough."""


async def _indexed(what: str, scope: Scope, extra: tuple[Any, ...], stamp: tuple[Any, ...] | None) -> Any:
    """The answer computed from the in-memory index of this very data stamp, or None.

    Used for the metrics of a territory or a type subset small enough to measure in a thread, and
    for timelines (not for ego networks). Any metrics or timeline request that finds the index
    missing or stale starts a fresh one in the background (so the region's first request prepares
    the powiats' answers) and is answered from the database as before.
    """
    if what not in ("metrics", "timeline") or stamp is None or scope.ego is not None:
        return None
    index = INDEX.current(stamp)
    if index is None:
        if await Relation.count() > INDEX_MIN_TIES:
            INDEX.refresh(stamp)
        return None
    if what == "timeline":
        return await anyio.to_thread.run_sync(index.timeline, scope, extra[0])
    if not (scope.territory or scope.types) or index.count(scope) > PROCESS_THRESHOLD:
        return None
    net = index.net(scope)
    return await anyio.to_thread.run_sync(functools.partial(metrics.compute, net, with_communities=extra[0]))


async def _off_loop(
    what: str, scope: Scope, extra: tuple[Any, ...], all_dates: bool, stamp: tuple[Any, ...] | None = None
) -> Any:
    answer = await _indexed(what, scope, extra, stamp)
    if answer is not None:
        return answer
    if await tie_count(scope) > PROCESS_THRESHOLD:
        return await worker.in_worker(worker.run, what, scope, extra, all_dates)
    nodes, edges = await load_rows(scope, all_dates=all_dates)
    # networkx is pure Python: run it off the event loop so other requests keep being served.
    return await anyio.to_thread.run_sync(functools.partial(worker.job(what), nodes, edges, scope, *extra))


async def _cached(what: str, scope: Scope, *extra: Any, all_dates: bool = False) -> tuple[Any, bool, int]:
    version, token, register_stamp = await data_stamp()
    stamp = (token, register_stamp)
    value, cached = await CACHE.get_or_compute(
        (what, token, register_stamp, scope.key(), extra),
        lambda: _off_loop(what, scope, extra, all_dates, stamp),
    )
    return value, cached, version


def scope_dict(scope: Scope) -> dict[str, Any]:
    return {"as_of": scope.as_of.isoformat() if scope.as_of else None, "territory": scope.territory,
            "types": list(scope.types), "ego": scope.ego}  # fmt: skip


async def network_metrics(scope: Scope, with_communities: bool = False) -> dict[str, Any]:
    """Graph-level metrics; Louvain communities (the costliest part) only when asked for."""
    result, cached, version = await _cached("metrics", scope, with_communities)
    return {"scope": scope_dict(scope), "version": version, "cached": cached, "summary": result.summary}


async def node_metrics(
    scope: Scope, sort: str, page: int, page_size: int, with_communities: bool = False
) -> dict[str, Any]:
    if sort.lstrip("-") not in SORTABLE and sort.lstrip("-") != "id":
        raise ValidationFailed(
            "Niepoprawne sortowanie.", [FieldError("sort", f"Dozwolone: id, {', '.join(SORTABLE)}.")]
        )
    result, _, _ = await _cached("metrics", scope, with_communities)
    key = sort.lstrip("-")
    order = result.nodes.order(key, descending=not sort.startswith("-") and key != "id")
    return _page(scope, _table_page(result.nodes, order, page, page_size), len(order), page, page_size)


async def communities(scope: Scope, page: int, page_size: int) -> dict[str, Any]:
    result, _, _ = await _cached("metrics", scope, True)
    start = (page - 1) * page_size
    items = [
        {"index": start + i, "size": len(members), "members": members[:200]}
        for i, members in enumerate(result.communities[start : start + page_size])
    ]
    info = result.summary["communities"]
    return {"scope": scope_dict(scope), "modularity": info["modularity"], "seed": info["seed"],
            "items": items, "page": page, "page_size": page_size,
            "total": len(result.communities)}  # fmt: skip


async def recommendations(scope: Scope) -> dict[str, Any]:
    result, cached, version = await _cached("recommendations", scope)
    return {"scope": scope_dict(scope), "version": version, "cached": cached, **result}


async def change(scope: Scope, first: date, second: date) -> dict[str, Any]:
    if second < first:
        raise ValidationFailed(
            "Niepoprawny okres.", [FieldError("to", "Data końcowa jest wcześniejsza niż początkowa.")]
        )
    result, cached, version = await _cached("change", scope, first, second, all_dates=True)
    return {"scope": scope_dict(scope), "version": version, "cached": cached, **result}


def _paged(
    scope: Scope, rows: list[dict[str, Any]], page: int, page_size: int, **extra: Any
) -> dict[str, Any]:
    start = (page - 1) * page_size
    return _page(scope, rows[start : start + page_size], len(rows), page, page_size, **extra)


def _page(
    scope: Scope, items: list[dict[str, Any]], total: int, page: int, page_size: int, **extra: Any
) -> dict[str, Any]:
    return {"scope": scope_dict(scope), **extra, "items": items, "page": page, "page_size": page_size,
            "total": total}  # fmt: skip


def _table_page(table: NodeTable, order: np.ndarray, page: int, page_size: int) -> list[dict[str, Any]]:
    """The rows of one page of `table` in the given order (dicts made for these rows only)."""
    start = (page - 1) * page_size
    return table.rows(order[start : start + page_size])


async def articulation_points(scope: Scope, page: int, page_size: int) -> dict[str, Any]:
    """Organisations whose loss would split the network, most organisations cut off first."""
    result, cached, version = await _cached("metrics", scope, False)
    order = result.nodes.cut_points()
    keys = ("id", "name", "kind", "sector", "degree", "betweenness", "cut_off")
    items = [{key: row[key] for key in keys} for row in _table_page(result.nodes, order, page, page_size)]
    return _page(scope, items, len(order), page, page_size, version=version, cached=cached)


async def bridges(scope: Scope, page: int, page_size: int) -> dict[str, Any]:
    """Ties whose loss would split the network (both organisations named), most cut off first."""
    result, cached, version = await _cached("metrics", scope, False)
    return _paged(scope, result.bridges, page, page_size, version=version, cached=cached)


MAX_TIMELINE_POINTS = 50


def timeline_points(first: date | None, last: date | None, today: date) -> tuple[date, ...]:
    """Yearly steps from `first` (default: the end of the year three years before `last`) to `last`
    (default: today); `last` is always the final point."""
    last = last or today
    first = first or date(last.year - 3, 12, 31)
    if last < first:
        raise ValidationFailed(
            "Niepoprawny okres.", [FieldError("to_date", "Data końcowa jest wcześniejsza niż początkowa.")]
        )
    if last.year - first.year > MAX_TIMELINE_POINTS:
        raise ValidationFailed(
            "Za długi okres.", [FieldError("from_date", f"Najwyżej {MAX_TIMELINE_POINTS} lat naraz.")]
        )
    points = []
    for step in range(last.year - first.year + 1):
        year = first.year + step
        day = min(first.day, 28) if first.month == 2 else first.day
        point = date(year, first.month, day)
        if point < last:
            points.append(point)
    return (*points, last)


async def timeline(scope: Scope, first: date | None, last: date | None) -> dict[str, Any]:
    points = timeline_points(first, last, date.today())
    result, cached, version = await _cached("timeline", scope, points, all_dates=True)
    return {"scope": scope_dict(scope), "version": version, "cached": cached, "points": result}


async def export(scope: Scope, fmt: str) -> Any:
    return await _off_loop("export", scope, (fmt,), False)
