"""A deterministic generator of a realistic register (pure: no database, no clock).

One generator serves the demo (one region, ~1,500 records with public actors; statuses and
year figures are added by `ses.demo.register`) and the benchmarks (the whole country, 100,000
organisations). The same seed gives the same register on every machine. Organisations are placed
in real gminas in proportion to population, with the shares of kinds seen in GUS sector studies:
NGOs dominate (~97%), ~1.3% reintegration units, a handful of OWES. Identifiers have valid check
digits but are invented; contact addresses use the reserved `.example` domain.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.pl import regon as stdnum_regon

from ses.demo import names as n
from ses.demo.regions import Gmina
from ses.register.vocab import REINTEGRATION_UNIT_KINDS, ActivityState, Kind, LegalForm, default_legal_form
from ses.text import fold

# Dates are drawn before this day, so runs on different days give the same register.
ANCHOR = date(2025, 6, 30)

# Share of each kind among generated PES (sums to 1).
KIND_SHARES: dict[Kind, float] = {
    Kind.ASSOCIATION: 0.5705,
    Kind.FOUNDATION: 0.17,
    Kind.OSP: 0.09,
    Kind.KGW: 0.08,
    Kind.OTHER_NGO: 0.045,
    Kind.SOCIAL_COOPERATIVE: 0.012,
    Kind.WORK_COOPERATIVE: 0.003,
    Kind.DISABLED_COOPERATIVE: 0.001,
    Kind.AGRICULTURAL_COOPERATIVE: 0.002,
    Kind.CHURCH_ENTITY: 0.008,
    Kind.JST_ASSOCIATION: 0.001,
    Kind.NONPROFIT_COMPANY: 0.004,
    Kind.CIS: 0.002,
    Kind.KIS: 0.003,
    Kind.ZAZ: 0.001,
    Kind.WTZ: 0.0075,
}
FIRST_REGISTRATION_YEAR = {
    Kind.SOCIAL_COOPERATIVE: 2006, Kind.CIS: 2004, Kind.KIS: 2004, Kind.ZAZ: 1998, Kind.WTZ: 1992,
    Kind.KGW: 2018, Kind.NONPROFIT_COMPANY: 2004,
}  # fmt: skip
# Who runs reintegration units, in order of preference.
FOUNDER_KINDS = {
    Kind.CIS: (Kind.ASSOCIATION, Kind.FOUNDATION, Kind.SOCIAL_COOPERATIVE),
    Kind.KIS: (Kind.ASSOCIATION, Kind.FOUNDATION, Kind.OPS),
    Kind.ZAZ: (Kind.ASSOCIATION, Kind.FOUNDATION, Kind.CHURCH_ENTITY),
    Kind.WTZ: (Kind.ASSOCIATION, Kind.FOUNDATION, Kind.CHURCH_ENTITY),
}
ACTIVITY_WEIGHTS = (
    (ActivityState.ACTIVE, 70), (ActivityState.EXISTING, 15), (ActivityState.REGISTERED, 8),
    (ActivityState.SUSPENDED, 3), (ActivityState.IN_LIQUIDATION, 4),
)  # fmt: skip
# Kinds that are entered in KRS (and so have KRS, NIP and REGON as a rule).
IN_KRS = {
    Kind.ASSOCIATION, Kind.FOUNDATION, Kind.OSP, Kind.SOCIAL_COOPERATIVE, Kind.WORK_COOPERATIVE,
    Kind.DISABLED_COOPERATIVE, Kind.AGRICULTURAL_COOPERATIVE, Kind.NONPROFIT_COMPANY, Kind.LGD,
}  # fmt: skip


@dataclass
class OrganisationSeed:
    """One generated organisation, in the shape of a row of the register's import file."""

    ref: str
    name: str
    kind: Kind
    legal_form: LegalForm
    activity_state: ActivityState
    gmina_code: str
    locality: str
    street: str | None = None
    postal_code: str | None = None
    krs: str | None = None
    nip: str | None = None
    regon: str | None = None
    email: str | None = None
    website: str | None = None
    phone: str | None = None
    registered_on: date | None = None
    is_owes: bool = False
    founder_ref: str | None = None

    def row(self) -> dict[str, str]:
        """The import-file row of this organisation (every value as text)."""
        return {
            "ref": self.ref, "name": self.name, "kind": self.kind.value, "legal_form": self.legal_form.value,
            "activity_state": self.activity_state.value, "gmina_code": self.gmina_code,
            "locality": self.locality,
            "street": self.street or "", "postal_code": self.postal_code or "", "krs": self.krs or "",
            "nip": self.nip or "", "regon": self.regon or "", "email": self.email or "",
            "website": self.website or "", "phone": self.phone or "",
            "registered_on": self.registered_on.isoformat() if self.registered_on else "",
            "is_owes": "tak" if self.is_owes else "nie", "founder_ref": self.founder_ref or "",
        }  # fmt: skip


