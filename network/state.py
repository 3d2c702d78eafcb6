"""The network's data version: what a cached answer or the region index was computed from.

Every write to the network bumps the version inside its own transaction; an answer is cached, and
the region index kept, under (network token, register stamp), so a change of either is seen.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from piccolo.query.functions.aggregate import Max

from network.tables import NetworkState
from ses.register.tables import Organisation


def now() -> datetime:
    return datetime.now(UTC)


async def bump_version() -> None:
    """Inside the caller's write transaction: the network changed, cached metrics no longer hold."""
    await NetworkState.update(
        {
            NetworkState.version: NetworkState.version + 1,
            NetworkState.token: uuid.uuid4().hex,
            NetworkState.changed_at: now(),
        }  # fmt: skip
    ).where(NetworkState.id == 1)


async def data_stamp() -> tuple[int, str, Any]:
    """(version, token, register stamp): what a cached answer was computed from."""
    state = (
        await NetworkState.select(NetworkState.version, NetworkState.token)
        .where(NetworkState.id == 1)
        .first()
    )
    register = await Organisation.select(Max(Organisation.updated_at, alias="stamp")).first()
    return (
        int(state["version"]) if state else 0,
        state["token"] if state else "",
        register["stamp"] if register else None,
    )
