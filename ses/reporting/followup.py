"""Follow-up for ROPS: per OWES and period, expected / received / on time / late / missing /
returned, with completeness and timeliness rates — counted in SQL, not in Python.

Expected: every active OWES of the register for every requested period that has ended and in
which it was accredited. Accreditation lives outside `ses` (the `accreditation` package), so the
accredited date ranges come from the `reporting_windows` of the installed packages' extension
records: each answers `ReportingWindow`s (owes_id, starts_on, ends_on) — one per date range in
which that OWES was accredited; one with no dates says "this OWES is known to the provider but was
never accredited". They enter the follow-up statement as parameters (a VALUES list). A period
is owed when it overlaps a range by at least one day (the OWES worked, and reports, for that part).
An OWES of the register the providers know nothing about (no accreditation records at all, or no
provider installed) is expected for every ended period, as before: ROPS would rather see a report
listed as missing than have it silently dropped from the table because a record was not entered.
Periods outside the accredited ranges are `not_expected` cells: counted nowhere (a report sent for
one anyway stays visible in the cells and its returned state still counts).
Received: a report that has been submitted at least once. On time: first submitted by the deadline.
Missing: not received and the deadline has passed (overdue); pending: not received, still in time.
Returned: currently returned or in correction. Completeness = received / expected; timeliness =
on time / expected (as in DHIS2).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ses.db import sql_dates
from ses.errors import FieldError, ValidationFailed
from ses.extensions import ReportingWindow, installed
from ses.reporting import catalogue, periods
from ses.reporting.tables import Report

MAX_PERIODS = 24


async def reporting_windows() -> list[ReportingWindow]:
    """The accredited date ranges of every installed provider."""
    return [
        window
        for extension in installed()
        for source in extension.reporting_windows
        for window in await source()
    ]


async def accredited_windows(owes_ids: list[int]) -> dict[int, list[tuple[date, date]]]:
    """The accredited date ranges of the OWES the providers know (an empty list: known, never
    accredited); OWES they do not know are left out. For callers that plan reports (the demo)."""
    wanted = set(owes_ids)
    out: dict[int, list[tuple[date, date]]] = {}
    for window in await reporting_windows():
        if window.owes_id not in wanted:
            continue
        ranges = out.setdefault(window.owes_id, [])
        if window.starts_on is not None and window.ends_on is not None:
            ranges.append((window.starts_on, window.ends_on))
    return out


def _day_literal(value: date | None, day: str) -> str:
    return "NULL" if value is None else f"CAST('{_day(value).isoformat()}' AS {day})"


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


CELLS = """
WITH wanted(period, due, ended, starts, ends) AS (VALUES {values}),
windows(owes_id, starts_on, ends_on) AS ({windows}),
known AS (SELECT DISTINCT owes_id FROM windows),
covered AS (
    SELECT x.owes_id, w.period FROM windows x
    JOIN wanted w ON x.starts_on <= w.ends AND x.ends_on >= w.starts
    GROUP BY x.owes_id, w.period
),
cells AS (
    SELECT o.id AS owes_id, o.name AS owes_name, w.period AS period, r.id AS report_id, r.state AS state,
        CASE
            WHEN w.ended = 0 THEN 'not_due'
            WHEN k.owes_id IS NOT NULL AND c.owes_id IS NULL THEN 'not_expected'
            WHEN r.submitted_at IS NULL THEN CASE WHEN w.due = 1 THEN 'missing' ELSE 'pending' END
            WHEN r.late THEN 'late'
            ELSE 'on_time'
        END AS status,
        CASE WHEN r.state IN ('returned', 'corrected') THEN 1 ELSE 0 END AS returned,
        CASE WHEN k.owes_id IS NULL THEN 0 ELSE 1 END AS known
    FROM organisation o
    CROSS JOIN wanted w
    LEFT JOIN known k ON k.owes_id = o.id
    LEFT JOIN covered c ON c.owes_id = o.id AND c.period = w.period
    LEFT JOIN report r ON r.owes = o.id AND r.period = w.period AND r.definition_code = {code}
    WHERE o.is_owes = {yes} AND o.activity_state <> 'retired' {owes_filter}
)
"""

COUNTS = """
    COUNT(CASE WHEN status NOT IN ('not_due', 'not_expected') THEN 1 END) AS expected,
    COUNT(CASE WHEN status IN ('on_time', 'late') THEN 1 END) AS received,
    COUNT(CASE WHEN status = 'on_time' THEN 1 END) AS on_time,
    COUNT(CASE WHEN status = 'late' THEN 1 END) AS late,
    COUNT(CASE WHEN status = 'missing' THEN 1 END) AS missing,
    COUNT(CASE WHEN status = 'pending' THEN 1 END) AS pending,
    SUM(returned) AS returned
