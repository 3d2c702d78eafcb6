"""The core's boxes on the start page: the latest changes to the register, for staff."""

from __future__ import annotations

from ses.audit.channel import CHANNEL_LABELS
from ses.audit.tables import AuditRecord
from ses.auth.policy import Principal, Role
from ses.extensions import HomeSection
from ses.register.tables import Organisation
from ses.web.i18n import fmt_date, fmt_number, gettext, ngettext


async def recent_register_changes(user: Principal) -> HomeSection | None:
    if user.role not in (Role.STAFF, Role.ADMIN):
        return None
    rows = (
        await AuditRecord.select(
            AuditRecord.at, AuditRecord.actor, AuditRecord.channel, AuditRecord.entity_id, AuditRecord.action
        )
        .where(AuditRecord.entity_type == "organisation")
        .order_by(AuditRecord.id, ascending=False)
        .limit(8)
    )
    ids = {row["entity_id"] for row in rows if row["entity_id"] is not None}
    names = (
        {
            row["id"]: row["name"]
            for row in await Organisation.select(Organisation.id, Organisation.name).where(
                Organisation.id.is_in(list(ids))
            )
        }
        if ids
        else {}
    )
    items = [
        (
            f"{names.get(row['entity_id'], '—')} · {fmt_date(row['at'])} · {row['actor']} "
            f"({CHANNEL_LABELS.get(row['channel'], row['channel'])})",
            f"/rejestr/{row['entity_id']}" if row["entity_id"] in names else None,
        )
        for row in rows
    ]
    total = await Organisation.count().where(Organisation.activity_state != "retired")
    size = ngettext(
        "W rejestrze jest %(num)s podmiot.",
        "W rejestrze jest %(num)s podmiotów.",
        total,
        num=fmt_number(total),
    )
    return HomeSection(
        title=gettext("Ostatnie zmiany w rejestrze"),
        items=[(size, None), *items],
        empty=gettext("Rejestr nie był ostatnio zmieniany."),
        order=30,
    )
