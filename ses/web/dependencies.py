"""Dependencies every handler of every package takes by name instead of parsing them itself: the
viewer (who calls), the signed-in account, the page of a list. Registered once on the application
(ses/app.py); a route that needs another default or largest page size overrides `paging` with
`paging_of(n, maximum)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromQuery

from ses.auth.policy import Principal
from ses.settings import get_settings
from ses.web.context import page_window, principal


@dataclass(frozen=True)
class Page:
    """One page of a list: checked against the largest page size (422 naming the parameter)."""

    page: int
    page_size: int

    @property
    def limit(self) -> int:
        return self.page_size

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def paging_of(default_size: int = 50, maximum: int | None = None) -> Provide:
    """The `paging` dependency: `?page=` (from 1) and `?page_size=` (1 … `maximum`, by default
    SES_MAX_PAGE_SIZE, read at each request so a test or deployment can change it)."""

    def paging(page: FromQuery[int] = 1, page_size: FromQuery[int] = default_size) -> Page:
        return Page(*page_window(page, page_size, maximum or get_settings().max_page_size))

    return Provide(paging, sync_to_thread=False)


def viewer_of(request: Request[Any, Any, Any]) -> Principal | None:
    """The `viewer` dependency: who calls (None when anonymous); services scope answers by it."""
    return principal(request)


def account_of(request: Request[Any, Any, Any]) -> Principal:
    """The `account` dependency, for routes whose guard admits only signed-in callers."""
    user = principal(request)
    if user is None:  # pragma: no cover - the route's guard answered 401 before
        raise NotAuthorizedException()
    return user


Paging = NamedDependency[Page]
"""A handler parameter named `paging`."""
Viewer = NamedDependency[Principal | None]
"""A handler parameter named `viewer`."""
Account = NamedDependency[Principal]
"""A handler parameter named `account`."""

DEPENDENCIES: dict[str, Provide] = {
    "paging": paging_of(),
    "viewer": Provide(viewer_of, sync_to_thread=False),
    "account": Provide(account_of, sync_to_thread=False),
}
"""Registered on the application (ses/app.py), so every route of every package can take them."""
