"""HSDS identifiers: UUIDs (as the schemas require) that encode the database id, so they reverse.

`5e5d00KK-0000-4000-8000-NNNNNNNNNNNN`: KK names the kind of object, N is the id in hex. Objects
SES does not keep as rows (phones, schedules, languages …) take the id of the row they belong to
under their own kind, with an index where a row has several.
"""

from __future__ import annotations

import re

KINDS = {
    "organization": 1,
    "service": 2,
    "location": 3,
    "service_at_location": 4,
    "taxonomy": 5,
    "taxonomy_term": 6,
    "phone": 7,
    "schedule": 8,
    "service_area": 9,
    "language": 10,
    "cost_option": 11,
    "attribute": 12,
    "address": 13,
    "accessibility": 14,
    "organization_identifier": 15,
    "contact": 16,
}
_PATTERN = re.compile(r"^5e5d00([0-9a-f]{2})-0000-4000-8000-([0-9a-f]{12})$")
TAXONOMY_IDS = {"category": 1, "target_group": 2}


def uid(kind: str, number: int, index: int = 0) -> str:
    value = number * 1000 + index if index else number
    return f"5e5d00{KINDS[kind]:02x}-0000-4000-8000-{value:012x}"


def number_of(kind: str, text: str) -> int | None:
    """The database id a HSDS id of this kind names, or None when it names nothing of this kind."""
    match = _PATTERN.match(text.strip().lower())
    if match is None or int(match.group(1), 16) != KINDS[kind]:
        return None
    return int(match.group(2), 16)
