"""Matching source records to register organisations and working out what would change (pure).

Matching goes KRS → NIP → REGON (the register keeps the 9-digit REGON), and only then name and
gmina, which is never trusted on its own: it yields a *suggestion* a person confirms. A field the
source gives differently is a change (old → new); it is a *conflict* when a person changed that
field after the date the source's data is valid for — a person's later correction is never
overwritten silently, nor applied automatically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ses.text import fold

COMPARED_FIELDS = (
    "name",
    "legal_form",
    "krs",
    "nip",
    "regon",
    "gmina_code",
    "locality",
    "street",
    "postal_code",
    "email",
    "website",
    "registered_on",
    "activity_state",
    "founder_id",
)
FOLDED_FIELDS = frozenset({"name", "locality", "street", "email", "website"})
"""Compared case- and accent-insensitively: KRS writes in capitals, people do not."""


@dataclass(frozen=True)
class Candidate:
    """An organisation as the matcher sees it."""

    id: int
    values: Mapping[str, Any]


@dataclass
class Proposal:
    field: str
    old: Any
    new: Any
    is_conflict: bool = False


@dataclass
class Outcome:
    status: str
    """new | update | conflict | unchanged | suggestion | deregistered | unmatched"""
    organisation_id: int | None = None
    matched_by: str | None = None
    changes: list[Proposal] = field(default_factory=list)


def plain(value: Any) -> str | None:
    """How a value is stored in a change and compared (dates as ISO)."""
    if value is None or value == "":
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    return str(value)


def same(field_name: str, old: Any, new: Any) -> bool:
    a, b = plain(old), plain(new)
    if field_name in FOLDED_FIELDS and a is not None and b is not None:
        return fold(a).rstrip("/") == fold(b).rstrip("/")
    return a == b


def match(
    values: Mapping[str, Any],
    by_identifier: Mapping[tuple[str, str], Candidate],
    by_name: Mapping[tuple[str, str], list[Candidate]],
) -> tuple[Candidate | None, str | None]:
    """The organisation a record belongs to and how it was found ('krs', 'nip', 'regon', 'name')."""
    for key in ("krs", "nip", "regon"):
        value = values.get(key)
        if value and (found := by_identifier.get((key, str(value)))) is not None:
            return found, key
    name, gmina = values.get("name"), values.get("gmina_code")
    if name and gmina:
        found_by_name = by_name.get((fold(str(name)), str(gmina)), [])
        if len(found_by_name) == 1:
            return found_by_name[0], "name"
    return None, None


def compare(
    current: Mapping[str, Any],
    proposed: Mapping[str, Any],
    person_edits: Mapping[str, datetime],
    as_of: date | None,
) -> list[Proposal]:
    """Field changes the source proposes; `person_edits`: field → when a person last changed it."""
    changes: list[Proposal] = []
    for name in COMPARED_FIELDS:
        if name not in proposed or proposed[name] in (None, ""):
            continue  # a source that says nothing about a field never clears it
        old, new = current.get(name), proposed[name]
        if same(name, old, new):
            continue
        edited = person_edits.get(name)
        conflict = edited is not None and old not in (None, "") and (as_of is None or edited.date() > as_of)
        changes.append(Proposal(name, plain(old), plain(new), conflict))
    return changes


def outcome_for(
    values: Mapping[str, Any],
    candidate: Candidate | None,
    matched_by: str | None,
    person_edits: Mapping[str, datetime],
    as_of: date | None,
    *,
    new_when_unmatched: bool = True,
) -> Outcome:
    if candidate is None:
        if not new_when_unmatched:
            return Outcome("unmatched")
        return Outcome("new", changes=[Proposal(k, None, plain(v)) for k, v in values.items() if plain(v)])
    changes = compare(candidate.values, values, person_edits, as_of)
    if matched_by == "name":
        return Outcome("suggestion", candidate.id, matched_by, changes)
    if not changes:
        return Outcome("unchanged", candidate.id, matched_by)
    status = "conflict" if any(change.is_conflict for change in changes) else "update"
    return Outcome(status, candidate.id, matched_by, changes)
