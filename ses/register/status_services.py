"""Legal statuses and per-year figures of organisations: recorded, transitioned, audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ses.audit.services import Actor, diff, record_event
from ses.db import write_transaction
from ses.errors import Conflict, ErrorCollector, FieldError, NotFound, ValidationFailed
from ses.prepared import prepared
from ses.register import statuses as machine
from ses.register.services import now, touch
from ses.register.statuses import MACHINES, StatusType
from ses.register.tables import JobsCreated, LegalStatus, Organisation, StatusEvent, YearFigures

REASON_REQUIRED = "Podaj powód zmiany: {label} (trafia do historii i wykazu)."

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
    return await statuses_of(org_id)


_STATUSES_OF = prepared(
    lambda org_id: (
        LegalStatus.select(*STATUS_COLUMNS).where(LegalStatus.organisation == org_id).order_by(LegalStatus.id)
    )
)
_EVENTS_OF = prepared(
    lambda org_id: (
        StatusEvent.select(
            StatusEvent.status,
            StatusEvent.from_state,
            StatusEvent.to_state,
            StatusEvent.on_date,
            StatusEvent.decision_number,
            StatusEvent.reason,
            StatusEvent.actor,
            StatusEvent.at,
        )
        .where(StatusEvent.status.organisation == org_id)
        .order_by(StatusEvent.id)
    )
)


async def statuses_of(org_id: int) -> list[dict[str, Any]]:
    """The statuses of an organisation the caller has already read, each with its events (two
    statements however many statuses it holds)."""
    rows = await _STATUSES_OF(org_id)
    events: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
    if rows:
        for event in await _EVENTS_OF(org_id):
            events[event.pop("status")].append(event)
    for row in rows:
        _effective(row)
        row["events"] = events[row["id"]]
    return rows


async def get_status(status_id: int, org_id: int | None = None) -> dict[str, Any]:
    query = LegalStatus.select(*STATUS_COLUMNS).where(LegalStatus.id == status_id)
    if org_id is not None:
        query = query.where(LegalStatus.organisation == org_id)
    row = await query.first()
    if row is None:
        raise NotFound(f"Nie ma statusu o id {status_id}.")
    return _effective(row)


def _effective(row: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """The stored row with the state the law gives it today (a lapsed term reads as expired, even
    in the moment before the daily expiry has written it down)."""
    row["state"] = machine.effective_state(
        StatusType(row["status_type"]), row["state"], row["valid_to"], today or date.today()
    )
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
        machine.check_dates(
            problems, today=today, decision_date=data.get("decision_date"), status_type=status_type
        )
        if (
            data.get("valid_from")
            and data.get("decision_date")
            and data["valid_from"] < data["decision_date"]
        ):
            problems.add("valid_from", "Status nie może obowiązywać przed dniem decyzji.")
        problems.raise_if_any("Nie można zapisać statusu.")

        earlier = await LegalStatus.select(
            LegalStatus.state,
            LegalStatus.valid_to,
            LegalStatus.reapply_after,
            LegalStatus.loss_decision_date,
            LegalStatus.loss_final_date,
        ).where((LegalStatus.organisation == org_id) & (LegalStatus.status_type == status_type.value))
        open_states = [
            row
            for row in earlier
            if machine.effective_state(status_type, row["state"], row["valid_to"], today)
            not in MACHINES[status_type].terminal
        ]
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
        if any(row["state"] == "lost" and row["loss_final_date"] is None for row in earlier):
            raise Conflict(
                "Nie wiadomo, kiedy decyzja o utracie statusu stała się ostateczna, więc nie wiadomo, "
                "czy minął rok, po którym można złożyć nowy wniosek: najpierw wpisz tę datę."
            )
        decision_date = data.get("decision_date")
        valid_to = machine.term_end(status_type, data.get("valid_from") or decision_date)
        lapsed = state == "active" and machine.has_lapsed(status_type, state, valid_to, today)
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
        if lapsed:
            # Recorded after its term ended (a historical decision): it is expired from the start.
            await _expire(status_id, state, valid_to, actor, stamp)  # type: ignore[arg-type]
            state = machine.EXPIRED
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
        granting = target == "active" and status["state"] == "submitted"
        machine.check_dates(
            problems,
            today=today,
            decision_date=on_date if granting else status["decision_date"],
            on_date=on_date,
            final_date=final_date,
            status_type=status_type,
        )
        if MACHINES[status_type].reason_required and not (data.get("reason") or "").strip():
            problems.add("reason", REASON_REQUIRED.format(label=MACHINES[status_type].label))
        if final_date is not None and target != "lost":
            problems.add("final_date", "Datę uprawomocnienia podaje się tylko przy utracie statusu.")
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
            values[LegalStatus.valid_to] = machine.term_end(status_type, on_date)
        if target == "lost":
            values[LegalStatus.loss_decision_number] = data.get("decision_number")
            values[LegalStatus.loss_decision_date] = on_date
            values[LegalStatus.loss_final_date] = final_date
            values[LegalStatus.reapply_after] = machine.reapply_after(final_date)
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


EXPIRY_REASON = "Upłynął okres, na który przyznano status."


async def _expire(status_id: int, from_state: str, valid_to: date, actor: Actor, stamp: datetime) -> bool:
    """Write down that a status's term ended (inside the caller's transaction). False when another
    writer got there first, so the event is never doubled."""
    changed = (
        await LegalStatus.update(
            {
                LegalStatus.state: machine.EXPIRED,
                LegalStatus.version: LegalStatus.version + 1,
                LegalStatus.updated_at: stamp,
            }
        )
        .where((LegalStatus.id == status_id) & (LegalStatus.state == from_state))
        .returning(LegalStatus.id)
    )
    if not changed:
        return False
    await StatusEvent.insert(
        StatusEvent(
            status=status_id,
            from_state=from_state,
            to_state=machine.EXPIRED,
            on_date=valid_to + timedelta(days=1),
            decision_number=None,
            reason=EXPIRY_REASON,
            actor=actor.label,
            at=stamp,
        )
    )
    return True


async def expire_lapsed(today: date | None = None, actor: Actor | None = None) -> int:
    """Every status whose term has ended becomes expired, with its event and audit record.

    Run by the daily job and, once a day per process, before the first request is handled
    (`ses.register.expiry`), so no list, count or indicator reads an open status past its term.
    """
    today = today or date.today()
    actor = actor or Actor.system("wygaśnięcie statusów z upływem terminu")
    termed = [kind.value for kind, spec in MACHINES.items() if spec.valid_years]
    if not termed:
        return 0
    due = await LegalStatus.select(
        LegalStatus.id,
        LegalStatus.organisation.as_alias("organisation_id"),
        LegalStatus.status_type,
        LegalStatus.state,
        LegalStatus.valid_to,
    ).where(
        LegalStatus.status_type.is_in(termed)
        & LegalStatus.valid_to.is_not_null()
        & (LegalStatus.valid_to < today)
    )
    due = [
        row
        for row in due
        if machine.has_lapsed(StatusType(row["status_type"]), row["state"], row["valid_to"], today)
    ]
    expired = 0
    for row in due:
        async with write_transaction():
            stamp = now()
            if not await _expire(row["id"], row["state"], row["valid_to"], actor, stamp):
                continue
            status_type = StatusType(row["status_type"])
            newer = await LegalStatus.exists().where(
                (LegalStatus.organisation == row["organisation_id"])
                & (LegalStatus.status_type == status_type.value)
                & (LegalStatus.id > row["id"])
            )
            current = {} if newer else {_current_column(status_type): machine.EXPIRED}
            await touch(row["organisation_id"], current)
            await record_event(
                actor,
                "status.expire",
                "organisation",
                row["organisation_id"],
                {f"{status_type.value}_status": [row["state"], machine.EXPIRED]},
                reason=EXPIRY_REASON,
            )
            expired += 1
    return expired


async def extend(
    org_id: int, status_id: int, data: Mapping[str, Any], actor: Actor, *, today: date | None = None
) -> dict[str, Any]:
    """Record the voivode's decision extending a status with a term (CIS: another five years)."""
    today = today or date.today()
    async with write_transaction():
        status = await get_status(status_id, org_id)
        status_type = StatusType(status["status_type"])
        if data.get("version") is not None and data["version"] != status["version"]:
            raise Conflict("Status zmienił się od czasu, gdy go pobrano. Pobierz go ponownie.")
        decision_date: date = data["decision_date"]
        old_end = status["valid_to"]
        new_end = data.get("valid_to") or machine.term_end(status_type, old_end or decision_date)
        problems = ErrorCollector()
        machine.check_extension(
            problems,
            status_type=status_type,
            state=status["state"],
            valid_to=old_end,
            decision_date=decision_date,
            new_valid_to=new_end or decision_date,
            today=today,
        )
        if status["decision_date"] and decision_date < status["decision_date"]:
            problems.add("decision_date", "Przedłużenie nie może poprzedzać decyzji przyznającej status.")
        problems.raise_if_any("Nie można przedłużyć statusu.")
        stored = (await LegalStatus.select(LegalStatus.state).where(LegalStatus.id == status_id).first())[
            "state"
        ]
        state = machine.effective_state(status_type, "active", new_end, today)
        await LegalStatus.update(
            {
                LegalStatus.state: state,
                LegalStatus.valid_to: new_end,
                LegalStatus.version: status["version"] + 1,
                LegalStatus.updated_at: now(),
            }
        ).where(LegalStatus.id == status_id)
        await StatusEvent.insert(
            StatusEvent(
                status=status_id,
                from_state=stored,
                to_state=state,
                on_date=decision_date,
                decision_number=data["decision_number"],
                reason=data.get("reason"),
                actor=actor.label,
                at=now(),
                details={
                    "extended_from": old_end.isoformat() if old_end else None,
                    "extended_to": new_end.isoformat(),
                },
            )
        )
        await touch(org_id, {_current_column(status_type): state})
        await record_event(
            actor,
            "status.extend",
            "organisation",
            org_id,
            {
                f"{status_type.value}_valid_to": [
                    old_end.isoformat() if old_end else None,
                    new_end.isoformat(),
                ]
            },
            reason=data.get("reason"),
        )
        return await get_status(status_id)


