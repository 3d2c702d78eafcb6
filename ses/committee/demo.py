"""The demo committee: in its second term, with a year of meetings, attendance, resolutions.

Made through the real services (so audited like any other change). One member missed three
meetings in a row without excuse and is flagged for dismissal; one resigned and was replaced.
"""

from __future__ import annotations

import random
from datetime import date

from ses.audit.services import Actor
from ses.committee import services
from ses.committee.schemas import (
    AttendanceIn,
    AttendanceRow,
    MeetingIn,
    MemberIn,
    MemberLeave,
    ResolutionIn,
    TermIn,
)
from ses.committee.tables import CommitteeTerm
from ses.committee.vocab import Function, Group, LeaveReason, MeetingState, Presence, ResolutionKind
from ses.demo.people import person
from ses.register.tables import Organisation
from ses.text import plural_pl

ACTOR = Actor.system("demo")
SEATS = {
    Group.MARSHAL: ("Urząd Marszałkowski Województwa Kujawsko-Pomorskiego", 2),
    Group.VOIVODE: ("Kujawsko-Pomorski Urząd Wojewódzki", 1),
    Group.LOCAL_GOVERNMENT: (None, 3),
    Group.SOCIAL_ECONOMY: (None, 4),
    Group.PUBLIC_BENEFIT_COUNCIL: ("Kujawsko-Pomorska Rada Działalności Pożytku Publicznego", 1),
    Group.COOPERATIVE_UNIONS: ("Związek Lustracyjny Spółdzielni Pracy", 1),
    Group.RESEARCH_INSTITUTES: ("Instytut Rozwoju Regionalnego", 1),
    Group.UNIVERSITIES: ("Uniwersytet Mikołaja Kopernika w Toruniu", 1),
    Group.TRADE_UNIONS: ("NSZZ „Solidarność” Region Toruńsko-Włocławski", 1),
    Group.EMPLOYERS: ("Pracodawcy Pomorza i Kujaw", 1),
}
MEETINGS = (
    (date(2025, 12, 9), "Toruń, Urząd Marszałkowski, sala 2"),
    (date(2026, 2, 24), "Bydgoszcz, Kujawsko-Pomorskie Centrum Kultury"),
    (date(2026, 4, 21), "Toruń, Urząd Marszałkowski, sala 2"),
    (date(2026, 6, 16), "Włocławek, Centrum Integracji Społecznej"),
    (date(2026, 9, 22), "Toruń, Urząd Marszałkowski, sala 2"),
    (date(2026, 11, 17), "Grudziądz, Ośrodek Wsparcia Ekonomii Społecznej"),
)
AGENDA = (
    "Otwarcie posiedzenia i przyjęcie porządku obrad\n"
    "Informacja ROPS o stanie ekonomii społecznej w województwie\n"
    "{topic}\n"
    "Sprawy bieżące i wolne wnioski"
)
TOPICS = (
    (
        "Opinia o aktualizacji regionalnego programu rozwoju ekonomii społecznej",
        ResolutionKind.PROGRAMME_OPINION,
    ),
    ("Przyjęcie raportu o stanie ekonomii społecznej za 2025 r.", ResolutionKind.ANNUAL_REPORT),
    ("Ocena efektów realizacji programu regionalnego w 2025 r.", ResolutionKind.PROGRAMME_EFFECTS),
    (
        "Opinia o projekcie uchwały Sejmiku w sprawie klauzul społecznych",
        ResolutionKind.DRAFT_RESOLUTION_OPINION,
    ),
    ("Opinia o wynikach weryfikacji OWES działających w regionie", ResolutionKind.ACCREDITATION_OPINION),
    ("Plan pracy komitetu na 2027 r.", ResolutionKind.ORGANISATIONAL),
)


async def _bodies(kind: str, count: int) -> list[dict]:
    return await (
        Organisation.select(Organisation.id, Organisation.name)
        .where((Organisation.is_demo == True) & (Organisation.kind == kind))  # noqa: E712
        .order_by(Organisation.id)
        .limit(count)
    )


