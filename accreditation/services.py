"""Use-cases of OWES accreditation records, and what the other service modules share.

Every write runs in one `write_transaction()` together with its audit record. Rules come from the
pure modules (`checklists`, `lifecycle`, `evidence`); their Polish refusals are turned into
`ses.errors` exceptions here, so the API answers them as problem details. The use-cases are split
by subject: `checklist_services` (templates), this module (accreditation records),
`verification_services` (verifications), `criterion_services` (results, evidence requests,
comments, self-assessment, evidence files), `opinions` and `deadlines`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from accreditation.lifecycle import (
    ACCREDITATION,
    IN_FORCE,
    AccreditationPeriodError,
    AccreditationRuleError,
    InvalidTransitionError,
    Period,
    check_accreditation_period,
    check_accreditation_transition,
    check_decision_date,
    check_partner_eligible,
    effective_state,
    find_overlap,
)
from accreditation.tables import (
    Accreditation,
    AccreditationPartner,
)
from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.errors import Conflict, FieldError, InvalidTransition, NotFound, ValidationFailed
from ses.prepared import prepared
from ses.register.tables import Organisation
from ses.territories.tables import Territory

# Verification states in which each kind of work is still open.
REVIEW_OPEN = ("in_progress", "findings", "opinion_drafted")  # results feed the draft opinion
SELF_ASSESSMENT_OPEN = ("planned", "in_progress")
EXCHANGE_OPEN = ("planned", "in_progress", "findings", "opinion_drafted")


def now() -> datetime:
    return datetime.now(UTC)


def _json_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(json.loads(value)) if isinstance(value, str) else list(value)


def rule_failed(exc: AccreditationRuleError, field: str) -> ValidationFailed:
    return ValidationFailed(exc.message, [FieldError(field, exc.message)])


def transition_refused(exc: InvalidTransitionError) -> InvalidTransition:
    return InvalidTransition(exc.message, [FieldError("to_state", exc.message)])


# ---------------------------------------------------------------------------------------------
# Accreditation records

ACCREDITATION_COLUMNS = (
    Accreditation.id,
    Accreditation.organisation.as_alias("organisation_id"),
    Accreditation.organisation.name.as_alias("lead_name"),
    Accreditation.owes_name,
    Accreditation.call_edition,
    Accreditation.decision_number,
    Accreditation.decision_date,
    Accreditation.valid_from,
    Accreditation.valid_to,
    Accreditation.state,
    Accreditation.ended_on,
    Accreditation.powiat_codes,
    Accreditation.version,
    Accreditation.created_at,
    Accreditation.updated_at,
)


def accreditation_etag(row: Mapping[str, Any]) -> str:
    return f'"accreditation-{row["id"]}-v{row["version"]}"'


def _effective_state(row: Mapping[str, Any], today: date) -> str:
    return effective_state(str(row["state"]), row["valid_to"], today)


async def _accreditation_out(rows: list[dict[str, Any]], today: date | None = None) -> list[dict[str, Any]]:
    today = today or date.today()
    ids = [row["id"] for row in rows]
    partners: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        for p in (
            await AccreditationPartner.select(
                AccreditationPartner.accreditation.as_alias("accreditation_id"),
                AccreditationPartner.organisation.as_alias("organisation_id"),
                AccreditationPartner.organisation.name.as_alias("name"),
            )
            .where(AccreditationPartner.accreditation.is_in(ids))
            .order_by(AccreditationPartner.id)
        ):
            partners[p["accreditation_id"]].append(
                {"organisation_id": p["organisation_id"], "name": p["name"]}
            )
    for row in rows:
        row["powiat_codes"] = _json_list(row["powiat_codes"])
        row["partners"] = partners[row["id"]]
        row["effective_state"] = _effective_state(row, today)
        row["state_label"] = ACCREDITATION.states[row["effective_state"]]
    return rows


async def get_accreditation(accreditation_id: int) -> dict[str, Any]:
    row = (
        await Accreditation.select(*ACCREDITATION_COLUMNS).where(Accreditation.id == accreditation_id).first()
    )
    if row is None:
        raise NotFound(f"Nie ma akredytacji o id {accreditation_id}.")
    return (await _accreditation_out([row]))[0]


async def list_accreditations(
    organisation_id: int | None, state: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    query = Accreditation.select(*ACCREDITATION_COLUMNS)
    if organisation_id is not None:
        query = query.where(Accreditation.organisation == organisation_id)
    if state:
        # The state as it is today (as `effective_state` shows it): one in force whose period has
        # passed is expired, though nobody marked it so yet.
        today = date.today()
        lapsed = Accreditation.state.is_in(list(IN_FORCE)) & (Accreditation.valid_to < today)
        if state == "expired":
            query = query.where((Accreditation.state == state) | lapsed)
        elif state in IN_FORCE:
            query = query.where(
                (Accreditation.state == state)
                & (Accreditation.valid_to.is_null() | (Accreditation.valid_to >= today))
            )
        else:
            query = query.where(Accreditation.state == state)
    rows = await query.order_by(Accreditation.id, ascending=False).limit(limit).offset(offset)
    return await _accreditation_out(rows)


_IN_FORCE_OF = prepared(
    lambda organisation_id, today: (
        Accreditation.select(*ACCREDITATION_COLUMNS)
        .where(
            (Accreditation.organisation == organisation_id)
            & Accreditation.state.is_in(list(IN_FORCE))
            & (Accreditation.valid_from <= today)
            & (Accreditation.valid_to >= today)
        )
        .order_by(Accreditation.valid_from, ascending=False)
        .first()
    )
)


async def current_accreditation(organisation_id: int, today: date | None = None) -> dict[str, Any] | None:
    """The accreditation in force today of an OWES as lead applicant (None when it has none)."""
    today = today or date.today()
    row = await _IN_FORCE_OF(organisation_id, today)
    return (await _accreditation_out([row], today))[0] if row else None


async def _eligibility_problems(lead_id: int, partner_ids: Sequence[int]) -> list[FieldError]:
    ids = [lead_id, *partner_ids]
    found = {
        row["id"]: row
        for row in await Organisation.select(
            Organisation.id, Organisation.name, Organisation.pes_letter
        ).where(Organisation.id.is_in(ids))
    }
    problems: list[FieldError] = []
    for field, org_id in [("organisation_id", lead_id)] + [
        (f"partner_ids.{i}", p) for i, p in enumerate(partner_ids)
    ]:
        org = found.get(org_id)
        if org is None:
            problems.append(FieldError(field, f"Nie ma w rejestrze organizacji o id {org_id}."))
            continue
        try:
            check_partner_eligible(org["pes_letter"], org["name"])
        except AccreditationRuleError as exc:
            problems.append(FieldError(field, exc.message))
    seen: set[int] = {lead_id}
    for i, partner in enumerate(partner_ids):
        if partner in seen:
            what = "liderem" if partner == lead_id else "już partnerem"
            problems.append(
                FieldError(f"partner_ids.{i}", f"Organizacja o id {partner} jest {what} tego OWES.")
            )
        seen.add(partner)
    return problems


async def _powiat_problems(codes: Sequence[str]) -> list[FieldError]:
    if not codes:
        return []
    known = {
        row["code"]
        for row in await Territory.select(Territory.code).where(
            Territory.code.is_in(list(codes)) & (Territory.level == "powiat")
        )
    }
    return [
        FieldError(f"powiat_codes.{i}", f"„{code}” nie jest kodem TERC powiatu (4 cyfry).")
        for i, code in enumerate(codes)
        if code not in known
    ]


def _decision_date_problems(values: Mapping[str, Any], today: date) -> list[FieldError]:
    if not values.get("decision_date"):
        return []
    try:
        check_decision_date(values["decision_date"], today)
    except AccreditationRuleError as exc:
        return [FieldError("decision_date", exc.message)]
    return []


def _period_problems(values: Mapping[str, Any], today: date | None = None) -> list[FieldError]:
    today = today or date.today()
    problems = [
        FieldError(field, f"Akredytacja przyznana decyzją wymaga pola „{label}”.")
        for field, label in (
            ("decision_number", "numer decyzji"),
            ("decision_date", "data decyzji"),
            ("valid_from", "obowiązuje od"),
            ("valid_to", "obowiązuje do"),
        )
        if not values.get(field)
    ]
    if problems:
        return problems
    problems = _decision_date_problems(values, today)
    if problems:
        return problems
    try:
        check_accreditation_period(values["decision_date"], values["valid_from"], values["valid_to"])
    except AccreditationRuleError as exc:
        return [FieldError("valid_to", exc.message)]
    return []


async def _check_no_overlap(
    organisation_id: int, valid_from: date, valid_to: date, label: str | None, exclude_id: int | None = None
) -> None:
    query = Accreditation.select(
        Accreditation.id,
        Accreditation.decision_number,
        Accreditation.valid_from,
        Accreditation.valid_to,
        Accreditation.state,
        Accreditation.ended_on,
    ).where(
        (Accreditation.organisation == organisation_id)
        & Accreditation.valid_from.is_not_null()
        & Accreditation.valid_to.is_not_null()
        & (Accreditation.state != "refused")
    )
    if exclude_id is not None:
        query = query.where(Accreditation.id != exclude_id)
    existing = []
    for row in await query:
        end = row["valid_to"]
        if row["state"] == "withdrawn" and row["ended_on"] is not None:
            end = min(end, row["ended_on"])
        if end < row["valid_from"]:
            continue
        name = (
            f"decyzja nr {row['decision_number']}"
            if row["decision_number"]
            else f"akredytacja id {row['id']}"
        )
        existing.append(Period(row["valid_from"], end, name))
    new = Period(valid_from, valid_to, label)
    clash = find_overlap(existing, new)
    if clash is not None:
        message = (
            f"Okres akredytacji {new.describe()} nakłada się na istniejącą akredytację tego OWES: "
            f"{clash.describe()}. Jeden OWES nie może mieć dwóch akredytacji w tym samym czasie."
        )
        raise Conflict(message, [FieldError("valid_from", message)])


async def create_accreditation(data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    lead_id = int(data["organisation_id"])
    partner_ids = [int(p) for p in data.get("partner_ids") or []]
    powiats = list(dict.fromkeys(data.get("powiat_codes") or []))
    state = data.get("state") or "accredited"
    async with write_transaction():
        problems = await _eligibility_problems(lead_id, partner_ids)
        problems += await _powiat_problems(powiats)
        if state != "accredited":
            problems += _decision_date_problems(data, date.today())
        if (
            state == "accredited"
            or data.get("valid_from")
            and data.get("valid_to")
            and data.get("decision_date")
        ):
            problems += _period_problems(data)
        if problems:
            raise ValidationFailed("Nie można zapisać akredytacji: dane zawierają błędy.", problems)
        if data.get("valid_from") and data.get("valid_to"):
            await _check_no_overlap(
                lead_id, data["valid_from"], data["valid_to"],
                f"decyzja nr {data['decision_number']}" if data.get("decision_number") else None,
            )  # fmt: skip
        lead = await Organisation.select(Organisation.name).where(Organisation.id == lead_id).first()
        stamp = now()
        values = {
            "owes_name": (data.get("owes_name") or lead["name"])[:300],
            "call_edition": data["call_edition"],
            "decision_number": data.get("decision_number"),
            "decision_date": data.get("decision_date"),
            "valid_from": data.get("valid_from"),
            "valid_to": data.get("valid_to"),
            "state": state,
        }
        rows = await Accreditation.insert(
            Accreditation(
                organisation=lead_id,
                powiat_codes=json.dumps(powiats),
                version=1,
                created_at=stamp,
                updated_at=stamp,
                **values,
            )
        )
        accreditation_id = int(rows[0]["id"])
        if partner_ids:
            await AccreditationPartner.insert(
                *[AccreditationPartner(accreditation=accreditation_id, organisation=p) for p in partner_ids]
            )
        changes = {k: [None, v] for k, v in values.items() if v is not None}
        changes |= {
            "organisation_id": [None, lead_id],
            "partner_ids": [None, partner_ids],
            "powiat_codes": [None, powiats],
        }
        await record_event(actor, "accreditation.create", "accreditation", accreditation_id, changes)
        return await get_accreditation(accreditation_id)


async def transition_accreditation(
    accreditation_id: int,
    data: Mapping[str, Any],
    expected_version: int,
    actor: Actor,
    today: date | None = None,
) -> dict[str, Any]:
    today = today or date.today()
    target = data["to_state"]
    async with write_transaction():
        current = await get_accreditation(accreditation_id)
        if current["version"] != expected_version:
            raise_stale(current["version"], expected_version)
        # A transition recorded after the fact happens on its `on_date`; never on a day to come.
        on_date = data.get("on_date")
        if on_date is not None and on_date > today:
            message = f"Data zmiany stanu ({on_date.strftime('%d.%m.%Y')}) nie może być w przyszłości."
            raise ValidationFailed(message, [FieldError("on_date", message)])
        try:
            check_accreditation_transition(current["state"], target, current["valid_to"], on_date or today)
        except InvalidTransitionError as exc:
            raise transition_refused(exc) from exc
        except AccreditationPeriodError as exc:
            raise Conflict(exc.message, [FieldError("to_state", exc.message)]) from exc
        except AccreditationRuleError as exc:
            raise rule_failed(exc, "to_state") from exc
        values: dict[str, Any] = {"state": target}
        if target == "accredited" and current["state"] == "assessed":
            decision = {
                k: data.get(k) for k in ("decision_number", "decision_date", "valid_from", "valid_to")
            }
            problems = _period_problems(decision, today)
            if problems:
                raise ValidationFailed("Przyznanie akredytacji wymaga danych decyzji.", problems)
            await _check_no_overlap(
                current["organisation_id"], decision["valid_from"], decision["valid_to"],
                f"decyzja nr {decision['decision_number']}", exclude_id=accreditation_id,
            )  # fmt: skip
            values |= decision
        if target in {"withdrawn", "expired", "refused"}:
            values["ended_on"] = data.get("on_date") or (
                current["valid_to"] if target == "expired" else today
            )
        await Accreditation.update({**values, "version": expected_version + 1, "updated_at": now()}).where(
            Accreditation.id == accreditation_id
        )
        changes = {k: [current.get(k), v] for k, v in values.items() if current.get(k) != v}
        await record_event(
            actor, "accreditation.transition", "accreditation", accreditation_id, changes, data.get("reason")
        )
        return await get_accreditation(accreditation_id)


def raise_stale(current: int, expected: int) -> None:
    from ses.errors import PreconditionFailed

    raise PreconditionFailed(
        f"Rekord zmienił się od czasu, gdy go pobrano (wersja {current}, a zmiany dotyczą wersji "
        f"{expected}). Pobierz go ponownie i nanieś zmiany."
    )
