from __future__ import annotations

from piccolo.columns import JSON, Text, Timestamptz, Varchar
from piccolo.table import Table


class JobRun(Table, tablename="job_run"):
    """One run of a scheduled job. (job_id, slot) is unique: two processes cannot run one slot."""

    job_id = Varchar(length=80, index=True)
    slot = Varchar(length=40)
    """The scheduled time the run belongs to (ISO, UTC), or `manual:<uuid>` for run-now."""
    trigger = Varchar(length=20)
    status = Varchar(length=20, index=True)
    started_at = Timestamptz(index=True)
    finished_at = Timestamptz(null=True, default=None)
    deadline_at = Timestamptz(null=True, default=None)
    """Past this the run counts as stuck and is marked failed."""
    process = Varchar(length=80)
    counts = JSON(default="{}")
    error = Text(null=True, default=None)


class OutboxMessage(Table, tablename="outbox_message"):
    """A reminder or notice to send; e-mailed when SMTP is configured, shown on the jobs page."""

    created_at = Timestamptz(index=True)
    kind = Varchar(length=60, index=True)
    subject = Varchar(length=300)
    body = Text()
    recipients = Text(default="")
    sent_at = Timestamptz(null=True, default=None)
    error = Text(null=True, default=None)
