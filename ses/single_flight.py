"""Compute once for concurrent callers: callers asking for the same key while a computation of it
is running wait for that one computation instead of each running it.

Used by the register's list-page cache (32 clients asking for one page the moment its entry went
stale ran 32 searches at once) and by the network's result cache; a package with an expensive,
cacheable computation uses it the same way:

    FLIGHTS = SingleFlight()
    value, led = await FLIGHTS.run(key, compute)   # led: this caller ran `compute` itself

Rules: a waiter gets the leader's answer, its error included (the same question gets the same
answer); when the leader is cancelled (its client went away) a waiter that was not cancelled itself
computes instead; a computation started on another event loop (a test's, a worker thread's) is never
joined. Nothing is cached here: the caller stores the value where it keeps answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class SingleFlight(Generic[V]):
    """The computations running now, by key."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Future[V]] = {}

    def __len__(self) -> int:
        return len(self._running)

    async def run(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> tuple[V, bool]:
        """(value, led): `led` is False when the value came from another caller's computation."""
        loop = asyncio.get_running_loop()
        while (pending := self._running.get(key)) is not None and pending.get_loop() is loop:
            try:
                return await asyncio.shield(pending), False
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not pending.cancelled() or (task is not None and task.cancelling()):
                    raise  # this caller itself was cancelled
                # The leader went away: lead (or join whoever took over first).
                if self._running.get(key) is pending:
                    del self._running[key]
        future: asyncio.Future[V] = loop.create_future()
        self._running[key] = future
        try:
            value = await compute()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an error nobody waited for is not logged as lost
            raise
        finally:
            if self._running.get(key) is future:
                del self._running[key]
        future.set_result(value)
        return value, True
