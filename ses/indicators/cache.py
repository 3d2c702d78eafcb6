"""Computed value tables kept while the data they come from is unchanged, so a dashboard page that
was computed once answers from memory.

An entry is keyed by what was asked (indicator, level, territory, period, day) and stamped with
the number of write transactions this process has committed (`ses.db.committed_writes()`): every
write of the register, a report's acceptance, a tie, a status or a snapshot goes through
`write_transaction()`, so the next request after its commit computes afresh. What this process cannot
see — a write by another worker or by `ses` on the command line — shows within `MAX_AGE_S`, the age
after which no entry is served whatever its stamp. A snapshot or a programme loaded through this
process clears the cache at once. Inside a transaction (tests, a caller's own transaction) nothing
is cached: uncommitted rows must never be served to anyone else.

Concurrent requests for one missing entry compute it once (`computed_once`, ses/single_flight.py):
eight committee members opening the panel the moment it went stale run one computation, not eight.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from ses.db import committed_writes, engine
from ses.single_flight import SingleFlight

MAX_AGE_S = 60.0
MAX_ENTRIES = 2048

T = TypeVar("T")

_entries: OrderedDict[tuple[Any, ...], tuple[Any, float, Any]] = OrderedDict()
_generation = 0
_flights: SingleFlight[Any] = SingleFlight()


def _stamp() -> Any:
    return (_generation, committed_writes())


def clear() -> None:
    global _generation
    _generation += 1
    _entries.clear()


def usable() -> bool:
    return engine().current_transaction.get() is None


def get(key: tuple[Any, ...]) -> Any | None:
    if not usable():
        return None
    found = _entries.get(key)
    if found is None or found[0] != _stamp() or time.monotonic() - found[1] > MAX_AGE_S:
        return None
    _entries.move_to_end(key)
    return found[2]


def put(key: tuple[Any, ...], stamp: Any, value: Any) -> None:
    _entries[key] = (stamp, time.monotonic(), value)
    _entries.move_to_end(key)
    while len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)


def stamp_now() -> Any | None:
    """The stamp to store with an entry computed from now on (None: do not cache)."""
    return _stamp() if usable() else None


async def computed_once(key: tuple[Any, ...], compute: Callable[[], Awaitable[T]]) -> T:
    """The entry of `key`, computed by `compute` when missing — once for concurrent callers."""
    found = get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    stamp = stamp_now()
    if stamp is None:
        return await compute()

    async def compute_and_keep() -> T:
        value = await compute()
        put(key, stamp, value)
        return value

    value, _led = await _flights.run((key, stamp), compute_and_keep)
    return value  # type: ignore[no-any-return]
