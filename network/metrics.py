"""Graph metrics of the cooperation network: pure functions on plain rows and networkx graphs.

No database and no web framework here, so every number can be checked by hand in a unit test.
Most measures are taken on the undirected view (a tie is a tie, whichever way it runs); degree
is also given split into in and out on the directed graph.

Freeman centralization (networkx has none): C = Σ (c_max − c_i) / max_sum, where c are node scores
normalised to 0–1 and max_sum is the largest value Σ (c_max − c_i) can reach on n nodes, which is
the value of a star. So a star scores 1 and any graph where all nodes score alike (cycle, complete
graph) scores 0. Closeness uses harmonic closeness, defined also for disconnected networks.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
import numpy as np

SEED = 42
EXACT_LIMIT = 400
"""Above this many nodes betweenness and harmonic closeness are sampled from SAMPLE_K sources."""
SAMPLE_K = 16
LOUVAIN_THRESHOLD = 1e-4
"""Louvain stops a level when modularity gains less than this (networkx's default 1e-7 spent
three quarters of the full suite's time on tiny final gains at 200,000 ties)."""
HUB_DEGREE = 200
"""Partners with more ties than this are not counted as 'shared partners' (everyone shares them)."""


@dataclass(frozen=True)
class NodeRow:
    id: int
    name: str
    kind: str
    sector: str
    gmina_code: str
    is_owes: bool = False


@dataclass(frozen=True)
class EdgeRow:
    id: int
    source: int
    target: int
    relation_type: str
    directed: bool = True
    weight: float = 1.0
    valid_from: date | None = None
    valid_to: date | None = None
    origin: str = "manual"


@dataclass(frozen=True)
class Scope:
    """Which part of the network: a date, a TERYT prefix, relation types, one ego network."""

    as_of: date | None = None
    territory: str | None = None
    types: tuple[str, ...] = ()
    ego: int | None = None

    def key(self) -> tuple[Any, ...]:
        return (self.as_of, self.territory, self.types, self.ego)


def active(edge: EdgeRow, on: date | None) -> bool:
    """Whether a tie exists on a date (no date: every tie that has not ended is counted)."""
    if on is None:
        return edge.valid_to is None
    if edge.valid_from is not None and edge.valid_from > on:
        return False
    return edge.valid_to is None or edge.valid_to >= on


def in_territory(gmina_code: str, prefix: str | None) -> bool:
    # The 7th digit of a gmina code is the gmina type: a 7-digit filter matches on six.
    return prefix is None or gmina_code.startswith(prefix[:6])


def select_edges(edges: Iterable[EdgeRow], scope: Scope, nodes: set[int]) -> list[EdgeRow]:
    types = set(scope.types)
    return [
        e
        for e in edges
        if e.source in nodes
        and e.target in nodes
        and (not types or e.relation_type in types)
        and active(e, scope.as_of)
    ]


def build_graph(nodes: Iterable[NodeRow], edges: Iterable[EdgeRow], scope: Scope = Scope()) -> nx.DiGraph:
    """The directed graph of a scope; an undirected tie becomes two arcs, parallel ties one arc.

    Arc attributes: weight (sum of the ties' weights), types (sorted, comma-separated), ties (count).
    """
    graph = nx.DiGraph()
    for node in nodes:
        if in_territory(node.gmina_code, scope.territory):
            graph.add_node(
                node.id, name=node.name, kind=node.kind, sector=node.sector,
                gmina=node.gmina_code, owes=node.is_owes,
            )  # fmt: skip
    # Aggregate in plain dicts first, then add in bulk: per-edge has_edge/add_edge calls took
    # ~6 s for 200,000 ties.
    arcs: dict[tuple[int, int], list[Any]] = {}
    for edge in select_edges(edges, scope, set(graph)):
        if edge.source == edge.target:
            continue
        pairs = (
            ((edge.source, edge.target),)
            if edge.directed
            else ((edge.source, edge.target), (edge.target, edge.source))
        )
        for pair in pairs:
            entry = arcs.get(pair)
            if entry is None:
                arcs[pair] = [edge.weight, 1, {edge.relation_type}]
            else:
                entry[0] += edge.weight
                entry[1] += 1
                entry[2].add(edge.relation_type)
    graph.add_edges_from(
        (u, v, {"weight": weight, "ties": ties, "types": ",".join(sorted(names))})
        for (u, v), (weight, ties, names) in arcs.items()
    )
    if scope.ego is not None:
        if scope.ego not in graph:
            return nx.DiGraph()
        keep = {scope.ego} | set(graph.successors(scope.ego)) | set(graph.predecessors(scope.ego))
        graph = graph.subgraph(keep).copy()
    return graph


def undirected(graph: nx.DiGraph) -> nx.Graph:
    """One edge per connected pair; its weight is the sum of both arcs' weights."""
    weights: dict[tuple[Any, Any], float] = {}
    for u, v, weight in graph.edges(data="weight", default=1.0):
        key = (u, v) if (v, u) not in weights else (v, u)
        weights[key] = weights.get(key, 0.0) + weight
    out = nx.Graph()
    out.add_nodes_from(graph.nodes(data=True))
    out.add_weighted_edges_from((u, v, w) for (u, v), w in weights.items())
    return out


# ---------------------------------------------------------------- Freeman centralization


def centralization(scores: Mapping[Any, float], max_sum: float) -> float:
    if not scores or max_sum <= 0:
        return 0.0
    top = max(scores.values())
    return round(sum(top - value for value in scores.values()) / max_sum, 12)


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman degree centralization: Σ (d_max − d_i) / ((n − 1)(n − 2)) on raw degrees."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    return centralization({node: float(d) for node, d in graph.degree()}, (n - 1) * (n - 2))


def betweenness_centralization(normalised: Mapping[Any, float]) -> float:
    """From betweenness normalised by (n − 1)(n − 2)/2; a star's centre has 1, leaves 0 → max n − 1."""
    n = len(normalised)
    return 0.0 if n < 3 else centralization(normalised, n - 1)


def closeness_centralization(harmonic_normalised: Mapping[Any, float]) -> float:
    """From harmonic closeness normalised by n − 1; a star's sum of differences is (n − 2)/2."""
    n = len(harmonic_normalised)
    return 0.0 if n < 3 else centralization(harmonic_normalised, (n - 2) / 2)


# ---------------------------------------------------------------- node measures


def _sampled_paths(graph: nx.Graph, sources: Sequence[Any]) -> tuple[dict[Any, float], dict[Any, float]]:
    """Brandes' accumulation from the sampled sources, giving betweenness dependencies and the
    harmonic sums of the same BFS trees (one traversal per source serves both measures)."""
    index = {node: i for i, node in enumerate(graph)}
    nodes = list(index)
    adjacency = [[index[m] for m in graph[node]] for node in nodes]
    n = len(nodes)
    dependency = [0.0] * n
    harmonic_sum = [0.0] * n
    for source in sources:
        s = index[source]
        sigma = [0] * n
        dist = [-1] * n
        preds: list[list[int]] = [[] for _ in range(n)]
        sigma[s], dist[s] = 1, 0
        order = [s]
        head = 0
        while head < len(order):
            v = order[head]
            head += 1
            dv = dist[v] + 1
            for w in adjacency[v]:
                if dist[w] < 0:
                    dist[w] = dv
                    order.append(w)
                if dist[w] == dv:
                    sigma[w] += sigma[v]
                    preds[w].append(v)
        delta = [0.0] * n
        for w in reversed(order):
            if w != s:
                harmonic_sum[w] += 1.0 / dist[w]
                dependency[w] += delta[w]
            coefficient = (1.0 + delta[w]) / sigma[w]
            for v in preds[w]:
                delta[v] += sigma[v] * coefficient
    return (
        {nodes[i]: value for i, value in enumerate(dependency)},
        {nodes[i]: value for i, value in enumerate(harmonic_sum)},
    )


def paths(
    graph: nx.Graph, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K, seed: int = SEED
) -> tuple[dict[Any, float], dict[Any, float], dict[str, Any]]:
    """Betweenness (normalised by (n − 1)(n − 2)/2) and harmonic closeness (normalised by n − 1).

    Exact up to `exact_limit` nodes; above it both are estimated from k sources drawn with a fixed
    seed (the answer says which), each source standing for n/k sources.
    """
    n = graph.number_of_nodes()
    if n < 2:
        zero = dict.fromkeys(graph, 0.0)
        return zero, dict(zero), {"method": "exact"}
    exact = n <= exact_limit or k >= n
    sources = list(graph) if exact else random.Random(seed).sample(sorted(graph), k)
    dependency, harmonic_sum = _sampled_paths(graph, sources)
    if exact:
        # Every source counted: each unordered pair was seen from both ends, hence (n−1)(n−2).
        scale = 1 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        between = {node: value * scale for node, value in dependency.items()}
        closeness = {node: value / (n - 1) for node, value in harmonic_sum.items()}
        return between, closeness, {"method": "exact"}
    scale = n / len(sources) / ((n - 1) * (n - 2))
    between = {node: value * scale for node, value in dependency.items()}
    chosen = set(sources)
    k_used = len(sources)
    # A node hears from every sampled source but itself; each of those stands for (n − 1)/k others.
    closeness = {node: value / (k_used - (node in chosen) or 1) for node, value in harmonic_sum.items()}
    return between, closeness, {"method": "sampled", "sources": len(sources), "seed": seed}


def eigenvector(graph: nx.Graph, max_iter: int = 300, tol: float = 1e-6) -> dict[Any, float] | None:
    """Eigenvector centrality by power iteration on A + I, the iteration networkx uses, in numpy.

    networkx's own Python loop took ~10 s on a 2,000-node graph here (and minutes at 200,000
    ties); the same iteration as array operations takes milliseconds per step. Scores have unit
    Euclidean norm; None when the iteration does not converge within max_iter steps.
    """
    if graph.number_of_edges() == 0:
        return dict.fromkeys(graph, 0.0)
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    pairs = [(index[u], index[v], float(d.get("weight", 1.0))) for u, v, d in graph.edges(data=True)]
    u, v, w = (np.array(column) for column in zip(*pairs, strict=True))
    heads, tails, weights = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([w, w])
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + np.bincount(heads, weights=last[tails] * weights, minlength=n)
        x = x / (np.linalg.norm(x) or 1.0)
        if float(np.abs(x - last).sum()) < n * tol:
            return {node: float(x[i]) for i, node in enumerate(nodes)}
    return None


# ---------------------------------------------------------------- the suite


@dataclass
class NetworkMetrics:
    summary: dict[str, Any]
    nodes: list[dict[str, Any]]
    communities: list[list[int]] = field(default_factory=list)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def components_summary(ugraph: nx.Graph) -> dict[str, Any]:
    sizes = sorted((len(c) for c in nx.connected_components(ugraph)), reverse=True)
    return {
        "count": len(sizes),
        "largest": sizes[0] if sizes else 0,
        "isolates": sum(1 for size in sizes if size == 1),
    }


def density(ugraph: nx.Graph) -> float:
    n = ugraph.number_of_nodes()
    return 0.0 if n < 2 else 2 * ugraph.number_of_edges() / (n * (n - 1))


def mixing(ugraph: nx.Graph) -> dict[str, int]:
    """How many ties run between each pair of sectors ("a|b", names sorted; "a|a" within one)."""
    counts: Counter[str] = Counter()
    for u, v in ugraph.edges():
        a, b = sorted((ugraph.nodes[u].get("sector", "?"), ugraph.nodes[v].get("sector", "?")))
        counts[f"{a}|{b}"] += 1
    return dict(sorted(counts.items()))


def compute_metrics(
    graph: nx.DiGraph, *, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K, seed: int = SEED, top: int = 10
) -> NetworkMetrics:
    """The whole suite for one scope; `summary` is the graph-level answer, `nodes` one row per node."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    mark = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round((now - mark[0]) * 1000, 1)
        mark[0] = now

    ugraph = undirected(graph)
    n = ugraph.number_of_nodes()
    lap("undirected")
    between, closeness, path_method = paths(ugraph, exact_limit, k, seed)
    lap("betweenness_closeness")
    eigen = eigenvector(ugraph)
    lap("eigenvector")
    triangles = nx.triangles(ugraph) if n else {}
    degrees = dict(ugraph.degree())
    clustering = {
        node: (2 * triangles[node] / (d * (d - 1)) if d > 1 else 0.0) for node, d in degrees.items()
    }
    triples = sum(d * (d - 1) / 2 for d in degrees.values())
    lap("clustering")
    communities = (
        sorted(
            (
                sorted(c)
                for c in nx.community.louvain_communities(
                    ugraph, weight="weight", seed=seed, threshold=LOUVAIN_THRESHOLD
                )
            ),
            key=len,
            reverse=True,
        )
        if ugraph.number_of_edges()
        else [[node] for node in sorted(ugraph)]
    )
    modularity = (
        nx.community.modularity(ugraph, communities, weight="weight") if ugraph.number_of_edges() else 0.0
    )
    community_of = {node: index for index, members in enumerate(communities) for node in members}
    lap("communities")
    # One depth-first pass: a bridge is a biconnected block of one edge, and an articulation
    # point is a node that belongs to more than one block.
    blocks_of: Counter[Any] = Counter()
    bridges = 0
    for block in nx.biconnected_component_edges(ugraph):
        bridges += len(block) == 1
        blocks_of.update({node for edge in block for node in edge})
    articulation = {node for node, count in blocks_of.items() if count > 1}
    lap("bridges_articulation")
    rows = [
        {
            "id": node,
            "name": ugraph.nodes[node].get("name"),
            "kind": ugraph.nodes[node].get("kind"),
            "sector": ugraph.nodes[node].get("sector"),
            "degree": ugraph.degree(node),
            "in_degree": graph.in_degree(node),
            "out_degree": graph.out_degree(node),
            "betweenness": _round(between.get(node, 0.0)),
            "harmonic_closeness": _round(closeness.get(node, 0.0)),
            "eigenvector": _round(eigen.get(node)) if eigen is not None else None,
            "clustering": _round(clustering.get(node, 0.0)),
            "community": community_of.get(node),
            "articulation_point": node in articulation,
        }
        for node in ugraph
    ]

    def leaders(metric: str) -> list[dict[str, Any]]:
        ranked = sorted((r for r in rows if r[metric] is not None), key=lambda r: (-r[metric], r["id"]))
        return [{"id": r["id"], "name": r["name"], "value": r[metric]} for r in ranked[:top]]

    summary = {
        "nodes": n,
        "ties": ugraph.number_of_edges(),
        "arcs": graph.number_of_edges(),
        "density": _round(density(ugraph)),
        "components": components_summary(ugraph),
        "average_degree": _round(2 * ugraph.number_of_edges() / n) if n else 0.0,
        "centralization": {
            "degree": _round(degree_centralization(ugraph)),
            "betweenness": _round(betweenness_centralization(between)),
            "closeness": _round(closeness_centralization(closeness)),
        },
        "paths_method": path_method,
        "eigenvector_converged": eigen is not None,
        "average_clustering": _round(sum(clustering.values()) / n) if n else 0.0,
        "transitivity": _round(sum(triangles.values()) / triples) if triples else 0.0,
        "communities": {
            "count": len(communities),
            "modularity": _round(modularity),
            "seed": seed,
            "sizes": [len(c) for c in communities[:top]],
        },
        "bridges": bridges,
        "articulation_points": len(articulation),
        "mixing": mixing(ugraph),
        "top": {
            metric: leaders(metric)
            for metric in ("degree", "betweenness", "harmonic_closeness", "eigenvector")
        },
        "brokers": [r for r in leaders("betweenness") if r["value"] and r["id"] in articulation],
    }
    lap("rows_summary")
    summary["timings_ms"] = timings
    summary["computed_in_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return NetworkMetrics(summary=summary, nodes=rows, communities=communities)


# ---------------------------------------------------------------- change over time


def change(edges: Sequence[EdgeRow], node_count: int, first: date, second: date) -> dict[str, Any]:
    """New and ended ties between two dates and the change of density (ties counted once per pair)."""

    def pairs(on: date) -> set[tuple[int, int]]:
        return {
            (min(e.source, e.target), max(e.source, e.target))
            for e in edges
            if active(e, on) and e.source != e.target
        }

    before, after = pairs(first), pairs(second)
    possible = node_count * (node_count - 1) / 2 if node_count > 1 else 0

    def dens(ties: set[tuple[int, int]]) -> float:
        return round(len(ties) / possible, 6) if possible else 0.0

    return {
        "from": first.isoformat(),
        "to": second.isoformat(),
        "ties_from": len(before),
        "ties_to": len(after),
        "new_ties": len(after - before),
        "ended_ties": len(before - after),
        "density_from": dens(before),
        "density_to": dens(after),
        "density_change": round(dens(after) - dens(before), 6),
    }


# ---------------------------------------------------------------- recommendations


def gminas_without_local_government_tie(ugraph: nx.Graph) -> list[dict[str, Any]]:
    """Gminas with PES of which none has a tie to the office of its own gmina."""
    pes: dict[str, list[int]] = defaultdict(list)
    offices: dict[str, set[int]] = defaultdict(set)
    for node, data in ugraph.nodes(data=True):
        gmina = str(data.get("gmina", ""))[:6]
        if data.get("sector") == "social_economy":
            pes[gmina].append(node)
        elif data.get("kind") == "gmina_office":
            offices[gmina].add(node)
    out = []
    for gmina, members in sorted(pes.items()):
        local = offices.get(gmina, set())
        if not any(local.intersection(ugraph[m]) for m in members):
            out.append({"gmina": gmina, "pes": len(members), "office_ids": sorted(local),
                        "office_in_register": bool(local)})  # fmt: skip
    return out


def critical_organisations(ugraph: nx.Graph, limit: int = 20) -> list[dict[str, Any]]:
    """Articulation points: how many organisations would lose their path to the rest if one left."""
    out = []
    for node in nx.articulation_points(ugraph):
        component = nx.node_connected_component(ugraph, node)
        rest = ugraph.subgraph(component - {node})
        pieces = sorted((len(c) for c in nx.connected_components(rest)), reverse=True)
        out.append({"id": node, "name": ugraph.nodes[node].get("name"), "pieces": len(pieces),
                    "cut_off": sum(pieces[1:])})  # fmt: skip
        if len(out) >= limit * 5:
            break
    out.sort(key=lambda r: (-r["cut_off"], r["id"]))
    return out[:limit]


def missing_ties(
    ugraph: nx.Graph, min_shared: int = 2, limit: int = 20, hub_degree: int = HUB_DEGREE
) -> list[dict[str, Any]]:
    """Pairs without a tie that share at least `min_shared` partners, most shared first."""
    shared: Counter[tuple[int, int]] = Counter()
    for middle in ugraph:
        partners = sorted(ugraph[middle])
        if len(partners) > hub_degree:
            continue
        for i, a in enumerate(partners):
            for b in partners[i + 1 :]:
                shared[(a, b)] += 1
    ranked = []
    for (a, b), count in shared.items():
        if count >= min_shared and not ugraph.has_edge(a, b):
            union = len(set(ugraph[a]) | set(ugraph[b]))
            ranked.append((count, count / union if union else 0.0, a, b))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
    return [
        {"a": a, "b": b, "a_name": ugraph.nodes[a].get("name"), "b_name": ugraph.nodes[b].get("name"),
         "shared_partners": count, "jaccard": round(jac, 4)}
        for count, jac, a, b in ranked[:limit]
    ]  # fmt: skip


def recommendations(graph: nx.DiGraph, limit: int = 20) -> dict[str, Any]:
    ugraph = undirected(graph)
    return {
        "gminas_without_local_government_tie": gminas_without_local_government_tie(ugraph)[: limit * 5],
        "critical_organisations": critical_organisations(ugraph, limit),
        "missing_ties": missing_ties(ugraph, limit=limit),
    }


# ---------------------------------------------------------------- exports


def _plain_attributes(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy without None values (GraphML and GEXF writers refuse them)."""
    out = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: v for k, v in data.items() if v is not None})
    for u, v, data in graph.edges(data=True):
        out.add_edge(u, v, **{k: v2 for k, v2 in data.items() if v2 is not None})
    return out


