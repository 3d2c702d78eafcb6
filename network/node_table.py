"""Per-organisation metrics of one scope as columns: one array per measure, rows made on demand.

A full region's answer has 20,000 rows. As 20,000 dicts it took 54 ms to unpickle when the
worker process sent it back, all of it on the server's event loop, so every request in flight
waited (measured: other requests' p99 rose from 7 to 31 ms during a full computation, in two
bursts: this answer and the region index). As columns it unpickles in a few milliseconds, sorts
a page in numpy, and turns into dicts only for the rows a page shows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LABELS = ("name", "kind", "sector")
MEASURES = (
    "degree",
    "in_degree",
    "out_degree",
    "betweenness",
    "harmonic_closeness",
    "eigenvector",
    "clustering",
    "community",
    "articulation_point",
    "cut_off",
)
SORTABLE = tuple(m for m in MEASURES if m not in ("community", "articulation_point"))
"""What a page of organisations can be sorted by (besides id)."""
FLOATS = ("betweenness", "harmonic_closeness", "eigenvector", "clustering")
FLAGS = ("articulation_point",)


@dataclass(frozen=True, eq=False)
class TextColumn:
    """Many strings kept as one, with their ends: pickled and unpickled in one piece (20,000
    organisation names: 1 ms to unpickle instead of 10 ms as a list of strings)."""

    text: str
    ends: np.ndarray
    missing: np.ndarray

    @classmethod
    def of(cls, values: Sequence[str | None]) -> TextColumn:
        texts = ["" if value is None else str(value) for value in values]
        ends = np.cumsum([len(text) for text in texts], dtype=np.int64)
        return cls("".join(texts), ends, np.array([value is None for value in values], dtype=bool))

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i: int) -> str | None:
        if self.missing[i]:
            return None
        return self.text[int(self.ends[i - 1]) if i else 0 : int(self.ends[i])]


def rounded(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Six decimals, rounded as Python's round() does (numpy's rounding can differ in the last bit)."""
    return np.array([round(float(v), 6) for v in np.asarray(values, dtype=float).tolist()], dtype=float)


@dataclass(eq=False)
class NodeTable:
    """`ids[i]` is the organisation of row i; a measure that does not apply to this answer (the
    eigenvector that did not converge, communities not asked for) is None for every row."""

    ids: np.ndarray
    labels: dict[str, TextColumn]
    measures: dict[str, np.ndarray | None]

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows(range(len(self))))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NodeTable) and list(self) == list(other)

    def row(self, i: int) -> dict[str, Any]:
        out: dict[str, Any] = {"id": int(self.ids[i])}
        for label in LABELS:
            out[label] = self.labels[label][i]
        for name in MEASURES:
            column = self.measures[name]
            if column is None:
                out[name] = None
            elif name in FLOATS:
                out[name] = float(column[i])
            elif name in FLAGS:
                out[name] = bool(column[i])
            else:
                out[name] = int(column[i])
        return out

    def rows(self, positions: Sequence[int] | np.ndarray) -> list[dict[str, Any]]:
        return [self.row(int(i)) for i in positions]

    def order(self, measure: str, descending: bool, among: np.ndarray | None = None) -> np.ndarray:
        """Row positions sorted by a measure (None last, then by id), optionally among a subset."""
        positions = np.arange(len(self)) if among is None else np.asarray(among, dtype=np.int64)
        column = None if measure == "id" else self.measures[measure]
        ids = self.ids[positions]
        if column is None:
            return positions[np.argsort(ids, kind="stable")]
        values = column[positions].astype(float)
        return positions[np.lexsort((ids, -values if descending else values))]

    def leaders(self, measure: str, top: int) -> np.ndarray:
        """The `top` rows with the highest value, ties broken by the smaller id."""
        if self.measures[measure] is None:
            return np.zeros(0, dtype=np.int64)
        return self.order(measure, descending=True)[:top]

    def cut_points(self) -> np.ndarray:
        """Articulation points: most organisations cut off first, then by betweenness, then by id."""
        among = np.flatnonzero(self.measures["articulation_point"])
        by_betweenness = self.order("betweenness", descending=True, among=among)
        cut_off = self.measures["cut_off"]
        assert cut_off is not None
        return by_betweenness[np.argsort(-cut_off[by_betweenness], kind="stable")]
