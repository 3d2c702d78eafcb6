"""The demo region's cooperation network: a few thousand ties grown over 2024–2026.

Deterministic (seeded). Ties follow who works with whom in a region: OWES support PES and partner
with offices; gminas contract services to local PES (some with a social clause); OPS, PCPR and PUP
refer participants to reintegration units and social cooperatives; PES cooperate mostly within
their powiat and belong to local action groups. Start dates spread over three years with more new
ties each year, and some (about one in twelve) have ended, so the change between two dates and the yearly
timeline show growth. Loaded once (ties marked with the note DEMO_NOTE); `load_network_demo` is
called by ses/demo/load.py after the register and the reports.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from network.state import bump_version, now
from network.tables import Relation
from network.vocab import UNDIRECTED_TYPES, Intensity, Origin, RelationType, sector_of
from ses.audit.channel import Channel
from ses.audit.services import Actor, record_event
from ses.db import write_transaction
from ses.register.tables import Organisation

DEMO_NOTE = "demo"
START = date(2024, 1, 1)
END = date(2026, 10, 31)
TIES_PER_ORGANISATION = 2.0
ACTOR = Actor(label="demo", channel=Channel.SYSTEM)
REFERRED_KINDS = {"cis", "kis", "zaz", "wtz", "social_cooperative"}
SERVICES = ("local_animation", "creating_pes_ps", "reintegration", "public_procurement", "business_support")


@dataclass(frozen=True)
class Org:
    id: int
    kind: str
    gmina: str
    is_owes: bool

    @property
    def powiat(self) -> str:
        return self.gmina[:4]


def _start(rng: random.Random) -> date:
    """More new ties each year: the density of start dates rises linearly over the three years."""
    span = (END - START).days
    return START + timedelta(days=int(span * rng.random() ** 0.75))


def demo_ties(orgs: list[Org], seed: int = 2026) -> list[dict[str, Any]]:
    """Relation values for the demo (pure: the same organisations and seed give the same ties)."""
    rng = random.Random(seed)
    pes = [o for o in orgs if sector_of(o.kind) == "social_economy" and not o.is_owes]
    owes = [o for o in orgs if o.is_owes]
    by_kind: dict[str, list[Org]] = defaultdict(list)
    pes_by_powiat: dict[str, list[Org]] = defaultdict(list)
    for o in orgs:
        by_kind[o.kind].append(o)
    for o in pes:
        pes_by_powiat[o.powiat].append(o)
    offices = {o.gmina[:6]: o for o in by_kind["gmina_office"]}
    target = int(len(orgs) * TIES_PER_ORGANISATION)
    seen: set[tuple[int, int, str]] = set()
    out: list[dict[str, Any]] = []

    def local(o: Org) -> list[Org]:
        return pes_by_powiat.get(o.powiat) or pes

    def add(source: Org, target_org: Org, kind: RelationType, origin: Origin, **extra: Any) -> None:
        key = (min(source.id, target_org.id), max(source.id, target_org.id), kind.value)
        if source.id == target_org.id or key in seen:
            return
        seen.add(key)
        begins = _start(rng)
        ends = None
        if rng.random() < 0.15:
            ends = begins + timedelta(days=rng.randint(60, 720))
            ends = ends if ends <= END else None
        out.append(
            {
                "source": source.id,
                "target": target_org.id,
                "relation_type": kind.value,
                "directed": kind not in UNDIRECTED_TYPES,
                "weight": float(rng.choice((1, 1, 1, 2, 3))),
                "intensity": rng.choice(list(Intensity)).value,
                "valid_from": begins,
                "valid_to": ends,
                "confidence": rng.choice((1.0, 0.9, 0.8)),
                "origin": origin.value,
                **extra,
            }
        )

    makers = []
    if owes and pes:
        makers += [
            (
                0.25,
                lambda: add(
                    o := rng.choice(owes),
                    rng.choice(local(o)),
                    RelationType.OWES_SUPPORTS,
                    rng.choice((Origin.OWES_REPORT, Origin.MANUAL)),
                    service=rng.choice(SERVICES),
                ),
            ),
        ]
    partners = by_kind["gmina_office"] + by_kind["ops"] + by_kind["pup"] + by_kind["lgd"] + by_kind["pcpr"]
    if owes and partners:
        makers.append(
            (
                0.05,
                lambda: add(
                    rng.choice(owes),
                    rng.choice(partners),
                    RelationType.OWES_PARTNER,
                    Origin.MANUAL,
                    formal_basis="Porozumienie o partnerstwie",
                ),
            )
        )
    if offices and pes:

        def contract() -> None:
            p = rng.choice(pes)
            office = offices.get(p.gmina[:6]) or rng.choice(list(offices.values()))
            add(
                office,
                p,
                RelationType.CONTRACTS_SERVICE,
                rng.choice((Origin.IMPORT, Origin.MANUAL)),
                value_pln=Decimal(rng.randrange(5_000, 200_000, 500)),
                social_clause=rng.random() < 0.4,
                formal_basis="Umowa o świadczenie usług",
            )

        makers.append((0.15, contract))
    referrers = by_kind["ops"] + by_kind["pcpr"] + by_kind["pup"] + by_kind["cus"]
    referred = [o for o in pes if o.kind in REFERRED_KINDS]
    if referrers and referred:

        def refer() -> None:
            r = rng.choice(referrers)
            near = [o for o in referred if o.powiat == r.powiat] or referred
            add(
                r,
                rng.choice(near),
                RelationType.REFERS_PARTICIPANTS,
                rng.choice((Origin.MANUAL, Origin.SURVEY)),
            )

        makers.append((0.12, refer))
    if len(pes) > 1:

        def cooperate() -> None:
            a = rng.choice(pes)
            b = rng.choice(local(a)) if rng.random() < 0.8 else rng.choice(pes)
            add(a, b, RelationType.COOPERATES, rng.choice((Origin.SURVEY, Origin.MANUAL, Origin.IMPORT)))

        makers.append((0.35, cooperate))
    if by_kind["lgd"] and pes:

        def member() -> None:
            p = rng.choice(pes)
            near = [o for o in by_kind["lgd"] if o.powiat == p.powiat] or by_kind["lgd"]
            add(p, rng.choice(near), RelationType.MEMBER_OF, Origin.MANUAL)

        makers.append((0.08, member))
    if not makers:
        return []
    weights = [w for w, _ in makers]
    attempts = 0
    while len(out) < target and attempts < target * 20:
        attempts += 1
        rng.choices(makers, weights)[0][1]()
    out.sort(key=lambda v: (v["valid_from"], v["source"], v["target"]))
    return out


async def load_network_demo(seed: int = 2026) -> dict[str, int]:
    """Write the demo network once (again: nothing happens); {"ties": n, "ended": m}."""
    if await Relation.exists().where(Relation.note == DEMO_NOTE):
        ties = await Relation.count().where(Relation.note == DEMO_NOTE)
        ended = await Relation.count().where((Relation.note == DEMO_NOTE) & Relation.valid_to.is_not_null())
        return {"ties": ties, "ended": ended, "created": 0}
    rows = await (
        Organisation.select(Organisation.id, Organisation.kind, Organisation.gmina_code, Organisation.is_owes)
        .where(Organisation.is_demo == True)  # noqa: E712
        .order_by(Organisation.id)
    )
    orgs = [Org(r["id"], r["kind"], r["gmina_code"] or "", bool(r["is_owes"])) for r in rows]
    values = demo_ties(orgs, seed)
    stamp = now()
    async with write_transaction():
        objects = [
            Relation(**v, note=DEMO_NOTE, version=1, created_at=stamp, updated_at=stamp) for v in values
        ]
        for start in range(0, len(objects), 500):
            await Relation.insert(*objects[start : start + 500])
        if objects:
            await record_event(
                ACTOR, "relation.import", "network_relation", None, {"rows": [None, len(objects)]}
            )
            await bump_version()
    ended = sum(1 for v in values if v["valid_to"] is not None)
    return {"ties": len(values), "ended": ended, "created": len(values)}
