"""Submission: a new report (draft or submitted), a draft's content replaced, a table uploaded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ses import idempotency
from ses.audit.services import AUDIT_COLUMNS, AUDIT_INSERT, Actor, audit_fields, record_event
from ses.auth.policy import Principal
from ses.errors import Conflict, FieldError, NotFound, ValidationFailed
from ses.idempotency import Answer, Key
from ses.register.tables import Organisation
from ses.reporting import catalogue, rules, uploads
from ses.reporting.checks import (
    check_accredited,
    check_content,
    checked_owes,
    checked_period,
    owes_id_of,
    register_problems,
)
from ses.reporting.reading import get_report, report_row, version_row
from ses.reporting.store import RACE, bump, content_context, editable, now
from ses.reporting.submission_sql import (
    EVENT_INSERT,
    EVENT_VALUES,
    PG_CREATE,
    REPORT_INSERT,
    VERSION_INSERT,
    create_lookup,
)
from ses.reporting.tables import Report, ReportEvent, ReportVersion
from ses.reporting.workflow import State, actions_for
from ses.uploads import off_loop


@dataclass(frozen=True)
class Draft:
    """What a create or correction request carries once its envelope is read."""

    period: str
    data: Any
    definition_code: str = catalogue.DEFAULT_CODE
    definition_version: int | None = None
    owes_id: int | None = None
    submit: bool = False
    comment: str | None = None
    received_at: datetime | None = None
    """When a historical (paper) report was received; not accepted from the API (demo, migrations)."""


async def create_report(draft: Draft, viewer: Principal, actor: Actor, key: Key | None) -> Answer:
    return await idempotency.checked_once(key, lambda: _prepare_create(draft, viewer, actor), race=RACE)


async def _prepare_create(draft: Draft, viewer: Principal, actor: Actor) -> idempotency.ClaimedWork:
    """Every check of a new report (raises with all problems); returns the writes to do."""
    today = date.today()
    owes_id = owes_id_of(viewer, draft.owes_id)
    version = draft.definition_version
    found = await Organisation.raw(
        create_lookup(version), draft.definition_code, *([] if version is None else [version]), owes_id
    )
    row = found[0] if found else None
    owes_name = checked_owes(owes_id, row)
    assert row is not None
    if row["definition_id"] is None:  # not published yet: publishes the shipped files, or refuses
        definition_id, definition = await catalogue.resolve(draft.definition_code, version)
    else:
        definition_id = int(row["definition_id"])
        definition = await catalogue.cached(row, definition_id)
    new_report_id = row.get("new_report_id")
    period = checked_period(definition, draft.period, submit=draft.submit, today=today)
    await check_accredited(owes_id, period)
    data = await check_content(definition, draft.data, period, owes_id, partial=not draft.submit)
    deadline = period.deadline(definition.deadline_days)

    async def work(claim: idempotency.Claim | None) -> tuple[int, Any, int | None]:
        stamp = now()
        state = State.SUBMITTED if draft.submit else State.DRAFT
        received = draft.received_at or stamp
        late = draft.submit and received.date() > deadline
        submitted_at = received if draft.submit else None
        author = actor.label[:120]
        audit = audit_fields(
            actor,
            f"report.{'submit' if draft.submit else 'create'}",
            "report",
            new_report_id,
            {"state": [None, state.value], "period": [None, period.code], "owes_id": [None, owes_id]},
            at=stamp,
        )
        values: dict[str, Any] = {
            "definition_code": definition.code,
            "period": period.code,
            "period_start": period.start,
            "period_end": period.end,
            "deadline": deadline,
            "state": state.value,
            "current_version": 1,
            "submitted_at": submitted_at,
            "late": late,
            "register_links": "{}",
            "row_version": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }

        def answer(report_id: int) -> dict[str, Any]:
            # The answer is built from what is written (no second read inside the transaction).
            return {
                "id": report_id,
                **values,
                "owes_id": owes_id,
                "owes_name": owes_name,
                "accepted_at": None,
                "accepted_by": None,
                "register_links": {},
                "definition_version": definition.version,
                "data": data,
                "allowed_actions": actions_for(state.value, viewer.role),
            }

        report_columns = [
            owes_id,
            definition.code,
            period.code,
            period.start,
            period.end,
            deadline,
            state.value,
            submitted_at,
            late,
            "{}",
            stamp,
            stamp,
        ]
        if new_report_id is not None:  # PostgreSQL: everything in one statement
            body = answer(int(new_report_id))
            text = idempotency.answer_json(body)
            rows = await Report.raw(
                PG_CREATE,
                new_report_id,
                *report_columns,
                definition_id,
                json.dumps(data),
                actor.channel.value,
                author,
                draft.comment,
                stamp,
                author,
                stamp,
                draft.comment,
                state.value,
                draft.submit,
                *(audit[c] for c in AUDIT_COLUMNS if c != "entity_id"),
                201,
                text,
                claim.id if claim is not None else None,
            )
            if rows and claim is not None:
                claim.answer = text
        else:  # SQLite (no data-modifying WITH): the same rows, one statement each
            # The unique (owes, definition, period) index decides, also between concurrent requests.
            rows = await Report.raw(REPORT_INSERT, *report_columns)
            if rows:
                report_id = int(rows[0]["id"])
                body = answer(report_id)
                await ReportVersion.raw(
                    VERSION_INSERT,
                    report_id,
                    1,
                    definition_id,
                    json.dumps(data),
                    actor.channel.value,
                    author,
                    draft.comment,
                    stamp,
                )
                events: list[Any] = [report_id, 1, "create", None, "draft", author, draft.comment, stamp]
                if draft.submit:
                    events += [report_id, 1, "submit", "draft", state.value, author, None, stamp]
                await ReportEvent.raw(
                    EVENT_INSERT + ", ".join(EVENT_VALUES for _ in range(len(events) // 8)), *events
                )
                audit["entity_id"] = report_id
                await Report.raw(AUDIT_INSERT, *(audit[column] for column in AUDIT_COLUMNS))
        if not rows:
            existing = await Report.raw(
                "SELECT id, state FROM report WHERE owes = {} AND definition_code = {} AND period = {}",
                owes_id,
                definition.code,
                period.code,
            )
            known = existing[0] if existing else {"id": "?", "state": "?"}
            raise Conflict(
                f"Sprawozdanie tego OWES za okres {period.code} już istnieje "
                f"(id {known['id']}, stan „{known['state']}”). "
                "Zmiany wprowadza się w nim, a po zwrocie — przez korektę."
            )
        return 201, body, int(rows[0]["id"])

    return work


async def replace_content(
    report_id: int, raw: Any, viewer: Principal, expected: int, actor: Actor
) -> dict[str, Any]:
    """Replace the content of the current (editable) version: a draft save, checked partially."""
    report = await editable(report_id, viewer, expected)
    _, definition, period = await content_context(report)
    data = await check_content(definition, raw, period, report["owes_id"], partial=True)

    async def work() -> tuple[int, Any, int | None]:
        current = await editable(report_id, viewer, expected)
        await ReportVersion.update({ReportVersion.data: json.dumps(data)}).where(
            (ReportVersion.report == report_id) & (ReportVersion.number == current["current_version"])
        )
        await bump(report_id, current["row_version"], {})
        await record_event(
            actor, "report.edit", "report", report_id, {"version": [None, current["current_version"]]}
        )
        return 200, await get_report(report_id, viewer), report_id

    return (await idempotency.once(None, work, race=RACE)).body  # type: ignore[no-any-return]


async def upload_table(
    report_id: int,
    table_name: str,
    content: bytes,
    filename: str,
    viewer: Principal,
    actor: Actor,
    *,
    expected: int | None,
    dry_run: bool,
    key: Key | None,
) -> Answer:
    """Replace one tabular part from a CSV/XLSX file: every row valid, or nothing stored."""
    if (stored := await idempotency.lookup(key)) is not None:
        return stored
    report = await editable(report_id, viewer, expected)
    _, definition, period = await content_context(report)
    table = definition.table(table_name)
    if table is None:
        raise NotFound(f"Definicja {definition.code} v{definition.version} nie ma tabeli {table_name}.")
    parsed = await off_loop(uploads.read_upload, content, filename, definition, table)
    lines = [line for line, _ in parsed.rows]
    problems: list[FieldError] = []
    references: list[tuple[str, int | None, int]] = []
    rows = rules.validate_table(
        table,
        [row for _, row in parsed.rows],
        rules.Context(period=period, today=date.today()),
        definition.period_type,
        lambda i, column: (column or "file", lines[i] if i < len(lines) else None),
        from_text=True,
        problems=problems,
        references=references,
    )
    problems += await register_problems(rules.Outcome({}, [], references))
    if problems:
        problems.sort(key=lambda e: (e.row or 0, e.field))
        raise ValidationFailed(f"Plik zawiera błędy ({len(problems)}); nic nie zapisano.", problems)
    summary = {"table": table_name, "rows": len(rows), "dry_run": dry_run}
    if dry_run:
        return Answer(200, summary)

    async def work() -> tuple[int, Any, int | None]:
        current = await editable(report_id, viewer, expected)
        version = await version_row(report_id, current["current_version"])
        data = {**version["data"], table_name: rows}
        await ReportVersion.update({ReportVersion.data: json.dumps(data)}).where(
            (ReportVersion.report == report_id) & (ReportVersion.number == current["current_version"])
        )
        await bump(report_id, current["row_version"], {})
        await record_event(actor, "report.upload", "report", report_id, {table_name: [None, len(rows)]})
        report_now = await report_row(report_id, viewer)
        return 200, {**summary, "row_version": report_now["row_version"], "report_id": report_id}, report_id

    return await idempotency.once(key, work, race=RACE)
