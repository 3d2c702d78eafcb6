"""A demo year of the ROPS's support work (December 2025 – November 2026): trainings, study visits,
networking meetings and fora with participants from the demo region's real gminas, the yearly
training-needs survey and a few local governments' deinstitutionalisation plans.

Made through the real services: networking events become "met at an event" ties in the network,
people coming back to several activities are counted once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ses.activities import services
from ses.activities.schemas import ActivityIn, ParticipantIn, PlanIn, TrainingNeedIn
from ses.activities.tables import Activity
from ses.activities.vocab import ActivityKind, ParticipantRole, Topic
from ses.audit.services import Actor
from ses.demo.people import person
from ses.register.tables import Organisation
from ses.text import plural_pl

ACTOR = Actor.system("demo")
ROLE_OF_KIND = {
    "ops": ParticipantRole.OPS,
    "pcpr": ParticipantRole.PCPR,
    "pup": ParticipantRole.PUP,
    "cus": ParticipantRole.CUS,
    "gmina_office": ParticipantRole.LOCAL_GOVERNMENT,
    "powiat_office": ParticipantRole.LOCAL_GOVERNMENT,
}
PLAN = (
    (ActivityKind.TRAINING, Topic.SOCIAL_ECONOMY, "Klauzule społeczne w zamówieniach gminy", True),
    (ActivityKind.TRAINING, Topic.COMMUNITY_SERVICES, "Plan deinstytucjonalizacji usług krok po kroku", True),
    (ActivityKind.WORKSHOP, Topic.SOCIAL_ASSISTANCE, "Praca socjalna z rodziną w kryzysie", True),
    (ActivityKind.STUDY_VISIT, Topic.SOCIAL_ECONOMY, "Wizyta studyjna w spółdzielniach socjalnych", False),
    (ActivityKind.NETWORKING_PES, Topic.SOCIAL_ECONOMY, "Spotkanie sieciujące PES subregionu", False),
    (ActivityKind.NETWORKING_OWES, Topic.COOPERATION, "Spotkanie sieci OWES województwa", False),
    (ActivityKind.NETWORKING_CUS, Topic.COMMUNITY_SERVICES, "Sieć centrów usług społecznych", False),
    (ActivityKind.ADVISORY, Topic.FAMILY_SUPPORT, "Doradztwo: piecza zastępcza w powiecie", False),
    (ActivityKind.SUPERVISION, Topic.SOCIAL_ASSISTANCE, "Superwizja pracowników socjalnych", False),
    (ActivityKind.FORUM, Topic.SOCIAL_ECONOMY, "Regionalne Forum Ekonomii Społecznej", False),
    (ActivityKind.FAIR, Topic.SOCIAL_ECONOMY, "Targi Ekonomii Społecznej", False),
    (ActivityKind.TRAINING, Topic.FOREIGNERS, "Integracja cudzoziemców w gminie", True),
)


async def _organisations(kinds: tuple[str, ...], limit: int) -> list[dict]:
    return await (
        Organisation.select(Organisation.id, Organisation.name, Organisation.kind, Organisation.gmina_code)
        .where((Organisation.is_demo == True) & Organisation.kind.is_in(list(kinds)))  # noqa: E712
        .order_by(Organisation.id)
        .limit(limit)
    )


async def load_activities_demo() -> list[str]:
    if await Activity.count():
        return []
    rng = random.Random(2027)
    institutions = await _organisations(tuple(ROLE_OF_KIND), 400)
    pes = await _organisations(("association", "foundation", "social_cooperative", "cis", "kis"), 300)
    owes = (
        await _organisations(("association", "foundation"), 0)
        + await Organisation.select(
            Organisation.id, Organisation.name, Organisation.kind, Organisation.gmina_code
        ).where((Organisation.is_demo == True) & (Organisation.is_owes == True))  # noqa: E712
    )
    pool = [person(rng) for _ in range(420)]  # people who come back to several activities
    start = date(2025, 12, 1)
    activities = 0
    participations = 0
    for index in range(44):
        kind, topic, title, certificates = PLAN[index % len(PLAN)]
        on = start + timedelta(days=int(index * 8.2) + rng.randrange(0, 4))
        while on.weekday() >= 5:
            on += timedelta(days=1)
        if on > date.today():
            break
        host = rng.choice(institutions)
        days = 2 if kind in (ActivityKind.STUDY_VISIT, ActivityKind.FORUM) else 1
        activity = await services.create_activity(
            ActivityIn(
                kind=kind,
                topic=topic,
                title=f"{title} ({index // len(PLAN) + 1})",
                starts_on=on,
                ends_on=on + timedelta(days=days - 1),
                place=f"{host['name']}",
                gmina_code=host["gmina_code"],
                hours=Decimal(6 * days),
                certificates=certificates,
            ),
            ACTOR,
        )
        activities += 1
        if kind is ActivityKind.NETWORKING_OWES:
            attendees = [(o, ParticipantRole.OWES) for o in owes]
        elif kind in (
            ActivityKind.NETWORKING_PES,
            ActivityKind.STUDY_VISIT,
            ActivityKind.FAIR,
            ActivityKind.FORUM,
        ):
            attendees = [
                (o, ParticipantRole.PES) for o in rng.sample(pes, min(len(pes), rng.randrange(8, 18)))
            ]
            attendees += [(o, ROLE_OF_KIND[o["kind"]]) for o in rng.sample(institutions, 4)]
        else:
            attendees = [
                (o, ROLE_OF_KIND[o["kind"]]) for o in rng.sample(institutions, rng.randrange(10, 22))
            ]
        seen = set()
        for organisation, role in attendees:
            name, email = rng.choice(pool)
            if email in seen:
                continue
            seen.add(email)
            completed = certificates and rng.random() < 0.9
            await services.add_participant(
                activity["id"],
                ParticipantIn(
                    full_name=name,
                    email=email,
                    role=role,
                    organisation_id=organisation["id"],
                    consent_on=on - timedelta(days=rng.randrange(1, 10)),
                    completed=completed,
                    certificate_number=f"ROPS/{on.year}/{index + 1}/{len(seen)}" if completed else None,
                ),
                ACTOR,
            )
            participations += 1
    for organisation in rng.sample(institutions, min(60, len(institutions))):
        await services.add_training_need(
            TrainingNeedIn(
                year=2026,
                institution=organisation["name"],
                organisation_id=organisation["id"],
                gmina_code=organisation["gmina_code"],
                topic=rng.choice(list(Topic)),
                people=rng.randrange(1, 12),
                priority=rng.randrange(1, 4),
            ),
            ACTOR,
        )
    offices = await _organisations(("gmina_office",), 200)
    plans = 0
    for organisation in rng.sample(offices, min(18, len(offices))):
        adopted = date(2025, 3, 1) + timedelta(days=rng.randrange(0, 600))
        if adopted > date.today():
            continue
        await services.add_plan(
            PlanIn(
                territory_code=organisation["gmina_code"],
                title="Plan deinstytucjonalizacji usług społecznych",
                adopted_on=adopted,
            ),
            ACTOR,
        )
        plans += 1
    return [
        f"Działania ROPS: {plural_pl(activities, 'działanie', 'działania', 'działań')} z lat 2025–2026, "
        f"{plural_pl(participations, 'udział', 'udziały', 'udziałów')}, badanie potrzeb 2026, "
        f"{plural_pl(plans, 'plan', 'plany', 'planów')} deinstytucjonalizacji."
    ]
