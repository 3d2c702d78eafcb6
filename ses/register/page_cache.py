"""Ready answers of register list pages: the JSON bytes of a page, kept while the register is unchanged.

A list page costs a few milliseconds of Python (three statements, rows turned into dicts, JSON);
the same page asked again while no organisation changed is the same bytes. Entries are keyed by

- the register's stamp (`stamp.register_stamp()`: MAX(updated_at), MAX(id) — every write of an
  organisation moves one of them),
- the viewer's scope (readers of the whole register share one scope; an OWES account would get its
  own, keyed by its organisation — today the list route refuses OWES altogether),
- the query string in canonical form (parameters ordered by name, repeated values in their order);
  a query with a parameter the route does not read is answered but never stored.

How fresh the stamp is, without paying a statement per request (`CommittedStamp`):

- SQLite: `PRAGMA data_version` on a private read-only connection (8 µs, no thread hop) changes
  whenever any other connection — of this process or any other — commits; only then is the stamp
  read again. A write is visible to the very next list request in every process.
- PostgreSQL: the stamp is read again when `STAMP_RECHECK_S` has passed since the last read, and at
  once after a register write committed by this process, whichever package made it
  (`ses.register.changes`). A write by another
  process (another worker, `ses import`, a sync job) is visible within `STAMP_RECHECK_S` (0.25 s).
  Concurrent PostgreSQL writers may commit out of stamp order: a transaction that took its
  `updated_at` (or its new id) before another one but commits after it leaves MAX(updated_at) and
  MAX(id) unchanged. The stamp cannot see that write, so on PostgreSQL no entry is served once it is
  older than `MAX_ENTRY_AGE_S` (30 s): the bound for that race. (SQLite has no such race: writers
  take the lock before they stamp.) A version row bumped inside every register write transaction
  would close it; that belongs to the register services.

Inside a database transaction (a test, or a caller's own transaction) the stamp is read through
that transaction every time, and entries made there are kept apart from committed ones, so rows
nobody committed can never be served to anyone else.

Each answer carries a strong ETag (a hash of its bytes); `If-None-Match` with it gives 304.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from litestar import Response
from litestar.serialization import encode_json

from ses.auth.policy import Principal
from ses.register import changes
from ses.register.stamp import STAMP, in_transaction, is_sqlite, register_stamp
from ses.single_flight import SingleFlight

MAX_ENTRY_AGE_S = 30.0
"""PostgreSQL: no entry is served longer than this, whatever the stamp says (see module docs)."""
CACHE_BYTES = 24 * 1024 * 1024
"""Per process; a 50-row page is ~34 KB, so ~700 distinct pages."""
JSON = "application/json"


@dataclass(frozen=True)
class Entry:
    body: bytes
    etag: str
    made_at: float


class PageCache:
    def __init__(self, budget: int = CACHE_BYTES) -> None:
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...], now: float) -> Entry | None:
        entry = self.entries.get(key)
        # Hot path, engine branch kept: benchmarks.register (see ses/register/stamp.py is_sqlite).
        if entry is None or (not is_sqlite() and now - entry.made_at > MAX_ENTRY_AGE_S):
            self.misses += 1
            return None
        self.entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self.entries[key] = entry
        self.size += len(entry.body)
        while self.size > self.budget and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body)

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


PAGES = PageCache()


def register_changed() -> None:
    """Kept for callers written before ses.register.changes: a register write just committed by
    this process. New code needs nothing: the register's write services announce their writes."""
    changes.announce_write()


def canonical_query(raw: bytes) -> tuple[bytes, ...]:
    """The query string's parameters ordered by name, kept as sent (no decoding: two spellings that
    decode alike are merely two entries, never one entry for two different queries)."""
    pairs = [pair for pair in raw.split(b"&") if pair]
    return tuple(sorted(pairs, key=lambda pair: pair.partition(b"=")[0]))  # stable: repeats keep order


def scope_of(viewer: Principal | None) -> tuple[Any, ...]:
    """Who sees what: every reader of the whole register shares one scope; an OWES only its own."""
    if viewer is not None and viewer.is_owes:
        return ("owes", viewer.organisation_id)
    return ("register",)


