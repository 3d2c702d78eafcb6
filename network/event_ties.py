"""Ties from the ROPS's networking events (an `event_meetings` hook of network's extension record).

Organisations of the register that met at the same networking meeting or study visit gain an
undirected tie "met at an event" (`met_at_event`), origin `event`, `source_row` naming the activity.
Each change of the event's participants replaces its ties (delete, then insert, in the caller's
transaction), so they are never duplicated, and an empty list removes them.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from network.state import bump_version, now
from network.tables import Relation
from network.vocab import Intensity, Origin, RelationType
from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.extensions import EventMeeting

CONFIDENCE = 1.0
"""Recorded by the ROPS from the attendance list: both sides were there."""


def source_of(activity_id: int) -> str:
    return f"activity.{activity_id}"


async def event_met(event: EventMeeting, actor: Actor) -> dict[str, Any]:
    source = source_of(event.activity_id)
    async with write_transaction():
        of_event = (Relation.origin == Origin.EVENT.value) & (Relation.source_row == source)
        removed = await Relation.count().where(of_event)
        if removed:
            await Relation.delete().where(of_event)
        stamp = now()
        pairs = list(combinations(sorted(set(event.organisation_ids)), 2))
        if pairs:
            await Relation.insert(
                *[
                    Relation(
                        source=a,
                        target=b,
                        relation_type=RelationType.MET_AT_EVENT.value,
                        directed=False,
                        weight=1.0,
                        intensity=Intensity.AWARENESS.value,
                        valid_from=event.held_on,
                        valid_to=None,
                        formal_basis=f"Spotkanie: {event.title}"[:300],
                        confidence=CONFIDENCE,
                        origin=Origin.EVENT.value,
                        source_row=source,
                        version=1,
                        created_at=stamp,
                        updated_at=stamp,
                    )
                    for a, b in pairs
                ]
            )
        if pairs or removed:
            await record_event(
                actor,
                "relation.event",
                "network_relation",
                None,
                {"activity": [None, event.activity_id], "ties": [removed, len(pairs)]},
            )
            await bump_version()
    return {"ties": len(pairs), "replaced": removed}
