"""Legal statuses and per-year figures of organisations: recorded, transitioned, audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ses.audit.services import Actor, diff, record_event
from ses.db import write_transaction
from ses.errors import Conflict, ErrorCollector, FieldError, NotFound, ValidationFailed
from ses.register import statuses as machine
from ses.register.services import now, touch
from ses.register.statuses import MACHINES, StatusType
from ses.register.tables import LegalStatus, Organisation, StatusEvent, YearFigures

STATUS_COLUMNS = (
    LegalStatus.id,
    LegalStatus.organisation.as_alias("organisation_id"),
    LegalStatus.status_type,
    LegalStatus.state,
    LegalStatus.goal,
    LegalStatus.decision_number,
    LegalStatus.decision_date,
    LegalStatus.granted_by,
    LegalStatus.valid_from,
    LegalStatus.valid_to,
    LegalStatus.loss_decision_number,
    LegalStatus.loss_decision_date,
    LegalStatus.loss_final_date,
    LegalStatus.reapply_after,
    LegalStatus.version,
)


def _current_column(status_type: StatusType) -> str:
    return "ps_state" if status_type is StatusType.PS else "unit_state"


async def _organisation(org_id: int) -> dict[str, Any]:
    org = (
        await Organisation.select(Organisation.id, Organisation.kind, Organisation.activity_state)
        .where(Organisation.id == org_id)
        .first()
    )
    if org is None:
        raise NotFound(f"Nie ma w rejestrze organizacji o id {org_id}.")
    return org


async def list_statuses(org_id: int) -> list[dict[str, Any]]:
    await _organisation(org_id)
    rows = await (
        LegalStatus.select(*STATUS_COLUMNS).where(LegalStatus.organisation == org_id).order_by(LegalStatus.id)
    )
    for row in rows:
        row["events"] = await (
            StatusEvent.select(
                StatusEvent.from_state,
                StatusEvent.to_state,
                StatusEvent.on_date,
                StatusEvent.decision_number,
                StatusEvent.reason,
                StatusEvent.actor,
                StatusEvent.at,
            )
            .where(StatusEvent.status == row["id"])
            .order_by(StatusEvent.id)
        )
    return rows


async def get_status(status_id: int, org_id: int | None = None) -> dict[str, Any]:
    query = LegalStatus.select(*STATUS_COLUMNS).where(LegalStatus.id == status_id)
    if org_id is not None:
        query = query.where(LegalStatus.organisation == org_id)
    row = await query.first()
    if row is None:
        raise NotFound(f"Nie ma statusu o id {status_id}.")
    return row


async def record_status(
    org_id: int, data: Mapping[str, Any], actor: Actor, *, today: date | None = None
) -> dict[str, Any]:
    """Record a new status of an organisation (an application or a granted status)."""
    today = today or date.today()
    status_type = StatusType(data["status_type"])
    state = data.get("state") or "active"
    problems = ErrorCollector()
    async with write_transaction():
        org = await _organisation(org_id)
        if (reason := machine.status_problem(status_type, org["kind"])) is not None:
            raise ValidationFailed(reason, [FieldError("status_type", reason)])
        if (error := machine.check_initial(status_type, state)) is not None:
            problems.errors.append(error)
        if state == "active" and not data.get("decision_date"):
            problems.add("decision_date", "Przyznany status wymaga daty decyzji.")
        if state == "active" and not data.get("decision_number"):
            problems.add("decision_number", "Przyznany status wymaga numeru decyzji.")
        if status_type is StatusType.PS and not data.get("goal"):
            problems.add("goal", "Wskaż cel przedsiębiorstwa społecznego: reintegration lub social_services.")
        if status_type is not StatusType.PS and data.get("goal"):
            problems.add("goal", "Cel wskazuje się tylko dla statusu przedsiębiorstwa społecznego.")
        machine.check_dates(problems, today=today, decision_date=data.get("decision_date"))
        problems.raise_if_any("Nie można zapisać statusu.")

        earlier = await LegalStatus.select(LegalStatus.state, LegalStatus.reapply_after).where(
            (LegalStatus.organisation == org_id) & (LegalStatus.status_type == status_type.value)
        )
        open_states = [row for row in earlier if row["state"] not in MACHINES[status_type].terminal]
        if open_states:
            raise Conflict(
                f"Organizacja ma już {MACHINES[status_type].label} w stanie "
                f"„{machine.label(open_states[0]['state'])}”: zmień go zamiast dodawać nowy."
            )
        blocked = [
            row["reapply_after"] for row in earlier if row["reapply_after"] and row["reapply_after"] > today
        ]
        if blocked:
            raise Conflict(
                f"Po utracie statusu nowy wniosek można złożyć najwcześniej {max(blocked).isoformat()} "
                "(rok od uprawomocnienia decyzji o utracie)."
            )
        decision_date = data.get("decision_date")
        valid_to = None
        if MACHINES[status_type].valid_years and decision_date:
            valid_to = machine.add_years(
                data.get("valid_from") or decision_date, MACHINES[status_type].valid_years
            )
        stamp = now()
        rows = await LegalStatus.insert(
            LegalStatus(
                organisation=org_id,
                status_type=status_type.value,
                state=state,
                goal=data.get("goal"),
                decision_number=data.get("decision_number"),
                decision_date=decision_date,
                granted_by=data.get("granted_by"),
                valid_from=data.get("valid_from") or decision_date,
                valid_to=valid_to,
                version=1,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        status_id = int(rows[0]["id"])
        await StatusEvent.insert(
            StatusEvent(
                status=status_id,
                from_state=None,
                to_state=state,
                on_date=decision_date or today,
                decision_number=data.get("decision_number"),
                reason=data.get("reason"),
                actor=actor.label,
                at=stamp,
            )
        )
        await touch(org_id, {_current_column(status_type): state})
        await record_event(
            actor,
            "status.create",
            "organisation",
            org_id,
            {
                f"{status_type.value}_status": [None, state],
                "decision_number": [None, data.get("decision_number")],
            },
            reason=data.get("reason"),
        )
        return await get_status(status_id)


async def transition(
    org_id: int, status_id: int, data: Mapping[str, Any], actor: Actor, *, today: date | None = None
) -> dict[str, Any]:
    today = today or date.today()
    async with write_transaction():
        status = await get_status(status_id, org_id)
        status_type = StatusType(status["status_type"])
        target = data["to_state"]
        if data.get("version") is not None and data["version"] != status["version"]:
            raise Conflict("Status zmienił się od czasu, gdy go pobrano. Pobierz go ponownie.")
        if (error := machine.check_transition(status_type, status["state"], target)) is not None:
            raise ValidationFailed(error.message, [error])
        problems = ErrorCollector()
        on_date: date = data["on_date"]
        final_date = data.get("final_date")
        machine.check_dates(
            problems,
            today=today,
            decision_date=status["decision_date"],
            on_date=on_date,
            final_date=final_date,
        )
        if target == "active" and status["state"] == "submitted" and not data.get("decision_number"):
            problems.add("decision_number", "Przyznanie statusu wymaga numeru decyzji.")
        if target == "lost" and not data.get("decision_number"):
            problems.add("decision_number", "Utrata statusu następuje decyzją: podaj jej numer.")
        problems.raise_if_any("Nie można zmienić statusu.")

        values: dict[Any, Any] = {LegalStatus.state: target, LegalStatus.version: status["version"] + 1}
        if target == "active" and status["state"] == "submitted":
            values[LegalStatus.decision_number] = data.get("decision_number")
            values[LegalStatus.decision_date] = on_date
            values[LegalStatus.valid_from] = on_date
            if years := MACHINES[status_type].valid_years:
                values[LegalStatus.valid_to] = machine.add_years(on_date, years)
        if target == "lost":
            values[LegalStatus.loss_decision_number] = data.get("decision_number")
            values[LegalStatus.loss_decision_date] = on_date
            values[LegalStatus.loss_final_date] = final_date
            values[LegalStatus.reapply_after] = machine.reapply_after(on_date, final_date)
        values[LegalStatus.updated_at] = now()
        await LegalStatus.update(values).where(LegalStatus.id == status_id)
        await StatusEvent.insert(
            StatusEvent(
                status=status_id,
                from_state=status["state"],
                to_state=target,
                on_date=on_date,
                decision_number=data.get("decision_number"),
                reason=data.get("reason"),
                actor=actor.label,
                at=now(),
            )
        )
        await touch(org_id, {_current_column(status_type): target})
        await record_event(
            actor,
            "status.transition",
            "organisation",
            org_id,
            {f"{status_type.value}_status": [status["state"], target]},
            reason=data.get("reason"),
        )
        return await get_status(status_id)


def _share(row: Mapping[str, Any]) -> Decimal | None:
    revenue, market = row.get("revenue_pln"), row.get("market_revenue_pln")
    if not revenue or market is None:
        return None
    return (Decimal(market) / Decimal(revenue)).quantize(Decimal("0.0001"))


FIGURE_COLUMNS = (
    YearFigures.year,
    YearFigures.employees,
    YearFigures.employees_at_risk,
    YearFigures.employees_disabled,
    YearFigures.revenue_pln,
    YearFigures.market_revenue_pln,
    YearFigures.source,
)


async def list_figures(org_id: int) -> list[dict[str, Any]]:
    await _organisation(org_id)
    rows = await (
        YearFigures.select(*FIGURE_COLUMNS)
        .where(YearFigures.organisation == org_id)
        .order_by(YearFigures.year)
    )
    return [{**row, "market_share": _share(row)} for row in rows]


def figures_problems(year: int, data: Mapping[str, Any], today: date) -> list[FieldError]:
    problems: list[FieldError] = []
    if not 1990 <= year <= today.year:
        problems.append(FieldError("year", f"Rok musi mieścić się w latach 1990–{today.year}."))
    employees = data.get("employees", 0)
    if data.get("employees_at_risk", 0) > employees:
        problems.append(
            FieldError(
                "employees_at_risk",
                "Zatrudnionych zagrożonych wykluczeniem nie może być więcej niż wszystkich.",
            )
        )
    if data.get("employees_disabled", 0) > employees:
        problems.append(
            FieldError(
                "employees_disabled",
                "Zatrudnionych z niepełnosprawnością nie może być więcej niż wszystkich.",
            )
        )
    revenue, market = data.get("revenue_pln"), data.get("market_revenue_pln")
    if market is not None and (revenue is None or market > revenue):
        problems.append(
            FieldError("market_revenue_pln", "Przychód rynkowy nie może przekraczać przychodu ogółem.")
        )
    return problems


async def put_figures(
    org_id: int,
    year: int,
    data: Mapping[str, Any],
    actor: Actor,
    source: str = "manual",
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    """Write the figures of one organisation and year; one audit record says what changed (the
    source too) and, when given, why (e.g. which accepted report the figures came from)."""
    problems = figures_problems(year, data, date.today())
    if problems:
        raise ValidationFailed("Dane roczne zawierają błędy.", problems)
    async with write_transaction():
        await _organisation(org_id)
        existing = (
            await YearFigures.select()
            .where((YearFigures.organisation == org_id) & (YearFigures.year == year))
            .first()
        )
        values = {
            key: data.get(key)
            for key in (
                "employees",
                "employees_at_risk",
                "employees_disabled",
                "revenue_pln",
                "market_revenue_pln",
            )
        }
        if existing:
            await YearFigures.update({**values, "source": source, "updated_at": now()}).where(
                YearFigures.id == existing["id"]
            )
        else:
            await YearFigures.insert(
                YearFigures(organisation=org_id, year=year, source=source, updated_at=now(), **values)
            )
        changed = diff(existing or {}, {**values, "source": source})
        changes = {f"{year}.{key}": pair for key, pair in changed.items()}
        await record_event(actor, "figures.put", "organisation", org_id, changes, reason=reason)
        await touch(org_id, {})  # announces the write
    row = (
        await YearFigures.select(*FIGURE_COLUMNS)
        .where((YearFigures.organisation == org_id) & (YearFigures.year == year))
        .first()
    )
    return {**row, "market_share": _share(row)}
