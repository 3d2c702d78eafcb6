"""Pieces of JSON answers every package shares (pydantic, so the OpenAPI describes them once).

A list answer is `Page[T]`: the items of one page with where it stands (page, page_size, total).
A package names its own page (`class ReportPage(Page[Report])`), so the OpenAPI keeps one
readable component per list and a package may add fields of its own (facets, scope…). An answer
that pages a list under another name holds `PageInfo`; a record's id and name, `Named`.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class PageInfo(BaseModel):
    page: int
    """From 1."""
    page_size: int
    total: int
    """Items over all pages."""


class Page(PageInfo, Generic[T]):
    items: list[T]


class Named(BaseModel):
    """A record's id and name: a reference to it, or the first fields of its own answer."""

    id: int
    name: str
