"""Public reads of the directory in SQL (both engines): what residents and HSDS clients may see.

Only public columns are selected (see public.py). A service is available to residents of a gmina
when one of its areas is that gmina, its powiat or its voivodeship. Rows are ordered by distance
from a point (the resident's, or the middle of the gmina) with an equirectangular approximation,
which needs only arithmetic, so it runs the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ses.db import is_sqlite
from ses.directory.tables import Service
from ses.text import fold, like_pattern

SERVICE_COLUMNS = (
    "s.id AS service_id, s.organisation AS organisation_id, s.name, s.description, s.category, "
    "s.target_groups, s.eligibility, s.cost, s.fees_description, s.languages, s.opening_hours, s.email, "
    "s.phone, s.url, s.status, s.confirmed_at, s.updated_at, o.name AS organisation_name"
)
LOCATION_COLUMNS = (
    "l.id AS location_id, l.name AS location_name, l.street, l.locality, l.postal_code, l.gmina_code, "
    "l.latitude, l.longitude, l.accessibility"
)


@dataclass
class Filters:
    """What a public search asks for; every part optional."""

    gmina: str | None = None
    category_ids: Sequence[int] = ()
    target_group: str | None = None
    cost: str | None = None
    language: str | None = None
    text: str | None = None
    postcode: str | None = None
    modified_after: datetime | None = None
    organisation_id: int | None = None
    service_ids: Sequence[int] = ()
    after_id: int | None = None
    """Only services with a larger id (keyset paging of the exports)."""
    near: tuple[float, float] | None = None
    """(lat, lon) the rows are ordered by distance from."""
    within_m: float | None = None
    """Only locations this many metres from `near`."""
    args: list[Any] = field(default_factory=list)

    def where(self) -> tuple[str, list[Any]]:
        parts = ["s.status = 'active'", "o.activity_state <> 'retired'"]
        args: list[Any] = []
        if self.gmina:
            codes = (self.gmina, self.gmina[:4], self.gmina[:2])
            parts.append("s.id IN (SELECT service FROM directory_area WHERE territory_code IN ({}, {}, {}))")
            args += codes
        if self.category_ids:
            parts.append("s.category IN (" + ", ".join("{}" for _ in self.category_ids) + ")")
            args += list(self.category_ids)
        if self.target_group:
            parts.append("s.target_groups LIKE {}")
            args.append(f"%|{_literal(self.target_group)}|%")
        if self.cost:
            parts.append("s.cost = {}")
            args.append(self.cost)
        if self.language:
            parts.append("s.languages LIKE {}")
            args.append(f"%|{_literal(self.language)}|%")
        if self.text and fold(self.text):
            parts.append("s.name_search LIKE {} ESCAPE '\\'")
            args.append(like_pattern(fold(self.text)))
        if self.modified_after:
            parts.append("s.updated_at >= {}")
            args.append(self.modified_after)
        if self.organisation_id is not None:
            parts.append("s.organisation = {}")
            args.append(self.organisation_id)
        if self.service_ids:
            parts.append("s.id IN (" + ", ".join("{}" for _ in self.service_ids) + ")")
            args += list(self.service_ids)
        if self.after_id is not None:
            parts.append("s.id > {}")
            args.append(self.after_id)
        return " AND ".join(parts), args

    def location_where(self) -> tuple[str, list[Any]]:
        sql, args = self.where()
        if self.postcode:
            sql += " AND l.postal_code = {}"
            args.append(self.postcode)
        if self.near and self.within_m is not None:
            lat, lon = self.near
            dlat = self.within_m / 111_320
            dlon = dlat / max(math.cos(math.radians(lat)), 0.1)
            sql += " AND l.latitude BETWEEN {} AND {} AND l.longitude BETWEEN {} AND {}"
            args += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
        return sql, args


def _literal(text: str) -> str:
    """A vocabulary code inside a LIKE pattern: wildcards and the escape character dropped."""
    return " ".join(text.replace("%", " ").replace("_", " ").replace("\\", " ").split())[:100]


def _distance(near: tuple[float, float] | None) -> tuple[str, list[Any]]:
    if near is None:
        return "0.0", []
    lat, lon = near
    squeeze = math.cos(math.radians(lat)) ** 2
    return (
        "((l.latitude - {}) * (l.latitude - {}) + (l.longitude - {}) * (l.longitude - {}) * {})",
        [lat, lat, lon, lon, squeeze],
    )


async def service_at_locations(
    filters: Filters, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One row per service at a location, nearest first, and how many rows the whole answer has."""
    where, args = filters.location_where()
    distance, distance_args = _distance(filters.near)
    base = (
        " FROM directory_location l JOIN directory_service s ON s.id = l.service "
        "JOIN organisation o ON o.id = s.organisation WHERE " + where
    )
    # Hot path, engine branch kept: benchmarks.directory (residents' search, docs/benchmarks.md #18).
    # The count rides in the same statement: one round trip instead of two. SQLite runs the
    # uncorrelated subquery once (2.7–3.0 ms CPU against 3.1–3.9 ms for a window). PostgreSQL counts
    # with a window over narrow rows — place, distance, status and organisation come from covering
    # indexes (index-only scans) — and reads the wide rows only for the page: a typical gmina 3–5 ms
    # inside PostgreSQL instead of 19–23 ms (whole locations table hashed, every wide row sorted).
    if is_sqlite():
        rows = await Service.raw(
            f"SELECT {SERVICE_COLUMNS}, {LOCATION_COLUMNS}, {distance} AS distance2, "
            f"(SELECT COUNT(*){base}) AS total_rows{base} "
            "ORDER BY distance2, s.id, l.id LIMIT {} OFFSET {}",
            *distance_args,
            *args,
            *args,
            limit,
            offset,
        )
    else:
        rows = await Service.raw(
            f"SELECT {SERVICE_COLUMNS}, {LOCATION_COLUMNS}, page.distance2, page.total_rows FROM ("
            f"SELECT l.id AS page_location, s.id AS page_service, {distance} AS distance2, "
            f"COUNT(*) OVER () AS total_rows{base} ORDER BY distance2, s.id, l.id LIMIT {{}} OFFSET {{}}"
            ") page JOIN directory_location l ON l.id = page.page_location "
            "JOIN directory_service s ON s.id = page.page_service "
            "JOIN organisation o ON o.id = s.organisation "
            "ORDER BY page.distance2, s.id, l.id",
            *distance_args,
            *args,
            limit,
            offset,
        )
    # Only a page past the end has no row to carry the count.
    if rows:
        total = [{"n": rows[0]["total_rows"]}]
        for row in rows:
            del row["total_rows"]
    else:
        total = await Service.raw("SELECT COUNT(*) AS n" + base, *args)
    if filters.near and filters.within_m is not None:  # the box above is a first cut: keep the circle
        from ses.directory.geo import distance_km

        rows = [
            r
            for r in rows
            if distance_km(*filters.near, r["latitude"], r["longitude"]) * 1000 <= filters.within_m
        ]
    return list(rows), int(total[0]["n"])


