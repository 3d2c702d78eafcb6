"""Pure metric tests: every expected value is computed by hand in the comment beside it."""

from __future__ import annotations

from datetime import date

import networkx as nx
import numpy as np
import pytest

from network import metrics
from network.metrics import EdgeRow, NodeRow, Scope


def test_degree_centralization_of_star_is_one_and_cycle_zero() -> None:
    assert metrics.degree_centralization(nx.star_graph(5)) == pytest.approx(1.0)
    assert metrics.degree_centralization(nx.cycle_graph(6)) == pytest.approx(0.0)
    assert metrics.degree_centralization(nx.complete_graph(5)) == pytest.approx(0.0)


def test_degree_centralization_of_a_line() -> None:
    # Path 1-2-3-4-5: degrees 1,2,2,2,1; Σ(2 − d) = 2; (n−1)(n−2) = 12 → 1/6.
    assert metrics.degree_centralization(nx.path_graph(5)) == pytest.approx(1 / 6)


def _paths(graph: nx.Graph) -> tuple[dict[int, float], dict[int, float]]:
    between, closeness, method = metrics.paths(graph)
    assert method == {"method": "exact"}
    return between, closeness


def test_betweenness_centralization_star_line_complete() -> None:
    assert metrics.betweenness_centralization(_paths(nx.star_graph(4))[0]) == pytest.approx(1.0)
    assert metrics.betweenness_centralization(_paths(nx.complete_graph(5))[0]) == pytest.approx(0.0)
    assert metrics.betweenness_centralization(_paths(nx.cycle_graph(6))[0]) == pytest.approx(0.0)
    # Path of 5: raw betweenness 0,3,4,3,0; normalised by (4·3)/2 = 6 → 0, .5, 2/3, .5, 0.
    # Σ(2/3 − b) = 2/3 + 1/6 + 0 + 1/6 + 2/3 = 5/3; divided by n − 1 = 4 → 5/12.
    assert metrics.betweenness_centralization(_paths(nx.path_graph(5))[0]) == pytest.approx(5 / 12)


def test_closeness_centralization_star_line_complete() -> None:
    assert metrics.closeness_centralization(_paths(nx.star_graph(5))[1]) == pytest.approx(1.0)
    assert metrics.closeness_centralization(_paths(nx.complete_graph(4))[1]) == pytest.approx(0.0)
    # Path of 5, harmonic closeness / 4: ends 25/48, next 34/48, centre 36/48.
    # Σ(36/48 − c) = 2·11/48 + 2·2/48 = 26/48; divided by (n − 2)/2 = 3/2 → 13/36.
    assert metrics.closeness_centralization(_paths(nx.path_graph(5))[1]) == pytest.approx(13 / 36)


def test_own_brandes_pass_equals_networkx_and_sampling_is_stated() -> None:
    graph = nx.gnm_random_graph(60, 150, seed=3)
    between, closeness, method = metrics.paths(graph)
    assert method == {"method": "exact"}
    exact_b = nx.betweenness_centrality(graph)
    exact_h = nx.harmonic_centrality(graph)
    for node in graph:
        assert between[node] == pytest.approx(exact_b[node])
        assert closeness[node] == pytest.approx(exact_h[node] / 59)
    sampled_b, _, sampled = metrics.paths(graph, exact_limit=10, k=20)
    assert sampled == {"method": "sampled", "sources": 20, "seed": metrics.SEED}
    assert metrics.paths(graph, exact_limit=10, k=20)[0] == sampled_b  # the fixed seed repeats


def test_eigenvector_matches_networkx() -> None:
    graph = nx.karate_club_graph()
    for u, v in graph.edges():
        graph[u][v]["weight"] = 1.0
    ours = metrics.eigenvector(graph, max_iter=1000, tol=1e-9)
    assert ours is not None
    theirs = nx.eigenvector_centrality(graph, max_iter=1000, tol=1e-9)
    for node in graph:
        assert ours[node] == pytest.approx(theirs[node], abs=1e-4)


def _nodes(*specs: tuple[int, str, str]) -> list[NodeRow]:
    from network.vocab import sector_of

    return [NodeRow(i, f"org {i}", kind, sector_of(kind), gmina) for i, kind, gmina in specs]


def test_suite_on_two_triangles_joined_by_a_bridge() -> None:
    # 1-2-3 triangle, 4-5-6 triangle, bridge 3-4: 6 nodes, 7 ties.
    nodes = _nodes(*[(i, "association", "0463011") for i in range(1, 7)])
    pairs = [(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)]
    edges = [EdgeRow(i, a, b, "cooperates", directed=False) for i, (a, b) in enumerate(pairs, 1)]
    result = metrics.compute_metrics(metrics.build_graph(nodes, edges))
    s = result.summary
    assert (s["nodes"], s["ties"], s["arcs"]) == (6, 7, 14)
    assert s["density"] == pytest.approx(7 / 15)
    assert s["components"] == {"count": 1, "largest": 6, "isolates": 0}
    assert s["bridges"] == 1 and s["articulation_points"] == 2
    assert s["communities"]["count"] == 2
    assert sorted(map(sorted, result.communities)) == [[1, 2, 3], [4, 5, 6]]
    # Modularity of the split: m = 7; each side has 3 inner ties and degree sum 7.
    # Q = Σ (3/7 − (7/14)²) = 2 · (3/7 − 1/4) = 5/14.
    assert s["communities"]["modularity"] == pytest.approx(5 / 14, abs=1e-6)
    # Transitivity: 2 triangles; triples Σ C(d,2) = 1+1+3+3+1+1 = 10 → 3·2/10 = 0.6.
    assert s["transitivity"] == pytest.approx(0.6)
    by_id = {row["id"]: row for row in result.nodes}
    # Node 3 lies between {1,2} and {4,5,6}: 2·3 = 6 pairs of 10 → 0.6.
    assert by_id[3]["betweenness"] == pytest.approx(0.6)
    assert by_id[3]["articulation_point"] and not by_id[1]["articulation_point"]
    assert {b["id"] for b in s["brokers"]} == {3, 4}
    assert s["mixing"] == {"social_economy|social_economy": 7}