def graphml(graph: nx.DiGraph) -> str:
    return "\n".join(nx.generate_graphml(_plain_attributes(graph)))


def gexf(graph: nx.DiGraph) -> str:
    return "\n".join(nx.generate_gexf(_plain_attributes(graph)))


def node_link(graph: nx.DiGraph) -> dict[str, Any]:
    return {
        "directed": True,
        "nodes": [{"id": node, **data} for node, data in graph.nodes(data=True)],
        "links": [{"source": u, "target": v, **data} for u, v, data in graph.edges(data=True)],
    }


# ---------------------------------------------------------------- jobs run in a worker


def metrics_job(nodes: list[NodeRow], edges: list[EdgeRow], scope: Scope) -> NetworkMetrics:
    return compute_metrics(build_graph(nodes, edges, scope))


def recommendations_job(nodes: list[NodeRow], edges: list[EdgeRow], scope: Scope) -> dict[str, Any]:
    return recommendations(build_graph(nodes, edges, scope))


def change_job(nodes: list[NodeRow], edges: list[EdgeRow], scope: Scope, first: date, second: date) -> dict[str, Any]:
    graph = build_graph(nodes, [], scope)
    kept = set(graph)
    return change([e for e in edges if e.source in kept and e.target in kept], graph.number_of_nodes(), first, second)


EXPORTERS = {"graphml": graphml, "gexf": gexf, "json": node_link}


def export_job(nodes: list[NodeRow], edges: list[EdgeRow], scope: Scope, fmt: str) -> Any:
    return EXPORTERS[fmt](build_graph(nodes, edges, scope))
