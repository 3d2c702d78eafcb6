"""The project's indicators against their targets, counted in SQL by year and cumulatively.

- people supported: staff of social-inclusion institutions (OPS, PCPR, CUS, PUP, local
  governments) who took part in any activity, each person counted once;
- people who raised their qualifications: completed a certifying activity with a certificate;
- institutions supported: register organisations (or named institutions in a gmina) whose people
  took part, each counted once;
- coverage of the region's gminas and powiats in the social-economy strand: the share reached by
  at least one participant from there;
- local governments (gminas and powiats of the region) with a deinstitutionalisation plan.

Distinct counts are not additive over years, so the cumulative value of a year counts everyone
whose first participation fell in that year or before (one GROUP BY over each one's first year).
People are grouped by `+p.person`, an expression, so that SQLite sorts the rows it has just read
instead of walking the person index with a random table read per row (462 → 108 ms for 50,000
participations, measured with `benchmarks.activities` on a loaded machine); PostgreSQL hashes
either way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ses.activities.tables import Activity, ProjectTarget
from ses.activities.vocab import INSTITUTION_ROLES, STRAND_LABELS, TOPIC_STRAND, Strand
from ses.db import engine
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


def _in(values: Any) -> str:
    return ", ".join(f"'{getattr(v, 'value', v)}'" for v in values)


ES_TOPICS = _in(topic for topic, strand in TOPIC_STRAND.items() if strand is Strand.SOCIAL_ECONOMY)
YEAR = "substr(CAST(a.starts_on AS TEXT), 1, 4)"

# (first year, how many first reached then) for each counted subject
FIRST_YEARS = {
    "people_supported": f"""
        SELECT first_year, COUNT(*) AS n FROM (
            SELECT +p.person AS person, MIN({YEAR}) AS first_year FROM activity_participation p
            JOIN activity a ON a.id = p.activity
            WHERE p.role IN ({_in(INSTITUTION_ROLES)}) GROUP BY 1) x GROUP BY first_year""",
    "people_qualified": f"""
        SELECT first_year, COUNT(*) AS n FROM (
            SELECT +p.person AS person, MIN({YEAR}) AS first_year FROM activity_participation p
            JOIN activity a ON a.id = p.activity
            WHERE a.certificates = {{}} AND p.completed = {{}} AND p.certificate_number IS NOT NULL
            GROUP BY 1) x GROUP BY first_year""",
    "institutions_supported": f"""
        SELECT first_year, COUNT(*) AS n FROM (
            SELECT COALESCE(CAST(p.organisation AS TEXT), p.institution || '|' || p.gmina_code) AS who,
                MIN({YEAR}) AS first_year FROM activity_participation p
            JOIN activity a ON a.id = p.activity GROUP BY 1) x GROUP BY first_year""",
    "gmina_coverage_es": f"""
        SELECT first_year, COUNT(*) AS n FROM (
            SELECT substr(p.gmina_code, 1, 6) AS gmina, MIN({YEAR}) AS first_year
            FROM activity_participation p JOIN activity a ON a.id = p.activity
            WHERE a.topic IN ({ES_TOPICS}) AND substr(p.gmina_code, 1, 2) = {{}} GROUP BY 1) x
        GROUP BY first_year""",
    "powiat_coverage_es": f"""
        SELECT first_year, COUNT(*) AS n FROM (
            SELECT substr(p.gmina_code, 1, 4) AS powiat, MIN({YEAR}) AS first_year
            FROM activity_participation p JOIN activity a ON a.id = p.activity
            WHERE a.topic IN ({ES_TOPICS}) AND substr(p.gmina_code, 1, 2) = {{}} GROUP BY 1) x
        GROUP BY first_year""",
    "di_plan_share": """
        SELECT substr(CAST(adopted_on AS TEXT), 1, 4) AS first_year, COUNT(*) AS n FROM activity_di_plan
        WHERE substr(territory_code, 1, 2) = {} GROUP BY 1""",
}
IN_YEAR = {
    "people_supported": f"""
        SELECT {YEAR} AS year, COUNT(DISTINCT p.person) AS n FROM activity_participation p
        JOIN activity a ON a.id = p.activity WHERE p.role IN ({_in(INSTITUTION_ROLES)}) GROUP BY 1""",
    "people_qualified": f"""
        SELECT {YEAR} AS year, COUNT(DISTINCT p.person) AS n FROM activity_participation p
        JOIN activity a ON a.id = p.activity
        WHERE a.certificates = {{}} AND p.completed = {{}} AND p.certificate_number IS NOT NULL GROUP BY 1""",
    "institutions_supported": f"""
        SELECT {YEAR} AS year,
            COUNT(DISTINCT COALESCE(CAST(p.organisation AS TEXT), p.institution || '|' || p.gmina_code)) AS n
        FROM activity_participation p JOIN activity a ON a.id = p.activity GROUP BY 1""",
}


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


def _args(code: str, region: str) -> list[Any]:
    if code == "people_qualified":
        return [True, True]
    if code in ("gmina_coverage_es", "powiat_coverage_es", "di_plan_share"):
        return [region]
    return []


async def _targets() -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in await ProjectTarget.select()}


async def _together(*queries: Awaitable[Any]) -> list[Any]:
    """The answers of independent queries, run side by side on separate connections (both engines
    keep a pool), so the nine GROUP BYs of the table use both cores: 2 at a time at most, leaving
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
    counted = [*FIRST_YEARS.items(), *IN_YEAR.items()]
    denominators, stored, names, *answers = await _together(
        _denominators(region),
        _targets(),
        Activity.raw("SELECT name FROM territory WHERE code = {}", region),
        *(Activity.raw(sql, *_args(code, region)) for code, sql in counted),
    )
    first_rows, year_rows = answers[: len(FIRST_YEARS)], answers[len(FIRST_YEARS) :]
    first_years: dict[str, dict[str, int]] = {}
    in_year: dict[str, dict[str, int]] = {}
    years: set[str] = set()
    for code, rows in zip(FIRST_YEARS, first_rows, strict=True):
        first_years[code] = {str(r["first_year"]): int(r["n"]) for r in rows if r["first_year"]}
        years |= set(first_years[code])
    for code, rows in zip(IN_YEAR, year_rows, strict=True):
        in_year[code] = {str(r["year"]): int(r["n"]) for r in rows if r["year"]}
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
