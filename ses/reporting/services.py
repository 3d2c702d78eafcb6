"""Use-cases of OWES reporting: create, edit, upload, submit, accept, return, correct, reopen.

Validation (pure, `rules.py`) and the register look-ups it needs run before the write transaction
opens; the transaction then re-checks the state and writes the report, its version, its event and
the audit record together. POSTs go through `idempotency.once`, so a retry never writes twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine

from ses import idempotency
from ses.audit.services import Actor, audit_fields, record_event
from ses.auth.policy import Principal
from ses.errors import Conflict, FieldError, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ses.extensions import installed
from ses.idempotency import Answer, Key
from ses.register import services as register
from ses.register.tables import Organisation
from ses.register.validation import clean_organisation
from ses.reporting import catalogue, periods, register_feed, rules, uploads
from ses.reporting.contract import accepted_report
from ses.reporting.model import Definition
from ses.reporting.tables import Report, ReportEvent, ReportVersion
from ses.reporting.workflow import EDITABLE, TRANSITIONS, State, actions_for, transition_problem
from ses.territories.services import gmina_exists_checker

REPORT_COLUMNS = (
    Report.id,
    Report.owes.as_alias("owes_id"),
    Report.owes.name.as_alias("owes_name"),
    Report.definition_code,
    Report.period,
    Report.period_start,
    Report.period_end,
    Report.deadline,
    Report.state,
    Report.current_version,
    Report.submitted_at,
    Report.late,
    Report.accepted_at,
    Report.accepted_by,
    Report.register_links,
    Report.row_version,
    Report.created_at,
    Report.updated_at,
)


RACE = "Równoległe żądanie utworzyło już ten rekord; pobierz go i, jeśli trzeba, popraw przez korektę."


def now() -> datetime:
    return datetime.now(UTC)


def etag(report: Mapping[str, Any]) -> str:
    return f'"report-{report["id"]}-v{report["row_version"]}"'


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


# --- reading ----------------------------------------------------------------------------------


def _scope(query: Any, viewer: Principal) -> Any:
    """An OWES sees only its own reports; everyone else admitted by the route sees all."""
    if viewer.is_owes:
        return query.where(Report.owes == (viewer.organisation_id or 0))
    return query


async def _report(report_id: int, viewer: Principal) -> dict[str, Any]:
    row = await _scope(Report.select(*REPORT_COLUMNS).where(Report.id == report_id), viewer).first()
    if row is None:
        raise NotFound(f"Nie ma sprawozdania o id {report_id}.")
    row["register_links"] = register_feed.links_of(row["register_links"])
    return row


async def _version(report_id: int, number: int) -> dict[str, Any]:
    row = await (
        ReportVersion.select(
            ReportVersion.number,
            ReportVersion.definition.as_alias("definition_id"),
            ReportVersion.definition.version.as_alias("definition_version"),
            ReportVersion.data,
            ReportVersion.channel,
            ReportVersion.author,
            ReportVersion.comment,
            ReportVersion.created_at,
        )
        .where((ReportVersion.report == report_id) & (ReportVersion.number == number))
        .first()
    )
    if row is None:
        raise NotFound(f"Sprawozdanie nie ma wersji {number}.")
    if isinstance(row["data"], str):
        row["data"] = json.loads(row["data"])
    return row


async def get_report(report_id: int, viewer: Principal) -> dict[str, Any]:
    report = await _report(report_id, viewer)
    version = await _version(report_id, report["current_version"])
    return {
        **report,
        "definition_version": version["definition_version"],
        "data": version["data"],
        "allowed_actions": actions_for(report["state"], viewer.role),
    }


async def list_reports(
    viewer: Principal,
    *,
    owes_id: int | None = None,
    period: str | None = None,
    state: list[str] | None = None,
    definition_code: str | None = None,
    late: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    bad_states = [s for s in state or [] if s not in State.__members__.values()]
    if bad_states:
        raise ValidationFailed("Nieznany stan sprawozdania.", [FieldError("state", ", ".join(bad_states))])
    condition: list[Any] = []
    if owes_id is not None:
        condition.append(Report.owes == owes_id)
    if period:
        condition.append(Report.period == period.strip().upper())
    if state:
        condition.append(Report.state.is_in(state))
    if definition_code:
        condition.append(Report.definition_code == definition_code)
    if late is not None:
        condition.append(Report.late == late)

    def filtered(query: Any) -> Any:
        for item in condition:
            query = query.where(item)
        return _scope(query, viewer)

    total = await filtered(Report.count())
    rows = await (
        filtered(Report.select(*REPORT_COLUMNS))
        .order_by(Report.period, ascending=False)
        .order_by(Report.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    for row in rows:
        row["register_links"] = register_feed.links_of(row["register_links"])
    return {"items": rows, "page": page, "page_size": page_size, "total": total}


async def list_versions(report_id: int, viewer: Principal) -> list[dict[str, Any]]:
    await _report(report_id, viewer)
    return list(
        await ReportVersion.select(
            ReportVersion.number,
            ReportVersion.definition.version.as_alias("definition_version"),
            ReportVersion.channel,
            ReportVersion.author,
            ReportVersion.comment,
            ReportVersion.created_at,
        )
        .where(ReportVersion.report == report_id)
        .order_by(ReportVersion.number)
    )


async def get_version(report_id: int, number: int, viewer: Principal) -> dict[str, Any]:
    await _report(report_id, viewer)
    version = await _version(report_id, number)
    version.pop("definition_id")
    return version


async def diff_versions(report_id: int, before: int, after: int, viewer: Principal) -> dict[str, Any]:
    await _report(report_id, viewer)
    old, new = await _version(report_id, before), await _version(report_id, after)
    definition = await catalogue.by_id(new["definition_id"])
    return {"from": before, "to": after, "changes": rules.diff(old["data"], new["data"], definition)}


async def list_events(report_id: int, viewer: Principal) -> list[dict[str, Any]]:
    await _report(report_id, viewer)
    return list(
        await ReportEvent.select(
            ReportEvent.version,
            ReportEvent.action,
            ReportEvent.from_state,
            ReportEvent.to_state,
            ReportEvent.actor,
            ReportEvent.comment,
            ReportEvent.at,
        )
        .where(ReportEvent.report == report_id)
        .order_by(ReportEvent.id)
    )


# --- validation that needs the database -------------------------------------------------------


async def _register_problems(outcome: rules.Outcome) -> list[FieldError]:
    """Every organisation id named in the report must be in the register."""
    ids = {ref for _, _, ref in outcome.references}
    if not ids:
        return []
    wanted = sorted(ids)
    sql = f"SELECT id FROM organisation WHERE id IN ({', '.join('{}' for _ in wanted)})"
    found = {row["id"] for row in await Organisation.raw(sql, *wanted)}
    return [
        FieldError(path, f"Nie ma w rejestrze organizacji o id {ref}.", line)
        for path, line, ref in outcome.references
        if ref not in found
    ]


async def _new_entity_problems(data: Mapping[str, Any], prefix: str) -> list[FieldError]:
    """Rows of new PES to be added to the register on acceptance must pass the register's checks."""
    pending = [
        (index, row)
        for index, row in enumerate(data.get("new_entities") or [])
        if not row.get("organisation_id") and row.get("name")
    ]
    if not pending:
        return []
    gmina_exists = await gmina_exists_checker()
    problems: list[FieldError] = []
    for index, row in pending:
        _, errors = clean_organisation(
            _organisation_values(row), gmina_exists=gmina_exists, today=date.today()
        )
        problems += [FieldError(f"{prefix}.new_entities.{index}.{e.field}", e.message) for e in errors]
    return problems


