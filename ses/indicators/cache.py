"""Computed value tables kept while the data they come from is unchanged, so a dashboard page that
was computed once answers from memory.

An entry is served for at most `MAX_AGE_S` seconds: a change of the register, reports or ties
shows on the dashboards within that time. (SQLite's `PRAGMA data_version` was tried as the stamp:
every request with a bearer token commits its "last used" time, so it changed on every request
and nothing was ever served from memory.) A snapshot or a programme loaded through this process
clears the cache at once. Inside a transaction (tests, a caller's own transaction) nothing is
cached: uncommitted rows must never be served to anyone else.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from ses.db import engine

MAX_AGE_S = 30.0
MAX_ENTRIES = 2048

_entries: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
_generation = 0


def _stamp() -> Any:
    return (_generation, int(time.monotonic() // MAX_AGE_S))


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
    if found is None or found[0] != _stamp():
        return None
    _entries.move_to_end(key)
    return found[1]


def put(key: tuple[Any, ...], stamp: Any, value: Any) -> None:
    _entries[key] = (stamp, value)
    _entries.move_to_end(key)
    while len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)


def stamp_now() -> Any | None:
    """The stamp to store with an entry computed from now on (None: do not cache)."""
    return _stamp() if usable() else None
