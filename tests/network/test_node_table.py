"""The per-organisation metrics as columns: the same rows, orders and pages as plain dicts gave."""

from __future__ import annotations

import pickle
import random

import networkx as nx
import numpy as np

from network import metrics
from network.node_table import NodeTable, TextColumn


def test_text_column_gives_back_every_string_and_none() -> None:
    values = ["Spółdzielnia Socjalna „Żuraw”", "", None, "OWES Toruń", "ąęłńóśźż" * 10]
    column = pickle.loads(pickle.dumps(TextColumn.of(values)))
    assert [column[i] for i in range(len(column))] == values
    assert len(TextColumn.of([])) == 0


def _table(n: int = 300, seed: int = 7) -> NodeTable:
    graph = nx.gnm_random_graph(n, n * 2, seed=seed)
    for node in graph:
        graph.nodes[node].update(name=f"Organizacja {node}", kind="association", sector="social_economy")
    graph.add_edges_from([(n, n + 1), (n + 1, n + 2)])  # a tail: articulation points and bridges
    for node in (n, n + 1, n + 2):
        graph.nodes[node].update(name=f"Ogon {node}", kind="business", sector="business")
    return metrics.compute_metrics(graph.to_directed()).nodes


def test_order_is_the_order_of_the_rows_sorted_in_python() -> None:
    table = _table()
    rows = list(table)
    for key in ("degree", "betweenness", "harmonic_closeness", "clustering", "cut_off"):
        for descending in (True, False):
            expected = sorted(rows, key=lambda r: (-r[key] if descending else r[key], r["id"]))
            assert table.rows(table.order(key, descending)) == expected
    assert [r["id"] for r in table.rows(table.order("id", False))] == sorted(r["id"] for r in rows)


def test_a_measure_left_out_is_none_in_every_row_and_orders_by_id() -> None:
    graph = nx.path_graph(6).to_directed()
    cheap = metrics.compute_metrics(graph, with_communities=False).nodes
    assert {row["community"] for row in cheap} == {None}
    assert [r["id"] for r in cheap.rows(cheap.order("community", True))] == list(range(6))
    assert len(cheap.leaders("community", 3)) == 0


def test_cut_points_most_cut_off_first_then_by_betweenness() -> None:
    table = _table()
    rows = [r for r in table if r["articulation_point"]]
    expected = sorted(rows, key=lambda r: (-r["cut_off"], -(r["betweenness"] or 0), r["id"]))
    assert table.rows(table.cut_points()) == expected and expected


def test_columns_survive_the_trip_from_the_worker_process() -> None:
    table = _table(seed=random.Random(1).randint(1, 99))
    back = pickle.loads(pickle.dumps(table))
    assert back == table and back.rows(np.arange(5)) == table.rows(np.arange(5))
