"""The directory's scheduled job: ask organisations to confirm entries that have aged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.directory.services import now
from ses.directory.tables import Service
from ses.directory.vocab import CONFIRMATION_MAX_AGE_DAYS, REMINDER_INTERVAL_DAYS
from ses.extensions import ScheduledJob
from ses.jobs import outbox
from ses.register.tables import Organisation


async def remind_unconfirmed() -> dict[str, int]:
    """Each organisation with services unconfirmed for over 180 days, not asked in the last 30, is
    asked once: the request is on record (audit log, entity `organisation`) and the services carry
    `reminded_at`; a message in the outbox (/zadania) names them and asks for confirmation — to the
    organisation's e-mail when the register has one, and to `SES_REMINDER_RECIPIENTS` — and the
    organisation's list of its services shows them as awaiting confirmation."""
    stamp = now()
    stale = Service.confirmed_at.is_null() | (
        Service.confirmed_at < stamp - timedelta(days=CONFIRMATION_MAX_AGE_DAYS)
    )
    not_asked = Service.reminded_at.is_null() | (
        Service.reminded_at < stamp - timedelta(days=REMINDER_INTERVAL_DAYS)
    )
    actor = Actor.system("przypomnienie o potwierdzeniu usług")
    async with write_transaction():
        rows = await Service.select(
            Service.id, Service.organisation, Service.name, Service.confirmed_at
        ).where(stale & not_asked & (Service.status == "active"))
        by_org: dict[int, list[int]] = {}
        for row in rows:
            by_org.setdefault(row["organisation"], []).append(row["id"])
        organisations = {
            org["id"]: org
            for org in await Organisation.select(
                Organisation.id, Organisation.name, Organisation.email
            ).where(Organisation.id.is_in(list(by_org) or [0]))
        }
        for org_id, ids in by_org.items():
            org = organisations.get(org_id, {"name": f"organizacja {org_id}", "email": None})
            await outbox.queue(
                "directory_confirmation",
                f"Prośba o potwierdzenie usług w katalogu: {org['name']}",
                _request(org["name"], [row for row in rows if row["organisation"] == org_id]),
                to=[org["email"]] if org["email"] else (),
            )
            await record_event(
                actor,
                "directory.confirmation_requested",
                "organisation",
                org_id,
                {"services": [None, ids]},
                reason=f"{len(ids)} usług czeka na potwierdzenie aktualności "
                f"(starsze niż {CONFIRMATION_MAX_AGE_DAYS} dni).",
            )
        if rows:
            await Service.update({Service.reminded_at: stamp}).where(
                Service.id.is_in([row["id"] for row in rows])
            )
    return {"organisations": len(by_org), "services": len(rows)}


def _request(name: str, services: list[dict[str, Any]]) -> str:
    lines = [
        f"Dzień dobry, {name}:",
        "",
        f"te usługi organizacji w publicznym katalogu usług społecznych (/uslugi) nie były potwierdzone "
        f"od ponad {CONFIRMATION_MAX_AGE_DAYS} dni, więc mieszkańcy widzą przy nich ostrzeżenie:",
        "",
    ]
    for service in services:
        confirmed = service["confirmed_at"]
        when = f"potwierdzona {str(confirmed)[:10]}" if confirmed else "nigdy niepotwierdzona"
        lines.append(f"- {service['name']} (id {service['id']}, {when})")
    lines += [
        "",
        "Prosimy sprawdzić, czy opis, godziny i kontakt są aktualne, i potwierdzić je: w API SES "
        "POST /api/v1/services/{id}/confirm (z nagłówkiem If-Match) albo zmieniając usługę (PUT), "
        "lub odpowiadając na tę wiadomość do ROPS.",
    ]
    return "\n".join(lines)


JOBS = (
    ScheduledJob(
        id="directory.remind_unconfirmed",
        run=remind_unconfirmed,
        cron={"hour": 6, "minute": 30},
        title="Prośba do organizacji o potwierdzenie usług niepotwierdzonych od ponad 6 miesięcy",
        count_labels={"organisations": "organizacje", "services": "usługi"},
    ),
)
