"""The key of an HTTP request: its `Idempotency-Key` header, scoped to the account, fingerprinted
with the method, the path and what the request sends."""

from __future__ import annotations

from typing import Any

from ses.idempotency.services import Key, make_key


def key_of(request: Any, account_id: int | None, *parts: bytes | str) -> Key | None:
    """None when the request carries no `Idempotency-Key`; a 422 when the header is malformed."""
    return make_key(
        account_id or 0, request.headers.get("idempotency-key"), request.method, request.url.path, *parts
    )