def test_directed_ties_give_in_and_out_degree() -> None:
    nodes = _nodes(
        (1, "gmina_office", "0463011"), (2, "social_cooperative", "0463011"), (3, "ops", "0463011")
    )
    edges = [EdgeRow(1, 1, 2, "contracts_service"), EdgeRow(2, 3, 2, "refers_participants")]
    result = metrics.compute_metrics(metrics.build_graph(nodes, edges))
    row = {r["id"]: r for r in result.nodes}[2]
    assert (row["in_degree"], row["out_degree"], row["degree"]) == (2, 0, 2)
    assert result.summary["mixing"] == {
        "local_government|social_economy": 1,
        "social_economy|social_services": 1,
    }


def test_scope_by_date_territory_type_and_ego() -> None:
    nodes = _nodes((1, "association", "0463011"), (2, "foundation", "0463022"), (3, "business", "1261011"))
    edges = [
        EdgeRow(1, 1, 2, "cooperates", False, valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31)),
        EdgeRow(2, 2, 3, "contracts_service", valid_from=date(2025, 1, 1)),
    ]
    assert (
        metrics.build_graph(nodes, edges, Scope(as_of=date(2024, 6, 1))).number_of_edges() == 2
    )  # both arcs of 1
    assert metrics.build_graph(nodes, edges, Scope(as_of=date(2025, 6, 1))).number_of_edges() == 1
    # No date: ties that have not ended.
    assert list(metrics.build_graph(nodes, edges).edges()) == [(2, 3)]
    local = metrics.build_graph(nodes, edges, Scope(as_of=date(2024, 6, 1), territory="0463"))
    assert sorted(local) == [1, 2]
    assert (
        metrics.build_graph(
            nodes, edges, Scope(as_of=date(2025, 6, 1), types=("cooperates",))
        ).number_of_edges()
        == 0
    )
    ego = metrics.build_graph(nodes, edges, Scope(as_of=date(2025, 6, 1), ego=3))
    assert sorted(ego) == [2, 3]


def test_change_between_two_dates() -> None:
    edges = [
        EdgeRow(1, 1, 2, "cooperates", valid_from=date(2023, 1, 1), valid_to=date(2024, 6, 30)),
        EdgeRow(2, 2, 3, "cooperates", valid_from=date(2023, 1, 1)),
        EdgeRow(3, 3, 4, "cooperates", valid_from=date(2024, 3, 1)),
        EdgeRow(4, 1, 4, "cooperates", valid_from=date(2024, 3, 1)),
    ]
    out = metrics.change(edges, 4, date(2023, 6, 1), date(2025, 1, 1))
    # 2023-06: {1-2, 2-3}; 2025: {2-3, 3-4, 1-4}; 6 possible pairs.
    assert (out["ties_from"], out["ties_to"], out["new_ties"], out["ended_ties"]) == (2, 3, 2, 1)
    assert out["density_change"] == pytest.approx(round(3 / 6 - 2 / 6, 6))


def test_recommendations() -> None:
    nodes = _nodes(
        (1, "gmina_office", "0463011"), (2, "social_cooperative", "0463011"),  # tied to its gmina
        (3, "association", "0463022"),  # a gmina with a PES but no office tie
        (4, "business", "0463011"), (5, "school", "0463011"), (6, "foundation", "0463011"),
    )  # fmt: skip
    edges = [
        EdgeRow(1, 1, 2, "contracts_service"),
        EdgeRow(2, 2, 4, "cooperates", False),
        EdgeRow(3, 2, 5, "cooperates", False),
        EdgeRow(4, 6, 4, "cooperates", False),
        EdgeRow(5, 6, 5, "cooperates", False),
        EdgeRow(6, 3, 6, "cooperates", False),
    ]
    out = metrics.recommendations(metrics.build_graph(nodes, edges))
    gminas = {r["gmina"]: r for r in out["gminas_without_local_government_tie"]}
    assert set(gminas) == {"046302"} and gminas["046302"]["office_in_register"] is False
    # 2 and 6 share partners 4 and 5 and have no tie; so do 4 and 5 (partners 2 and 6).
    assert {(r["a"], r["b"], r["shared_partners"]) for r in out["missing_ties"]} == {(2, 6, 2), (4, 5, 2)}
    critical = {r["id"]: r for r in out["critical_organisations"]}
    # Removing 2 cuts off 1; removing 6 cuts off 3.
    assert critical[2]["cut_off"] == 1 and critical[6]["cut_off"] == 1


def test_exports_are_readable_by_networkx() -> None:
    import io

    nodes = _nodes((1, "association", "0463011"), (2, "foundation", "0463011"))
    graph = metrics.build_graph(nodes, [EdgeRow(1, 1, 2, "cooperates", False, weight=2.5)])
    back = nx.read_graphml(io.BytesIO(metrics.graphml(graph).encode()))
    assert back.number_of_nodes() == 2 and back.number_of_edges() == 2
    assert back.nodes["1"]["sector"] == "social_economy"
    gexf = nx.read_gexf(io.BytesIO(metrics.gexf(graph).encode()))
    assert gexf.number_of_edges() == 2
    data = metrics.node_link(graph)
    assert {link["types"] for link in data["links"]} == {"cooperates"}


