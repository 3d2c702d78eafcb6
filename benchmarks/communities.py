"""Community detection on the network benchmark's graph: python-igraph against networkx's Louvain.

(The own Louvain this replaced was measured here too, at commit a71e795: docs/benchmarks.md, #13.)

    .venv/bin/python -m benchmarks.communities [--nodes 20000] [--ties 200000] [--repeat 3]

The graph is the one benchmarks.network generates (same generator and seed), read as the metrics
read it: not-ended ties, undirected, weights summed per pair (network.metrics.Net). Each method
runs `--repeat` times in this process; the table gives the median time and the modularity of its
partition, computed by one function for all (network.metrics.modularity_of on the same weighted
matrix), so the figures compare like with like.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable

import networkx as nx
import numpy as np

from benchmarks.harness import fresh_database, machine, ses
from benchmarks.network import populate
from network import communities
from network.metrics import EdgeRow, Net, NodeRow, modularity_of


def graph_of(path: str) -> Net:
    db = sqlite3.connect(path)
    nodes = [NodeRow(i, "", kind, "", "") for i, kind in db.execute("SELECT id, kind FROM organisation")]
    edges = [
        EdgeRow(i, s, t, kind, bool(directed), float(w))
        for i, s, t, kind, directed, w in db.execute(
            "SELECT id, source, target, relation_type, directed, weight FROM network_relation"
            " WHERE valid_to IS NULL"
        )
    ]
    db.close()
    return Net.from_rows(nodes, edges)


def nx_louvain(net: Net) -> np.ndarray:
    graph = nx.Graph()
    graph.add_nodes_from(range(net.n))
    graph.add_weighted_edges_from(
        zip(net.tie_u.tolist(), net.tie_v.tolist(), net.tie_w.tolist(), strict=True)
    )
    labels = np.zeros(net.n, dtype=np.int64)
    for label, members in enumerate(nx.community.louvain_communities(graph, seed=42)):
        labels[list(members)] = label
    return labels


def timed(run: Callable[[], np.ndarray], repeat: int) -> tuple[float, np.ndarray]:
    times, labels = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        labels = run()
        times.append(time.perf_counter() - started)
    assert labels is not None
    return statistics.median(times), labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--ties", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = fresh_database("sqlite", "communities_bench")
    ses(url, "migrate", "--territories", capture=True)
    populate(url, args.nodes, args.ties)
    net = graph_of(url)
    weighted = net.matrix(weighted=True)
    print(f"Machine: {machine()}")
    print(f"Graph: {net.n:,} organisations, {len(net.tie_u):,} ties (not ended, once per pair)\n")
    methods: dict[str, Callable[[], np.ndarray]] = {
        "networkx louvain_communities": lambda: nx_louvain(net),
        "igraph Leiden, modularity (network.communities.leiden)": lambda: communities.leiden(weighted)[0],
        "igraph multilevel (Louvain)": lambda: communities.multilevel(weighted)[0],
    }
    print("| method | median time | communities | modularity |")
    print("| --- | --- | --- | --- |")
    for name, run in methods.items():
        took, labels = timed(run, args.repeat)
        quality = modularity_of(weighted, labels)
        print(f"| {name} | {took:.2f} s | {int(labels.max()) + 1:,} | {quality:.4f} |")


if __name__ == "__main__":
    main()
