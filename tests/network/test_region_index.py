"""The in-memory region index gives exactly the network the database read gives, for any scope."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from network import dispatch, loading, metrics, state
from network.dispatch import INDEX
from network.metrics import EdgeRow, Net, NodeRow, Scope
from network.region_index import RegionIndex

GMINAS = ["0414012", "0414022", "0414033", "0463011", "0402011", "1465011"]
TYPES = ["cooperates", "contracts_service", "owes_supports", "member_of", "owes_partner"]


def random_network(seed: int = 7) -> tuple[list[NodeRow], list[EdgeRow]]:
    rng = random.Random(seed)
    nodes = [
        NodeRow(i, f"Org {i}", "association", "social_economy", rng.choice(GMINAS), i % 17 == 0)
        for i in range(1, 151)
    ]
    edges = []
    for i in range(1, 901):
        a, b = rng.randint(1, 152), rng.randint(1, 152)  # 151, 152: not in the register (dropped)
        kind = rng.choice(TYPES)
        begins = date(2024, 1, 1) + timedelta(days=rng.randint(0, 900)) if rng.random() < 0.9 else None
        ends = (
            (begins or date(2024, 1, 1)) + timedelta(days=rng.randint(30, 500))
            if rng.random() < 0.3
            else None
        )
        edges.append(
            EdgeRow(
                i,
                a,
                b,
                kind,
                kind not in ("cooperates", "owes_partner"),
                rng.choice([1.0, 2.5]),
                begins,
                ends,
                "import",
            )
        )
    return nodes, edges


def same(a: Net, b: Net) -> bool:
    return (
        a.ids == b.ids
        and a.attrs == b.attrs
        and np.array_equal(a.tie_u, b.tie_u)
        and np.array_equal(a.tie_v, b.tie_v)
        and np.allclose(a.tie_w, b.tie_w)
        and np.array_equal(a.in_degree, b.in_degree)
        and np.array_equal(a.out_degree, b.out_degree)
        and a.arcs == b.arcs
    )


@pytest.mark.parametrize(
    "scope",
    [
        Scope(),
        Scope(territory="04"),
        Scope(territory="0414"),
        Scope(territory="0414022"),
        Scope(territory="041402"),
        Scope(types=("cooperates",)),
        Scope(types=("member_of", "owes_supports"), territory="0414"),
        Scope(as_of=date(2025, 6, 30)),
        Scope(as_of=date(2024, 1, 1), territory="0463"),
        Scope(as_of=date(2030, 1, 1), types=("unknown_type",)),
    ],
)
def test_index_slice_equals_the_rows_read_for_the_scope(scope):
    nodes, edges = random_network()
    index = RegionIndex.build(("token", None), nodes, edges)
    assert same(index.net(scope), Net.from_rows(nodes, edges, scope))


@pytest.mark.parametrize(
    "scope", [Scope(), Scope(territory="0414"), Scope(territory="0463", types=("cooperates", "member_of"))]
)
def test_index_timeline_equals_the_timeline_of_the_rows(scope):
    nodes, edges = random_network()
    index = RegionIndex.build(("token", None), nodes, edges)
    points = (date(2023, 12, 31), date(2024, 12, 31), date(2025, 12, 31), date(2026, 5, 1))
    expected = metrics.timeline_job(nodes, edges, scope, points)
    assert index.timeline(scope, points) == expected
    assert expected[-1]["ties"] > 0 and expected[-1]["ended"] is not None


def test_index_is_used_only_for_the_stamp_it_was_built_from():
    nodes, edges = random_network()
    holder_index = RegionIndex.build(("a", 1), nodes, edges)
    INDEX.index = holder_index
    try:
        assert INDEX.current(("a", 1)) is holder_index
        assert INDEX.current(("b", 1)) is None
        assert INDEX.current(("a", 2)) is None
    finally:
        INDEX.clear()


@pytest.mark.anyio
async def test_api_answer_from_the_index_equals_the_database_answer(client, staff):
    async def org(name: str, gmina: str, kind: str = "association") -> int:
        body = {"name": name, "kind": kind, "gmina_code": gmina}
        response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    ids = [await org(f"Stowarzyszenie {i}", GMINAS[i % 2]) for i in range(8)]
    for a, b in [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (0, 6), (7, 1)]:
        body = {"source_id": ids[a], "target_id": ids[b], "relation_type": "cooperates"}
        assert (
            await client.post("/api/v1/network/relations", json=body, headers=staff.headers)
        ).status_code == 201

    async def answer() -> dict[str, Any]:
        response = await client.get(
            "/api/v1/network/metrics", params={"territory": "0414"}, headers=staff.headers
        )
        assert response.status_code == 200, response.text
        summary = response.json()["summary"]
        summary.pop("timings_ms")
        summary.pop("computed_in_ms")
        return summary

    async def timeline() -> list[dict[str, Any]]:
        params = {"territory": "0414", "from_date": "2024-12-31", "to_date": "2026-06-30"}
        response = await client.get("/api/v1/network/timeline", params=params, headers=staff.headers)
        assert response.status_code == 200, response.text
        return response.json()["points"]

    dispatch.CACHE.clear()
    from_database = await answer()
    timeline_from_database = await timeline()
    _, token, register = await state.data_stamp()
    nodes, edges = await loading.load_rows(Scope(), all_dates=True)
    INDEX.index = RegionIndex.build((token, register), nodes, edges)
    try:
        dispatch.CACHE.clear()
        assert (
            await dispatch._indexed("metrics", Scope(territory="0414"), (False,), (token, register))
            is not None
        )
        assert await answer() == from_database
        assert await timeline() == timeline_from_database
        assert from_database["nodes"] >= 8 and from_database["ties"] >= 7
    finally:
        INDEX.clear()
        dispatch.CACHE.clear()


WORKER_SCRIPT = """
import json, sys
import numpy as np
from network import worker
from network.metrics import Scope