async def load_committee_demo() -> list[str]:
    if await CommitteeTerm.count():
        return []
    rng = random.Random(2026)
    await services.create_term(
        TermIn(
            number=1,
            starts_on=date(2021, 3, 1),
            appointing_act="Zarządzenie Marszałka nr 12/2021 z 15.02.2021",
        ),
        ACTOR,
    )
    term = await services.create_term(
        TermIn(
            number=2,
            starts_on=date(2024, 3, 1),
            appointing_act="Zarządzenie Marszałka nr 9/2024 z 20.02.2024",
        ),
        ACTOR,
    )
    offices = await _bodies("gmina_office", 3)
    pes = await _bodies("social_cooperative", 2) + await _bodies("foundation", 2)
    members = []
    for group, (body, seats) in SEATS.items():
        for seat in range(1, seats + 1):
            org = None
            name = body
            if group is Group.LOCAL_GOVERNMENT and seat <= len(offices):
                org, name = offices[seat - 1]["id"], offices[seat - 1]["name"]
            if group is Group.SOCIAL_ECONOMY and seat <= len(pes):
                org, name = pes[seat - 1]["id"], pes[seat - 1]["name"]
            full_name, email = person(rng)
            function = Function.MEMBER
            if group is Group.MARSHAL and seat == 1:
                function = Function.CHAIR
            elif group is Group.SOCIAL_ECONOMY and seat == 1:
                function = Function.VICE_CHAIR
            elif group is Group.MARSHAL and seat == 2:
                function = Function.SECRETARY
            member = await services.appoint_member(
                MemberIn(
                    term_id=term["id"],
                    person_name=full_name,
                    group=group,
                    seat=seat,
                    function=function,
                    represented_body=name or "—",
                    organisation_id=org,
                    email=email,
                    appointed_on=date(2024, 3, 1),
                ),
                ACTOR,
            )
            members.append(member)
    # Deputies for the first two social-economy seats.
    for principal in [m for m in members if m["group"] == Group.SOCIAL_ECONOMY][:2]:
        full_name, email = person(rng)
        members.append(
            await services.appoint_member(
                MemberIn(
                    term_id=term["id"],
                    person_name=full_name,
                    group=Group.SOCIAL_ECONOMY,
                    seat=principal["seat"],
                    function=Function.DEPUTY,
                    deputy_for_id=principal["id"],
                    represented_body=principal["represented_body"],
                    organisation_id=principal["organisation_id"],
                    email=email,
                    appointed_on=date(2024, 3, 1),
                ),
                ACTOR,
            )
        )
    # A trade-union member resigned in 2025 and was replaced.
    leaving = next(m for m in members if m["group"] == Group.TRADE_UNIONS)
    await services.end_membership(
        leaving["id"],
        MemberLeave(left_on=date(2025, 10, 31), reason=LeaveReason.OWN_REQUEST, note="Rezygnacja"),
        1,
        ACTOR,
    )
    full_name, email = person(rng)
    replacement = await services.appoint_member(
        MemberIn(
            term_id=term["id"],
            person_name=full_name,
            group=Group.TRADE_UNIONS,
            seat=1,
            function=Function.MEMBER,
            represented_body=leaving["represented_body"],
            email=email,
            appointed_on=date(2025, 11, 1),
        ),
        ACTOR,
    )
    in_office = [m for m in members if m["id"] != leaving["id"]] + [replacement]
    absent = next(m for m in in_office if m["group"] == Group.EMPLOYERS)
    held = 0
    resolutions = 0
    for number, ((on, place), (topic, kind)) in enumerate(zip(MEETINGS, TOPICS, strict=True), start=1):
        state = MeetingState.PLANNED if on > date.today() else MeetingState.HELD
        meeting = await services.create_meeting(
            MeetingIn(
                term_id=term["id"], held_on=on, place=place, agenda=AGENDA.format(topic=topic), state=state
            ),
            ACTOR,
        )
        if state is not MeetingState.HELD:
            continue
        rows = []
        for member in in_office:
            if member["function"] == Function.DEPUTY:
                presence = Presence.PRESENT if rng.random() < 0.3 else None
            elif member["id"] == absent["id"] and number >= 3:
                presence = Presence.UNEXCUSED
            else:
                roll = rng.random()
                presence = (
                    Presence.PRESENT
                    if roll < 0.82
                    else Presence.EXCUSED
                    if roll < 0.95
                    else Presence.UNEXCUSED
                )
            if presence is not None:
                rows.append(AttendanceRow(member_id=member["id"], presence=presence))
        details = await services.record_attendance(meeting["id"], AttendanceIn(rows=rows), ACTOR)
        held += 1
        present = details["quorum"]["present"]
        if details["quorum"]["reached"]:
            against = rng.randrange(0, 2)
            abstained = rng.randrange(0, 3)
            await services.add_resolution(
                meeting["id"],
                ResolutionIn(
                    number=f"{number}/{on.year}",
                    kind=kind,
                    subject=topic,
                    text=f"Komitet, po dyskusji, przyjmuje stanowisko w sprawie: {topic.lower()}.",
                    votes_for=present - against - abstained,
                    votes_against=against,
                    abstained=abstained,
                ),
                ACTOR,
            )
            resolutions += 1
    return [
        "Komitet (RKRES): kadencja 2 (2024–2027), "
        f"{plural_pl(len(in_office), 'osoba', 'osoby', 'osób')} w składzie (z zastępcami), "
        f"{plural_pl(held, 'odbyte posiedzenie', 'odbyte posiedzenia', 'odbytych posiedzeń')}, "
        f"{plural_pl(resolutions, 'uchwała', 'uchwały', 'uchwał')}; "
        "1 członek do rozważenia odwołania (3 nieobecności)."
    ]
