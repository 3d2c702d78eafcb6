"""Recorded KRS answers served by a local stand-in server (nothing reaches the internet)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WOSP = "0000030897"
GYM = "0001268296"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def stand_in() -> Iterator[object]:
    from scrapers.standin import StandIn, serving

    server = StandIn(delay=1.0)
    server.add(WOSP, "S", fixture("krs/current-S-0000030897-wosp.json"))
    server.add(GYM, "P", fixture("krs/current-P-0001268296.json"))
    with serving(server) as running:
        yield running


@pytest.fixture
def krs_client(stand_in):
    """A client of the stand-in as a sync builds it, with short waits so the tests stay quick."""
    from scrapers.http import Source, build_client, retry_policy

    return build_client(Source("krs", stand_in.url, 0), retry=retry_policy(backoff=0.01), timeout=0.4)