def test_sampled_paths_equal_brandes_from_the_same_sources() -> None:
    import random

    graph = nx.gnm_random_graph(120, 300, seed=5)
    graph.add_edge(120, 121)  # a second component
    n, k = graph.number_of_nodes(), 12
    between, closeness, method = metrics.paths(graph, exact_limit=10, k=k)
    assert method == {"method": "sampled", "sources": k, "seed": metrics.SEED}
    sources = random.Random(metrics.SEED).sample(sorted(graph), k)
    # networkx counts each undirected pair once from the sources: our sum is twice that.
    raw = nx.betweenness_centrality_subset(graph, sources, list(graph), normalized=False)
    lengths = {s: nx.single_source_shortest_path_length(graph, s) for s in sources}
    for node in graph:
        assert between[node] * (n - 1) * (n - 2) * k / n == pytest.approx(2 * raw[node], abs=1e-9)
        heard = [1 / lengths[s][node] for s in sources if s != node and node in lengths[s]]
        assert closeness[node] == pytest.approx(sum(heard) / (k - (node in sources)))


def test_bridges_and_articulation_points_match_networkx() -> None:
    for seed in range(4):
        graph = nx.gnm_random_graph(150, 190, seed=seed)
        net = metrics.Net.from_digraph(graph.to_directed())
        bridges, cut = metrics.cut_points(net.matrix())
        assert bridges == sum(1 for _ in nx.bridges(graph))
        assert {net.ids[i] for i, flag in enumerate(cut) if flag} == set(nx.articulation_points(graph))


def test_community_modularity_is_what_networkx_computes_for_the_same_partition() -> None:
    graph = nx.karate_club_graph()
    for u, v in graph.edges():
        graph[u][v]["weight"] = 1.0
    result = metrics.compute_metrics(graph.to_directed())
    found = result.summary["communities"]
    assert found["seed"] == metrics.SEED
    assert sorted(n for c in result.communities for n in c) == sorted(graph)
    # Directed arcs both ways give each tie weight 2; modularity does not depend on the scale.
    assert found["modularity"] == pytest.approx(nx.community.modularity(graph, result.communities), abs=1e-6)
    # Not worse than networkx's own Louvain with the same seed.
    theirs = nx.community.louvain_communities(graph, seed=metrics.SEED)
    assert found["modularity"] >= nx.community.modularity(graph, theirs) - 1e-6
    assert [len(c) for c in result.communities] == sorted((len(c) for c in result.communities), reverse=True)
    assert metrics.compute_metrics(graph.to_directed()).communities == result.communities  # fixed seed


def test_without_communities_everything_else_is_the_same() -> None:
    nodes = _nodes(*[(i, "association", "0463011") for i in range(1, 7)])
    pairs = [(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)]
    edges = [EdgeRow(i, a, b, "cooperates", directed=False) for i, (a, b) in enumerate(pairs, 1)]
    full = metrics.metrics_job(nodes, edges, Scope(), True)
    cheap = metrics.metrics_job(nodes, edges, Scope(), False)
    assert cheap.summary["communities"] is None and cheap.communities == []
    # A cycle has no articulation point, so no broker, though every node has betweenness.
    cycle = metrics.compute_metrics(nx.cycle_graph(8).to_directed(), with_communities=False)
    assert cycle.summary["brokers"] == [] and cycle.summary["top"]["betweenness"][0]["value"] > 0
    assert {r["community"] for r in cheap.nodes} == {None}
    assert full.summary["communities"]["count"] == 2
    for key in ("nodes", "ties", "density", "centralization", "bridges", "brokers", "transitivity", "mixing"):
        assert cheap.summary[key] == full.summary[key]
    # Rows straight from the database rows equal rows of the networkx graph of the same scope.
    from_graph = metrics.compute_metrics(metrics.build_graph(nodes, edges), with_communities=False)
    assert from_graph.nodes == cheap.nodes


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_bridges_and_cut_offs_match_networkx(seed):
    graph = nx.gnm_random_graph(60, 70, seed=seed)
    graph.add_edges_from([(60, 61), (61, 62)])  # a separate path: both ties are bridges
    net = metrics.Net.from_digraph(graph.to_directed())
    found, cut, cut_off = metrics.cut_structure(net.matrix())
    as_ids = {tuple(sorted((net.ids[u], net.ids[v]))) for u, v, _ in found}
    assert as_ids == {tuple(sorted(e)) for e in nx.bridges(graph)}
    for u, v, off in found:
        rest = graph.copy()
        rest.remove_edge(net.ids[u], net.ids[v])
        assert off == min(len(c) for c in nx.connected_components(rest) if net.ids[u] in c or net.ids[v] in c)
    assert {net.ids[i] for i in np.flatnonzero(cut)} == set(nx.articulation_points(graph))
    for i in np.flatnonzero(cut):
        node = net.ids[i]
        component = nx.node_connected_component(graph, node)
        pieces = sorted(
            (len(c) for c in nx.connected_components(graph.subgraph(component - {node}))), reverse=True
        )
        assert cut_off[i] == sum(pieces[1:])
    assert all(cut_off[i] == 0 for i in np.flatnonzero(~cut))


