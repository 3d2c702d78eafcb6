"""Geometry of the directory (pure: no database): Poland's extent, gmina centroids, the gmina under
a point, distances, and the SVG map drawn from the shipped boundaries (no tiles from anywhere)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ses.territories.reference import boundaries

# Poland's extent with a margin of a few kilometres (Rysy 49.0°N … Jastrzębia Góra 54.84°N,
# Cedynia 14.12°E … Zosin 24.15°E).
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 48.95, 54.90, 14.05, 24.20
Ring = Sequence[Sequence[float]]


def inside_poland(lat: float, lon: float) -> bool:
    return LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX and math.isfinite(lat + lon)


@dataclass(frozen=True)
class Shape:
    code: str
    polygons: tuple[tuple[Ring, ...], ...]
    """Each polygon: its outer ring, then its holes, as [lon, lat] pairs."""
    box: tuple[float, float, float, float]
    """min lon, min lat, max lon, max lat"""
    centroid: tuple[float, float]
    """(lat, lon)"""


def _polygons(geometry: dict[str, Any]) -> tuple[tuple[Ring, ...], ...]:
    if geometry["type"] == "Polygon":
        return (tuple(geometry["coordinates"]),)
    return tuple(tuple(polygon) for polygon in geometry["coordinates"])


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-12:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area / 2, cx / (3 * area), cy / (3 * area)


@lru_cache(maxsize=4)
def shapes(level: str = "gmina") -> dict[str, Shape]:
    found: dict[str, Shape] = {}
    for code, feature in boundaries(level).items():
        geometry = feature.get("geometry")
        if not geometry:
            continue
        polygons = _polygons(geometry)
        xs = [p[0] for polygon in polygons for p in polygon[0]]
        ys = [p[1] for polygon in polygons for p in polygon[0]]
        weighted = [_ring_area_centroid(polygon[0]) for polygon in polygons]
        total = sum(abs(a) for a, _, _ in weighted) or 1.0
        lon = sum(abs(a) * x for a, x, _ in weighted) / total if total else xs[0]
        lat = sum(abs(a) * y for a, _, y in weighted) / total if total else ys[0]
        found[code] = Shape(
            code, polygons, (min(xs), min(ys), max(xs), max(ys)), (round(lat, 5), round(lon, 5))
        )
    return found


def centroid(code: str) -> tuple[float, float] | None:
    """(lat, lon) of the middle of a gmina (or powiat), or None when the shipped data has no polygon."""
    shape = shapes("gmina" if len(code) == 7 else "powiat").get(code)
    return shape.centroid if shape else None


GRID_DEGREES = 0.25
"""The side of a cell of the index of gmina boxes (a gmina spans one to a few cells)."""


def _cells(x0: float, y0: float, x1: float, y1: float) -> Iterator[tuple[int, int]]:
    for i in range(math.floor(x0 / GRID_DEGREES), math.floor(x1 / GRID_DEGREES) + 1):
        for j in range(math.floor(y0 / GRID_DEGREES), math.floor(y1 / GRID_DEGREES) + 1):
            yield i, j


@dataclass(frozen=True)
class _Index:
    cells: dict[tuple[int, int], tuple[str, ...]]
    """cell → the gminas whose box touches it"""
    powiats: dict[str, tuple[str, ...]]
    """powiat code → its gminas"""


@lru_cache(maxsize=1)
def _index() -> _Index:
    """A grid over the gmina boxes, built once: a box query reads a few cells instead of 2,477 boxes."""
    cells: dict[tuple[int, int], list[str]] = {}
    powiats: dict[str, list[str]] = {}
    for code, shape in shapes("gmina").items():
        for cell in _cells(*shape.box):
            cells.setdefault(cell, []).append(code)
        powiats.setdefault(code[:4], []).append(code)
    return _Index(
        {cell: tuple(codes) for cell, codes in cells.items()},
        {powiat: tuple(codes) for powiat, codes in powiats.items()},
    )


def _touching(x0: float, y0: float, x1: float, y1: float) -> set[str]:
    """The gminas whose box overlaps the box (min lon, min lat, max lon, max lat)."""
    gminas = shapes("gmina")
    cells = _index().cells
    found: set[str] = set()
    for cell in _cells(x0, y0, x1, y1):
        for code in cells.get(cell, ()):
            box = gminas[code].box
            if box[0] <= x1 and box[2] >= x0 and box[1] <= y1 and box[3] >= y0:
                found.add(code)
    return found


def neighbourhood(code: str, margin: float = 0.12) -> list[str]:
    """The gminas of a gmina's powiat and those around the gmina itself (a city powiat is one gmina),
    in code order."""
    own = shapes("gmina").get(code)
    if own is None:
        return []
    box = own.box
    around = _touching(box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)
    return sorted(around.union(_index().powiats.get(code[:4], ())))


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def gmina_at(lat: float, lon: float) -> str | None:
    """The gmina whose boundary holds the point (the shipped, simplified boundaries), else the nearest
    within 30 km."""
    gminas = shapes("gmina")
    for code in sorted(_touching(lon, lat, lon, lat)):
        for polygon in gminas[code].polygons:
            if _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, hole) for hole in polygon[1:]):
                return code
    # 30 km is at most 0.27° of latitude and 0.45° of longitude in Poland: centroids farther out
    # cannot win, and a centroid lies inside its box, so boxes farther out can be skipped.
    near = _touching(lon - 0.45, lat - 0.28, lon + 0.45, lat + 0.28)
    best = min(((distance_km(lat, lon, *gminas[code].centroid), code) for code in near), default=None)
    return best[1] if best and best[0] < 30 else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    number: int
    label: str


@dataclass(frozen=True)
class SvgMap:
    width: int
    height: int
    areas: str
    """The boundaries as SVG `<path>` elements (numbers only: safe to insert as markup)."""
    points: list[MapPoint]
    home: MapPoint | None


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    x0: float
    y1: float
    squeeze: float
    scale: float
    margin: int
    areas: str

    def project(self, lon: float, lat: float) -> tuple[float, float] | None:
        x = round(self.margin + (lon - self.x0) * self.squeeze * self.scale, 1)
        y = round(self.margin + (self.y1 - lat) * self.scale, 1)
        return (x, y) if 0 <= x <= self.width and 0 <= y <= self.height else None


UNITS = 10_000
"""Boundary paths are written once in 1/10,000 of a degree (~10 m); each map scales them."""


@lru_cache(maxsize=1)
def _paths() -> dict[str, str]:
    """Each gmina's boundary as SVG path data in (lon, −lat) × UNITS, written once for every map."""
    paths = {}
    for code, shape in shapes("gmina").items():
        parts = []
        for polygon in shape.polygons:
            for ring in polygon:
                parts.append(
                    "M" + " L".join(f"{round(lon * UNITS)},{round(-lat * UNITS)}" for lon, lat in ring) + " Z"
                )
        paths[code] = " ".join(parts)
    return paths