def etag_of(body: bytes) -> str:
    return '"reg-' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _not_modified(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def _headers(entry: Entry, not_modified: bool) -> list[tuple[bytes, bytes]]:
    headers = [(b"etag", entry.etag.encode()), (b"cache-control", b"private, no-cache")]
    if not not_modified:
        headers += [(b"content-type", JSON.encode()), (b"content-length", str(len(entry.body)).encode())]
    return headers


def respond(entry: Entry, if_none_match: str | None) -> Response[Any]:
    headers = {"ETag": entry.etag, "Cache-Control": "private, no-cache"}
    if _not_modified(if_none_match, entry.etag):
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=entry.body, media_type=JSON, headers=headers)


def _key(stamp: Any, inside: bool, viewer: Principal | None, raw_query: bytes) -> tuple[Any, ...]:
    return (stamp, inside, scope_of(viewer), canonical_query(raw_query))


def _only_known(key: tuple[Any, ...], known: frozenset[str]) -> bool:
    return all(unquote(pair.partition(b"=")[0].decode("latin-1")) in known for pair in key[-1])


async def list_page(
    *,
    raw_query: bytes,
    viewer: Principal | None,
    if_none_match: str | None,
    compute: Callable[[], Awaitable[Any]],
    known_params: frozenset[str],
) -> Response[Any]:
    """The answer to one list request: from the cache when the register has not changed since.

    A query carrying a parameter the route does not read (`known_params`) is answered but not
    stored: endless junk parameters must not push the real pages out of the cache.
    """
    inside = in_transaction()
    stamp = await (register_stamp() if inside else STAMP.current())
    key = _key(stamp, inside, viewer, raw_query)
    now = time.monotonic()
    entry = PAGES.get(key, now)
    if entry is None:
        storable = _only_known(key, known_params)
        if storable and not inside:
            entry = await _made_once(key, compute, now)
        else:
            entry = await _made(compute, now)
            if storable:
                PAGES.put(key, entry)
    return respond(entry, if_none_match)


async def _made(compute: Callable[[], Awaitable[Any]], now: float) -> Entry:
    body = encode_json(await compute())
    return Entry(body=body, etag=etag_of(body), made_at=now)


IN_FLIGHT: SingleFlight[Entry] = SingleFlight()
"""Pages being computed now. Concurrent requests for a page that is not cached wait for the one
computation instead of each running it: 32 clients asking for a search the moment its entry went
stale ran 32 searches at once and stalled every other request for half a second (measured on
PostgreSQL, where entries also age out after MAX_ENTRY_AGE_S)."""


async def _made_once(key: tuple[Any, ...], compute: Callable[[], Awaitable[Any]], now: float) -> Entry:
    entry, led = await IN_FLIGHT.run(key, lambda: _made(compute, now))
    if led:
        PAGES.put(key, entry)
    return entry


class ServeCachedPages:
    """Route middleware of the list route: a page already in the cache is sent from here.

    It runs after authentication and before the route's guards, parameter parsing and response
    building — a quarter of the time of a cached answer. It serves only what the route would
    answer with the same bytes: a GET by a caller whose role the route's policy admits (`roles`,
    taken from the route's own guard), an entry for the same canonical query, viewer scope and
    current register stamp (an entry exists only for a query the route once answered with 200).
    Everything else — a miss, a refused caller, a request inside a transaction — goes on to the
    route unchanged.
    """

    def __init__(self, app: Any, roles: frozenset[Any]) -> None:
        self.app, self.roles = app, roles

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        viewer = scope.get("user")
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and isinstance(viewer, Principal)
            and viewer.role in self.roles
            and not in_transaction()
        ):
            now = time.monotonic()
            entry = PAGES.get(_key(await STAMP.current(), False, viewer, scope["query_string"]), now)
            if entry is not None:
                if_none_match = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
                not_modified = _not_modified(
                    if_none_match.decode("latin-1") if if_none_match else None, entry.etag
                )
                await send(
                    {"type": "http.response.start", "status": 304 if not_modified else 200,
                     "headers": _headers(entry, not_modified)}
                )  # fmt: skip
                await send({"type": "http.response.body", "body": b"" if not_modified else entry.body})
                return
        await self.app(scope, receive, send)
