"""The network's answers: metrics, per-organisation measures, communities, recommendations,
change, timeline, cut points and bridges, exports, for a scope a viewer may see.

Each answer is computed once per data stamp and scope (network/dispatch.py) and paged here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from network import dispatch
from network.loading import scope_errors
from network.metrics import Scope
from network.node_table import SORTABLE, NodeTable
from network.state import data_stamp
from ses.auth.policy import Principal
from ses.errors import FieldError, NotFound, ValidationFailed


def resolve_scope(scope: Scope, viewer: Principal | None) -> Scope:
    """Check the filter. An OWES sees only its own ego network, and of it only what the relations
    API shows it: the ties it is a party to and the organisations at their other end, never a tie
    between two others (every network route an OWES may call answers from this scope)."""
    errors = scope_errors(scope)
    if errors:
        raise ValidationFailed("Niepoprawny zakres sieci.", errors)
    if viewer is not None and viewer.is_owes:
        if scope.ego is not None and scope.ego != viewer.organisation_id:
            raise NotFound(f"Nie ma w rejestrze organizacji o id {scope.ego}.")
        return Scope(scope.as_of, scope.territory, scope.types, viewer.organisation_id, own_ties_only=True)
    return scope


def scope_dict(scope: Scope) -> dict[str, Any]:
    return {"as_of": scope.as_of.isoformat() if scope.as_of else None, "territory": scope.territory,
            "types": list(scope.types), "ego": scope.ego, "own_ties_only": scope.own_ties_only}  # fmt: skip


async def network_metrics(scope: Scope, with_communities: bool = False) -> dict[str, Any]:
    """Graph-level metrics; Leiden communities (the costliest part) only when asked for."""
    result, cached, version = await dispatch.cached("metrics", scope, with_communities)
    return {"scope": scope_dict(scope), "version": version, "cached": cached, "summary": result.summary}


async def node_metrics(
    scope: Scope, sort: str, page: int, page_size: int, with_communities: bool = False
) -> dict[str, Any]:
    if sort.lstrip("-") not in SORTABLE and sort.lstrip("-") != "id":
        raise ValidationFailed(
            "Niepoprawne sortowanie.", [FieldError("sort", f"Dozwolone: id, {', '.join(SORTABLE)}.")]
        )
    result, _, _ = await dispatch.cached("metrics", scope, with_communities)
    key = sort.lstrip("-")
    order = result.nodes.order(key, descending=not sort.startswith("-") and key != "id")
    return _page(scope, _table_page(result.nodes, order, page, page_size), len(order), page, page_size)


async def communities(scope: Scope, page: int, page_size: int) -> dict[str, Any]:
    result, _, _ = await dispatch.cached("metrics", scope, True)
    start = (page - 1) * page_size
    items = [
        {"index": start + i, "size": len(members), "members": members[:200]}
        for i, members in enumerate(result.communities[start : start + page_size])
    ]
    info = result.summary["communities"]
    return {"scope": scope_dict(scope), "modularity": info["modularity"], "seed": info["seed"],
            "items": items, "page": page, "page_size": page_size,
            "total": len(result.communities)}  # fmt: skip


async def recommendations(scope: Scope) -> dict[str, Any]:
    result, cached, version = await dispatch.cached("recommendations", scope)
    return {"scope": scope_dict(scope), "version": version, "cached": cached, **result}


async def change(scope: Scope, first: date, second: date) -> dict[str, Any]:
    if second < first:
        raise ValidationFailed(
            "Niepoprawny okres.", [FieldError("to", "Data końcowa jest wcześniejsza niż początkowa.")]
        )
    result, cached, version = await dispatch.cached("change", scope, first, second, all_dates=True)
    return {"scope": scope_dict(scope), "version": version, "cached": cached, **result}


def _paged(
    scope: Scope, rows: list[dict[str, Any]], page: int, page_size: int, **extra: Any
) -> dict[str, Any]:
    start = (page - 1) * page_size
    return _page(scope, rows[start : start + page_size], len(rows), page, page_size, **extra)


def _page(
    scope: Scope, items: list[dict[str, Any]], total: int, page: int, page_size: int, **extra: Any
) -> dict[str, Any]:
    return {"scope": scope_dict(scope), **extra, "items": items, "page": page, "page_size": page_size,
            "total": total}  # fmt: skip


def _table_page(table: NodeTable, order: np.ndarray, page: int, page_size: int) -> list[dict[str, Any]]:
    """The rows of one page of `table` in the given order (dicts made for these rows only)."""
    start = (page - 1) * page_size
    return table.rows(order[start : start + page_size])


async def articulation_points(scope: Scope, page: int, page_size: int) -> dict[str, Any]:
    """Organisations whose loss would split the network, most organisations cut off first."""
    result, cached, version = await dispatch.cached("metrics", scope, False)
    order = result.nodes.cut_points()
    keys = ("id", "name", "kind", "sector", "degree", "betweenness", "cut_off")
    items = [{key: row[key] for key in keys} for row in _table_page(result.nodes, order, page, page_size)]
    return _page(scope, items, len(order), page, page_size, version=version, cached=cached)


async def bridges(scope: Scope, page: int, page_size: int) -> dict[str, Any]:
    """Ties whose loss would split the network (both organisations named), most cut off first."""
    result, cached, version = await dispatch.cached("metrics", scope, False)
    return _paged(scope, result.bridges, page, page_size, version=version, cached=cached)


MAX_TIMELINE_POINTS = 50


def timeline_points(first: date | None, last: date | None, today: date) -> tuple[date, ...]:
    """Yearly steps from `first` (default: the end of the year three years before `last`) to `last`
    (default: today); `last` is always the final point."""
    last = last or today
    first = first or date(last.year - 3, 12, 31)
    if last < first:
        raise ValidationFailed(
            "Niepoprawny okres.", [FieldError("to_date", "Data końcowa jest wcześniejsza niż początkowa.")]
        )
    if last.year - first.year > MAX_TIMELINE_POINTS:
        raise ValidationFailed(
            "Za długi okres.", [FieldError("from_date", f"Najwyżej {MAX_TIMELINE_POINTS} lat naraz.")]
        )
    points = []
    for step in range(last.year - first.year + 1):
        year = first.year + step
        day = min(first.day, 28) if first.month == 2 else first.day
        point = date(year, first.month, day)
        if point < last:
            points.append(point)
    return (*points, last)


async def timeline(scope: Scope, first: date | None, last: date | None) -> dict[str, Any]:
    points = timeline_points(first, last, date.today())
    result, cached, version = await dispatch.cached("timeline", scope, points, all_dates=True)
    return {"scope": scope_dict(scope), "version": version, "cached": cached, "points": result}


async def export(scope: Scope, fmt: str) -> Any:
    return await dispatch.off_loop("export", scope, (fmt,), False)


async def drawing(scope: Scope) -> dict[str, Any]:
    """Positions of the organisations with the most ties in the scope, and their ties (for the page)."""
    result, _, _ = await dispatch.cached("drawing", scope)
    return result  # type: ignore[no-any-return]


async def status() -> dict[str, Any]:
    """The network's data version and whether the in-memory region index holds it (operators and
    benchmarks wait on `index.current` after loading data)."""
    version, token, register_stamp = await data_stamp()
    index = dispatch.INDEX.current((token, register_stamp))
    return {
        "version": version,
        "index": {
            "enabled": dispatch.INDEX.enabled,
            "current": index is not None,
            "building": dispatch.INDEX.is_building,
            "ties": index.ties if index is not None else None,
            "min_ties": dispatch.INDEX_MIN_TIES,
        },
    }