"""


AGGREGATES = f"""
SELECT 'all' AS level, NULL AS owes_id, NULL AS owes_name, NULL AS period, 0 AS accreditation_known, {COUNTS}
FROM cells
UNION ALL
SELECT 'owes', owes_id, owes_name, NULL, MAX(known), {COUNTS} FROM cells GROUP BY owes_id, owes_name
UNION ALL
SELECT 'period', NULL, NULL, period, 0, {COUNTS} FROM cells GROUP BY period
ORDER BY 1, 3, 2, 4
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
    day, as_day = sql_dates()
    for period in chosen:
        values.append(
            f"(CAST({{}} AS TEXT), CAST({{}} AS INTEGER), CAST({{}} AS INTEGER), CAST({{}} AS {day}), "
            f"CAST({{}} AS {day}))"
        )
        args += [
            period.code,
            int(today > period.deadline(deadline_days)),
            int(today > period.end),
            as_day(period.start),
            as_day(period.end),
        ]
    # The windows as one list of literals, written here from typed values (an int and ISO dates, so
    # nothing a person typed reaches the text): a UNION ALL of one SELECT per window with three
    # parameters each took PostgreSQL ~80 ms to plan for 70 OWES (benchmarks.reporting
    # --follow-up-only: 78 ms against 7 ms without windows).
    windows = [
        f"({int(window.owes_id)}, {_day_literal(window.starts_on, day)}, {_day_literal(window.ends_on, day)})"
        for window in await reporting_windows()
    ]
    # Without a provider (or records): no OWES is known, so every OWES is expected every ended period.
    no_windows = f"SELECT CAST(NULL AS INTEGER), CAST(NULL AS {day}), CAST(NULL AS {day}) WHERE 1 = 0"
    args.append(code)
    args.append(True)
    owes_filter = ""
    if owes_id is not None:
        owes_filter = "AND o.id = {}"
        args.append(owes_id)
    sql = (
        CELLS.format(
            values=", ".join(values),
            windows=f"VALUES {', '.join(windows)}" if windows else no_windows,
            code="{}",
            yes="{}",
            owes_filter=owes_filter,
        )
        + tail
    )
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
    # The three aggregations in one statement (one plan of the CTE, one round trip), ordered by
    # the database so OWES names sort by its collation as before.
    rows = await run(AGGREGATES)
    totals = [row for row in rows if row["level"] == "all"]
    per_owes = [row for row in rows if row["level"] == "owes"]
    per_period = [row for row in rows if row["level"] == "period"]
    for row in rows:
        row.pop("level")
    for row in totals:
        for key in ("owes_id", "owes_name", "period", "accreditation_known"):
            row.pop(key)
    for row in per_owes:
        row.pop("period")
    for row in per_period:
        for key in ("owes_id", "owes_name", "accreditation_known"):
            row.pop(key)
    out: dict[str, Any] = {
        "definition_code": code,
        "today": today,
        "periods": [
            {"period": p.code, "deadline": deadlines[p.code], **_rates(row)}
            for p, row in zip(chosen, _align(chosen, per_period), strict=True)
        ],
        "owes": [
            _rates({**row, "accreditation_known": bool(row["accreditation_known"])}) for row in per_owes
        ],
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