def test_timeline_counts_ties_per_date_with_new_and_ended():
    edges = [
        metrics.EdgeRow(1, 1, 2, "cooperates", False, 1.0, date(2024, 3, 1), None),
        metrics.EdgeRow(
            2, 2, 1, "contracts_service", True, 1.0, date(2024, 5, 1), date(2025, 6, 1)
        ),  # same pair
        metrics.EdgeRow(3, 2, 3, "cooperates", False, 1.0, date(2025, 2, 1), date(2025, 8, 1)),
        metrics.EdgeRow(4, 3, 4, "cooperates", False, 1.0, None, None),
        metrics.EdgeRow(5, 4, 9, "cooperates", False, 1.0, None, None),  # 9 is outside the scope
    ]
    points = (date(2023, 12, 31), date(2024, 12, 31), date(2025, 12, 31))
    rows = metrics.timeline([1, 2, 3, 4], edges, points)
    assert [r["ties"] for r in rows] == [1, 2, 2]
    assert [r["new_ties"] for r in rows] == [None, 1, 0]
    assert [r["ended_ties"] for r in rows] == [None, 0, 0]
    assert rows[1]["components"] == {"count": 2, "largest": 2, "isolates": 0}
    assert rows[1]["density"] == round(2 / 6, 6) and rows[1]["active_organisations"] == 4
    mid = metrics.timeline([1, 2, 3, 4], edges, (date(2024, 12, 31), date(2025, 3, 1), date(2025, 9, 1)))
    assert [(r["ties"], r["new_ties"], r["ended_ties"]) for r in mid] == [
        (2, None, None),
        (3, 1, 0),
        (2, 0, 1),
    ]
    assert mid[1]["components"]["count"] == 1


def test_the_smallest_star_is_fully_centralised_and_two_nodes_are_not() -> None:
    # Star of 3 (a centre and two leaves): centre closeness (1 + 1)/2 = 1, leaves (1 + ½)/2 = ¾;
    # Σ(1 − c) = ½ = (n − 2)/2 → 1. Betweenness: the centre lies on the one pair of leaves (1),
    # the leaves on none (0); Σ(1 − b) = 2 = n − 1 → 1.
    star = nx.star_graph(2)
    between, closeness = _paths(star)
    assert closeness == {0: 1.0, 1: 0.75, 2: 0.75}
    assert metrics.closeness_centralization(closeness) == pytest.approx(1.0)
    assert metrics.betweenness_centralization(between) == pytest.approx(1.0)
    assert metrics.degree_centralization(star) == pytest.approx(1.0)
    pair = nx.path_graph(2)
    assert metrics.closeness_centralization(_paths(pair)[1]) == 0.0
    assert metrics.betweenness_centralization(_paths(pair)[0]) == 0.0
    assert metrics.degree_centralization(pair) == 0.0


def test_pairs_already_tied_are_never_recommended_as_missing_ties() -> None:
    # 1 and 2 share partners 3 and 4 and are tied themselves: nothing to recommend between them.
    # 3 and 4 share partners 1 and 2 and are not tied: they are the one missing tie.
    graph = nx.Graph([(1, 2), (1, 3), (1, 4), (2, 3), (2, 4)])
    found = metrics.missing_ties(graph)
    assert [(r["a"], r["b"], r["shared_partners"]) for r in found] == [(3, 4, 2)]
    # Jaccard of 3 and 4: shared {1, 2} over the union of their partners {1, 2} = 1.
    assert found[0]["jaccard"] == 1.0


def test_communities_are_the_same_for_the_same_network_largest_first() -> None:
    from network import communities

    # Two cliques of five and one of three, joined in a chain: three communities, largest first,
    # the two of equal size in the order of their first member in the network (10 comes first).
    graph = nx.Graph()
    for clique in ([10, 11, 12, 13, 14], [0, 1, 2, 3, 4], [20, 21, 22]):
        graph.add_edges_from((a, b) for i, a in enumerate(clique) for b in clique[i + 1 :])
    graph.add_edges_from([(4, 10), (14, 20)])
    net = metrics.Net.from_digraph(graph.to_directed())
    weighted = net.matrix(weighted=True)
    labels, quality = communities.leiden(weighted)
    again, _ = communities.leiden(weighted)
    assert labels.tolist() == again.tolist()
    by_id = dict(zip(net.ids, labels.tolist(), strict=True))
    assert [by_id[i] for i in (10, 0, 20)] == [0, 1, 2]
    assert len(set(labels.tolist())) == 3
    found = [{n for n in graph if by_id[n] == c} for c in range(3)]
    assert quality == pytest.approx(nx.community.modularity(graph, found), abs=1e-9)
    assert metrics.modularity_of(weighted, labels) == pytest.approx(quality, abs=1e-9)
    empty = metrics.Net.from_digraph(nx.empty_graph(3, create_using=nx.DiGraph))
    assert communities.leiden(empty.matrix(weighted=True))[0].tolist() == [0, 1, 2]


# ---------------------------------------------------------------- whole answers, checked by hand
# Each test below states a small network's complete answer, boundaries included (a tie that starts
# or ends exactly on a date), so that any change in what the function gives is noticed.

P0, P1, P2 = date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31)
TIMELINE_EDGES = [
    EdgeRow(1, 1, 2, "cooperates", False),  # always
    EdgeRow(2, 2, 3, "cooperates", False, 1.0, P1, None),  # begins exactly on P1
    EdgeRow(3, 3, 4, "cooperates", False, 1.0, None, P1),  # ends exactly on P1
    EdgeRow(4, 1, 4, "cooperates", False, 1.0, date(2025, 1, 1), date(2025, 3, 1)),  # within P0–P1
    EdgeRow(5, 3, 1, "cooperates", False, 1.0, P0, None),  # begins exactly on P0
    EdgeRow(6, 2, 4, "cooperates", False, 1.0, P2, None),  # begins exactly on P2
]


