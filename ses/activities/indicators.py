"""The project's indicators against their targets, by year and cumulatively.

- people supported: staff of social-inclusion institutions (OPS, PCPR, CUS, PUP, local
  governments) who took part in any activity, each person counted once;
- people who raised their qualifications: completed a certifying activity with a certificate;
- institutions supported: register organisations (or named institutions in a gmina) whose people
  took part, each counted once;
- coverage of the region's gminas and powiats in the social-economy strand: the share reached by
  at least one participant from there;
- local governments (gminas and powiats of the region) with a deinstitutionalisation plan.

Distinct counts are not additive over years, so the cumulative value of a year counts everyone
whose first participation fell in that year or before. Every count comes from one read of the
participations joined to their activities, tallied in one pass in Python (`count_participations`,
pure): the eight GROUP BYs it replaced each scanned the same join again (`benchmarks.activities`,
docs/benchmarks.md, issue #19).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ses.activities.tables import Activity, ProjectTarget
from ses.activities.vocab import INSTITUTION_ROLES, STRAND_LABELS, TOPIC_STRAND, Strand
from ses.db import engine, fetch_tuples
from ses.settings import get_settings


@dataclass(frozen=True)
class ProjectIndicator:
    code: str
    name: str
    unit: str
    strand: Strand | None
    baseline: Decimal
    target: Decimal
    target_year: int
    definition: str


DEFINITIONS: dict[str, ProjectIndicator] = {
    i.code: i
    for i in (
        ProjectIndicator(
            "people_supported",
            "Liczba pracowników instytucji włączenia społecznego objętych wsparciem",
            "osoby",
            None,
            Decimal(0),
            Decimal(1100),
            2029,
            "Osoby z OPS, PCPR, CUS, PUP i urzędów JST, które wzięły udział w co najmniej jednym działaniu; "
            "każda osoba liczona raz.",
        ),
        ProjectIndicator(
            "people_qualified",
            "Liczba osób, które podniosły kwalifikacje",
            "osoby",
            None,
            Decimal(0),
            Decimal(600),
            2029,
            "Osoby, które ukończyły szkolenie lub warsztaty kończące się zaświadczeniem i je otrzymały.",
        ),
        ProjectIndicator(
            "institutions_supported",
            "Liczba instytucji objętych wsparciem",
            "instytucje",
            None,
            Decimal(0),
            Decimal(200),
            2029,
            "Organizacje z rejestru (albo instytucje wskazane z nazwy i gminy), których pracownicy lub "
            "przedstawiciele wzięli udział w działaniach; każda liczona raz.",
        ),
        ProjectIndicator(
            "gmina_coverage_es",
            "Odsetek gmin województwa objętych wsparciem w obszarze ekonomii społecznej",
            "%",
            Strand.SOCIAL_ECONOMY,
            Decimal(0),
            Decimal(70),
            2029,
            "Gminy, z których co najmniej jedna osoba wzięła udział w działaniu z obszaru ekonomii "
            "społecznej lub współpracy, wobec wszystkich gmin województwa.",
        ),
        ProjectIndicator(
            "powiat_coverage_es",
            "Odsetek powiatów województwa objętych wsparciem w obszarze ekonomii społecznej",
            "%",
            Strand.SOCIAL_ECONOMY,
            Decimal(0),
            Decimal(70),
            2029,
            "Jak wyżej, dla powiatów.",
        ),
        ProjectIndicator(
            "di_plan_share",
            "Odsetek samorządów z planem deinstytucjonalizacji usług społecznych",
            "%",
            Strand.INCLUSION,
            Decimal(0),
            Decimal(50),
            2029,
            "Gminy i powiaty województwa z przyjętym planem deinstytucjonalizacji (data przyjęcia planu) "
            "wobec wszystkich gmin i powiatów województwa.",
        ),
    )
}


IN_YEAR = ("people_supported", "people_qualified", "institutions_supported")
ES_TOPICS = tuple(topic for topic, strand in TOPIC_STRAND.items() if strand is Strand.SOCIAL_ECONOMY)


def _in(values: Any) -> str:
    return ", ".join(f"'{getattr(v, 'value', v)}'" for v in values)


YEAR = "substr(CAST(a.starts_on AS TEXT), 1, 4)"

# One row per participation with what the counts need; every count of the table is taken from
# these rows in one pass (`count_participations`), instead of one GROUP BY per count over the same
# join: eight scans of the participations became one (measured with `benchmarks.activities`).
PARTICIPATIONS = f"""
    SELECT {YEAR}, p.person,
        CASE WHEN p.role IN ({_in(INSTITUTION_ROLES)}) THEN 1 ELSE 0 END,
        CASE WHEN a.certificates = {{}} AND p.completed = {{}} AND p.certificate_number IS NOT NULL
            THEN 1 ELSE 0 END,
        COALESCE(CAST(p.organisation AS TEXT), p.institution || '|' || p.gmina_code),
        CASE WHEN a.topic IN ({_in(ES_TOPICS)}) AND substr(p.gmina_code, 1, 2) = {{}}
            THEN substr(p.gmina_code, 1, 6) END
    FROM activity_participation p JOIN activity a ON a.id = p.activity
    ORDER BY 1"""
DI_PLANS = """
    SELECT substr(CAST(adopted_on AS TEXT), 1, 4) AS first_year, COUNT(*) AS n FROM activity_di_plan
    WHERE substr(territory_code, 1, 2) = {} GROUP BY 1"""


def count_participations(
    rows: Iterable[tuple[Any, ...]],
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """(first years, in year) of each counted subject from the participation rows (in order of year).

    First years: {code: {year: how many subjects were first reached that year}} — distinct counts
    are not additive over years, so the cumulative value of a year counts everyone whose first
    participation fell in that year or before. In year: {code: {year: distinct subjects}}.
    A subject that is NULL (an erased person, an institution without a gmina) is one subject among
    the first years and none in a year, as SQL's GROUP BY and COUNT(DISTINCT) count it."""
    people: dict[Any, str] = {}
    qualified_people: dict[Any, str] = {}
    institutions: dict[Any, str] = {}
    gminas: dict[str, str] = {}
    powiats: dict[str, str] = {}
    in_year: dict[str, dict[str, int]] = {code: {} for code in IN_YEAR}
    year_people: set[Any] = set()
    year_qualified: set[Any] = set()
    year_institutions: set[Any] = set()
    current = None

    def close_year() -> None:
        if current:
            for code, subjects in zip(IN_YEAR, (year_people, year_qualified, year_institutions), strict=True):
                subjects.discard(None)
                if subjects:
                    in_year[code][current] = len(subjects)
                subjects.clear()

    # The rows come in order of year, so the first year met is each subject's first year.
    for year, person, from_institution, qualified, who, gmina in rows:
        if year != current:
            close_year()
            current = year
        if not year:
            continue
        if from_institution:
            people.setdefault(person, year)
            year_people.add(person)
        if qualified:
            qualified_people.setdefault(person, year)
            year_qualified.add(person)
        institutions.setdefault(who, year)
        year_institutions.add(who)
        if gmina is not None:  # a gmina of the region, in the social-economy strand
            gminas.setdefault(gmina, year)
            powiats.setdefault(gmina[:4], year)
    close_year()
    first_years = {
        "people_supported": _tally(people.values()),
        "people_qualified": _tally(qualified_people.values()),
        "institutions_supported": _tally(institutions.values()),
        "gmina_coverage_es": _tally(gminas.values()),
        "powiat_coverage_es": _tally(powiats.values()),
    }
    return first_years, in_year


