"""Use cases of OWES reporting, by job — this module only names them for the handlers:

- reading.py: one report (an OWES only its own), lists, versions, diffs, events;
- checks.py: the checks that need the database (register ids, new PES rows, earlier periods,
  the period, the OWES); the pure rules are in rules.py;
- submission.py: a new report, a draft's content, a table uploaded (with submission_sql.py, the
  hand-written SQL of the measured hot path);
- review.py: submit, accept, return, reopen, correct; an acceptance hands the content to
  register_feed.py (new organisations, year figures) and to the installed packages' hooks;
- store.py: the report's row version, events, editable state.

Validation runs before the write transaction opens; the transaction then re-checks the state and
writes the report, its version, its event and the audit record together. POSTs go through
`ses.idempotency`, so a retry never writes twice.
"""

from ses.reporting.checks import check_content
from ses.reporting.reading import (
    diff_versions,
    etag,
    get_report,
    get_version,
    list_events,
    list_reports,
    list_versions,
)
from ses.reporting.review import correct, transition
from ses.reporting.store import raise_precondition
from ses.reporting.submission import Draft, create_report, replace_content, upload_table

__all__ = [
    "Draft",
    "check_content",
    "correct",
    "create_report",
    "diff_versions",
    "etag",
    "get_report",
    "get_version",
    "list_events",
    "list_reports",
    "list_versions",
    "raise_precondition",
    "replace_content",
    "transition",
    "upload_table",
]
