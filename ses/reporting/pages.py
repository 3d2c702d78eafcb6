"""Web pages for OWES reports (forms for people; the API serves machines)."""

from __future__ import annotations

ROUTES: list = []