def test_timeline_whole_answer_with_ties_starting_and_ending_on_the_dates() -> None:
    # P0: {1-2, 3-4, 1-3}; P1: {1-2, 2-3, 3-4, 1-3}; P2: {1-2, 2-3, 1-3, 2-4}; 6 possible pairs.
    # Started in (P0, P1]: 2-3 and 1-4 (1-3 began on P0 itself); ended in [P0, P1): 1-4 (3-4 ends
    # on P1 and is still there that day). In (P1, P2]: started 2-4; ended 3-4.
    one = {"count": 1, "largest": 4, "isolates": 0}
    assert metrics.timeline([1, 2, 3, 4], TIMELINE_EDGES, (P0, P1, P2)) == [
        {"on": "2024-12-31", "organisations": 4, "active_organisations": 4, "ties": 3, "density": 0.5,
         "components": one, "new_ties": None, "ended_ties": None, "density_change": None, "started": None,
         "ended": None},
        {"on": "2025-06-30", "organisations": 4, "active_organisations": 4, "ties": 4, "density": 0.666667,
         "components": one, "new_ties": 1, "ended_ties": 0, "density_change": 0.166667, "started": 2,
         "ended": 1},
        {"on": "2025-12-31", "organisations": 4, "active_organisations": 4, "ties": 4, "density": 0.666667,
         "components": one, "new_ties": 1, "ended_ties": 1, "density_change": 0.0, "started": 1,
         "ended": 1},
    ]  # fmt: skip


def test_timeline_of_a_split_network_and_of_none() -> None:
    # On P0 only 1-2 and 3-4 hold (1-3 begins that day too): with 1-3 left out, two pairs.
    edges = [e for e in TIMELINE_EDGES if e.id in (1, 3)]
    [point] = metrics.timeline([1, 2, 3, 4, 5], edges, (P0,))
    assert point["components"] == {"count": 3, "largest": 2, "isolates": 1}
    assert point["active_organisations"] == 4 and point["density"] == 0.2
    [alone] = metrics.timeline([7], [], (P0,))
    assert (alone["ties"], alone["density"], alone["components"]) == (0, 0.0, {"count": 1, "largest": 1,
                                                                             "isolates": 1})  # fmt: skip
    [empty] = metrics.timeline([], [], (P0,))
    assert (empty["organisations"], empty["ties"], empty["density"]) == (0, 0, 0.0)
    assert empty["components"] == {"count": 0, "largest": 0, "isolates": 0}


def test_timeline_job_keeps_the_territory_and_the_types() -> None:
    nodes = _nodes((1, "association", "0463011"), (2, "foundation", "0463011"), (3, "school", "0463022"),
                   (4, "business", "1261011"))  # fmt: skip
    edges = [
        EdgeRow(1, 1, 2, "cooperates", False),
        EdgeRow(2, 2, 3, "member_of", True),
        EdgeRow(3, 3, 4, "cooperates", False),  # 4 lies outside the territory
    ]
    rows = metrics.timeline_job(nodes, edges, Scope(territory="0463"), (P0,))
    assert (rows[0]["organisations"], rows[0]["ties"]) == (3, 2)
    typed = metrics.timeline_job(nodes, edges, Scope(territory="0463", types=("cooperates",)), (P0,))
    assert (typed[0]["organisations"], typed[0]["ties"]) == (3, 1)


def test_change_whole_answer_and_job() -> None:
    nodes = _nodes(*[(i, "association", "0463011") for i in (1, 2, 3)], (9, "business", "1261011"))
    edges = [
        EdgeRow(1, 1, 2, "cooperates", False, 1.0, None, P0),  # ends exactly on the first date
        EdgeRow(2, 2, 3, "cooperates", False, 1.0, P1, None),  # begins exactly on the second
        EdgeRow(3, 3, 3, "cooperates", False),  # a loop is no tie
        EdgeRow(4, 3, 9, "cooperates", False),  # 9 is outside the territory
    ]
    assert metrics.change_job(nodes, edges, Scope(territory="0463"), P0, P1) == {
        "from": "2024-12-31", "to": "2025-06-30", "ties_from": 1, "ties_to": 1, "new_ties": 1,
        "ended_ties": 1, "density_from": 0.333333, "density_to": 0.333333, "density_change": 0.0,
    }  # fmt: skip
    assert metrics.change(edges[:2], 1, P0, P1)["density_from"] == 0.0  # one node: no pair possible


def test_build_graph_sums_parallel_ties_and_drops_loops() -> None:
    nodes = _nodes((1, "association", "0463011"), (2, "foundation", "0463011"), (3, "kgw", "0463011"))
    edges = [
        EdgeRow(1, 1, 2, "cooperates", False, 2.0),
        EdgeRow(2, 1, 2, "contracts_service", True, 3.0),
        EdgeRow(3, 2, 2, "cooperates", False),
        EdgeRow(4, 2, 3, "member_of", True, 1.5, valid_to=P0),  # ended: not in a scope without a date
    ]
    graph = metrics.build_graph(nodes, edges)
    assert dict(graph.edges) == {
        (1, 2): {"weight": 5.0, "ties": 2, "types": "contracts_service,cooperates"},
        (2, 1): {"weight": 2.0, "ties": 1, "types": "cooperates"},
    }
    assert graph.nodes[1] == {"name": "org 1", "kind": "association", "sector": "social_economy",
                              "gmina": "0463011", "owes": False}  # fmt: skip
    assert metrics.build_graph(nodes, edges, Scope(ego=99)).number_of_nodes() == 0
    ugraph = metrics.undirected(graph)
    assert dict(ugraph.edges) == {(1, 2): {"weight": 7.0}} and sorted(ugraph) == [1, 2, 3]
    assert ugraph.nodes[2]["name"] == "org 2"


