"""One polite HTTP client for every public source.

The transports are stacked so that each concern is done once (stack notes §4):

    cache (hishel 2, RFC 9111 rules)  →  retries (httpx-retries)  →  per-host pace  →  network

A cached answer spends neither a retry nor a slot of the rate limit; every retry waits its turn
under the rate limit. Limits and timeouts sit on the innermost transport, because httpx ignores
client-level `limits=` once a transport is given.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_retries import Retry, RetryTransport

from ses.settings import get_settings

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Source:
    """How to talk to one public source."""

    name: str
    base_url: str
    rate: float
    """Requests per second to this source's host (0: no limit)."""
    headers: tuple[tuple[str, str], ...] = ()
    cacheable: bool = False
    """Whether answers may be cached (KRS extracts change: no; BDL dictionaries: yes)."""


def user_agent() -> str:
    return f"SES/0.1 (rejestr ekonomii spolecznej ROPS; kontakt: {get_settings().contact_email})"


def krs_source() -> Source:
    settings = get_settings()
    return Source("krs", settings.krs_url, settings.krs_rate)


def bdl_source() -> Source:
    settings = get_settings()
    headers = (("X-ClientId", settings.bdl_client_id),) if settings.bdl_client_id else ()
    return Source("bdl", settings.bdl_url, settings.bdl_rate, headers=headers, cacheable=True)


class PacedTransport(httpx.AsyncBaseTransport):
    """At most `rate` requests per second to each host (a minimum interval between their starts)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, rate: float) -> None:
        self.inner = inner
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.interval:
            host = request.url.host
            lock = self._locks.setdefault(host, asyncio.Lock())
            async with lock:
                wait = self._next.get(host, 0.0) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next[host] = time.monotonic() + self.interval
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def retry_policy(attempts: int = 4, backoff: float = 0.5) -> Retry:
    """Exponential backoff with jitter on timeouts, connection errors, 429 and 5xx; Retry-After honoured."""
    return Retry(
        total=attempts - 1,
        backoff_factor=backoff,
        backoff_jitter=1.0,
        status_forcelist=RETRIED_STATUSES,
        respect_retry_after_header=True,
        max_backoff_wait=60.0,
        retry_on_exceptions=(httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError),
    )


def build_client(
    source: Source,
    *,
    timeout: float = 20.0,
    connect_timeout: float = 5.0,
    max_connections: int = 8,
    retry: Retry | None = None,
    cache_path: str | None = None,
    inner: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """The client of one run against one source (close it when the run ends)."""
    network = inner or httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    )
    transport: httpx.AsyncBaseTransport = RetryTransport(
        transport=PacedTransport(network, source.rate), retry=retry or retry_policy()
    )
    cache_path = cache_path if cache_path is not None else get_settings().http_cache_path
    if source.cacheable and cache_path:
        transport = _cached(transport, cache_path)
    return httpx.AsyncClient(
        base_url=source.base_url,
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        headers={"User-Agent": user_agent(), "Accept": "application/json", **dict(source.headers)},
        follow_redirects=True,
    )


def _cached(transport: httpx.AsyncBaseTransport, path: str) -> Any:
    # hishel 2: rfc=True obeys Cache-Control (the default caches every 2xx, no-store included);
    # the TTL bounds what a source that sends no caching headers leaves in the file.
    import hishel
    from hishel.httpx import AsyncCacheTransport

    storage = hishel.AsyncSqliteStorage(database_path=path, default_ttl=86400)
    return AsyncCacheTransport(next_transport=transport, storage=storage, rfc=True)
