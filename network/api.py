"""JSON API of this package (thin: every handler calls a service)."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