def test_net_from_rows_equals_the_graph_it_stands_for() -> None:
    nodes = _nodes((1, "association", "0463011"), (2, "foundation", "0463011"), (3, "kgw", "0463022"),
                   (4, "school", "1261011"))  # fmt: skip
    edges = [
        EdgeRow(1, 1, 2, "cooperates", False, 2.0),
        EdgeRow(2, 2, 1, "contracts_service", True, 3.0),
        EdgeRow(3, 3, 3, "cooperates", False),
        EdgeRow(4, 2, 3, "member_of", True, 1.5),
        EdgeRow(5, 3, 4, "member_of", True),  # 4 lies outside 0463
    ]
    for scope in (Scope(), Scope(territory="0463"), Scope(ego=2), Scope(types=("member_of",))):
        net = metrics.Net.from_rows(nodes, edges, scope)
        expected = metrics.Net.from_digraph(metrics.build_graph(nodes, edges, scope))
        assert net.ids == expected.ids and net.attrs == expected.attrs, scope
        assert net.arcs == expected.arcs, scope
        for name in ("tie_u", "tie_v", "tie_w", "in_degree", "out_degree"):
            assert getattr(net, name).tolist() == getattr(expected, name).tolist(), (scope, name)
    net = metrics.Net.from_rows(nodes, edges, Scope(territory="0463"))
    # Ties once per pair (u < v by position), weights summed over both arcs: 1–2 is 2 + 2 + 3.
    assert (net.tie_u.tolist(), net.tie_v.tolist(), net.tie_w.tolist()) == ([0, 1], [1, 2], [7.0, 1.5])
    # Arcs: 1→2, 2→1 (two ties, one arc), 2→3.
    assert (net.in_degree.tolist(), net.out_degree.tolist(), net.arcs) == ([1, 1, 1], [1, 2, 0], 3)
    assert net.attrs[2] == {"name": "org 3", "kind": "kgw", "sector": "social_economy", "gmina": "0463022",
                            "owes": False}  # fmt: skip


def test_eigenvector_of_a_star_and_of_no_ties() -> None:
    # Star with three leaves: the centre holds 1/√2, each leaf 1/√6 (unit norm).
    star = nx.star_graph(3)
    scores = metrics.eigenvector(star, max_iter=1000, tol=1e-12)
    assert scores is not None
    assert scores[0] == pytest.approx(2**-0.5, abs=1e-6)
    assert all(scores[i] == pytest.approx(6**-0.5, abs=1e-6) for i in (1, 2, 3))
    assert metrics.eigenvector(nx.empty_graph(3)) == {0: 0.0, 1: 0.0, 2: 0.0}
    assert metrics.eigenvector(nx.path_graph(40), max_iter=2) is None  # not converged in two steps
    weighted = nx.Graph()
    weighted.add_edge("a", "b", weight=3.0)
    weighted.add_edge("b", "c", weight=1.0)
    ours = metrics.eigenvector(weighted, max_iter=1000, tol=1e-12)
    theirs = nx.eigenvector_centrality(weighted, max_iter=1000, tol=1e-12, weight="weight")
    assert ours == pytest.approx(theirs, abs=1e-6)


def test_missing_ties_ranked_by_shared_partners_then_jaccard_and_hubs_skipped() -> None:
    # 3 and 4 share 1, 2, 6, 7 (four); 1 and 2 share 3, 4, 5 (three); 6 and 7 share 3 and 4 (two, and
    # nothing else: Jaccard 1), before 1 and 6 (two of the three partners 3, 4, 5: Jaccard 0.6667).
    graph = nx.Graph([(1, 3), (1, 4), (1, 5), (2, 3), (2, 4), (2, 5), (6, 3), (6, 4), (7, 3), (7, 4), (8, 9)])
    for node in graph:
        graph.nodes[node]["name"] = f"org {node}"
    found = metrics.missing_ties(graph)
    assert [(r["a"], r["b"], r["shared_partners"], r["jaccard"]) for r in found][:3] == [
        (3, 4, 4, 1.0), (1, 2, 3, 1.0), (6, 7, 2, 1.0)]  # fmt: skip
    assert found[0]["a_name"] == "org 3" and found[0]["b_name"] == "org 4"
    assert all(r["shared_partners"] >= 2 for r in found) and (8, 9) not in {(r["a"], r["b"]) for r in found}
    assert len(metrics.missing_ties(graph, limit=2)) == 2
    assert metrics.missing_ties(graph, min_shared=4) == [found[0]]
    # Partners with more than `hub_degree` ties are not counted as shared: 3 and 4 have four each, so
    # 1 and 2 keep one shared partner (5) and drop out; 3, 4 and 5 still share 1 and 2.
    found = metrics.missing_ties(graph, hub_degree=3)
    assert {(r["a"], r["b"]) for r in found} == {(3, 4), (3, 5), (4, 5)}


