"""The demo region's network: a few thousand varied ties that grow over 2024–2026, loaded once."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from network.demo import DEMO_NOTE, Org, demo_ties, load_network_demo
from network.tables import Relation
from ses.demo.load import load_demo

pytestmark = pytest.mark.anyio

GMINAS = [f"04{p:02d}{g:02d}2" for p in range(1, 9) for g in range(1, 6)]


def region(size: int = 1500) -> list[Org]:
    rng = random.Random(3)
    kinds = (
        ["association"] * 40
        + ["foundation"] * 15
        + ["social_cooperative"] * 10
        + ["cis", "kis", "zaz", "wtz"]
    )
    orgs = [Org(i, "gmina_office", g, False) for i, g in enumerate(GMINAS, 1)]
    orgs += [
        Org(100 + i, k, rng.choice(GMINAS), False)
        for i, k in enumerate(["ops"] * 40 + ["pup"] * 8 + ["lgd"] * 6)
    ]
    orgs += [Org(500 + i, "association", rng.choice(GMINAS), True) for i in range(4)]
    orgs += [Org(1000 + i, rng.choice(kinds), rng.choice(GMINAS), False) for i in range(size - len(orgs))]
    return orgs


def test_demo_ties_grow_over_three_years_with_varied_types_and_sources():
    ties = demo_ties(region())
    assert 2500 <= len(ties) <= 3100
    started = Counter(t["valid_from"].year for t in ties)
    assert set(started) == {2024, 2025, 2026}
    assert started[2024] < started[2025]  # more new ties each year (2026 is not over)
    ended = [t for t in ties if t["valid_to"] is not None]
    assert 0.05 * len(ties) < len(ended) < 0.2 * len(ties)
    assert all(t["valid_to"] > t["valid_from"] for t in ended)
    assert len({t["relation_type"] for t in ties}) >= 6
    assert {t["origin"] for t in ties} >= {"manual", "import", "survey", "owes_report"}
    assert len({t["intensity"] for t in ties}) == 4
    assert all(t["source"] != t["target"] for t in ties)
    contracts = [t for t in ties if t["relation_type"] == "contracts_service"]
    assert contracts and all(t["value_pln"] > 0 for t in contracts)
    assert demo_ties(region()) == ties  # deterministic


async def test_demo_loads_the_network_once(client):
    await load_demo(total=200)
    count = await Relation.count().where(Relation.note == DEMO_NOTE)
    assert count > 300
    again = await load_network_demo()
    assert again["created"] == 0 and await Relation.count().where(Relation.note == DEMO_NOTE) == count
