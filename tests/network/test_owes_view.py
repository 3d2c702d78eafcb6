"""What an OWES may see of the network, the same on every route (issue #14).

Decided: an OWES sees the ties it is a party to and the organisations at their other end — what
the relations API shows it — and never a tie between two other organisations, on any route (its
metrics, node table, cut points, bridges and exports are computed on that star). The test walks
every network route of the application, so a new route cannot be added without a check here.
"""

from __future__ import annotations

import io
from typing import Any

import networkx as nx
import pytest

from ses.auth.policy import Role

pytestmark = pytest.mark.anyio

BASE = "/api/v1/network"


def tie_pairs(value: Any) -> set[frozenset[int]]:
    """Every pair of organisations an answer presents as tied (JSON answers, any nesting)."""
    found: set[frozenset[int]] = set()
    if isinstance(value, dict):
        for a, b in (("source_id", "target_id"), ("source", "target")):
            if isinstance(value.get(a), int) and isinstance(value.get(b), int):
                found.add(frozenset((value[a], value[b])))
        for item in value.values():
            found |= tie_pairs(item)
    elif isinstance(value, list):
        for item in value:
            found |= tie_pairs(item)
    return found


def graph_pairs(text: str, reader: Any) -> tuple[set[frozenset[int]], set[int]]:
    graph = reader(io.BytesIO(text.encode()))
    return {frozenset((int(u), int(v))) for u, v in graph.edges}, {int(n) for n in graph.nodes}


async def test_every_network_route_shows_an_owes_only_its_own_ties(client, app_tx, staff, caller_for, org):
    owes_id = await org("OWES Widok", is_owes=True)
    a = await org("Stowarzyszenie Partner A")
    b = await org("Fundacja Partner B")
    c = await org("Spółdzielnia Obca C")
    d = await org("Stowarzyszenie Obce D")
    relation_ids = {}
    for pair in ((owes_id, a), (owes_id, b), (a, b), (b, c), (c, d)):
        body = {"source_id": pair[0], "target_id": pair[1], "relation_type": "cooperates"}
        created = await client.post(f"{BASE}/relations", json=body, headers=staff.headers)
        assert created.status_code == 201, created.text
        relation_ids[frozenset(pair)] = created.json()["id"]
    survey = await client.post(
        f"{BASE}/surveys", json={"name": "Runda OWES", "opened_on": "2026-01-01", "invited_ids": [owes_id]},
        headers=staff.headers,
    )  # fmt: skip
    assert survey.status_code == 201, survey.text
    owes = await caller_for(Role.OWES, organisation_id=owes_id, name="owes-widok")
    own = {frozenset((owes_id, a)), frozenset((owes_id, b))}
    others = {frozenset((a, b)), frozenset((b, c)), frozenset((c, d))}
    own_relation = relation_ids[frozenset((owes_id, a))]
    foreign_relation = relation_ids[frozenset((a, b))]

    paths = sorted(
        {
            route.path
            for route in app_tx.routes
            if route.path.startswith(BASE) and "GET" in getattr(route, "methods", ())
        }
    )
    checked = []
    for path in paths:
        if "{relation_id" in path:
            mine = await client.get(f"{BASE}/relations/{own_relation}", headers=owes.headers)
            assert mine.status_code == 200 and tie_pairs(mine.json()) == {frozenset((owes_id, a))}
            theirs = await client.get(f"{BASE}/relations/{foreign_relation}", headers=owes.headers)
            assert theirs.status_code == 404, path
            checked.append(path)
            continue
        if "{survey_id" in path:
            url = path.split("{")[0] + str(survey.json()["id"]) + path.split("}")[1]
        else:
            url = path
        params = (
            {"from_date": "2025-01-01", "to_date": "2026-06-30"}
            if path.endswith(("/change", "/timeline"))
            else {}
        )
        response = await client.get(url, params=params, headers=owes.headers)
        if response.status_code == 403:
            checked.append(path)
            continue
        assert response.status_code == 200, (path, response.status_code, response.text)
        if path.endswith(".graphml"):
            pairs, nodes = graph_pairs(response.text, nx.read_graphml)
        elif path.endswith(".gexf"):
            pairs, nodes = graph_pairs(response.text, nx.read_gexf)
        else:
            body = response.json()
            pairs, nodes = tie_pairs(body), set()
            if path == f"{BASE}/metrics":
                assert body["summary"]["ties"] == 2 and body["summary"]["nodes"] == 3
                assert body["scope"]["ego"] == owes_id
            if path == f"{BASE}/metrics/nodes":
                nodes = {row["id"] for row in body["items"]}
                degree = {row["id"]: row["degree"] for row in body["items"]}
                assert degree == {owes_id: 2, a: 1, b: 1}  # the tie a–b is not counted
        assert not pairs & others, (path, pairs & others)
        assert pairs <= own, path
        assert nodes <= {owes_id, a, b}, (path, nodes)
        checked.append(path)
    assert len(checked) == len(paths) and f"{BASE}/export.gexf" in checked and f"{BASE}/bridges" in checked
    listing = await client.get(f"{BASE}/relations", headers=owes.headers)
    assert tie_pairs(listing.json()) == own
