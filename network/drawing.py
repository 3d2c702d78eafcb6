"""The network drawn: positions for an SVG the page renders on the server (no script needed).

A drawing of thousands of organisations is a grey blot, so at most `limit` organisations are
drawn: those with the most ties in the scope (ties by smallest id on equal counts), with the
ties among them. The page says how many were left out; every number stays in the tables and the
GEXF/GraphML files. Positions come from networkx's spring layout with a fixed seed, scaled to the
SVG's view box, so the same network is drawn the same way each time.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from network.metrics import EdgeRow, NodeRow, Scope, build_graph, undirected

SEED = 7
LIMIT = 120
WIDTH, HEIGHT, MARGIN = 1000, 640, 40


def layout(
    graph: nx.Graph, width: int = WIDTH, height: int = HEIGHT, seed: int = SEED
) -> dict[Any, tuple[int, int]]:
    """Integer SVG coordinates inside the margins for every node of `graph`."""
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {next(iter(graph)): (width // 2, height // 2)}
    raw = nx.spring_layout(graph, seed=seed, iterations=60)
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {
        node: (
            round(MARGIN + (x - min(xs)) / span_x * (width - 2 * MARGIN)),
            round(MARGIN + (y - min(ys)) / span_y * (height - 2 * MARGIN)),
        )
        for node, (x, y) in raw.items()
    }


def drawing(graph: nx.DiGraph, limit: int = LIMIT, focus: int | None = None) -> dict[str, Any]:
    """What the page draws: nodes with position, name, sector and degree; ties once per pair."""
    ugraph = undirected(graph)
    ranked = sorted(ugraph.degree(), key=lambda item: (-item[1], item[0]))
    chosen = {node for node, _ in ranked[:limit]}
    if focus is not None and focus in ugraph:
        chosen.add(focus)
    shown = ugraph.subgraph(chosen)
    positions = layout(shown)
    nodes = [
        {"id": node, "name": data.get("name") or str(node), "sector": data.get("sector") or "other",
         "degree": ugraph.degree(node), "x": positions[node][0], "y": positions[node][1],
         "focus": node == focus}
        for node, data in sorted(shown.nodes(data=True), key=lambda item: item[0])
    ]  # fmt: skip
    ties = [
        {"a": min(u, v), "b": max(u, v), "x1": positions[u][0], "y1": positions[u][1], "x2": positions[v][0],
         "y2": positions[v][1]}
        for u, v in sorted(shown.edges(), key=lambda e: (min(e), max(e)))
    ]  # fmt: skip
    return {
        "nodes": nodes,
        "ties": ties,
        "total_nodes": ugraph.number_of_nodes(),
        "total_ties": ugraph.number_of_edges(),
        "width": WIDTH,
        "height": HEIGHT,
    }


def drawing_job(
    nodes: list[NodeRow], edges: list[EdgeRow], scope: Scope, limit: int = LIMIT
) -> dict[str, Any]:
    return drawing(build_graph(nodes, edges, scope), limit, scope.ego)