ids = json.loads(sys.argv[1])
index = worker.build_index()
positions = [int(np.flatnonzero(index.node_ids == i)[0]) for i in ids]
result = worker.run("metrics", Scope(), (False,), False)
rows = {row["id"]: row for row in result.nodes}
print(json.dumps({
    "index_names": [index.node_text["name"][p] for p in positions],
    "index_ties": index.ties,
    "names": [rows[i]["name"] for i in ids],
    "articulation": [rows[i]["articulation_point"] for i in ids],
    "degree": [rows[i]["degree"] for i in ids],
}))
"""


def test_the_worker_entry_points_read_committed_data_in_their_own_process(live_server):
    """What the server runs in a worker process for big networks: the region index and the
    metrics, each reading the database itself (here the live server's, with committed data)."""
    import json
    import subprocess
    import sys

    import httpx

    live_server.ses("user", "create", "worker-test", "--role", "staff", "--no-password")
    token = live_server.ses("token", "create", "worker-test", "--name", "t").strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers) as http:
        ids = []
        for i in range(5):
            body = {
                "name": f"Spółdzielnia robocza {i}",
                "kind": "social_cooperative",
                "gmina_code": GMINAS[0],
            }
            response = http.post("/api/v1/organisations", json=body)
            assert response.status_code == 201, response.text
            ids.append(int(response.json()["id"]))
        for a, b in [(0, 1), (1, 2), (2, 3), (3, 4)]:
            body = {"source_id": ids[a], "target_id": ids[b], "relation_type": "cooperates"}
            assert http.post("/api/v1/network/relations", json=body).status_code == 201

    done = subprocess.run(
        [sys.executable, "-c", WORKER_SCRIPT, json.dumps(ids)],
        env=live_server.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    names = [f"Spółdzielnia robocza {i}" for i in range(5)]
    assert out["index_names"] == names and out["names"] == names and out["index_ties"] >= 4
    assert out["articulation"] == [False, True, True, True, False]  # a line of five
    assert out["degree"] == [1, 2, 2, 2, 1]


@pytest.mark.anyio
async def test_the_index_is_rebuilt_after_each_change_not_on_a_request(client, staff, org, monkeypatch):
    """The keeper's decision (network/dispatch.refresh_index): a build starts when the data changed
    and the network is large enough, none while the index holds the current data. The build itself
    runs in a worker process in the server (tested above); here it reads in this transaction."""
    builds: list[tuple[Any, ...]] = []

    async def build_here() -> RegionIndex:
        _, token, register = await state.data_stamp()
        nodes, edges = await loading.load_rows(Scope(), all_dates=True)
        builds.append((token, register))
        return RegionIndex.build((token, register), nodes, edges)

    monkeypatch.setattr(dispatch, "INDEX_MIN_TIES", 0)
    monkeypatch.setattr(INDEX, "build", build_here)
    monkeypatch.setattr(INDEX, "enabled", True)
    a, b, c = await org("Indeks A"), await org("Indeks B"), await org("Indeks C")
    body = {"source_id": a, "target_id": b, "relation_type": "cooperates"}
    assert (
        await client.post("/api/v1/network/relations", json=body, headers=staff.headers)
    ).status_code == 201
    try:
        task = await dispatch.refresh_index()
        assert task is not None
        await task
        status = (await client.get("/api/v1/network/status", headers=staff.headers)).json()
        assert status["index"]["current"] is True and len(builds) == 1
        assert await dispatch.refresh_index() is None  # nothing changed: no second build
        # A metrics request does not start a build; it is answered from the index of its data.
        response = await client.get(
            "/api/v1/network/metrics", params={"territory": "0414"}, headers=staff.headers
        )
        assert response.status_code == 200 and len(builds) == 1
        body = {"source_id": b, "target_id": c, "relation_type": "cooperates"}
        assert (
            await client.post("/api/v1/network/relations", json=body, headers=staff.headers)
        ).status_code == 201
        status = (await client.get("/api/v1/network/status", headers=staff.headers)).json()
        assert status["index"]["current"] is False
        task = await dispatch.refresh_index()
        assert task is not None
        await task
        assert len(builds) == 2 and INDEX.index is not None and INDEX.index.ties >= 2
    finally:
        INDEX.clear()
        dispatch.CACHE.clear()
