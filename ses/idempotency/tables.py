"""The table of the idempotency mechanism (ses/idempotency): one row per claimed key."""

from __future__ import annotations

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.table import Table


class IdempotencyKey(Table, tablename="idempotency_key"):
    """The first answer given to a POST with an `Idempotency-Key`; (scope, key) is unique.

    A retry with the same key and the same request gets this answer back instead of a second
    change. `resource_id` is the id of what the first request made (a report, a comment, an
    evidence file, a survey response): kept for tracing, with no foreign key, since any package
    may use the mechanism.
    """

    scope = Varchar(length=40)
    key = Varchar(length=200)
    fingerprint = Varchar(length=64)
    resource_id = Integer(null=True, default=None)
    status_code = Integer()
    response = JSON()
    created_at = Timestamptz()
