"""Fixtures of the network tests: organisations made through the register's API, as staff would."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

BUKOWIEC = "0414012"
"""A gmina of powiat 0414 (the default home of a test organisation)."""

MakeOrg = Callable[..., Awaitable[int]]


@pytest.fixture
def org(client: Any, staff: Any) -> MakeOrg:
    """`await org(name, kind="association", gmina=BUKOWIEC, **fields)`: a new register organisation's id."""

    async def make(name: str, kind: str = "association", gmina: str = BUKOWIEC, **extra: Any) -> int:
        body = {"name": name, "kind": kind, "gmina_code": gmina, **extra}
        response = await client.post("/api/v1/organisations", json=body, headers=staff.headers)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    return make