def _tally(years: Iterable[str]) -> dict[str, int]:
    return dict(Counter(years))


async def _denominators(region: str) -> dict[str, int]:
    rows = await Activity.raw(
        "SELECT COUNT(DISTINCT CASE WHEN level = 'gmina' AND gmina_type IN ('1', '2', '3') "
        "THEN substr(code, 1, 6) END) AS gminas, "
        "COUNT(DISTINCT CASE WHEN level = 'powiat' THEN code END) AS powiats "
        "FROM territory WHERE substr(code, 1, 2) = {}",
        region,
    )
    gminas, powiats = int(rows[0]["gminas"] or 0), int(rows[0]["powiats"] or 0)
    return {
        "gmina_coverage_es": gminas,
        "powiat_coverage_es": powiats,
        "di_plan_share": gminas + powiats,
    }


async def _targets() -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in await ProjectTarget.select()}


async def _together(*queries: Awaitable[Any]) -> list[Any]:
    """The answers of independent queries, run side by side on separate connections (both engines
    keep a pool), so the table's statements use both cores: 2 at a time at most, leaving
    connections for other requests. Inside a caller's transaction — one connection — in turn."""
    if engine().current_transaction.get() is not None:
        return [await query for query in queries]
    gate = asyncio.Semaphore(2)

    async def gated(query: Awaitable[Any]) -> Any:
        async with gate:
            return await query

    return list(await asyncio.gather(*(gated(query) for query in queries)))