def _organisation_values(row: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("name", "kind", "gmina_code", "nip", "krs")
    return {key: row[key] for key in keys if row.get(key) is not None}


async def _prior(
    definition: Definition, owes_id: int, data: Mapping[str, Any]
) -> dict[str, dict[str, Decimal]]:
    """For `prior_le` rules: what this OWES reported for the earlier periods the rows name."""
    wanted = rules.prior_periods(definition, data)
    out: dict[str, dict[str, Decimal]] = {}
    for rule in definition.rules:
        codes = wanted.get(rule.get("id", ""), set())
        if rule["type"] != "prior_le" or not codes:
            continue
        earlier = await Report.select(Report.id, Report.period, Report.current_version).where(
            (Report.owes == owes_id)
            & (Report.definition_code == definition.code)
            & Report.period.is_in(sorted(codes))
            & Report.state.is_in([s.value for s in (State.SUBMITTED, State.ACCEPTED)])
        )
        values: dict[str, Decimal] = {}
        for row in earlier:
            version = await _version(row["id"], row["current_version"])
            value = rules.evaluate(rule["prior"], version["data"])
            if value is not None:
                values[row["period"]] = value
        out[rule["id"]] = values
    return out


async def check_content(
    definition: Definition,
    raw: Any,
    period: periods.Period,
    owes_id: int,
    *,
    partial: bool,
    prefix: str = "data",
) -> dict[str, Any]:
    """The cleaned content, or ValidationFailed with every problem (pure rules + register)."""
    context = rules.Context(period=period, today=date.today(), partial=partial)
    outcome = rules.validate(definition, raw, context, prefix)
    problems = outcome.problems + await _register_problems(outcome)
    if not partial and not problems:
        prior = await _prior(definition, owes_id, outcome.data)
        if prior:
            full = rules.Context(period=period, today=date.today(), prior=prior)
            problems += rules.rule_problems(definition, outcome.data, full, prefix, types=("prior_le",))
        problems += await _new_entity_problems(outcome.data, prefix)
    if problems:
        raise ValidationFailed(f"Sprawozdanie zawiera błędy ({len(problems)}); nic nie zapisano.", problems)
    return outcome.data


def _period(definition: Definition, code: str, *, submit: bool, today: date) -> periods.Period:
    try:
        period = periods.parse(code, definition.period_type)
    except ValueError as exc:
        raise ValidationFailed("Niepoprawny okres sprawozdawczy.", [FieldError("period", str(exc))]) from exc
    if period.start > today:
        raise ValidationFailed(
            "Okres sprawozdawczy jeszcze się nie rozpoczął.",
            [FieldError("period", f"Okres {period.code} zaczyna się {period.start.isoformat()}.")],
        )
    if submit and period.end >= today:
        raise ValidationFailed(
            "Sprawozdanie za okres, który jeszcze trwa, można zapisać tylko jako wersję roboczą.",
            [FieldError("period", f"Okres {period.code} kończy się {period.end.isoformat()}.")],
        )
    return period


def _owes_id_of(viewer: Principal, owes_id: int | None) -> int:
    """Which OWES the report is for (an OWES caller: only itself)."""
    if viewer.is_owes:
        own = viewer.organisation_id
        if own is None:
            raise PermissionDenied("Konto OWES nie jest powiązane z żadnym OWES w rejestrze.")
        if owes_id is not None and owes_id != own:
            raise PermissionDenied(
                f"Sprawozdania składa się tylko za własny OWES (id {own}), nie za organizację {owes_id}."
            )
        owes_id = own
    if owes_id is None:
        raise ValidationFailed(
            "Wskaż OWES.", [FieldError("owes_id", "Pole jest wymagane dla pracownika ROPS.")]
        )
    return owes_id


def _check_owes(owes_id: int, org: Mapping[str, Any] | None) -> str:
    if org is None or not org["is_owes"] or org["activity_state"] == "retired":
        raise ValidationFailed(
            "Sprawozdanie może złożyć tylko OWES wpisany do rejestru.",
            [FieldError("owes_id", f"Organizacja {owes_id} nie jest aktywnym OWES w rejestrze.")],
        )
    return str(org["name"])


# --- writing ----------------------------------------------------------------------------------

# The submission path runs hand-written SQL (Table.raw, `{}` placeholders): through the query
# builder each statement cost 0.3-1.5 ms of Python, and every round trip to PostgreSQL costs
# system CPU on both sides, so a submission on PostgreSQL is: claim the key, one read (OWES,
# definition, a new report id), the register check, one write of everything, commit.
# Piccolo splits templates at every brace, so literal JSON such as '{}' goes in as a parameter.

_DEFINITION = "SELECT id, code, version FROM report_definition WHERE code = {} ORDER BY version DESC LIMIT 1"
_DEFINITION_AT = "SELECT id, code, version FROM report_definition WHERE code = {} AND version = {}"


def _create_lookup(version: int | None) -> str:
    """The OWES row, the definition row and (PostgreSQL) an id for the new report, in one read."""
    definition = _DEFINITION if version is None else _DEFINITION_AT
    next_id = (
        ""
        if isinstance(Report._meta.db, SQLiteEngine)
        else ", nextval(pg_get_serial_sequence('report', 'id')) AS new_report_id"
    )
    return (
        "SELECT o.name, o.is_owes, o.activity_state, d.id AS definition_id, d.code, d.version"
        f"{next_id} FROM organisation o LEFT JOIN ({definition}) d ON 1 = 1 WHERE o.id = {{}}"
    )


REPORT_COLUMNS_SQL = (
    "owes, definition_code, period, period_start, period_end, deadline, state, current_version, "
    "submitted_at, late, accepted_at, accepted_by, register_links, row_version, created_at, updated_at"
)
REPORT_INSERT = (
    f"INSERT INTO report ({REPORT_COLUMNS_SQL}) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, 1, {}, {}, NULL, NULL, {}, 1, {}, {}) "
    "ON CONFLICT DO NOTHING RETURNING id"
)
VERSION_INSERT = (
    "INSERT INTO report_version (report, number, definition, data, channel, author, comment, created_at) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {})"
)
EVENT_VALUES = "({}, {}, {}, {}, {}, {}, {}, {})"
EVENT_INSERT = (
    "INSERT INTO report_event (report, version, action, from_state, to_state, actor, comment, at) VALUES "
)
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "actor",
    "channel",
    "action",
    "entity_type",
    "entity_id",
    "changes",
    "reason",
    "address",
)
AUDIT_INSERT = (
    f"INSERT INTO audit_record ({', '.join(AUDIT_COLUMNS)}) VALUES ({', '.join('{}' for _ in AUDIT_COLUMNS)})"
)

