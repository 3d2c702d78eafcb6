"""How repeated failed sign-ins are slowed down and then locked (pure policy, no I/O).

Per account: each failure after the first makes the next answer wait longer (0.25 s, 0.5 s, 1 s,
2 s … at most 4 s); the fifth failure in a row locks the account for 15 minutes. Per address: twenty
failures within 15 minutes lock that address for 15 minutes, whichever accounts it tried. A
successful sign-in clears the account's count. The wait is an `asyncio.sleep`, so it holds back only
the attacker's request, never anyone else's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

ACCOUNT_LOCK_AFTER = 5
ADDRESS_LOCK_AFTER = 20
LOCK_FOR = timedelta(minutes=15)
ADDRESS_WINDOW = timedelta(minutes=15)
MAX_DELAY_SECONDS = 4.0


@dataclass(frozen=True)
class Verdict:
    failures: int
    locked_until: datetime | None
    delay_seconds: float


def after_account_failure(previous_failures: int, now: datetime, slowdown: float = 1.0) -> Verdict:
    failures = previous_failures + 1
    locked_until = now + LOCK_FOR if failures >= ACCOUNT_LOCK_AFTER else None
    return Verdict(failures, locked_until, delay_for(failures, slowdown))


def after_address_failure(
    previous_failures: int, window_started_at: datetime | None, now: datetime
) -> tuple[int, datetime, datetime | None]:
    """(failures in the window, window start, locked until) after one more failure."""
    if window_started_at is None or now - window_started_at > ADDRESS_WINDOW:
        previous_failures, window_started_at = 0, now
    failures = previous_failures + 1
    locked_until = now + LOCK_FOR if failures >= ADDRESS_LOCK_AFTER else None
    return failures, window_started_at, locked_until


def delay_for(failures: int, slowdown: float = 1.0) -> float:
    if failures <= 1:
        return 0.0
    return min(0.25 * 2 ** (failures - 2), MAX_DELAY_SECONDS) * slowdown


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def name_key(username: str) -> str:
    """The throttle row of an account name, the same whether or not the account exists: failures
    are counted, delayed and locked per name, so the answers never tell which names are real."""
    return "name:" + hashlib.sha256(username.strip().encode()).hexdigest()[:48]
