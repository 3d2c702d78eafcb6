"""What the network keeps in memory between requests: computed answers, and the region index.

Both are keyed by the data stamp (network token, register stamp), so neither is ever served for
other data than it was computed from. Nothing here knows how an answer is computed: the caller
passes the computation (network/dispatch.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from network.region_index import RegionIndex

log = logging.getLogger(__name__)


class ResultCache:
    """Computed answers under (what, data stamp, scope); one computation per key at a time."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.pending: dict[tuple[Any, ...], asyncio.Future[Any]] = {}

    async def get_or_compute(
        self, key: tuple[Any, ...], compute: Callable[[], Awaitable[Any]]
    ) -> tuple[Any, bool]:
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key], True
        if key in self.pending:
            return await asyncio.shield(self.pending[key]), True
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[key] = future
        try:
            value = await compute()
        except Exception as error:
            future.set_exception(error)
            future.exception()  # consumed here; waiters re-raise it
            raise
        except BaseException:
            future.cancel()  # the computing request was cancelled (client gone)
            raise
        finally:
            self.pending.pop(key, None)
        future.set_result(value)
        self.entries[key] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value, False

    def clear(self) -> None:
        self.entries.clear()


CACHE = ResultCache()


class IndexHolder:
    """The current region index (or none) and at most one build under way."""

    def __init__(self, build: Callable[[], Awaitable[RegionIndex | None]]) -> None:
        self.build = build
        self.index: RegionIndex | None = None
        self.building: asyncio.Task[None] | None = None
        self.enabled = os.environ.get("SES_NETWORK_INDEX", "1") != "0"
        """False in one-shot processes (the CLI), where a background build would outlive the command,
        or with SES_NETWORK_INDEX=0 (every answer then reads the database)."""

    def current(self, stamp: tuple[Any, ...]) -> RegionIndex | None:
        index = self.index
        return index if index is not None and index.stamp == stamp else None

    @property
    def is_building(self) -> bool:
        return self.building is not None and not self.building.done()

    def refresh(self, stamp: tuple[Any, ...]) -> asyncio.Task[None] | None:
        """Start building the index for `stamp` in the background (no-op while a build runs)."""
        if not self.enabled or self.is_building:
            return None
        if self.index is not None and self.index.stamp == stamp:
            return None
        self.building = asyncio.get_running_loop().create_task(self._build())
        return self.building

    async def _build(self) -> None:
        try:
            index = await self.build()
        except Exception:  # pragma: no cover - the answer falls back to the database read
            log.exception("network index build failed")
            return
        if index is not None:
            self.index = index

    def clear(self) -> None:
        self.index = None