# PostgreSQL: the report, its first version, its events, the audit record and the idempotency
# key's answer in one statement. Every part reads `r`, so when the unique (owes, definition,
# period) index refuses the report nothing else is written either.
_PG_CREATE = (
    "WITH r AS (INSERT INTO report (id, " + REPORT_COLUMNS_SQL + ") VALUES ({}::integer, {}::integer, "
    "{}::varchar, {}::varchar, {}::date, {}::date, {}::date, {}::varchar, 1, {}::timestamptz, {}::boolean, "
    "NULL, NULL, {}::json, 1, {}::timestamptz, {}::timestamptz) ON CONFLICT DO NOTHING RETURNING id), "
    "v AS (INSERT INTO report_version (report, number, definition, data, channel, author, comment, "
    "created_at) SELECT id, 1, {}::integer, {}::json, {}::varchar, {}::varchar, {}::text, {}::timestamptz "
    "FROM r), "
    "e AS (INSERT INTO report_event (report, version, action, from_state, to_state, actor, comment, at) "
    "SELECT r.id, 1, x.action, x.from_state, x.to_state, {}::varchar, x.comment, {}::timestamptz FROM r, "
    "(VALUES (1, 'create', NULL, 'draft', {}::text), (2, 'submit', 'draft', {}::varchar, NULL)) "
    "AS x(n, action, from_state, to_state, comment) WHERE x.n = 1 OR {}::boolean ORDER BY x.n), "
    "a AS (INSERT INTO audit_record (" + ", ".join(AUDIT_COLUMNS) + ") SELECT {}::timestamptz, "
    "{}::integer, {}::varchar, {}::varchar, {}::varchar, {}::varchar, r.id, {}::json, {}::text, "
    "{}::varchar FROM r), "
    "k AS (" + idempotency.ANSWER_FROM_CTE + ") "
    "SELECT id FROM r"
)


