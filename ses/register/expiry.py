"""Statuses granted for a term expire on their own: written down once a day, never read stale.

The stored state is what lists, facet counts, exports and other packages' indicators read in SQL,
so it is kept true rather than recomputed in each of them: `status_services.expire_lapsed` turns
every status past its `valid_to` into "expired" (with its event and audit record). It runs

- from the daily job (`EXPIRY_JOB`, just after midnight), and
- before the first request each process handles on a new day (`sweep_once_a_day`, a before-request
  hook: one date comparison per request, the sweep itself once a day),

and a status recorded or extended with a term already past is stored expired at once. Reads of a
single status also apply `statuses.effective_state`, so even a status read by a service outside
the web app (a CLI, a test) shows the state the law gives it today.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from ses.register import status_services

log = logging.getLogger("ses.register")


class DailySweep:
    def __init__(self) -> None:
        self.done_on: date | None = None
        self._lock: asyncio.Lock | None = None

    async def ensure(self, today: date | None = None) -> None:
        today = today or date.today()
        if self.done_on == today:
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self.done_on == today:
                return
            expired = await status_services.expire_lapsed(today)
            if expired:
                log.info("status expiry: %d statuses expired", expired)
            self.done_on = today


SWEEP = DailySweep()


async def sweep_once_a_day() -> None:
    await SWEEP.ensure()


async def expiry_job() -> int:
    return await status_services.expire_lapsed()
