"""Network computations in a worker process: read the scope from the database, then measure.

Used for large scopes. Both reading 200,000 ties (row conversion runs on the event loop) and
networkx itself (pure Python, holding the GIL) slowed every other request of the server when done
in its own process; a worker process has its own interpreter and its own database connection.
It sees committed data, which is what any other request would see.
"""

from __future__ import annotations

import asyncio
from typing import Any

from network import metrics
from network.metrics import Scope

JOBS = {
    "metrics": metrics.metrics_job,
    "recommendations": metrics.recommendations_job,
    "change": metrics.change_job,
    "export": metrics.export_job,
}


def run(what: str, scope: Scope, extra: tuple[Any, ...], all_dates: bool) -> Any:
    return asyncio.run(_run(what, scope, extra, all_dates))


async def _run(what: str, scope: Scope, extra: tuple[Any, ...], all_dates: bool) -> Any:
    from network.services import load_rows
    from ses.db import release_connections

    try:
        nodes, edges = await load_rows(scope, all_dates=all_dates)
    finally:
        await release_connections()
    return JOBS[what](nodes, edges, scope, *extra)



