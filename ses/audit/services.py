"""Writing and reading the audit trail. Callers pass the same transaction as their change."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ses.audit.channel import Channel
from ses.audit.tables import AuditRecord
from ses.prepared import Prepared, prepared


@dataclass(frozen=True)
class Actor:
    """Who makes a change and through which door: recorded with every change."""

    label: str
    channel: Channel
    account_id: int | None = None
    address: str | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(label=label, channel=Channel.SYSTEM)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Values equal as they are are equal as the audit writes them: no conversion needed to know it.
_SAME_AS_WRITTEN = (str, int, bool, date, type(None))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field-by-field changes as {field: [old, new]}, only for fields whose value changed."""
    changes: dict[str, list[Any]] = {}
    for key, value in after.items():
        old = before.get(key)
        if type(old) is type(value) and type(value) in _SAME_AS_WRITTEN and old == value:
            continue  # the common case of an import checking an unchanged record: nothing to convert
        if (plain_old := _plain(old)) != (plain_value := _plain(value)):
            changes[key] = [plain_old, plain_value]
    return changes


# The audit record as hand-written SQL (`Table.raw`, `{}` placeholders, both engines), for a use case
# on a measured hot path that writes its rows in as few statements as it can (a new report:
# ses/reporting/submission_sql.py). The values come from `audit_fields`, in AUDIT_COLUMNS order.
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


def audit_fields(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: Mapping[str, Any],
    reason: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The column values of one audit record (plain data, cheap enough for bulk imports)."""
    return {
        "at": at or datetime.now(UTC),
        "actor_id": actor.account_id,
        "actor": actor.label[:120],
        "channel": actor.channel.value,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "changes": json.dumps(
            {k: [_plain(v) for v in pair] for k, pair in changes.items()}, ensure_ascii=False
        ),
        "reason": reason,
        "address": actor.address,
    }


def audit_row(*args: Any, **kwargs: Any) -> AuditRecord:
    return AuditRecord(**audit_fields(*args, **kwargs))


async def record_event(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: Mapping[str, Any],
    reason: str | None = None,
) -> None:
    await AuditRecord.insert(audit_row(actor, action, entity_type, entity_id, changes, reason))


async def record_many(rows: Iterable[AuditRecord], batch: int = 500) -> None:
    pending = list(rows)
    for start in range(0, len(pending), batch):
        await AuditRecord.insert(*pending[start : start + batch])


@lru_cache(maxsize=32)
def _history_statement(limit: int, offset: int) -> Prepared[list[dict[str, Any]]]:
    """One prepared statement per page shape (the limit and offset are part of the SQL text)."""
    return prepared(
        lambda entity_type, entity_id: (
            AuditRecord.select(
                AuditRecord.at,
                AuditRecord.actor,
                AuditRecord.channel,
                AuditRecord.action,
                AuditRecord.changes,
                AuditRecord.reason,
            )
            .where((AuditRecord.entity_type == entity_type) & (AuditRecord.entity_id == entity_id))
            .order_by(AuditRecord.id, ascending=False)
            .limit(limit)
            .offset(offset)
            .output(load_json=True)
        )
    )


async def history(
    entity_type: str, entity_id: int, limit: int = 200, offset: int = 0
) -> list[dict[str, Any]]:
    return list(await _history_statement(limit, offset)(entity_type, entity_id))