IMPORT_COLUMNS = tuple(
    OrganisationSeed("", "", Kind.OTHER, LegalForm.OTHER, ActivityState.ACTIVE, "", "").row()
)


class _Numbers:
    """Unique identifiers with valid check digits, drawn from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.krs = itertools.count(rng.randrange(10_000, 60_000) * 10, rng.randrange(3, 9))
        self.used: set[str] = set()

    def next_krs(self) -> str:
        return f"{next(self.krs):010d}"

    def next_nip(self) -> str:
        while True:
            body = f"{self.rng.randrange(100, 999)}{self.rng.randrange(0, 1_000_000):06d}"
            check = sum(w * int(d) for w, d in zip((6, 5, 7, 2, 3, 4, 5, 6, 7), body, strict=True)) % 11
            number = body + str(check)
            if check < 10 and number not in self.used:
                self.used.add(number)
                return number

    def next_regon(self) -> str:
        while True:
            body = f"{self.rng.randrange(0, 100_000_000):08d}"
            number = body + stdnum_regon.calc_check_digit(body)
            if number not in self.used:
                self.used.add(number)
                return number


def _quotas(total: int, shares: dict[Kind, float]) -> dict[Kind, int]:
    """Counts per kind summing exactly to `total` (largest remainder)."""
    raw = {kind: share * total for kind, share in shares.items()}
    counts = {kind: int(value) for kind, value in raw.items()}
    for kind in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[kind] += 1
    return counts


_SLUG_SKIP = {
    "w",
    "na",
    "rzecz",
    "im",
    "i",
    "pw",
    "oddzial",
    "sp",
    "z",
    "o",
    "o.",
    "non-profit",
    "gminy",
    "miasta",
}


def _slug(text: str) -> str:
    """A short web-address form of a name: its quoted part, or its last meaningful words."""
    folded = fold(text)
    if "„" in folded and "”" in folded:
        folded = folded[folded.index("„") + 1 : folded.index("”")]
    words = [
        w for w in folded.replace("-", " ").replace(".", " ").split() if w.isalnum() and w not in _SLUG_SKIP
    ]
    return "-".join(words[-3:])[:40] or "organizacja"


class Builder:
    def __init__(self, gminas: Sequence[Gmina], seed: int) -> None:
        if not gminas:
            raise ValueError("no gminas to place organisations in")
        self.rng = random.Random(seed)
        self.gminas = list(gminas)
        self.seats: dict[str, Gmina | None] = {}
        self.cumulative = list(itertools.accumulate(g.population for g in self.gminas))
        self.numbers = _Numbers(self.rng)
        self.serial = itertools.count(1)
        self.names_in_gmina: dict[str, set[str]] = defaultdict(set)
        self.namesakes: Counter[tuple[str, str]] = Counter()

    # -- placing and describing -------------------------------------------------------------
    def gmina(self) -> Gmina:
        point = self.rng.random() * self.cumulative[-1]
        return self.gminas[bisect.bisect_right(self.cumulative, point)]

    def registered_on(self, kind: Kind) -> date:
        first = date(FIRST_REGISTRATION_YEAR.get(kind, 1990), 1, 1)
        return first + timedelta(days=self.rng.randrange((ANCHOR - first).days))

    def village(self) -> tuple[str, str]:
        return self.rng.choice(n.VILLAGES)

    def name_for(self, kind: Kind, gmina: Gmina) -> tuple[str, str]:
        """A name and the locality of the seat."""
        rng = self.rng
        place, locality = n.of_gmina(gmina), gmina.name
        lands = n.LANDS.get(gmina.voivodeship_code, ())
        motto = rng.choice(n.MOTTOS)
        if kind is Kind.ASSOCIATION:
            options = [
                f"Stowarzyszenie Przyjaciół {place}",
                f"Stowarzyszenie na rzecz Rozwoju {place}",
                f"Stowarzyszenie {rng.choice(n.ASSOCIATION_AIMS)} „{motto}”",
                f"Stowarzyszenie „{motto}” {n.in_gmina(gmina)}",
                f"Towarzystwo Przyjaciół Dzieci Oddział {place}",
                f"Stowarzyszenie {rng.choice(n.ASSOCIATION_AIMS)} {n.in_gmina(gmina)}",
            ]
            if lands:
                options.append(f"Towarzystwo Miłośników {rng.choice(lands)}")
                options.append(f"Stowarzyszenie Przyjaciół {rng.choice(lands)} „{motto}”")
            if not gmina.is_urban:
                village, village_loc = self.village()
                options.append(f"Stowarzyszenie Rozwoju Wsi {village}")
                locality = village if rng.random() < 0.5 else locality
            return rng.choice(options), locality
        if kind is Kind.FOUNDATION:
            return rng.choice(
                [
                    f"Fundacja „{motto}”",
                    f"Fundacja {rng.choice(n.FOUNDATION_AIMS)}",
                    f"Fundacja na rzecz {rng.choice(n.BENEFICIARIES)} „{motto}”",
                    f"Fundacja im. {rng.choice(n.PATRONS)}",
                    f"Fundacja {rng.choice(n.FOUNDATION_AIMS)} {place}",
                ]
            ), locality
        if kind in (Kind.KGW, Kind.OSP):
            on_seat = gmina.is_urban or rng.random() < 0.2
            village, village_loc = (gmina.name, n.locative(gmina.name)) if on_seat else self.village()
            label = "Koło Gospodyń Wiejskich" if kind is Kind.KGW else "Ochotnicza Straż Pożarna"
            return (f"{label} w {village_loc}" if village_loc else f"{label} {village} ({place})"), village
        if kind is Kind.OTHER_NGO:
            template = rng.choice(n.OTHER_NGO_NAMES)
            return template.format(club=rng.choice(n.CLUB_NAMES), place=gmina.name, motto=motto), locality
        if kind is Kind.SOCIAL_COOPERATIVE:
            return f"Spółdzielnia Socjalna „{rng.choice(n.COOPERATIVE_NAMES)}”", locality
        if kind is Kind.WORK_COOPERATIVE:
            return (
                f"Spółdzielnia Pracy „{rng.choice(n.WORK_COOPERATIVE_NAMES)}” {n.in_gmina(gmina)}",
                locality,
            )
        if kind is Kind.DISABLED_COOPERATIVE:
            label = rng.choice(("Spółdzielnia Inwalidów", "Spółdzielnia Niewidomych"))
            return f"{label} „{rng.choice(n.WORK_COOPERATIVE_NAMES)}” {n.in_gmina(gmina)}", locality
        if kind is Kind.AGRICULTURAL_COOPERATIVE:
            village, village_loc = self.village()
            return f"Rolnicza Spółdzielnia Produkcyjna w {village_loc}", village
        if kind is Kind.CHURCH_ENTITY:
            return rng.choice(
                [
                    f"Parafia Rzymskokatolicka pw. {rng.choice(n.SAINTS)} {n.in_gmina(gmina)}",
                    f"Zgromadzenie Sióstr Albertynek — Dom Zakonny {n.in_gmina(gmina)}",
                    f"Parafialny Oddział Caritas pw. {rng.choice(n.SAINTS)}",
                ]
            ), locality
        if kind is Kind.JST_ASSOCIATION:
            land = rng.choice(lands) if lands else gmina.powiat_name.capitalize()
            return f"Związek Gmin {land}" if lands else f"Związek Międzygminny „{motto}”", locality
        if kind is Kind.NONPROFIT_COMPANY:
            return f"{rng.choice(n.NONPROFIT_NAMES)} {gmina.name} sp. z o.o. non-profit", locality
        if kind is Kind.CIS:
            return f"Centrum Integracji Społecznej {n.in_gmina(gmina)}", locality
        if kind is Kind.KIS:
            return f"Klub Integracji Społecznej „{motto}” {n.in_gmina(gmina)}", locality
        if kind is Kind.ZAZ:
            return f"Zakład Aktywności Zawodowej {n.in_gmina(gmina)}", locality
        if kind is Kind.WTZ:
            return f"Warsztat Terapii Zajęciowej {n.in_gmina(gmina)}", locality
        return f"{kind.value} {gmina.name}", locality

    def unique_name(self, kind: Kind, gmina: Gmina) -> tuple[str, str]:
        taken = self.names_in_gmina[gmina.code]
        for _ in range(3):
            name, locality = self.name_for(kind, gmina)
            if name not in taken:
                break
        else:
            # A big city exhausts the combinations: number the namesakes as registers do ("Koło nr 2").
            base = name
            while name in taken:
                self.namesakes[(gmina.code, base)] += 1
                name = f"{base} nr {self.namesakes[(gmina.code, base)] + 1}"
        taken.add(name)
        return name, locality

    def postal_code(self, gmina: Gmina) -> str:
        """The post office code of the gmina's seat: a real one where known (the demo region),
        else the code of the powiat's seat, else a stable made-up one in the voivodeship's range."""
        if gmina.powiat_code not in self.seats:
            self.seats[gmina.powiat_code] = powiat_seat(gmina.powiat_code, self.gminas)
        for place in (gmina, self.seats[gmina.powiat_code]):
            if place is not None and (code := n.POSTAL_CODES.get(place.name)):
                return code
        prefixes = n.POSTAL_PREFIXES.get(gmina.voivodeship_code, range(0, 100))
        number = int(gmina.code[:6])
        first = prefixes[(number * 7919) % len(prefixes)]
        return f"{first:02d}-{(number * 104729) % 900 + 100:03d}"

    def contact(self, seed: OrganisationSeed, gmina: Gmina) -> None:
        rng = self.rng
        seed.postal_code = self.postal_code(gmina)
        if rng.random() < 0.9:
            seed.street = f"ul. {rng.choice(n.STREETS)} {rng.randrange(1, 120)}"
            if rng.random() < 0.2:
                seed.street += f"/{rng.randrange(1, 40)}"
        slug = _slug(seed.name)
        if rng.random() < 0.75:
            seed.email = f"{rng.choice(('biuro', 'kontakt', 'sekretariat', 'zarzad'))}@{slug}.example"
        if rng.random() < 0.45:
            seed.website = f"https://{slug}.example"
        if rng.random() < 0.7:
            area = rng.choice(n.AREA_CODES.get(gmina.voivodeship_code, ("22",)))
            seed.phone = (
                f"+48 {area} {rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"
            )

    def identifiers(self, seed: OrganisationSeed) -> None:
        rng = self.rng
        kind = seed.kind
        if kind in REINTEGRATION_UNIT_KINDS:
            return  # no legal personality: identified through the body running them
        if kind in IN_KRS and rng.random() < 0.92:
            seed.krs = self.numbers.next_krs()
        has_tax_numbers = kind not in (Kind.KGW, Kind.OTHER_NGO) or rng.random() < 0.5
        if has_tax_numbers and rng.random() < 0.95:
            seed.nip = self.numbers.next_nip()
            seed.regon = self.numbers.next_regon()

    def organisation(
        self, kind: Kind, gmina: Gmina | None = None, *, name: str | None = None
    ) -> OrganisationSeed:
        gmina = gmina or self.gmina()
        generated, locality = self.unique_name(kind, gmina) if name is None else (name, gmina.name)
        pes = kind in n_kinds_pes()
        state = (
            self.rng.choices([s for s, _ in ACTIVITY_WEIGHTS], [w for _, w in ACTIVITY_WEIGHTS])[0]
            if pes
            else ActivityState.ACTIVE
        )
        seed = OrganisationSeed(
            ref=f"D{next(self.serial):06d}",
            name=generated,
            kind=kind,
            legal_form=default_legal_form(kind),
            activity_state=state,
            gmina_code=gmina.code,
            locality=locality,
            registered_on=self.registered_on(kind) if pes or kind is Kind.LGD else None,
        )
        self.identifiers(seed)
        self.contact(seed, gmina)
        return seed


def n_kinds_pes() -> frozenset[Kind]:
    return frozenset(KIND_SHARES)


def _owes_seeds(builder: Builder, count: int) -> list[OrganisationSeed]:
    """OWES are run by NGOs in the largest towns of distinct powiats (subregions)."""
    seen: set[str] = set()
    hosts: list[Gmina] = []
    for gmina in sorted(builder.gminas, key=lambda g: (-g.population, g.code)):
        if gmina.powiat_code not in seen:
            seen.add(gmina.powiat_code)
            hosts.append(gmina)
        if len(hosts) == count:
            break
    owes = []
    for index, gmina in enumerate(hosts):
        motto = n.MOTTOS[index % len(n.MOTTOS)]
        kind = (Kind.FOUNDATION, Kind.ASSOCIATION)[index % 2]
        name = (
            f"Fundacja Rozwoju Ekonomii Społecznej „{motto}”"
            if kind is Kind.FOUNDATION
            else f"Stowarzyszenie na rzecz Ekonomii Społecznej „{motto}” {n.in_gmina(gmina)}"
        )
        seed = builder.organisation(kind, gmina, name=name)
        seed.is_owes = True
        seed.activity_state = ActivityState.ACTIVE
        seed.registered_on = date(2005 + index % 8, 3 + index % 9, 1 + index % 27)
        owes.append(seed)
    return owes


def powiat_seat(powiat: str, gminas: Sequence[Gmina]) -> Gmina | None:
    """The town where a powiat's offices (starostwo, PCPR, PUP) sit.

    The seat gives the powiat its name ("powiat inowrocławski" → Inowrocław); a land powiat named
    after a city with powiat rights has its offices in that city (powiat toruński → Toruń).
    """
    own = [g for g in gminas if g.powiat_code == powiat]
    if not own:
        return None
    stem = fold(own[0].powiat_name.split("-")[0])[:4]
    towns = [g for g in own if g.gmina_type in ("1", "3")]
    named = [g for g in towns if fold(g.name)[:4] == stem]
    if not named and powiat[2] not in "6789":
        named = [
            g
            for g in gminas
            if g.voivodeship_code == powiat[:2] and g.code[2] in "6789" and fold(g.name)[:4] == stem
        ]
    pool = named or towns or own
    return min(pool, key=lambda g: (g.gmina_type not in ("1", "3"), -g.population))


def _public_actors(builder: Builder) -> list[OrganisationSeed]:
    """Gmina offices and social assistance centres, PCPR and PUP per powiat, the marshal's office."""
    actors: list[OrganisationSeed] = []
    by_powiat: dict[str, list[Gmina]] = defaultdict(list)
    for gmina in builder.gminas:
        by_powiat[gmina.powiat_code].append(gmina)
        office = {"1": "Urząd Miasta", "3": "Urząd Miasta i Gminy"}.get(
            gmina.gmina_type, "Urząd Gminy"
        ) + f" {gmina.name}"
        prefix = {"1": "Miejski", "3": "Miejsko-Gminny"}.get(gmina.gmina_type, "Gminny")
        place = n.locative(gmina.name)
        ops = f"{prefix} Ośrodek Pomocy Społecznej " + (f"w {place}" if place else gmina.name)
        actors.append(builder.organisation(Kind.GMINA_OFFICE, gmina, name=office))
        actors.append(builder.organisation(Kind.OPS, gmina, name=ops))
    for powiat, gminas in by_powiat.items():
        seat = powiat_seat(powiat, builder.gminas) or gminas[0]
        loc = n.locative(seat.name)
        # A land powiat seated in a city with powiat rights (powiat toruński in Toruń) names its
        # offices after the powiat: the city has offices of its own.
        own_seat = seat.powiat_code == powiat
        place = f"w {loc}" if loc and own_seat else n.powiat_genitive(gminas[0].powiat_name)
        actors.append(
            builder.organisation(Kind.PCPR, seat, name=f"Powiatowe Centrum Pomocy Rodzinie {place}")
        )
        actors.append(builder.organisation(Kind.PUP, seat, name=f"Powiatowy Urząd Pracy {place}"))
    capital = max(builder.gminas, key=lambda g: g.population)
    region = capital.voivodeship_name.lower()
    region_title = "-".join(part.capitalize() for part in region.split("-"))
    if region.endswith("ie"):
        region_title = region_title[:-2] + "iego"
    actors.append(
        builder.organisation(
            Kind.VOIVODESHIP_OFFICE, capital, name=f"Urząd Marszałkowski Województwa {region_title}"
        )
    )
    for index, lgd in enumerate(n.LGD_NAMES[: max(2, len(by_powiat) // 3)]):
        host = sorted(builder.gminas, key=lambda g: g.code)[(index * 7) % len(builder.gminas)]
        actors.append(builder.organisation(Kind.LGD, host, name=f"Lokalna Grupa Działania „{lgd}”"))
    return actors


def _assign_founders(builder: Builder, units: list[OrganisationSeed], bodies: list[OrganisationSeed]) -> None:
    index: dict[tuple[str, Kind], list[OrganisationSeed]] = defaultdict(list)
    for body in bodies:
        index[(body.gmina_code[:4], body.kind)].append(body)
        index[(body.gmina_code[:2], body.kind)].append(body)
        index[("", body.kind)].append(body)
    for unit in units:
        for area in (unit.gmina_code[:4], unit.gmina_code[:2], ""):
            candidates = [b for kind in FOUNDER_KINDS[unit.kind] for b in index.get((area, kind), [])]
            if candidates:
                unit.founder_ref = builder.rng.choice(candidates).ref
                break
        else:
            unit.founder_ref = bodies[0].ref


def generate_organisations(
    gminas: Sequence[Gmina],
    *,
    total: int,
    seed: int = 2026,
    owes: int | None = None,
    public_actors: bool = False,
) -> list[OrganisationSeed]:
    """`total` PES (OWES included) placed in `gminas`, plus public actors when asked.

    Bodies come before the units they run, as the importer expects of references within a file.
    """
    return build_organisations(gminas, total=total, seed=seed, owes=owes, public_actors=public_actors)[0]


def build_organisations(
    gminas: Sequence[Gmina], *, total: int, seed: int, owes: int | None, public_actors: bool
) -> tuple[list[OrganisationSeed], Builder]:
    """The organisations and the random stream that made them (later data continues the stream)."""
    builder = Builder(gminas, seed)
    owes_count = owes if owes is not None else max(2, round(total * 39 / 100_000))
    actors = _public_actors(builder) if public_actors else []
    owes_seeds = _owes_seeds(builder, owes_count)
    quotas = _quotas(max(total - owes_count, 0), KIND_SHARES)
    bodies: list[OrganisationSeed] = [*actors, *owes_seeds]
    units: list[OrganisationSeed] = []
    for kind, count in quotas.items():
        target = units if kind in REINTEGRATION_UNIT_KINDS else bodies
        target.extend(builder.organisation(kind) for _ in range(count))
    # Public actors are not PES; they only run KIS here when present.
    _assign_founders(builder, units, bodies)
    return [*bodies, *units], builder
