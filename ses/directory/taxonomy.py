"""The taxonomy terms, read once and kept for a short while (they change rarely, through staff)."""

from __future__ import annotations

import time
from typing import Any

from ses.directory.tables import TaxonomyTerm

_TTL_SECONDS = 30.0
_cache: tuple[float, list[dict[str, Any]]] | None = None


async def all_terms(fresh: bool = False) -> list[dict[str, Any]]:
    global _cache
    if fresh or _cache is None or time.monotonic() - _cache[0] > _TTL_SECONDS:
        rows = await TaxonomyTerm.select().order_by(TaxonomyTerm.position).order_by(TaxonomyTerm.id)
        _cache = (time.monotonic(), list(rows))
    return _cache[1]


async def terms(taxonomy: str, fresh: bool = False) -> dict[str, dict[str, Any]]:
    """code → term of one taxonomy (`category` or `target_group`), in display order."""
    return {row["code"]: row for row in await all_terms(fresh) if row["taxonomy"] == taxonomy}


async def code_by_id() -> dict[int, str]:
    return {row["id"]: row["code"] for row in await all_terms()}


def forget() -> None:
    global _cache
    _cache = None


def label(term: dict[str, Any], lang: str) -> str:
    return str(term.get(f"name_{lang}") or term["name_pl"])
