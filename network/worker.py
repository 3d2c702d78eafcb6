"""What runs inside a network worker process: read the scope from the database, then measure.

Used for large scopes. Both reading 200,000 ties (row conversion runs on the event loop) and
networkx itself (pure Python, holding the GIL) slowed every other request of the server when done
in its own process; a worker process has its own interpreter and its own database connection.
It sees committed data, which is what any other request would see.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from network.metrics import Scope


def job(what: str) -> Callable[..., Any]:
    """The computation named `what`. numpy, scipy and networkx are imported here, not with this
    module, so that a new worker lowers its priority before those imports (see the end)."""
    from network import drawing, metrics

    jobs: dict[str, Callable[..., Any]] = {
        "metrics": metrics.metrics_job,
        "recommendations": metrics.recommendations_job,
        "change": metrics.change_job,
        "timeline": metrics.timeline_job,
        "export": metrics.export_job,
        "drawing": drawing.drawing_job,
    }
    return jobs[what]


PR_SET_PDEATHSIG = 1
NICENESS = 10
"""Worker processes run network computations at a lower CPU priority: background work that must
yield the CPU to request handling (measured on the loaded 2-core machine: with the region index
built beside the region's computation at normal priority, other requests' p99 rose to 916 ms)."""


def become_background_worker() -> None:
    """Once per worker process (anyio's worker processes serve only the network's jobs): lower
    priority, and an end together with the server."""
    os.nice(NICENESS)
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection during one job: reading 200,000 ties makes Python's collector walk the
    growing heap again and again (measured: gen-2 passes of 60–110 ms, a dozen per job). A job makes
    few reference cycles; they are collected when the collector is back on."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run(what: str, scope: Scope, extra: tuple[Any, ...], all_dates: bool) -> Any:
    with collector_paused():
        return asyncio.run(_run(what, scope, extra, all_dates))


async def _run(what: str, scope: Scope, extra: tuple[Any, ...], all_dates: bool) -> Any:
    from network.loading import load_rows
    from ses.db import release_connections

    try:
        nodes, edges = await load_rows(scope, all_dates=all_dates, details=what == "export")
    finally:
        await release_connections()
    return job(what)(nodes, edges, scope, *extra)


def build_index() -> Any:
    with collector_paused():
        return asyncio.run(_build_index())


async def _build_index() -> Any:
    """The region index, or None when the data changed while it was read (no stamp to trust)."""
    from network.loading import load_rows
    from network.metrics import Scope
    from network.region_index import RegionIndex
    from network.state import data_stamp
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


def _in_worker_process() -> bool:
    """True in a process anyio started for jobs (`python -m anyio.to_process`). Its `__main__` is
    replaced by the server's own main module when the worker starts, so ask argv, which stays."""
    return Path(sys.argv[0] if sys.argv else "").parts[-2:] == ("anyio", "to_process.py")


if _in_worker_process():
    # The first job's function is unpickled before its arguments, so this runs before numpy, scipy
    # and networkx are imported for them (~0.6 s): measured nice 10 within 0.3 s of the first
    # request (0.75 s when this module imported them itself; before, only when the job began, ~1 s).
    become_background_worker()
