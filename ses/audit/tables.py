from __future__ import annotations

from piccolo.columns import JSON, BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditRecord(Table, tablename="audit_record"):
    """One change or security event. Written in the same transaction as the change it records."""

    at = Timestamptz(index=True)
    actor_id = Integer(null=True, default=None)
    actor = Varchar(length=120)
    channel = Varchar(length=10)
    action = Varchar(length=40, index=True)
    entity_type = Varchar(length=40)
    entity_id = BigInt(null=True, default=None, index=True)
    changes = JSON(default="{}")
    reason = Text(null=True, default=None)
    address = Varchar(length=64, null=True, default=None)