@lru_cache(maxsize=4096)
def _frame(selected: str, width: int = 640) -> _Frame:
    """The drawn boundaries around one gmina, kept (they do not change; ~4 KB each, 2,477 gminas).
    The paths are shared by every map and placed by one transform, so a new frame costs a join."""
    gminas = shapes("gmina")
    drawn = [gminas[code] for code in neighbourhood(selected) if code in gminas]
    x0 = min(shape.box[0] for shape in drawn)
    x1 = max(shape.box[2] for shape in drawn)
    y0 = min(shape.box[1] for shape in drawn)
    y1 = max(shape.box[3] for shape in drawn)
    squeeze = math.cos(math.radians((y0 + y1) / 2))
    margin = 12
    scale = (width - 2 * margin) / max((x1 - x0) * squeeze, 1e-3)
    height = min(int((y1 - y0) * scale) + 2 * margin, width * 2)
    scale = min(scale, (height - 2 * margin) / max(y1 - y0, 1e-3))
    # x = margin + (lon − x0)·squeeze·scale, y = margin + (y1 − lat)·scale, with lon, −lat in UNITS
    sx, sy = squeeze * scale / UNITS, scale / UNITS
    place = f"matrix({sx:.7g} 0 0 {sy:.7g} {margin - x0 * squeeze * scale:.7g} {margin + y1 * scale:.7g})"
    paths = _paths()
    drawn.sort(key=lambda shape: shape.code == selected)  # its outline last, over its neighbours'
    areas = "".join(
        f'<path class="{"area selected" if shape.code == selected else "area"}" d="{paths[shape.code]}"/>'
        for shape in drawn
    )
    return _Frame(width, height, x0, y1, squeeze, scale, margin, f'<g transform="{place}">{areas}</g>')


def svg_map(
    selected: str, points: Sequence[tuple[float, float, str]], home: tuple[float, float] | None = None
) -> SvgMap | None:
    """The gmina with its powiat and neighbours, and numbered points (those outside the frame left out;
    the table lists every row)."""
    if selected not in shapes("gmina"):
        return None
    frame = _frame(selected)
    marks = []
    for number, (lat, lon, label) in enumerate(points, 1):
        spot = frame.project(lon, lat)
        if spot is not None:
            marks.append(MapPoint(spot[0], spot[1], number, label))
    here = frame.project(home[1], home[0]) if home else None
    return SvgMap(
        frame.width, frame.height, frame.areas, marks, MapPoint(here[0], here[1], 0, "") if here else None
    )