async def services(
    filters: Filters, *, limit: int, offset: int, count: bool = True
) -> tuple[list[dict[str, Any]], int]:
    """Services (their public one-to-one fields) and, unless `count` is False, how many match."""
    where, args = filters.where()
    if filters.postcode:
        where += " AND s.id IN (SELECT service FROM directory_location WHERE postal_code = {})"
        args.append(filters.postcode)
    base = " FROM directory_service s JOIN organisation o ON o.id = s.organisation WHERE " + where
    rows = await Service.raw(
        f"SELECT {SERVICE_COLUMNS}" + base + " ORDER BY s.id LIMIT {} OFFSET {}", *args, limit, offset
    )
    if not count:
        return list(rows), -1
    total = await Service.raw("SELECT COUNT(*) AS n" + base, *args)
    return list(rows), int(total[0]["n"])


async def locations_of(service_ids: Sequence[int]) -> list[dict[str, Any]]:
    if not service_ids:
        return []
    marks = ", ".join("{}" for _ in service_ids)
    return list(
        await Service.raw(
            f"SELECT l.service AS service_id, {LOCATION_COLUMNS} FROM directory_location l "
            f"WHERE l.service IN ({marks}) ORDER BY l.id",
            *service_ids,
        )
    )


async def areas_of(service_ids: Sequence[int]) -> list[dict[str, Any]]:
    if not service_ids:
        return []
    marks = ", ".join("{}" for _ in service_ids)
    return list(
        await Service.raw(
            f"SELECT a.id, a.service AS service_id, a.territory_code, t.name AS territory_name "
            f"FROM directory_area a LEFT JOIN territory t ON t.code = a.territory_code "
            f"WHERE a.service IN ({marks}) ORDER BY a.id",
            *service_ids,
        )
    )


async def organisations(
    *, text: str | None, organisation_ids: Sequence[int] = (), limit: int, offset: int, after_id: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Organisations that offer at least one published service (only their public fields)."""
    parts = [
        "o.activity_state <> 'retired'",
        "EXISTS (SELECT 1 FROM directory_service s WHERE s.organisation = o.id AND s.status = 'active')",
    ]
    args: list[Any] = []
    if text and fold(text):
        parts.append("o.name_search LIKE {} ESCAPE '\\'")
        args.append(like_pattern(fold(text)))
    if organisation_ids:
        parts.append("o.id IN (" + ", ".join("{}" for _ in organisation_ids) + ")")
        args += list(organisation_ids)
    if after_id:
        parts.append("o.id > {}")
        args.append(after_id)
    base = " FROM organisation o WHERE " + " AND ".join(parts)
    rows = await Service.raw(
        "SELECT o.id, o.name, o.kind, o.legal_form, o.krs, o.nip, o.regon, o.website, o.locality, "
        "o.postal_code, o.gmina_code, o.updated_at" + base + " ORDER BY o.id LIMIT {} OFFSET {}",
        *args,
        limit,
        offset,
    )
    total = await Service.raw("SELECT COUNT(*) AS n" + base, *args)
    return list(rows), int(total[0]["n"])
