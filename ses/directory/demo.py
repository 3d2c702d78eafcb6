"""Demo services: a few hundred across the demo region's gminas, offered by its organisations, at
places in the organisations' own towns (the middle of the gmina's shipped boundary, a little apart).

`generate` is pure (organisations in, rows out, seeded); `insert` writes rows in bulk and is shared
with the national benchmark (benchmarks/directory_search.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ses.db import bulk_insert, reserve_ids, write_transaction
from ses.directory import geo, taxonomy
from ses.directory.services import packed, search_text
from ses.directory.tables import Service
from ses.register.tables import Organisation
from ses.territories.tables import Territory

SEED = 18
Template = tuple[str, str, str, tuple[str, ...], str, tuple[str, ...], str]
# (name, description, category, target groups, cost, languages, eligibility)
PUBLIC_BODY = {
    "ops": (
        (
            "Usługi opiekuńcze w miejscu zamieszkania",
            "Pomoc w codziennych czynnościach, opieka higieniczna i "
            "kontakty z otoczeniem dla osób, które z powodu wieku lub choroby jej potrzebują.",
            "uslugi_opiekuncze",
            ("seniorzy", "niepelnosprawni"),
            "paid",
            ("pl",),
            "Mieszkańcy gminy na podstawie decyzji OPS; odpłatność zależy od dochodu.",
        ),
        (
            "Poradnictwo socjalne",
            "Rozmowa z pracownikiem socjalnym: świadczenia, uprawnienia, sprawy urzędowe.",
            "poradnictwo",
            ("wszyscy",),
            "free",
            ("pl", "uk"),
            "Każdy mieszkaniec gminy.",
        ),
        (
            "Asystent rodziny",
            "Wsparcie rodzin w opiece nad dziećmi i prowadzeniu domu.",
            "wspieranie_rodziny",
            ("rodziny",),
            "free",
            ("pl",),
            "Rodziny z dziećmi skierowane przez OPS.",
        ),
        (
            "Punkt interwencji kryzysowej",
            "Pomoc psychologiczna i prawna w sytuacji kryzysu, także przemocy domowej.",
            "pomoc_spoleczna",
            ("przemoc", "zdrowie_psychiczne"),
            "free",
            ("pl", "uk"),
            "Bez skierowania.",
        ),
    ),
    "pcpr": (
        (
            "Poradnictwo specjalistyczne dla rodzin",
            "Porady psychologa, pedagoga i prawnika.",
            "poradnictwo",
            ("rodziny", "przemoc"),
            "free",
            ("pl",),
            "Mieszkańcy powiatu.",
        ),
        (
            "Wsparcie rodzin zastępczych",
            "Szkolenia, konsultacje i pomoc koordynatora pieczy zastępczej.",
            "piecza_zastepcza",
            ("rodziny", "mlodziez"),
            "free",
            ("pl",),
            "Rodziny zastępcze i kandydaci.",
        ),
        (
            "Likwidacja barier architektonicznych (PFRON)",
            "Dofinansowanie przystosowania mieszkania.",
            "niepelnosprawnosc",
            ("niepelnosprawni",),
            "free",
            ("pl",),
            "Osoby z orzeczeniem o niepełnosprawności.",
        ),
    ),
    "pup": (
        (
            "Pośrednictwo pracy i doradztwo zawodowe",
            "Oferty pracy, rozmowa z doradcą, plan działania.",
            "zatrudnienie",
            ("bezrobotni",),
            "free",
            ("pl", "uk", "en"),
            "Osoby zarejestrowane w urzędzie pracy.",
        ),
        (
            "Szkolenia zawodowe",
            "Bezpłatne kursy i szkolenia dla osób bezrobotnych.",
            "edukacja",
            ("bezrobotni", "mlodziez"),
            "free",
            ("pl",),
            "Osoby zarejestrowane jako bezrobotne.",
        ),
        (
            "Praca dla cudzoziemców",
            "Pomoc w legalnym zatrudnieniu i uznaniu kwalifikacji.",
            "zatrudnienie",
            ("cudzoziemcy",),
            "free",
            ("pl", "uk", "ru"),
            "Cudzoziemcy mieszkający w powiecie.",
        ),
    ),
    "cis": (
        (
            "Reintegracja społeczna i zawodowa",
            "Warsztaty zawodowe, praca w grupach, wsparcie psychologa.",
            "reintegracja",
            ("bezrobotni", "uzaleznieni", "bezdomni"),
            "free",
            ("pl",),
            "Osoby zagrożone wykluczeniem społecznym, skierowane przez OPS lub PUP.",
        ),
    ),
    "kis": (
        (
            "Klub Integracji Społecznej — grupy wsparcia",
            "Spotkania grupowe, prace społecznie użyteczne.",
            "reintegracja",
            ("bezrobotni",),
            "free",
            ("pl",),
            "Osoby długotrwale bezrobotne.",
        ),
    ),
    "wtz": (
        (
            "Terapia zajęciowa",
            "Pracownie terapii i przygotowanie do pracy dla dorosłych z niepełnosprawnością.",
            "niepelnosprawnosc",
            ("niepelnosprawni",),
            "free",
            ("pl", "pso"),
            "Osoby ze wskazaniem do terapii zajęciowej.",
        ),
    ),
    "zaz": (
        (
            "Zatrudnienie wspierane",
            "Praca z asystentem i rehabilitacja zawodowa.",
            "zatrudnienie",
            ("niepelnosprawni",),
            "free",
            ("pl", "pso"),
            "Osoby ze znacznym lub umiarkowanym stopniem niepełnosprawności.",
        ),
    ),
    "social_cooperative": (
        (
            "Usługi opiekuńcze spółdzielni socjalnej",
            "Opiekunki z doświadczeniem, także w weekendy.",
            "uslugi_opiekuncze",
            ("seniorzy", "opiekunowie"),
            "paid",
            ("pl",),
            "Każdy; cena według cennika.",
        ),
        (
            "Mieszkanie treningowe",
            "Mieszkanie wspomagane z asystentem dla osób usamodzielnianych.",
            "mieszkalnictwo",
            ("bezdomni", "mlodziez"),
            "free",
            ("pl",),
            "Na skierowanie OPS lub PCPR.",
        ),
    ),
    "owes": (
        (
            "Doradztwo dla zakładających przedsiębiorstwo społeczne",
            "Szkolenia, doradztwo biznesowe i dotacje na miejsca pracy w spółdzielniach socjalnych.",
            "zatrudnienie",
            ("bezrobotni", "niepelnosprawni"),
            "free",
            ("pl", "uk"),
            "Grupy inicjatywne i istniejące podmioty ekonomii społecznej.",
        ),
    ),
    "ngo": (
        (
            "Świetlica środowiskowa dla dzieci",
            "Pomoc w lekcjach, zajęcia i posiłek.",
            "wspieranie_rodziny",
            ("mlodziez", "rodziny"),
            "free",
            ("pl", "uk"),
            "Dzieci w wieku szkolnym.",
        ),
        (
            "Bezpłatne poradnictwo prawne i obywatelskie",
            "Porady prawne, pomoc w pismach.",
            "poradnictwo",
            ("wszyscy",),
            "free",
            ("pl", "en"),
            "Osoby, których nie stać na odpłatną pomoc prawną.",
        ),
        (
            "Punkt pomocy dla osób z Ukrainy",
            "Informacja, tłumaczenia, pomoc w sprawach urzędowych.",
            "pomoc_spoleczna",
            ("cudzoziemcy",),
            "free",
            ("uk", "pl", "ru"),
            "Obywatele Ukrainy i ich rodziny.",
        ),
        (
            "Gimnastyka dla seniorów",
            "Zajęcia ruchowe dwa razy w tygodniu.",
            "sport",
            ("seniorzy",),
            "free",
            ("pl",),
            "Osoby po 60. roku życia.",
        ),
        (
            "Dzienny dom pobytu",
            "Opieka dzienna, posiłki i zajęcia dla seniorów.",
            "uslugi_opiekuncze",
            ("seniorzy",),
            "paid",
            ("pl",),
            "Seniorzy wymagający wsparcia w ciągu dnia.",
        ),
        (
            "Wypożyczalnia sprzętu rehabilitacyjnego",
            "Wózki, balkoniki, łóżka na czas choroby.",
            "niepelnosprawnosc",
            ("niepelnosprawni", "seniorzy"),
            "free",
            ("pl",),
            "Na podstawie zaświadczenia lekarza.",
        ),
        (
            "Grupa wsparcia dla opiekunów",
            "Spotkania i porady dla osób opiekujących się bliskimi.",
            "ochrona_zdrowia",
            ("opiekunowie",),
            "free",
            ("pl",),
            "Opiekunowie osób zależnych.",
        ),
        (
            "Noclegownia i łaźnia",
            "Nocleg, posiłek, możliwość kąpieli i wyprania odzieży.",
            "mieszkalnictwo",
            ("bezdomni",),
            "free",
            ("pl",),
            "Osoby w kryzysie bezdomności.",
        ),
        (
            "Wolontariat sąsiedzki",
            "Dołącz do wolontariuszy pomagających sąsiadom.",
            "aktywnosc_obywatelska",
            ("wszyscy",),
            "free",
            ("pl",),
            "Każdy, kto chce pomagać.",
        ),
    ),
}
GROUP_OF_KIND = {
    "ops": "ops",
    "cus": "ops",
    "pcpr": "pcpr",
    "pup": "pup",
    "cis": "cis",
    "kis": "kis",
    "wtz": "wtz",
    "zaz": "zaz",
    "social_cooperative": "social_cooperative",
    "association": "ngo",
    "foundation": "ngo",
    "church_entity": "ngo",
    "other_ngo": "ngo",
}
HOURS = (
    "pon.–pt. 8:00–16:00",
    "pon.–pt. 7:30–15:30",
    "pon., śr. 10:00–18:00; pt. 8:00–14:00",
    "wt.–czw. 9:00–17:00",
)
ACCESS = (
    "Wejście bez progów, winda, toaleta dla osób z niepełnosprawnościami.",
    "Parter, podjazd dla wózków; pętla indukcyjna w sekretariacie.",
    "Budynek bez windy (I piętro); spotkanie na parterze po umówieniu telefonicznym.",
    "",
)


def _place_in(code: str, centre: tuple[float, float], rng: random.Random) -> tuple[float, float]:
    """A point a little apart from the middle of the gmina, still inside its boundary."""
    spread = 0.012
    for _ in range(6):
        lat = round(centre[0] + rng.uniform(-spread, spread), 5)
        lon = round(centre[1] + rng.uniform(-spread, spread) * 1.6, 5)
        if geo.gmina_at(lat, lon) == code:
            return lat, lon
        spread /= 2
    return centre


@dataclass
class ServiceSeed:
    values: dict[str, Any]
    locations: list[dict[str, Any]] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


def generate(
    organisations: Sequence[dict[str, Any]],
    category_ids: dict[str, int],
    gmina_names: dict[str, str],
    *,
    seed: int = SEED,
    ngo_share: float = 0.15,
    today: datetime | None = None,
) -> list[ServiceSeed]:
    """Services for the given organisations (pure and seeded)."""
    rng = random.Random(seed)
    stamp = today or datetime.now(UTC)
    seeds = []
    for org in organisations:
        group = "owes" if org["is_owes"] else GROUP_OF_KIND.get(org["kind"])
        if group is None or (group == "ngo" and rng.random() > ngo_share):
            continue
        templates = PUBLIC_BODY[group]
        chosen = (
            templates
            if group in ("ops", "pcpr", "pup")
            else rng.sample(templates, k=min(len(templates), 1 + (rng.random() < 0.3)))
        )
        centre = geo.centroid(org["gmina_code"])
        if centre is None:
            continue
        for name, description, category, groups, cost, languages, eligibility in chosen:
            lat, lon = _place_in(org["gmina_code"], centre, rng)
            if group in ("pcpr", "pup"):
                areas = [org["gmina_code"][:4]]
            elif group == "owes":
                areas = [org["gmina_code"][:2]]
            elif group == "ngo" and rng.random() < 0.3:
                areas = [org["gmina_code"][:4]]
            else:
                areas = [org["gmina_code"]]
            aged = rng.random() < 0.15
            confirmed = stamp - timedelta(days=rng.randint(200, 500) if aged else rng.randint(0, 150))
            locality = org.get("locality") or gmina_names.get(org["gmina_code"], "")
            seeds.append(
                ServiceSeed(
                    values={
                        "organisation": org["id"],
                        "name": name,
                        "name_search": search_text(name, description),
                        "description": description,
                        "category": category_ids[category],
                        "target_groups": packed(groups),
                        "eligibility": eligibility,
                        "cost": cost,
                        "fees_description": "Odpłatność według cennika lub dochodu."
                        if cost == "paid"
                        else "",
                        "languages": packed(languages),
                        "opening_hours": rng.choice(HOURS),
                        "email": org.get("email"),
                        "phone": org.get("phone"),
                        "url": org.get("website"),
                        "contact_person": None,
                        "internal_note": None,
                        "status": "active",
                        "confirmed_at": confirmed,
                        "confirmed_by": "demo",
                        "reminded_at": None,
                        "idempotency_key": None,
                        "request_fingerprint": None,
                        "is_demo": True,
                        "version": 1,
                        "created_at": confirmed,
                        "updated_at": confirmed,
                    },
                    locations=[
                        {
                            "name": org["name"][:200],
                            "street": org.get("street") or "",
                            "locality": locality[:120],
                            "postal_code": org.get("postal_code") or "00-000",
                            "gmina_code": org["gmina_code"],
                            "latitude": lat,
                            "longitude": lon,
                            "accessibility": rng.choice(ACCESS),
                        }
                    ],
                    areas=areas,
                )
            )
    return seeds


SERVICE_COLUMNS = (
    "organisation",
    "name",
    "name_search",
    "description",
    "category",
    "target_groups",
    "eligibility",
    "cost",
    "fees_description",
    "languages",
    "opening_hours",
    "email",
    "phone",
    "url",
    "contact_person",
    "internal_note",
    "status",
    "confirmed_at",
    "confirmed_by",
    "reminded_at",
    "idempotency_key",
    "request_fingerprint",
    "is_demo",
    "version",
    "created_at",
    "updated_at",
)
LOCATION_COLUMNS = (
    "service",
    "name",
    "street",
    "locality",
    "postal_code",
    "gmina_code",
    "latitude",
    "longitude",
    "accessibility",
)


async def insert(seeds: Sequence[ServiceSeed]) -> int:
    """Write the services, their locations and areas in one transaction (bulk, no per-row ORM work)."""
    async with write_transaction():
        service_ids = await reserve_ids("directory_service", len(seeds))
        await bulk_insert(
            "directory_service",
            ["id", *SERVICE_COLUMNS],
            [
                (sid, *(seed.values[c] for c in SERVICE_COLUMNS))
                for sid, seed in zip(service_ids, seeds, strict=True)
            ],
        )
        locations = [
            (sid, loc) for sid, seed in zip(service_ids, seeds, strict=True) for loc in seed.locations
        ]
        location_ids = await reserve_ids("directory_location", len(locations))
        await bulk_insert(
            "directory_location",
            ["id", *LOCATION_COLUMNS],
            [
                (lid, sid, *(loc[c] for c in LOCATION_COLUMNS[1:]))
                for lid, (sid, loc) in zip(location_ids, locations, strict=True)
            ],
        )
        areas = [(sid, code) for sid, seed in zip(service_ids, seeds, strict=True) for code in seed.areas]
        area_ids = await reserve_ids("directory_area", len(areas))
        await bulk_insert(
            "directory_area",
            ["id", "service", "territory_code"],
            [(aid, sid, code) for aid, (sid, code) in zip(area_ids, areas, strict=True)],
        )
    return len(seeds)


async def load_directory_demo(voivodeship: str = "04") -> int:
    """The demo region's services; nothing when demo services are already there (idempotent)."""
    if await Service.exists().where(Service.is_demo == True):  # noqa: E712
        return 0
    columns = (
        Organisation.id,
        Organisation.name,
        Organisation.kind,
        Organisation.is_owes,
        Organisation.gmina_code,
        Organisation.locality,
        Organisation.street,
        Organisation.postal_code,
        Organisation.email,
        Organisation.phone,
        Organisation.website,
    )
    orgs = (
        await Organisation.select(*columns)
        .where((Organisation.voivodeship_code == voivodeship) & (Organisation.activity_state != "retired"))
        .order_by(Organisation.id)
    )
    names = {
        row["code"]: row["name"]
        for row in await Territory.select(Territory.code, Territory.name).where(Territory.level == "gmina")
    }
    category_ids = {code: term["id"] for code, term in (await taxonomy.terms("category", fresh=True)).items()}
    return await insert(generate(list(orgs), category_ids, names))
