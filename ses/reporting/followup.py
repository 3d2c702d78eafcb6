"""Follow-up for ROPS: per OWES and period, expected / received / on time / late / missing /
returned, with completeness and timeliness rates — counted in SQL, not in Python.

Expected: every active OWES of the register for every requested period that has ended.
Received: a report that has been submitted at least once. On time: first submitted by the deadline.
Missing: not received and the deadline has passed (overdue); pending: not received, still in time.
Returned: currently returned or in correction. Completeness = received / expected; timeliness =
on time / expected (as in DHIS2).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ses.errors import FieldError, ValidationFailed
from ses.reporting import catalogue, periods
from ses.reporting.tables import Report

MAX_PERIODS = 24

CELLS = """
WITH wanted(period, due, ended) AS (VALUES {values}),
cells AS (
    SELECT o.id AS owes_id, o.name AS owes_name, w.period AS period, r.id AS report_id, r.state AS state,
        CASE
            WHEN w.ended = 0 THEN 'not_due'
            WHEN r.submitted_at IS NULL THEN CASE WHEN w.due = 1 THEN 'missing' ELSE 'pending' END
            WHEN r.late THEN 'late'
            ELSE 'on_time'
        END AS status,
        CASE WHEN r.state IN ('returned', 'corrected') THEN 1 ELSE 0 END AS returned
    FROM organisation o
    CROSS JOIN wanted w
    LEFT JOIN report r ON r.owes = o.id AND r.period = w.period AND r.definition_code = {code}
    WHERE o.is_owes = {yes} AND o.activity_state <> 'retired' {owes_filter}
)
"""

COUNTS = """
    COUNT(CASE WHEN status <> 'not_due' THEN 1 END) AS expected,
    COUNT(CASE WHEN status IN ('on_time', 'late') THEN 1 END) AS received,
    COUNT(CASE WHEN status = 'on_time' THEN 1 END) AS on_time,
    COUNT(CASE WHEN status = 'late' THEN 1 END) AS late,
    COUNT(CASE WHEN status = 'missing' THEN 1 END) AS missing,
    COUNT(CASE WHEN status = 'pending' THEN 1 END) AS pending,
    SUM(returned) AS returned
"""


def _periods(kind: str, requested: list[str], today: date) -> list[periods.Period]:
    if not requested:
        return periods.last_ended(today, kind, 8)
    out = []
    problems = []
    for code in requested:
        try:
            out.append(periods.parse(code, kind))
        except ValueError as exc:
            problems.append(FieldError("periods", str(exc)))
    if len(out) > MAX_PERIODS:
        problems.append(FieldError("periods", f"Najwyżej {MAX_PERIODS} okresów naraz."))
    if problems:
        raise ValidationFailed("Niepoprawne okresy.", problems)
    return sorted(set(out), key=lambda p: p.start)


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    expected = row["expected"] or 0
    row["returned"] = int(row["returned"] or 0)
    row["completeness"] = round(row["received"] / expected, 4) if expected else None
    row["timeliness"] = round(row["on_time"] / expected, 4) if expected else None
    return row


async def _cells_query(
    code: str, chosen: list[periods.Period], deadline_days: int, today: date, owes_id: int | None, tail: str
) -> list[dict[str, Any]]:
    args: list[Any] = []
    values = []
    for period in chosen:
        values.append("(CAST({} AS TEXT), CAST({} AS INTEGER), CAST({} AS INTEGER))")
        args += [period.code, int(today > period.deadline(deadline_days)), int(today > period.end)]
    args.append(code)
    args.append(True)
    owes_filter = ""
    if owes_id is not None:
        owes_filter = "AND o.id = {}"
        args.append(owes_id)
    sql = CELLS.format(values=", ".join(values), code="{}", yes="{}", owes_filter=owes_filter) + tail
    return list(await Report.raw(sql, *args))


async def follow_up(
    definition_code: str | None = None,
    requested: list[str] | None = None,
    owes_id: int | None = None,
    today: date | None = None,
    with_cells: bool = True,
) -> dict[str, Any]:
    today = today or date.today()
    code = definition_code or catalogue.DEFAULT_CODE
    _, definition = await catalogue.resolve(code)
    chosen = _periods(definition.period_type, requested or [], today)
    deadlines = {p.code: p.deadline(definition.deadline_days) for p in chosen}
    run = lambda tail: _cells_query(code, chosen, definition.deadline_days, today, owes_id, tail)  # noqa: E731
    totals = await run(f"SELECT {COUNTS} FROM cells")
    per_owes = await run(
        f"SELECT owes_id, owes_name, {COUNTS} FROM cells "
        "GROUP BY owes_id, owes_name ORDER BY owes_name, owes_id"
    )
    per_period = await run(f"SELECT period, {COUNTS} FROM cells GROUP BY period ORDER BY period")
    out: dict[str, Any] = {
        "definition_code": code,
        "today": today,
        "periods": [
            {"period": p.code, "deadline": deadlines[p.code], **_rates(row)}
            for p, row in zip(chosen, _align(chosen, per_period), strict=True)
        ],
        "owes": [_rates(row) for row in per_owes],
        "totals": _rates(totals[0]),
    }
    if with_cells:
        out["cells"] = await run(
            "SELECT owes_id, period, report_id, state, status FROM cells ORDER BY owes_id, period"
        )
    return out


def _align(chosen: list[periods.Period], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_period = {row.pop("period"): row for row in rows}
    empty = {"expected": 0, "received": 0, "on_time": 0, "late": 0, "missing": 0, "pending": 0, "returned": 0}
    return [by_period.get(p.code, dict(empty)) for p in chosen]


async def overdue(
    definition_code: str | None = None,
    requested: list[str] | None = None,
    page: int = 1,
    page_size: int = 50,
    today: date | None = None,
) -> dict[str, Any]:
    """Reports past their deadline and not received: for reminders (the scheduler issue)."""
    today = today or date.today()
    code = definition_code or catalogue.DEFAULT_CODE
    _, definition = await catalogue.resolve(code)
    chosen = _periods(definition.period_type, requested or [], today)
    deadlines = {p.code: p.deadline(definition.deadline_days) for p in chosen}
    run = lambda tail: _cells_query(code, chosen, definition.deadline_days, today, None, tail)  # noqa: E731
    total = (await run("SELECT COUNT(*) AS n FROM cells WHERE status = 'missing'"))[0]["n"]
    rows = await run(
        "SELECT owes_id, owes_name, period, report_id, state FROM cells WHERE status = 'missing' "
        f"ORDER BY period, owes_name, owes_id LIMIT {int(page_size)} OFFSET {int((page - 1) * page_size)}"
    )
    for row in rows:
        row["deadline"] = deadlines[row["period"]]
        row["days_overdue"] = (today - deadlines[row["period"]]).days
    return {"items": rows, "page": page, "page_size": page_size, "total": total}