async def _event(
    report_id: int,
    version: int,
    action: str,
    before: str | None,
    after: str,
    actor: Actor,
    comment: str | None,
    at: datetime,
) -> None:
    await ReportEvent.insert(
        ReportEvent(
            report=report_id,
            version=version,
            action=action,
            from_state=before,
            to_state=after,
            actor=actor.label[:120],
            comment=comment,
            at=at,
        )
    )


async def create_report(draft: Draft, viewer: Principal, actor: Actor, key: Key | None) -> Answer:
    return await idempotency.checked_once(key, lambda: _prepare_create(draft, viewer, actor), race=RACE)


async def _prepare_create(draft: Draft, viewer: Principal, actor: Actor) -> idempotency.ClaimedWork:
    """Every check of a new report (raises with all problems); returns the writes to do."""
    today = date.today()
    owes_id = _owes_id_of(viewer, draft.owes_id)
    version = draft.definition_version
    found = await Organisation.raw(
        _create_lookup(version), draft.definition_code, *([] if version is None else [version]), owes_id
    )
    row = found[0] if found else None
    owes_name = _check_owes(owes_id, row)
    assert row is not None
    if row["definition_id"] is None:  # not published yet: publishes the shipped files, or refuses
        definition_id, definition = await catalogue.resolve(draft.definition_code, version)
    else:
        definition_id = int(row["definition_id"])
        definition = await catalogue.cached(row, definition_id)
    new_report_id = row.get("new_report_id")
    period = _period(definition, draft.period, submit=draft.submit, today=today)
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
                _PG_CREATE,
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