def _pct(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else (Decimal(100) * part / whole).quantize(Decimal("0.1"))


async def project_indicators(today: date | None = None) -> dict[str, Any]:
    """Every indicator by year (in the year and cumulatively), with baseline, target and realisation."""
    today = today or date.today()
    region = get_settings().region_code
    denominators, stored, names, participations, plans = await _together(
        _denominators(region),
        _targets(),
        Activity.raw("SELECT name FROM territory WHERE code = {}", region),
        fetch_tuples(PARTICIPATIONS, [True, True, region]),
        Activity.raw(DI_PLANS, region),
    )
    first_years, in_year = count_participations(participations)
    first_years["di_plan_share"] = {str(r["first_year"]): int(r["n"]) for r in plans if r["first_year"]}
    years = {year for counts in first_years.values() for year in counts}
    years |= {str(today.year)}
    ordered = sorted(y for y in years if y.isdigit() and int(y) <= today.year)
    out = []
    for code, definition in DEFINITIONS.items():
        target_row = stored.get(code)
        target = Decimal(str(target_row["target"])) if target_row else definition.target
        baseline = Decimal(str(target_row["baseline"])) if target_row else definition.baseline
        target_year = int(target_row["target_year"]) if target_row else definition.target_year
        whole = denominators.get(code)
        running = 0
        periods = []
        for year in ordered:
            running += first_years[code].get(year, 0)
            count = running
            value: Decimal | int | None = count if whole is None else _pct(count, whole)
            year_value = in_year.get(code, {}).get(year) if code in in_year else None
            realisation = None
            if value is not None and target:
                realisation = (
                    (Decimal(100) * (Decimal(value) - baseline) / (target - baseline)).quantize(
                        Decimal("0.1")
                    )
                    if target != baseline
                    else None
                )
            periods.append(
                {
                    "period": year,
                    "in_year": year_value,
                    "cumulative": value,
                    "count": count,
                    "of": whole,
                    "realisation_pct": realisation,
                }
            )
        out.append(
            {
                "code": code,
                "name": definition.name,
                "unit": definition.unit,
                "strand": definition.strand.value if definition.strand else None,
                "strand_label": STRAND_LABELS[definition.strand] if definition.strand else "cały projekt",
                "definition": definition.definition,
                "baseline": baseline,
                "target": target,
                "target_year": target_year,
                "periods": periods,
                "current": periods[-1] if periods else None,
            }
        )
    region_name = names[0]["name"] if names else region
    return {"region": region, "region_name": region_name, "years": ordered, "indicators": out}
