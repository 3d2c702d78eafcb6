"""Tables of OWES reporting: definitions, reports with all their versions, events."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from ses.register.tables import Organisation


class ReportDefinition(Table, tablename="report_definition"):
    """One published version of a report definition (fields, tables, rules) kept as data.

    A version is never changed after publication: reports sent under it keep validating and
    rendering against exactly what their senders saw. (code, version) is unique.
    """

    code = Varchar(length=60, index=True)
    version = Integer()
    title = Varchar(length=200)
    period_type = Varchar(length=10)
    body = JSON()
    published_at = Timestamptz()
    published_by = Varchar(length=120)


class Report(Table, tablename="report"):
    """The report of one OWES for one period under one definition code: (owes, code, period) is unique.

    `state` and `current_version` say where the workflow is; the content of every version is in
    `ReportVersion`. `submitted_at` and `late` are fixed at the first submission.
    """

    owes = ForeignKey(Organisation, on_delete=OnDelete.restrict, index=True)
    definition_code = Varchar(length=60)
    period = Varchar(length=7)
    period_start = Date()
    period_end = Date()
    deadline = Date()
    state = Varchar(length=12, index=True)
    current_version = Integer(default=1)
    submitted_at = Timestamptz(null=True, default=None)
    late = Boolean(default=False)
    accepted_at = Timestamptz(null=True, default=None)
    accepted_by = Varchar(length=120, null=True, default=None)
    register_links = JSON(default="{}")
    row_version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ReportVersion(Table, tablename="report_version"):
    """One version of a report's content; every version is kept. (report, number) is unique."""

    report = ForeignKey(Report, on_delete=OnDelete.restrict, index=True)
    number = Integer()
    definition = ForeignKey(ReportDefinition, on_delete=OnDelete.restrict)
    data = JSON()
    channel = Varchar(length=10)
    author = Varchar(length=120)
    comment = Text(null=True, default=None)
    created_at = Timestamptz()


class ReportEvent(Table, tablename="report_event"):
    """One step of the workflow: who moved the report from which state to which, when and why."""

    report = ForeignKey(Report, on_delete=OnDelete.restrict, index=True)
    version = Integer()
    action = Varchar(length=12)
    from_state = Varchar(length=12, null=True, default=None)
    to_state = Varchar(length=12)
    actor = Varchar(length=120)
    comment = Text(null=True, default=None)
    at = Timestamptz()