def _check_version(report: Mapping[str, Any], expected: int | None) -> None:
    if expected is not None and expected != report["row_version"]:
        raise_precondition(report)


def raise_precondition(report: Mapping[str, Any]) -> None:
    from ses.errors import PreconditionFailed

    raise PreconditionFailed(
        f"Sprawozdanie zmieniło się od czasu, gdy je pobrano (wersja {report['row_version']}). "
        "Pobierz je ponownie."
    )


async def _bump(report_id: int, row_version: int, values: dict[Any, Any]) -> None:
    updated = await (
        Report.update({**values, Report.row_version: row_version + 1, Report.updated_at: now()})
        .where((Report.id == report_id) & (Report.row_version == row_version))
        .returning(Report.id)
    )
    if not updated:
        raise_precondition({"row_version": row_version})


async def _editable(report_id: int, viewer: Principal, expected: int | None) -> dict[str, Any]:
    report = await _report(report_id, viewer)
    _check_version(report, expected)
    if State(report["state"]) not in EDITABLE:
        raise InvalidTransition(
            f"Treść sprawozdania w stanie „{report['state']}” jest zablokowana; zmienić ją można w wersji "
            "roboczej albo w korekcie po zwrocie."
        )
    return report


async def _content_context(report: Mapping[str, Any]) -> tuple[int, Definition, periods.Period]:
    version = await _version(report["id"], report["current_version"])
    definition = await catalogue.by_id(version["definition_id"])
    return version["definition_id"], definition, periods.parse(report["period"], definition.period_type)


