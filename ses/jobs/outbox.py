"""The outbox of reminders: every message is kept; it is e-mailed when SMTP is configured.

A message is written first (so a reminder is never lost when the mail server is away) and sent
afterwards; `deliver()` sends what is still unsent and records the outcome on each message.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import anyio

from ses.db import write_transaction
from ses.jobs.tables import OutboxMessage
from ses.settings import get_settings


def recipients() -> list[str]:
    return [a.strip() for a in get_settings().reminder_recipients.split(",") if a.strip()]


async def queue(kind: str, subject: str, body: str, to: Sequence[str] = ()) -> int:
    """Keep a message for `to` and the configured recipients (`SES_REMINDER_RECIPIENTS`)."""
    addresses = list(dict.fromkeys([*(a.strip() for a in to if a and a.strip()), *recipients()]))
    async with write_transaction():
        rows = await OutboxMessage.insert(
            OutboxMessage(
                created_at=datetime.now(UTC),
                kind=kind,
                subject=subject[:300],
                body=body,
                recipients=", ".join(addresses),
            )
        )
    return int(rows[0]["id"])


def _send(host: str, port: int, sender: str, to: list[str], subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(host, port, timeout=20) as smtp:
        smtp.send_message(message)


async def deliver() -> dict[str, int]:
    """E-mail unsent messages (off the event loop); without SMTP they wait in the outbox."""
    settings = get_settings()
    if not settings.smtp_host:
        return {"sent": 0, "failed": 0}
    pending: list[dict[str, Any]] = await OutboxMessage.select().where(OutboxMessage.sent_at.is_null())
    sent = failed = 0
    for message in pending:
        # the addresses the message was written for (an organisation's) and the configured ones
        written = [a.strip() for a in (message["recipients"] or "").split(",") if a.strip()]
        to = list(dict.fromkeys([*written, *recipients()]))
        if not to:
            continue
        try:
            await anyio.to_thread.run_sync(
                _send,
                settings.smtp_host,
                settings.smtp_port,
                settings.smtp_sender,
                to,
                message["subject"],
                message["body"],
            )
        except (OSError, smtplib.SMTPException) as error:
            failed += 1
            values: dict[Any, Any] = {OutboxMessage.error: f"{type(error).__name__}: {error}"[:500]}
        else:
            sent += 1
            values = {OutboxMessage.sent_at: datetime.now(UTC), OutboxMessage.error: None}
        async with write_transaction():
            await OutboxMessage.update(values).where(OutboxMessage.id == message["id"])
    return {"sent": sent, "failed": failed}
