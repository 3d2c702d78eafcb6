"""Boundaries for the dashboards' maps (pure: reads the shipped GeoJSON, no database).

Only what a map needs travels: each feature keeps its TERYT code and name, coordinates are rounded
to 4 decimals (about 10 m, far below what a screen shows) — a voivodeship's gminas are a few
hundred kilobytes, and gzipped for clients that accept it (the country's 2,477 gminas: 0.85 MB, about
a quarter of that gzipped). Answers are kept per (level, prefix) for the life of the process."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from typing import Any

from ses.territories.reference import boundaries


def _round(coordinates: Any) -> Any:
    if isinstance(coordinates, list | tuple) and coordinates and isinstance(coordinates[0], int | float):
        return [round(coordinates[0], 4), round(coordinates[1], 4)]
    return [_round(part) for part in coordinates]


def _area(ring: list[list[float]]) -> float:
    """Twice the signed planar area of a ring (positive: counter-clockwise)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def _wound(polygon: list[Any]) -> list[Any]:
    """d3-geo (which draws plotly's maps) reads a counter-clockwise outer ring as "the whole globe
    except this": outer rings go clockwise, holes counter-clockwise (the reverse of RFC 7946)."""
    out = []
    for index, ring in enumerate(polygon):
        clockwise = _area(ring) < 0
        out.append(ring if clockwise == (index == 0) else list(reversed(ring)))
    return out


def _geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    coordinates = _round(geometry["coordinates"])
    if geometry["type"] == "Polygon":
        coordinates = _wound(coordinates)
    elif geometry["type"] == "MultiPolygon":
        coordinates = [_wound(polygon) for polygon in coordinates]
    return {"type": geometry["type"], "coordinates": coordinates}


@lru_cache(maxsize=64)
def map_geojson(level: str, within: str) -> bytes:
    features = []
    for code, feature in sorted(boundaries(level).items()):
        if within and not code.startswith(within):
            continue
        geometry = feature["geometry"]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": feature["properties"].get("name", code)},
                "geometry": _geometry(geometry),
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()


@lru_cache(maxsize=64)
def map_geojson_gzipped(level: str, within: str) -> bytes:
    return gzip.compress(map_geojson(level, within), compresslevel=6)
