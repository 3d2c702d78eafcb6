"""Review and acceptance: submit, accept, return, reopen (one explicit step each) and a correction.

An acceptance reads the report and its current content once inside its transaction, hands the
content to the register feed (register_feed.accept: new organisations and year figures, through
the register's audited services) and to the installed packages' hooks, then writes the report's
new state, its event and its audit record, and answers from what it wrote."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from ses import idempotency
from ses.audit.services import Actor, record_event
from ses.auth.policy import Principal
from ses.errors import FieldError, InvalidTransition, PermissionDenied, ValidationFailed
from ses.extensions import installed
from ses.idempotency import Answer, Key
from ses.reporting import catalogue, periods, register_feed
from ses.reporting.checks import check_accredited, check_content, checked_period
from ses.reporting.contract import accepted_report
from ses.reporting.reading import answer, with_content
from ses.reporting.store import RACE, add_event, bump, check_version, now
from ses.reporting.tables import Report, ReportVersion
from ses.reporting.workflow import TRANSITIONS, State, transition_problem


async def transition(
    report_id: int,
    action: str,
    viewer: Principal,
    actor: Actor,
    *,
    comment: str | None = None,
    expected: int | None = None,
    key: Key | None = None,
) -> Answer:
    """submit / accept / return / reopen: one explicit step of the lifecycle."""
    if (stored := await idempotency.lookup(key)) is not None:
        return stored
    step = TRANSITIONS[action]
    if viewer.role not in step.roles:
        raise PermissionDenied("Twoja rola nie pozwala na tę czynność.")
    if step.needs_comment and not (comment and comment.strip()):
        raise ValidationFailed("Podaj uzasadnienie.", [FieldError("comment", "Uzasadnienie jest wymagane.")])
    today = date.today()
    if action == "submit":  # the content checks, before the write transaction (SQLite: one writer)
        report = await with_content(report_id, viewer)
        check_version(report, expected)
        if (problem := transition_problem(action, report["state"])) is not None:
            raise InvalidTransition(problem)
        definition = await catalogue.by_id(report["definition_id"])
        period = checked_period(definition, report["period"], submit=True, today=today)
        await check_accredited(report["owes_id"], period)
        await check_content(definition, report["data"], period, report["owes_id"], partial=False)

    async def work() -> tuple[int, Any, int | None]:
        current = await with_content(report_id, viewer)  # the one read inside the transaction
        check_version(current, expected)
        if (problem := transition_problem(action, current["state"])) is not None:
            raise InvalidTransition(problem)
        stamp = now()
        changed: dict[str, Any] = {"state": step.target.value}
        if action == "submit" and current["submitted_at"] is None:
            changed |= {"submitted_at": stamp, "late": today > current["deadline"]}
        if action == "accept":
            changed |= {"accepted_at": stamp, "accepted_by": actor.label[:120]}
            links = await register_feed.accept(current, current["data"], actor)
            links |= await acceptance_hooks({**current, "register_links": links}, current["data"], actor)
            changed["register_links"] = links
        if action == "reopen":
            await register_feed.withdraw(current, actor)
            await withdrawal_hooks(report_id, actor)
            changed |= {"accepted_at": None, "accepted_by": None}
        values = {
            getattr(Report, name): json.dumps(value) if name == "register_links" else value
            for name, value in changed.items()
        }
        await bump(report_id, current["row_version"], values, stamp)
        await add_event(
            report_id,
            current["current_version"],
            action,
            current["state"],
            step.target.value,
            actor,
            comment,
            stamp,
        )
        await record_event(
            actor,
            f"report.{action}",
            "report",
            report_id,
            {"state": [current["state"], step.target.value]},
            reason=comment,
        )
        return 200, answer({**current, **changed}, viewer, stamp), report_id

    return await idempotency.once(key, work, race=RACE)


async def correct(
    report_id: int,
    raw: Any | None,
    comment: str | None,
    submit: bool,
    viewer: Principal,
    actor: Actor,
    key: Key | None,
    *,
    expected: int | None = None,
) -> Answer:
    """After a return: a new version (a copy of the last one, or the content sent), state `corrected`.

    With `expected` (If-Match, or the form's row_version) a report changed meanwhile is refused (412).
    """
    if (stored := await idempotency.lookup(key)) is not None:
        return stored
    report = await with_content(report_id, viewer)
    if (problem := transition_problem("correct", report["state"])) is not None:
        raise InvalidTransition(problem)
    definition = await catalogue.by_id(report["definition_id"])
    period = periods.parse(report["period"], definition.period_type)
    data = None
    if raw is not None:
        data = await check_content(definition, raw, period, report["owes_id"], partial=not submit)
    elif submit:
        data = await check_content(definition, report["data"], period, report["owes_id"], partial=False)

    async def work() -> tuple[int, Any, int | None]:
        current = await with_content(report_id, viewer)  # the one read inside the transaction
        check_version(current, expected)
        if (problem := transition_problem("correct", current["state"])) is not None:
            raise InvalidTransition(problem)
        content = data if data is not None else current["data"]
        number = current["current_version"] + 1
        stamp = now()
        await ReportVersion.insert(
            ReportVersion(
                report=report_id,
                number=number,
                definition=current["definition_id"],
                data=json.dumps(content),
                channel=actor.channel.value,
                author=actor.label[:120],
                comment=comment,
                created_at=stamp,
            )
        )
        target = State.SUBMITTED if submit else State.CORRECTED
        await bump(
            report_id,
            current["row_version"],
            {Report.state: target.value, Report.current_version: number},
            stamp,
        )
        await add_event(
            report_id, number, "correct", current["state"], State.CORRECTED.value, actor, comment, stamp
        )
        if submit:
            await add_event(
                report_id, number, "submit", State.CORRECTED.value, target.value, actor, None, stamp
            )
        await record_event(
            actor,
            "report.correct",
            "report",
            report_id,
            {"state": [current["state"], target.value], "version": [number - 1, number]},
            reason=comment,
        )
        changed = {"state": target.value, "current_version": number, "data": content}
        return 201, answer({**current, **changed}, viewer, stamp), report_id

    return await idempotency.once(key, work, race=RACE)


async def acceptance_hooks(
    report: Mapping[str, Any], data: Mapping[str, Any], actor: Actor
) -> dict[str, Any]:
    """The `report_accepted` hooks of the installed packages, each given the typed payload inside
    the acceptance transaction; what they answer is kept in the report's register_links."""
    payload = accepted_report(report, data)
    links: dict[str, Any] = {}
    for extension in installed():
        for hook in extension.report_accepted:
            links.update(await hook(payload, actor) or {})
    return links


async def withdrawal_hooks(report_id: int, actor: Actor) -> None:
    for extension in installed():
        for hook in extension.report_withdrawn:
            await hook(report_id, actor)
