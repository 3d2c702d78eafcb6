"""Geometry of the directory (pure: no database): Poland's extent, gmina centroids, the gmina under
a point, distances, and the SVG map drawn from the shipped boundaries (no tiles from anywhere)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
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
class MapArea:
    code: str
    path: str
    selected: bool


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
    areas: list[MapArea]
    points: list[MapPoint]
    home: MapPoint | None


def svg_map(
    area_codes: Iterable[str],
    selected: str | None,
    points: Sequence[tuple[float, float, str]],
    home: tuple[float, float] | None = None,
    width: int = 640,
) -> SvgMap:
    """The boundaries of some gminas and numbered points, projected for an SVG of the given width."""
    gminas = shapes("gmina")
    drawn = [gminas[code] for code in area_codes if code in gminas]
    xs = [x for shape in drawn for x in (shape.box[0], shape.box[2])] + [lon for _, lon, _ in points]
    ys = [y for shape in drawn for y in (shape.box[1], shape.box[3])] + [lat for lat, _, _ in points]
    if home:
        ys.append(home[0])
        xs.append(home[1])
    if not xs:
        return SvgMap(width, width // 2, [], [], None)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    squeeze = math.cos(math.radians((y0 + y1) / 2))
    span_x = max((x1 - x0) * squeeze, 1e-3)
    span_y = max(y1 - y0, 1e-3)
    margin = 12
    scale = (width - 2 * margin) / span_x
    height = min(int(span_y * scale) + 2 * margin, width * 2)
    scale = min(scale, (height - 2 * margin) / span_y)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round(margin + (lon - x0) * squeeze * scale, 1), round(margin + (y1 - lat) * scale, 1)

    areas = []
    for shape in drawn:
        parts = []
        for polygon in shape.polygons:
            for ring in polygon:
                coords = [project(lon, lat) for lon, lat in ring]
                parts.append("M" + " L".join(f"{x},{y}" for x, y in coords) + " Z")
        areas.append(MapArea(shape.code, " ".join(parts), shape.code == selected))
    marks = [
        MapPoint(*project(lon, lat), number, label) for number, (lat, lon, label) in enumerate(points, 1)
    ]
    here = MapPoint(*project(home[1], home[0]), 0, "") if home else None
    return SvgMap(width, height, areas, marks, here)