async def record_loss_final(
    org_id: int, status_id: int, data: Mapping[str, Any], actor: Actor, *, today: date | None = None
) -> dict[str, Any]:
    """The date a loss decision became final, when it is learnt after the loss was recorded."""
    today = today or date.today()
    async with write_transaction():
        status = await get_status(status_id, org_id)
        final_date: date = data["final_date"]
        problems = ErrorCollector()
        if status["state"] != "lost":
            problems.add("final_date", "Datę uprawomocnienia wpisuje się tylko dla utraconego statusu.")
        else:
            machine.check_dates(
                problems,
                today=today,
                decision_date=None,
                on_date=status["loss_decision_date"],
                final_date=final_date,
            )
        if not (data.get("reason") or "").strip():
            problems.add(
                "reason", REASON_REQUIRED.format(label=MACHINES[StatusType(status["status_type"])].label)
            )
        problems.raise_if_any("Nie można zapisać daty uprawomocnienia.")
        reapply = machine.reapply_after(final_date)
        await LegalStatus.update(
            {
                LegalStatus.loss_final_date: final_date,
                LegalStatus.reapply_after: reapply,
                LegalStatus.version: status["version"] + 1,
                LegalStatus.updated_at: now(),
            }
        ).where(LegalStatus.id == status_id)
        await touch(org_id, {})
        await record_event(
            actor,
            "status.loss_final",
            "organisation",
            org_id,
            {
                "ps_loss_final_date": [
                    status["loss_final_date"].isoformat() if status["loss_final_date"] else None,
                    final_date.isoformat(),
                ]
            },
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


JOBS_CREATED = ("jobs_created", "jobs_created_at_risk", "jobs_created_disabled")
NO_FIGURES = {
    "employees": None,
    "employees_at_risk": None,
    "employees_disabled": None,
    "revenue_pln": None,
    "market_revenue_pln": None,
    "source": None,
}


async def list_figures(org_id: int) -> list[dict[str, Any]]:
    """Per year: the people employed and the revenue (the year figures) beside the jobs created
    that the accepted OWES reports count, two measures side by side; a year with only one of them
    shows the other as empty (no figures) or zero (no jobs created)."""
    await _organisation(org_id)
    return await figures_of(org_id)


_FIGURES_OF = prepared(
    lambda org_id: (
        YearFigures.select(*FIGURE_COLUMNS)
        .where(YearFigures.organisation == org_id)
        .order_by(YearFigures.year)
    )
)
_JOBS_CREATED_OF = prepared(
    lambda org_id: JobsCreated.select(
        JobsCreated.year, *(getattr(JobsCreated, n) for n in JOBS_CREATED)
    ).where(JobsCreated.organisation == org_id)
)


async def figures_of(org_id: int) -> list[dict[str, Any]]:
    """`list_figures` of an organisation the caller has already read."""
    rows = await _FIGURES_OF(org_id)
    created = {row["year"]: row for row in await _JOBS_CREATED_OF(org_id)}
    by_year = {row["year"]: {**row, "market_share": _share(row)} for row in rows}
    for year in created.keys() - by_year.keys():
        by_year[year] = {"year": year, **NO_FIGURES, "market_share": None}
    return [
        {**by_year[year], **{name: (created.get(year) or {}).get(name, 0) for name in JOBS_CREATED}}
        for year in sorted(by_year)
    ]


async def put_jobs_created(
    org_id: int, year: int, counts: Mapping[str, int], actor: Actor, *, reason: str
) -> dict[str, Any] | None:
    """Write the jobs created in one organisation and year (all zero: the row goes), in the
    caller's transaction, with one audit record naming why; the row as it is now."""
    existing = (
        await JobsCreated.select()
        .where((JobsCreated.organisation == org_id) & (JobsCreated.year == year))
        .first()
    )
    values = {name: int(counts.get(name, 0)) for name in JOBS_CREATED}
    if existing is None and not any(values.values()):
        return None
    if not any(values.values()):
        await JobsCreated.delete().where(JobsCreated.id == existing["id"])  # type: ignore[index]
    elif existing:
        await JobsCreated.update({**values, "updated_at": now()}).where(JobsCreated.id == existing["id"])
    else:
        await JobsCreated.insert(JobsCreated(organisation=org_id, year=year, updated_at=now(), **values))
    changes = {f"{year}.{key}": pair for key, pair in diff(existing or {}, values).items()}
    await record_event(actor, "jobs_created.put", "organisation", org_id, changes, reason=reason)
    await touch(org_id, {})  # announces the write
    return {"year": year, **values} if any(values.values()) else None


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
    created = (
        await JobsCreated.select(*(getattr(JobsCreated, n) for n in JOBS_CREATED))
        .where((JobsCreated.organisation == org_id) & (JobsCreated.year == year))
        .first()
    ) or dict.fromkeys(JOBS_CREATED, 0)
    return {**row, "market_share": _share(row), **created}
