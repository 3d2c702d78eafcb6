"""Geometry of the directory (pure: no database): Poland's extent, gmina centroids, the gmina under
a point, distances, and the SVG map drawn from the shipped boundaries (no tiles from anywhere)."""

from __future__ import annotations

import math
from collections.abc import Sequence
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


def neighbourhood(code: str, margin: float = 0.12) -> list[str]:
    """The gminas of a gmina's powiat and those around the gmina itself (a city powiat is one gmina)."""
    gminas = shapes("gmina")
    own = gminas.get(code)
    if own is None:
        return []
    x0, y0, x1, y1 = own.box[0] - margin, own.box[1] - margin, own.box[2] + margin, own.box[3] + margin
    return [
        other
        for other, shape in gminas.items()
        if other.startswith(code[:4])
        or (shape.box[0] <= x1 and shape.box[2] >= x0 and shape.box[1] <= y1 and shape.box[3] >= y0)
    ]


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def gmina_at(lat: float, lon: float) -> str | None:
    """The gmina whose boundary holds the point (the shipped, simplified boundaries), else the nearest."""
    best: tuple[float, str] | None = None
    for code, shape in shapes("gmina").items():
        x0, y0, x1, y1 = shape.box
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            for polygon in shape.polygons:
                if _in_ring(lon, lat, polygon[0]) and not any(
                    _in_ring(lon, lat, hole) for hole in polygon[1:]
                ):
                    return code
        distance = distance_km(lat, lon, *shape.centroid)
        if best is None or distance < best[0]:
            best = (distance, code)
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


@lru_cache(maxsize=512)
def _frame(selected: str, width: int = 640) -> _Frame:
    """The drawn boundaries around one gmina, projected once and kept (they do not change)."""
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
    paths = []
    for shape in drawn:
        parts = []
        for polygon in shape.polygons:
            for ring in polygon:
                coords = [
                    (round(margin + (lon - x0) * squeeze * scale, 1), round(margin + (y1 - lat) * scale, 1))
                    for lon, lat in ring
                ]
                parts.append("M" + " L".join(f"{x},{y}" for x, y in coords) + " Z")
        css = "area selected" if shape.code == selected else "area"
        paths.append(f'<path class="{css}" d="{" ".join(parts)}"/>')
    return _Frame(width, height, x0, y1, squeeze, scale, margin, "".join(paths))


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
