"""The hand-written SQL of the measured hot path: a new report (benchmarks/reporting.py).

Through the query builder each statement cost 0.3-1.5 ms of Python, and every round trip to
PostgreSQL costs system CPU on both sides, so a submission on PostgreSQL is: claim the key, one
read (OWES, definition, a new report id), the register check, one write of everything, commit.
Piccolo splits templates at every brace, so literal JSON such as '{}' goes in as a parameter.
The audit trail and the idempotency table hand over their own parts (`audit.INSERT_SQL`,
`idempotency.ANSWER_FROM_CTE`)."""

from __future__ import annotations

from piccolo.engine.sqlite import SQLiteEngine

from ses import idempotency
from ses.audit.services import AUDIT_COLUMNS
from ses.reporting.tables import Report

DEFINITION = "SELECT id, code, version FROM report_definition WHERE code = {} ORDER BY version DESC LIMIT 1"
DEFINITION_AT = "SELECT id, code, version FROM report_definition WHERE code = {} AND version = {}"


def create_lookup(version: int | None) -> str:
    """The OWES row, the definition row and (PostgreSQL) an id for the new report, in one read."""
    definition = DEFINITION if version is None else DEFINITION_AT
    # Hot path, engine branch kept: benchmarks.reporting, docs/benchmarks.md "OWES reporting (issue #4)":
    # 151 accepted submissions/s, 4.2 ms of server CPU per request (was 8.7) with 6 round trips on
    # PostgreSQL instead of 11; the id comes with the lookup there.
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
# PostgreSQL: the report, its first version, its events, the audit record and the idempotency
# key's answer in one statement. Every part reads `r`, so when the unique (owes, definition,
# period) index refuses the report nothing else is written either.
PG_CREATE = (
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
