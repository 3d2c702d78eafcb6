"""The value cache: an entry is served until a write transaction of this process commits (or its
age passes MAX_AGE_S), and concurrent requests for a missing entry compute it once."""

from __future__ import annotations

import asyncio

import pytest

from ses.indicators import cache

pytestmark = pytest.mark.anyio


@pytest.fixture
def kept(monkeypatch):
    writes = [0]
    monkeypatch.setattr(cache, "usable", lambda: True)
    monkeypatch.setattr(cache, "committed_writes", lambda: writes[0])
    cache.clear()
    yield writes
    cache.clear()


async def test_an_entry_is_served_until_a_write_commits(kept, monkeypatch):
    calls = []

    async def compute():
        calls.append(1)
        return len(calls)

    assert await cache.computed_once(("k",), compute) == 1
    assert await cache.computed_once(("k",), compute) == 1  # kept
    kept[0] += 1  # a write transaction committed
    assert await cache.computed_once(("k",), compute) == 2
    now = cache.time.monotonic()
    monkeypatch.setattr(cache.time, "monotonic", lambda: now + cache.MAX_AGE_S + 1)
    assert await cache.computed_once(("k",), compute) == 3  # too old: another process may have written


async def test_concurrent_requests_for_a_missing_entry_compute_it_once(kept):
    calls = []

    async def compute():
        calls.append(1)
        await asyncio.sleep(0.05)
        return "table"

    answers = await asyncio.gather(*(cache.computed_once(("page",), compute) for _ in range(8)))
    assert answers == ["table"] * 8 and len(calls) == 1


async def test_nothing_is_kept_inside_a_transaction(monkeypatch):
    monkeypatch.setattr(cache, "usable", lambda: False)
    calls = []

    async def compute():
        calls.append(1)
        return 1

    await cache.computed_once(("t",), compute)
    await cache.computed_once(("t",), compute)
    assert len(calls) == 2