def test_critical_organisations_and_gminas_without_their_office() -> None:
    # A chain 1-2-3 and 3-4-5: 2 cuts off 1, 3 cuts off two (4, 5 or 1, 2), 4 cuts off 5.
    graph = nx.path_graph(range(1, 6))
    for node in graph:
        graph.nodes[node]["name"] = f"org {node}"
    found = metrics.critical_organisations(graph)
    assert found == [
        {"id": 3, "name": "org 3", "pieces": 2, "cut_off": 2},
        {"id": 2, "name": "org 2", "pieces": 2, "cut_off": 1},
        {"id": 4, "name": "org 4", "pieces": 2, "cut_off": 1},
    ]
    assert metrics.critical_organisations(graph, limit=1) == found[:1]
    offices = nx.Graph()
    offices.add_node(1, gmina="0463011", sector="social_economy", kind="association")
    offices.add_node(2, gmina="0463011", sector="local_government", kind="gmina_office")
    offices.add_node(3, gmina="0463022", sector="social_economy", kind="foundation")
    offices.add_node(4, gmina="0463022", sector="local_government", kind="gmina_office")
    offices.add_node(5, gmina="0463033", sector="social_economy", kind="kgw")
    offices.add_edge(1, 2)
    offices.add_edge(3, 2)  # tied to another gmina's office, not its own
    assert metrics.gminas_without_local_government_tie(offices) == [
        {"gmina": "046302", "pes": 1, "office_ids": [4], "office_in_register": True},
        {"gmina": "046303", "pes": 1, "office_ids": [], "office_in_register": False},
    ]


def test_recommendations_job_limits_each_list() -> None:
    nodes = _nodes(*[(i, "association", "0463011") for i in range(1, 8)], (8, "gmina_office", "0463011"))
    edges = [EdgeRow(i, i, i + 1, "cooperates", False) for i in range(1, 7)]
    out = metrics.recommendations_job(nodes, edges, Scope())
    assert set(out) == {"gminas_without_local_government_tie", "critical_organisations", "missing_ties"}
    assert [r["id"] for r in out["critical_organisations"]][:1] == [4]  # the middle of the chain
    assert out["gminas_without_local_government_tie"] == [
        {"gmina": "046301", "pes": 7, "office_ids": [8], "office_in_register": True}
    ]
    assert (
        len(metrics.recommendations(metrics.build_graph(nodes, edges), limit=2)["critical_organisations"])
        == 2
    )


def test_exports_carry_each_relation_and_skip_empty_values() -> None:
    import io

    nodes = _nodes((1, "association", "0463011"), (2, "gmina_office", "0463011"), (3, "kgw", "1261011"))
    edges = [
        EdgeRow(10, 2, 1, "contracts_service", True, 2.0, P0, None, "import", "coordination", 1250.5),
        EdgeRow(11, 1, 2, "cooperates", False, 1.0, None, None, "manual"),
        EdgeRow(12, 1, 3, "cooperates", False),  # 3 lies outside the territory
        EdgeRow(13, 1, 1, "cooperates", False),  # a loop
    ]
    scope = Scope(territory="0463")
    graph = metrics.relation_graph(nodes, edges, scope)
    assert sorted(graph.edges(keys=True)) == [(1, 2, 11), (2, 1, 10)]
    assert graph.edges[2, 1, 10] == {
        "relation_id": 10, "relation_type": "contracts_service", "directed": True, "weight": 2.0,
        "intensity": "coordination", "valid_from": "2024-12-31", "valid_to": None, "value_pln": "1250.50",
        "origin": "import",
    }  # fmt: skip
    assert graph.nodes[1]["label"] == "org 1" and graph.nodes[1]["kind"] == "association"
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        back = reader(io.BytesIO(metrics.export_job(nodes, edges, scope, fmt).encode()))
        assert back.number_of_edges() == 2 and back.number_of_nodes() == 2, fmt
        recorded = [d for _, _, d in back.edges(data=True) if d["relation_type"] == "cooperates"][0]
        assert "intensity" not in recorded and "value_pln" not in recorded  # None is left out
    own = metrics.relation_graph(nodes, edges + [EdgeRow(14, 2, 3, "cooperates", False)],
                                 Scope(ego=1, own_ties_only=True))  # fmt: skip
    assert sorted(own.edges(keys=True)) == [(1, 2, 11), (1, 3, 12), (2, 1, 10)]
    data = metrics.export_job(nodes, edges, scope, "json")
    assert data["directed"] is True
    assert sorted((link["source"], link["target"]) for link in data["links"]) == [(1, 2), (2, 1)]
    assert {n["id"]: n["name"] for n in data["nodes"]} == {1: "org 1", 2: "org 2"}
    plain = metrics._plain_attributes(metrics.build_graph(nodes, edges, scope))
    assert all(v is not None for _, d in plain.nodes(data=True) for v in d.values())


def test_ego_network_with_only_its_own_ties() -> None:
    nodes = _nodes(*[(i, "association", "0463011") for i in (1, 2, 3, 4)])
    edges = [EdgeRow(1, 1, 2, "cooperates", False), EdgeRow(2, 1, 3, "cooperates", False),
             EdgeRow(3, 2, 3, "cooperates", False), EdgeRow(4, 3, 4, "cooperates", False)]  # fmt: skip
    full = metrics.build_graph(nodes, edges, Scope(ego=1))
    own = metrics.build_graph(nodes, edges, Scope(ego=1, own_ties_only=True))
    assert sorted(full) == sorted(own) == [1, 2, 3]
    assert metrics.undirected(full).number_of_edges() == 3 and metrics.undirected(own).number_of_edges() == 2
    assert Scope(ego=1).key() != Scope(ego=1, own_ties_only=True).key()


