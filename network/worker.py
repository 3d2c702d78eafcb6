"""Network computations in a worker process: read the scope from the database, then measure.

Used for large scopes. Both reading 200,000 ties (row conversion runs on the event loop) and
networkx itself (pure Python, holding the GIL) slowed every other request of the server when done
in its own process; a worker process has its own interpreter and its own database connection.
It sees committed data, which is what any other request would see.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import sys
from typing import Any

from network import metrics
from network.metrics import Scope

JOBS = {
    "metrics": metrics.metrics_job,
    "recommendations": metrics.recommendations_job,
    "change": metrics.change_job,
    "timeline": metrics.timeline_job,
    "export": metrics.export_job,
}


PR_SET_PDEATHSIG = 1
NICENESS = 10
"""Worker processes run network computations at a lower CPU priority: background work that must
yield the CPU to request handling (measured on the loaded 2-core machine: with the region index
built beside the region's computation at normal priority, other requests' p99 rose to 916 ms)."""


def lower_priority() -> None:
    """Once per worker process (anyio's worker processes serve only the network's jobs)."""
    current = os.nice(0)
    if current < NICENESS:
        os.nice(NICENESS - current)
        end_with_parent()


def end_with_parent() -> None:
    """Linux: the worker ends when the server that started it ends, however it ended (a server
    killed with SIGKILL otherwise left idle workers behind, seen after benchmark runs)."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent was already gone before the request took effect
        os._exit(0)


def run(what: str, scope: Scope, extra: tuple[Any, ...], all_dates: bool) -> Any:
    lower_priority()
    return asyncio.run(_run(what, scope, extra, all_dates))


async def _run(what: str, scope: Scope, extra: tuple[Any, ...], all_dates: bool) -> Any:
    from network.services import load_rows
    from ses.db import release_connections

    try:
        nodes, edges = await load_rows(scope, all_dates=all_dates)
    finally:
        await release_connections()
    return JOBS[what](nodes, edges, scope, *extra)


def build_index() -> Any:
    lower_priority()
    return asyncio.run(_build_index())


async def _build_index() -> Any:
    """The region index, or None when the data changed while it was read (no stamp to trust)."""
    from network.region_index import RegionIndex
    from network.services import data_stamp, load_rows
    from ses.db import release_connections

    try:
        before = await data_stamp()
        nodes, edges = await load_rows(Scope(), all_dates=True)
        after = await data_stamp()
    finally:
        await release_connections()
    if before != after:
        return None
    return RegionIndex.build(before[1:], nodes, edges)
