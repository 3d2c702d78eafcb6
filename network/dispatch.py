"""Where a network computation runs: from the in-memory region index, in a thread, or in a worker
process, with each answer computed once per data stamp and kept in the result cache.

networkx is pure Python and holds the GIL, and turning 200,000 rows into Python objects runs on
the event loop: done in the server, other requests' p99 rose from ~0.1 s to ~1.6–2 s (measured).
So large scopes are read and measured in a worker process (network/worker.py); small ones stay in
a thread, where they finish before a process would have started.

The region index is built when the data changes, not when a request first needs it: a keeper task
(started with the server, `index_lifespan`) watches the data stamp and rebuilds the index in a
worker process after every change, so the first computation after a change does not run beside
the index build (measured with benchmarks.network: other requests' p99 during that first cold
computation was 26.8 ms against 10.8–12.7 ms alone).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.to_process
import anyio.to_thread
from anyio.lowlevel import RunVar

from network import worker
from network.caching import IndexHolder, ResultCache
from network.loading import load_rows, tie_count
from network.metrics import Scope, compute
from network.region_index import RegionIndex
from network.state import data_stamp
from network.tables import Relation

log = logging.getLogger(__name__)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


SLOTS = int(os.environ.get("SES_NETWORK_SLOTS") or max(1, _cores() - 1))
"""At most this many network computations run at once, so one core always stays free for the
requests (on 2 cores the region's computation and the region index's build used to run side by side
and took both)."""
_slots: RunVar[anyio.CapacityLimiter] = RunVar("network_worker_slots")
"""One limiter per event loop, as anyio keeps its own default limiter for worker processes."""


async def in_worker(func: Any, *args: Any) -> Any:
    """`func(*args)` in a worker process, waiting for a free slot first."""
    try:
        slots = _slots.get()
    except LookupError:
        slots = anyio.CapacityLimiter(SLOTS)
        _slots.set(slots)
    return await anyio.to_process.run_sync(func, *args, cancellable=True, limiter=slots)


async def _build_index() -> RegionIndex | None:
    return await in_worker(worker.build_index)  # type: ignore[no-any-return]


CACHE = ResultCache()
INDEX = IndexHolder(_build_index)

PROCESS_THRESHOLD = 20_000
"""Scopes with more ties than this are read and measured in a worker process."""

INDEX_MIN_TIES = PROCESS_THRESHOLD
"""Networks with more ties than this are also held in memory (network/region_index.py) for
territory and type-subset answers; smaller ones are read from the database fast enough."""


async def _indexed(what: str, scope: Scope, extra: tuple[Any, ...], stamp: tuple[Any, ...] | None) -> Any:
    """The answer computed from the in-memory index of this very data stamp, or None.

    Used for the metrics of a territory or a type subset small enough to measure in a thread, and
    for timelines (not for ego networks). Without an index of this stamp the answer is read from
    the database as before; the keeper builds the index after the change.
    """
    if what not in ("metrics", "timeline") or stamp is None or scope.ego is not None:
        return None
    index = INDEX.current(stamp)
    if index is None:
        return None
    if what == "timeline":
        return await anyio.to_thread.run_sync(index.timeline, scope, extra[0])
    if not (scope.territory or scope.types) or index.count(scope) > PROCESS_THRESHOLD:
        return None
    net = index.net(scope)
    return await anyio.to_thread.run_sync(functools.partial(compute, net, with_communities=extra[0]))


async def off_loop(
    what: str, scope: Scope, extra: tuple[Any, ...], all_dates: bool, stamp: tuple[Any, ...] | None = None
) -> Any:
    """Compute `what` for `scope` off the event loop (index, thread or worker process)."""
    answer = await _indexed(what, scope, extra, stamp)
    if answer is not None:
        return answer
    if await tie_count(scope) > PROCESS_THRESHOLD:
        return await in_worker(worker.run, what, scope, extra, all_dates)
    nodes, edges = await load_rows(scope, all_dates=all_dates, details=what == "export")
    # networkx is pure Python: run it off the event loop so other requests keep being served.
    return await anyio.to_thread.run_sync(functools.partial(worker.job(what), nodes, edges, scope, *extra))


async def cached(what: str, scope: Scope, *extra: Any, all_dates: bool = False) -> tuple[Any, bool, int]:
    """(answer, whether it came from the cache, network version) for `what` on `scope`."""
    version, token, register_stamp = await data_stamp()
    stamp = (token, register_stamp)
    value, was_cached = await CACHE.get_or_compute(
        (what, token, register_stamp, scope.key(), extra),
        lambda: off_loop(what, scope, extra, all_dates, stamp),
    )
    return value, was_cached, version


# ---------------------------------------------------------------- the index kept fresh

KEEPER_PERIOD_S = 1.0
"""How often the keeper compares the data stamp with the index's (two indexed one-row reads)."""


async def keep_index_fresh() -> None:
    """Build the region index for the current data, and again after every change of it."""
    while True:
        try:
            await refresh_index()
        except Exception:  # pragma: no cover - logged; the answers fall back to the database
            log.exception("network index refresh failed")
        await asyncio.sleep(KEEPER_PERIOD_S)


async def refresh_index() -> asyncio.Task[None] | None:
    """Start a build when the index does not hold the current data and the network is large."""
    if not INDEX.enabled or INDEX.is_building:
        return None
    _, token, register_stamp = await data_stamp()
    stamp = (token, register_stamp)
    if INDEX.current(stamp) is not None or await Relation.count() <= INDEX_MIN_TIES:
        return None
    return INDEX.refresh(stamp)


@contextlib.asynccontextmanager
async def index_lifespan(_app: Any = None) -> AsyncIterator[None]:
    """The keeper runs as long as the server does."""
    if not INDEX.enabled:
        yield
        return
    keeper = asyncio.get_running_loop().create_task(keep_index_fresh())
    try:
        yield
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        if INDEX.building is not None:
            INDEX.building.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await INDEX.building
