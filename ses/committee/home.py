"""The committee's box on the start page: for its members and ROPS staff, the next meeting and the
latest resolutions; for staff also the members flagged for dismissal after three absences."""

from __future__ import annotations

from datetime import date

from ses.auth.policy import Principal, Role
from ses.committee import services
from ses.extensions import HomeSection

READERS = frozenset({Role.COMMITTEE, Role.STAFF, Role.ADMIN})


async def committee_box(user: Principal) -> HomeSection | None:
    if user.role not in READERS:
        return None
    term = await services.current_term()
    if term is None:
        return None
    meetings = await services.list_meetings(term["id"])
    today = date.today()
    upcoming = [m for m in meetings if m["state"] == "planned" and services.day(m["held_on"]) >= today]
    items = [
        (f"Najbliższe posiedzenie: {m['held_on']}, {m['place']}", f"/komitet/posiedzenia/{m['id']}")
        for m in upcoming[-1:]
    ]
    items += [
        (f"Posiedzenie nr {m['number']} ({m['held_on']})", f"/komitet/posiedzenia/{m['id']}")
        for m in meetings
        if m["state"] == "held"
    ][:3]
    flagged = 0
    if user.may(Role.STAFF):
        flagged = sum(
            1
            for m in await services.list_members(term["id"], with_contacts=False)
            if m["absence_flag"] and m["in_office"]
        )
        if flagged:
            items.append(
                (f"Do rozważenia odwołania (3 nieobecności): {flagged}", f"/komitet/kadencje/{term['id']}")
            )
    return HomeSection(
        title=f"Komitet (RKRES), kadencja {term['number']}",
        items=items,
        link=("/komitet", "Skład, posiedzenia i uchwały"),
        empty="Brak posiedzeń w tej kadencji.",
        order=60,
    )