async def replace_content(
    report_id: int, raw: Any, viewer: Principal, expected: int, actor: Actor
) -> dict[str, Any]:
    """Replace the content of the current (editable) version: a draft save, checked partially."""
    report = await _editable(report_id, viewer, expected)
    _, definition, period = await _content_context(report)
    data = await check_content(definition, raw, period, report["owes_id"], partial=True)

    async def work() -> tuple[int, Any, int | None]:
        current = await _editable(report_id, viewer, expected)
        await ReportVersion.update({ReportVersion.data: json.dumps(data)}).where(
            (ReportVersion.report == report_id) & (ReportVersion.number == current["current_version"])
        )
        await _bump(report_id, current["row_version"], {})
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
    report = await _editable(report_id, viewer, expected)
    _, definition, period = await _content_context(report)
    table = definition.table(table_name)
    if table is None:
        raise NotFound(f"Definicja {definition.code} v{definition.version} nie ma tabeli {table_name}.")
    parsed = uploads.read_upload(content, filename, definition, table)
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
    problems += await _register_problems(rules.Outcome({}, [], references))
    if problems:
        problems.sort(key=lambda e: (e.row or 0, e.field))
        raise ValidationFailed(f"Plik zawiera błędy ({len(problems)}); nic nie zapisano.", problems)
    summary = {"table": table_name, "rows": len(rows), "dry_run": dry_run}
    if dry_run:
        return Answer(200, summary)

    async def work() -> tuple[int, Any, int | None]:
        current = await _editable(report_id, viewer, expected)
        version = await _version(report_id, current["current_version"])
        data = {**version["data"], table_name: rows}
        await ReportVersion.update({ReportVersion.data: json.dumps(data)}).where(
            (ReportVersion.report == report_id) & (ReportVersion.number == current["current_version"])
        )
        await _bump(report_id, current["row_version"], {})
        await record_event(actor, "report.upload", "report", report_id, {table_name: [None, len(rows)]})
        report_now = await _report(report_id, viewer)
        return 200, {**summary, "row_version": report_now["row_version"], "report_id": report_id}, report_id

    return await idempotency.once(key, work, race=RACE)


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
    report = await _report(report_id, viewer)
    _check_version(report, expected)
    if (problem := transition_problem(action, report["state"])) is not None:
        raise InvalidTransition(problem)
    today = date.today()
    if action == "submit":
        _, definition, period = await _content_context(report)
        _period(definition, report["period"], submit=True, today=today)
        version = await _version(report_id, report["current_version"])
        await check_content(definition, version["data"], period, report["owes_id"], partial=False)

    async def work() -> tuple[int, Any, int | None]:
        current = await _report(report_id, viewer)
        if (problem := transition_problem(action, current["state"])) is not None:
            raise InvalidTransition(problem)
        stamp = now()
        values: dict[Any, Any] = {Report.state: step.target.value}
        if action == "submit" and current["submitted_at"] is None:
            values[Report.submitted_at] = stamp
            values[Report.late] = today > current["deadline"]
        if action == "accept":
            values[Report.accepted_at] = stamp
            values[Report.accepted_by] = actor.label[:120]
            data = (await _version(report_id, current["current_version"]))["data"]
            links = await _feed_register(current, actor, data)
            links |= await _acceptance_hooks({**current, "register_links": links}, data, actor)
            values[Report.register_links] = json.dumps(links)
        if action == "reopen":
            await register_feed.withdraw(current, actor)
            await _withdrawal_hooks(report_id, actor)
            values[Report.accepted_at] = None
            values[Report.accepted_by] = None
        await _bump(report_id, current["row_version"], values)
        await _event(
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
        return 200, await get_report(report_id, viewer), report_id

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
    report = await _report(report_id, viewer)
    if (problem := transition_problem("correct", report["state"])) is not None:
        raise InvalidTransition(problem)
    definition_id, definition, period = await _content_context(report)
    data = None
    if raw is not None:
        data = await check_content(definition, raw, period, report["owes_id"], partial=not submit)
    elif submit:
        previous = await _version(report_id, report["current_version"])
        data = await check_content(definition, previous["data"], period, report["owes_id"], partial=False)

    async def work() -> tuple[int, Any, int | None]:
        current = await _report(report_id, viewer)
        _check_version(current, expected)
        if (problem := transition_problem("correct", current["state"])) is not None:
            raise InvalidTransition(problem)
        content = (
            data if data is not None else (await _version(report_id, current["current_version"]))["data"]
        )
        number = current["current_version"] + 1
        stamp = now()
        await ReportVersion.insert(
            ReportVersion(
                report=report_id,
                number=number,
                definition=definition_id,
                data=json.dumps(content),
                channel=actor.channel.value,
                author=actor.label[:120],
                comment=comment,
                created_at=stamp,
            )
        )
        target = State.SUBMITTED if submit else State.CORRECTED
        await _bump(
            report_id, current["row_version"], {Report.state: target.value, Report.current_version: number}
        )
        await _event(
            report_id, number, "correct", current["state"], State.CORRECTED.value, actor, comment, stamp
        )
        if submit:
            await _event(report_id, number, "submit", State.CORRECTED.value, target.value, actor, None, stamp)
        await record_event(
            actor,
            "report.correct",
            "report",
            report_id,
            {"state": [current["state"], target.value], "version": [number - 1, number]},
            reason=comment,
        )
        return 201, await get_report(report_id, viewer), report_id

    return await idempotency.once(key, work, race=RACE)


async def _feed_register(
    report: Mapping[str, Any], actor: Actor, data: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """On acceptance: what the report brings into the register, through its audited services.

    New PES and PS (`new_entities`) named by NIP/KRS are found in the register or added to it by
    the register's own `create`; employment figures from `jobs` go into the PS's year figures
    (`register_feed`, which explains why that is idempotent and never overwrites figures a person
    entered). Everything runs in the acceptance transaction and is checked before the first write,
    so an error leaves the report unaccepted and the register untouched. Returns the report's
    register_links: {"new_entities": {row index: organisation id}, "new_ps": [ids],
    "figures": [per PS and year: the report's contribution and what the register holds now]}.
    """
    if data is None:
        data = (await _version(report["id"], report["current_version"]))["data"]
    await register_feed.check(data)
    links: dict[str, int] = {}
    new_ps: list[int] = []
    for index, row in enumerate(data.get("new_entities") or []):
        org_id = await _entity_id(row, actor)
        if org_id is None:
            continue
        links[str(index)] = org_id
        if row.get("entity") == "ps":
            new_ps.append(org_id)
    out: dict[str, Any] = {"new_entities": links} if links else {}
    if new_ps:
        out["new_ps"] = sorted(set(new_ps))
    return out | await register_feed.feed(report, data, actor)


async def _entity_id(row: Mapping[str, Any], actor: Actor) -> int | None:
    """The register id of a new PES/PS row: given, found by NIP/KRS, or created (with a name)."""
    if row.get("organisation_id"):
        return int(row["organisation_id"])
    for column in ("nip", "krs"):
        if row.get(column):
            column_ref = Organisation._meta.get_column_by_name(column)
            match = await Organisation.select(Organisation.id).where(column_ref == row[column]).first()
            if match:
                return int(match["id"])
    if row.get("entity") in ("pes", "ps") and row.get("name"):
        # A new PS is a PES whose PS status the voivode grants by decision; the report is not that
        # decision, so the record is added (and linked) without a legal status.
        created = await register.create(_organisation_values(row), actor)
        return int(created["id"])
    return None


async def _acceptance_hooks(
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


async def _withdrawal_hooks(report_id: int, actor: Actor) -> None:
    for extension in installed():
        for hook in extension.report_withdrawn:
            await hook(report_id, actor)
