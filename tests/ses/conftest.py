"""Accounts and tokens for every role, made through the real services inside the test transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ses.audit.services import Actor
from ses.auth.policy import Role


@dataclass
class Caller:
    role: Role
    token: str
    account_id: int
    organisation_id: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_caller(role: Role, organisation_id: int | None = None, name: str | None = None) -> Caller:
    from ses.auth.services import create_account, create_token

    actor = Actor.system("tests")
    username = name or f"{role.value}-{organisation_id or 0}"
    account_id = await create_account(
        username=username, role=role, password=None, organisation_id=organisation_id, actor=actor
    )
    token, _ = await create_token(account_id=account_id, name="tests", valid_days=30, actor=actor)
    return Caller(role=role, token=token, account_id=account_id, organisation_id=organisation_id)


@pytest.fixture
async def staff(app_tx: Any) -> Caller:
    return await make_caller(Role.STAFF)


@pytest.fixture
async def reviewer(app_tx: Any) -> Caller:
    return await make_caller(Role.REVIEWER)


@pytest.fixture
async def committee(app_tx: Any) -> Caller:
    return await make_caller(Role.COMMITTEE)