def _summary(result: metrics.NetworkMetrics) -> dict:
    summary = dict(result.summary)
    assert set(summary.pop("timings_ms")) == {
        "arrays", "betweenness_closeness", "eigenvector", "clustering", "communities",
        "bridges_articulation_components", "rows_summary",
    }  # fmt: skip
    assert summary.pop("computed_in_ms") >= 0
    return summary


def test_the_whole_suite_on_a_triangle_with_a_tail_and_an_isolate() -> None:
    # 1→2 (a contract), 1–3, 2–3 (cooperation), 3→4 (member of); 5 alone. Pairs: 4 ties of 10 → 0.4;
    # degrees 2, 2, 3, 1, 0 → Σ(3 − d) = 7 over (n − 1)(n − 2) = 12 → 0.583333; one triangle, triples
    # 1 + 1 + 3 → transitivity 3/5; clustering 1, 1, 1/3, 0, 0 → 0.466667; 3 separates 4 (a bridge).
    nodes = _nodes((1, "association", "0463011"), (2, "gmina_office", "0463011"), (3, "kgw", "0463011"),
                   (4, "school", "0463011"), (5, "foundation", "0463011"))  # fmt: skip
    edges = [EdgeRow(1, 1, 2, "contracts_service", True), EdgeRow(2, 1, 3, "cooperates", False),
             EdgeRow(3, 2, 3, "cooperates", False), EdgeRow(4, 3, 4, "member_of", True)]  # fmt: skip
    result = metrics.metrics_job(nodes, edges, Scope())

    def top(*pairs: tuple[int, float]) -> list[dict]:
        return [{"id": i, "name": f"org {i}", "value": v} for i, v in pairs]

    assert _summary(result) == {
        "nodes": 5, "ties": 4, "arcs": 6, "density": 0.4,
        "components": {"count": 2, "largest": 4, "isolates": 1}, "average_degree": 1.6,
        "centralization": {"degree": 0.583333, "betweenness": 0.333333, "closeness": 0.833333},
        "paths_method": {"method": "exact"}, "eigenvector_converged": True, "average_clustering": 0.466667,
        "transitivity": 0.6,
        "communities": {"count": 2, "modularity": 0.0, "seed": 42, "method": "leiden", "sizes": [4, 1]},
        "bridges": 1, "articulation_points": 1,
        "mixing": {"education|social_economy": 1, "local_government|social_economy": 2,
                   "social_economy|social_economy": 1},
        "top": {
            "degree": top((3, 3), (1, 2), (2, 2), (4, 1), (5, 0)),
            "betweenness": top((3, 0.333333), (1, 0.0), (2, 0.0), (4, 0.0), (5, 0.0)),
            "harmonic_closeness": top((3, 0.75), (1, 0.625), (2, 0.625), (4, 0.5), (5, 0.0)),
            "eigenvector": top((3, 0.649827), (1, 0.521121), (2, 0.521121), (4, 0.185986), (5, 0.0)),
        },
        "brokers": top((3, 0.333333)),
    }  # fmt: skip
    rows = {row["id"]: row for row in result.nodes}
    assert rows[3] == {"id": 3, "name": "org 3", "kind": "kgw", "sector": "social_economy", "degree": 3,
                       "in_degree": 2, "out_degree": 3, "betweenness": 0.333333, "harmonic_closeness": 0.75,
                       "eigenvector": 0.649827, "clustering": 0.333333, "community": 0,
                       "articulation_point": True, "cut_off": 1}  # fmt: skip
    assert rows[4]["clustering"] == 0.0 and rows[5]["clustering"] == 0.0  # no pair of partners: 0, not NaN
    assert (rows[2]["in_degree"], rows[2]["out_degree"], rows[5]["community"]) == (2, 1, 1)
    assert result.bridges == [{"source_id": 3, "source_name": "org 3", "target_id": 4, "target_name": "org 4",
                               "cut_off": 1}]  # fmt: skip
    assert result.communities == [[1, 2, 3, 4], [5]]
    assert metrics.compute(metrics.Net.from_rows(nodes, edges), top=2).summary["top"]["degree"] == top(
        (3, 3), (1, 2)
    )


def test_the_suite_without_ties_and_without_organisations() -> None:
    nodes = _nodes((2, "association", "0463011"), (1, "kgw", "0463011"))
    alone = metrics.compute(metrics.Net.from_rows(nodes, []))
    summary = _summary(alone)
    assert summary["components"] == {"count": 2, "largest": 1, "isolates": 2}
    assert summary["communities"] == {"count": 2, "modularity": 0.0, "seed": 42, "method": "leiden",
                                      "sizes": [1, 1]}  # fmt: skip
    assert alone.communities == [[1], [2]]  # singletons, smallest id first
    assert {row["id"]: row["community"] for row in alone.nodes} == {2: 1, 1: 0}
    assert (summary["density"], summary["average_degree"], summary["transitivity"], summary["mixing"]) == (
        0.0, 0.0, 0.0, {})  # fmt: skip
    empty = _summary(metrics.compute(metrics.Net.from_rows([], [])))
    assert empty["components"] == {"count": 0, "largest": 0, "isolates": 0}
    assert empty["communities"]["sizes"] == [] and empty["top"]["degree"] == [] and empty["nodes"] == 0
    cheap = metrics.compute(metrics.Net.from_rows(nodes, []), with_communities=False)
    assert cheap.summary["communities"] is None and [r["community"] for r in cheap.nodes] == [None, None]
