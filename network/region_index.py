"""The whole network held in memory as arrays, one per data version: a territory is a slice.

Reading one powiat's ties from the database took most of a cold powiat answer (measured on
200,000 ties, SQLite: the edge query 120–340 ms, the metrics 20–100 ms). This index holds every
relation (all dates) and every organisation of the register as numpy arrays, built once per data
stamp (network token, register stamp) in a worker process; a territory, a type subset and a date
are then boolean masks over arrays and the metrics' `Net` is built straight from them.

It is never served for other data than it was built from: `RegionIndex.stamp` must equal the
stamp the request's cache key uses, otherwise the caller reads the database as before (and asks
for a fresh index in the background).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from network.metrics import EdgeRow, Net, NodeRow, Scope, timeline_arrays
from network.node_table import TextColumn

NONE_FROM = np.iinfo(np.int32).min  # no start date: since always
NONE_TO = np.iinfo(np.int32).max  # no end date: still running


TEXT_FIELDS = ("name", "kind", "sector", "gmina_code")


def _code(text: str, length: int) -> int:
    part = (text or "")[:length]
    return int(part) if len(part) == length and part.isdigit() else -1


@dataclass
class RegionIndex:
    stamp: tuple[Any, ...]
    node_ids: np.ndarray
    node_text: dict[str, TextColumn]
    """name, kind, sector and gmina_code of every node, as columns: 20,000 NodeRow tuples took
    60 ms to unpickle on the server's event loop when the index came back from its worker."""
    node_owes: np.ndarray
    voivodeship: np.ndarray
    powiat: np.ndarray
    gmina: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    """Positions of the tie's ends in the node arrays (int32, as are the territory codes: the index
    crosses from its worker process as one pickle, and every megabyte of it costs the event loop)."""
    type_code: np.ndarray
    types: list[str]
    directed: np.ndarray
    weight: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray

    @classmethod
    def build(cls, stamp: tuple[Any, ...], nodes: list[NodeRow], edges: list[EdgeRow]) -> RegionIndex:
        """From the rows load_rows(Scope(), all_dates=True) gives (ties to unknown nodes dropped)."""
        position = {node.id: i for i, node in enumerate(nodes)}
        kept = [e for e in edges if e.source in position and e.target in position and e.source != e.target]
        types = sorted({e.relation_type for e in kept})
        type_of = {name: i for i, name in enumerate(types)}
        return cls(
            stamp=stamp,
            node_ids=np.array([n.id for n in nodes], dtype=np.int64),
            node_text={field: TextColumn.of([getattr(n, field) for n in nodes]) for field in TEXT_FIELDS},
            node_owes=np.array([bool(n.is_owes) for n in nodes], dtype=bool),
            voivodeship=np.array([_code(n.gmina_code, 2) for n in nodes], dtype=np.int32),
            powiat=np.array([_code(n.gmina_code, 4) for n in nodes], dtype=np.int32),
            gmina=np.array([_code(n.gmina_code, 6) for n in nodes], dtype=np.int32),
            src=np.array([position[e.source] for e in kept], dtype=np.int32),
            dst=np.array([position[e.target] for e in kept], dtype=np.int32),
            type_code=np.array([type_of[e.relation_type] for e in kept], dtype=np.int16),
            types=types,
            directed=np.array([bool(e.directed) for e in kept], dtype=bool),
            weight=np.array([float(e.weight) for e in kept], dtype=float),
            valid_from=np.array(
                [e.valid_from.toordinal() if e.valid_from else NONE_FROM for e in kept], dtype=np.int32
            ),
            valid_to=np.array(
                [e.valid_to.toordinal() if e.valid_to else NONE_TO for e in kept], dtype=np.int32
            ),
        )

    @property
    def ties(self) -> int:
        return len(self.src)

    def node_mask(self, territory: str | None) -> np.ndarray:
        if not territory:
            return np.ones(len(self.node_ids), dtype=bool)
        if len(territory) == 2:
            return self.voivodeship == int(territory)
        if len(territory) == 4:
            return self.powiat == int(territory)
        return self.gmina == int(territory[:6])

    def tie_mask(self, scope: Scope, nodes: np.ndarray) -> np.ndarray:
        mask = nodes[self.src] & nodes[self.dst]
        if scope.types:
            wanted = [self.types.index(t) for t in scope.types if t in self.types]
            mask &= np.isin(self.type_code, np.array(wanted, dtype=np.int16))
        if scope.as_of is None:
            mask &= self.valid_to == NONE_TO
        else:
            day = scope.as_of.toordinal()
            mask &= (self.valid_from <= day) & (self.valid_to >= day)
        return mask

    def count(self, scope: Scope) -> int:
        return int(self.tie_mask(scope, self.node_mask(scope.territory)).sum())

    def net(self, scope: Scope) -> Net:
        """The same Net as Net.from_rows(nodes, edges, scope) for a scope without an ego network."""
        assert scope.ego is None
        in_scope = self.node_mask(scope.territory)
        kept = np.flatnonzero(in_scope)
        renumber = np.full(len(self.node_ids), -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept))
        ties = self.tie_mask(scope, in_scope)
        s, t = renumber[self.src[ties]], renumber[self.dst[ties]]
        w, both = self.weight[ties], ~self.directed[ties]
        src = np.concatenate([s, t[both]])
        dst = np.concatenate([t, s[both]])
        weight = np.concatenate([w, w[both]])
        name, kind, sector, gmina = (self.node_text[field] for field in TEXT_FIELDS)
        owes = self.node_owes.tolist()
        attrs = [
            {"name": name[i], "kind": kind[i], "sector": sector[i], "gmina": gmina[i], "owes": owes[i]}
            for i in kept.tolist()
        ]
        return Net.from_arcs(self.node_ids[kept].tolist(), attrs, src, dst, weight)

    def timeline(self, scope: Scope, points: tuple[Any, ...]) -> list[dict[str, Any]]:
        """The same as metrics.timeline_job(nodes, edges, scope, points) (every date of the ties)."""
        in_scope = self.node_mask(scope.territory)
        kept = np.flatnonzero(in_scope)
        renumber = np.full(len(self.node_ids), -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept))
        ties = in_scope[self.src] & in_scope[self.dst]
        if scope.types:
            wanted = [self.types.index(t) for t in scope.types if t in self.types]
            ties &= np.isin(self.type_code, np.array(wanted, dtype=np.int16))
        return timeline_arrays(
            len(kept), renumber[self.src[ties]], renumber[self.dst[ties]],
            self.valid_from[ties].astype(np.int64), self.valid_to[ties].astype(np.int64), points,
        )  # fmt: skip
