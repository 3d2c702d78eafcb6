"""Community detection by python-igraph (Leiden, optimising modularity; multilevel for comparison).

Measured on the network benchmark's graph (benchmarks/communities.py, figures in
docs/benchmarks.md under #13): Leiden found partitions of higher modularity than the Louvain once
written in network/metrics.py in a fraction of its time, so the suite uses it; networkx stays the graph
model everywhere else. Input and output are the suite's: a symmetric weighted scipy matrix in, one
label per node out (0 = the largest community, equal ones by their first member), with the modularity.

igraph draws its random numbers from a Python generator it is given; each call gets a fresh one
seeded with `seed` under a lock, so the same network always gives the same communities.
"""

from __future__ import annotations

import random
import threading
from typing import Any

import igraph
import numpy as np
from scipy import sparse

_rng_lock = threading.Lock()


def _graph(weighted: sparse.csr_matrix) -> igraph.Graph:
    upper = sparse.triu(weighted, k=1).tocoo()
    graph = igraph.Graph(n=weighted.shape[0], edges=np.column_stack([upper.row, upper.col]).tolist())
    graph.es["weight"] = upper.data.tolist()
    return graph


def ranked(labels: np.ndarray) -> np.ndarray:
    """The same partition relabelled: 0 = the largest community; of equal ones, the one whose first
    member comes first in the node order."""
    n = len(labels)
    _, compact = np.unique(labels, return_inverse=True)
    sizes = np.bincount(compact)
    first = np.full(len(sizes), n)
    np.minimum.at(first, compact, np.arange(n))
    rank = np.lexsort((first, -sizes))
    relabel = np.empty_like(rank)
    relabel[rank] = np.arange(len(rank))
    return relabel[compact]


def _seeded(seed: int, run: Any) -> Any:
    with _rng_lock:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            return run()
        finally:
            igraph.set_random_number_generator(random)


def leiden(weighted: sparse.csr_matrix, seed: int = 42, resolution: float = 1.0) -> tuple[np.ndarray, float]:
    """Leiden communities maximising modularity (iterated until the partition is stable)."""
    n = weighted.shape[0]
    if weighted.nnz == 0:
        return np.arange(n), 0.0
    graph = _graph(weighted)
    partition = _seeded(
        seed,
        lambda: graph.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution, n_iterations=-1
        ),
    )
    labels = ranked(np.asarray(partition.membership))
    return labels, float(graph.modularity(labels.tolist(), weights="weight", resolution=resolution))


def multilevel(weighted: sparse.csr_matrix, seed: int = 42) -> tuple[np.ndarray, float]:
    """igraph's multilevel (Louvain) communities, for comparison in the benchmark."""
    n = weighted.shape[0]
    if weighted.nnz == 0:
        return np.arange(n), 0.0
    graph = _graph(weighted)
    partition = _seeded(seed, lambda: graph.community_multilevel(weights="weight"))
    labels = ranked(np.asarray(partition.membership))
    return labels, float(graph.modularity(labels.tolist(), weights="weight"))
