"""The project's indicators in the indicator framework (contributed through this package's
extension record, so they appear in /api/v1/indicators and on the committee's dashboards).

Each is counted for the ROPS's region (voivodeship level) and a year, cumulatively to the end of
that year, by the same SQL as the project's own table (`ses.activities.indicators`): people counted
once across activities, qualifications raised, institutions supported, coverage of gminas and
powiats in the social-economy strand, local governments with a deinstitutionalisation plan. The
list behind a value names the register organisations whose people took part — never a person.

The six share one computation: the project's table (every year at once) is computed once while the
data is unchanged and each indicator and period is read from it (`ses.indicators.cache`). Their
baselines and targets are the ones staff keep on `/dzialania/wskazniki` (`current_targets`, read by
the catalogue each time), not the defaults declared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ses.activities.indicators import DEFINITIONS, project_indicators
from ses.activities.tables import Activity, Participation, ProjectTarget
from ses.extensions import CurrentTarget
from ses.indicators import cache
from ses.indicators.model import (
    Basis,
    BehindPage,
    Benchmark,
    DashboardPanel,
    Direction,
    Figure,
    Indicator,
    Level,
    Missing,
    Nature,
    Period,
    Programme,
    Unit,
)
from ses.indicators.organisations import organisation_page
from ses.register.tables import Organisation
from ses.settings import get_settings
from ses.web.i18n import N_

GROUP = N_("Wskaźniki projektu ROPS: wsparcie instytucji i sieciowanie")
PREFIX = "project."
SHARES = {"gmina_coverage_es", "powiat_coverage_es", "di_plan_share"}
NAMES_EN = {
    "people_supported": "Staff of social-inclusion institutions supported (each person once)",
    "people_qualified": "People who raised their qualifications",
    "institutions_supported": "Institutions supported",
    "gmina_coverage_es": "Share of the region's gminas reached in the social-economy strand",
    "powiat_coverage_es": "Share of the region's powiats reached in the social-economy strand",
    "di_plan_share": "Share of local governments with a deinstitutionalisation plan",
}
NATURES = {"people_qualified": Nature.OUTCOME, "di_plan_share": Nature.OUTCOME}


@dataclass(frozen=True)
class ProjectValue:
    """One of the project's indicators, for the region, cumulatively to the end of a year."""

    code: str
    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.NO_DATA

    def covers(self, period: Period, today: date) -> bool:
        return period.is_year and period.start <= today

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        region = get_settings().region_code
        if level is not Level.VOIVODESHIP or (within and not region.startswith(within)):
            return {}
        table = await _table()
        found = next(item for item in table["indicators"] if item["code"] == self.code)
        point = next((p for p in found["periods"] if p["period"] == period.code), None)
        if point is None:
            return {}
        if self.code in SHARES:
            return {region: Figure(100 * point["count"], point["of"])} if point["of"] else {}
        return {region: Figure(point["count"])}

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        took_part = Participation.select(Participation.organisation).where(
            Participation.organisation.is_not_null(),
            Participation.activity.is_in(
                Activity.select(Activity.id).where(Activity.starts_on <= period.end)
            ),
        )
        where: list[Any] = [Organisation.id.is_in(took_part), Organisation.gmina_code.like(f"{territory}%")]
        return await organisation_page(where, page, size)


BASELINE_YEAR = 2024


async def _table() -> dict[str, Any]:
    """The project's table for every year to today: one computation for all six indicators and
    all periods asked for while the data stays the same (a year's cumulative value does not depend
    on the day it is read)."""
    today = date.today()
    return await cache.computed_once(("activities.project_table", today), lambda: project_indicators(today))


async def current_targets() -> Mapping[str, CurrentTarget]:
    """The baselines and targets staff set on `/dzialania/wskazniki` (table activity_project_target)."""
    out: dict[str, CurrentTarget] = {}
    for row in await ProjectTarget.select().where(ProjectTarget.code.is_in(list(DEFINITIONS))):
        target_year = int(row["target_year"])
        out[PREFIX + row["code"]] = CurrentTarget(
            baseline=Benchmark(float(row["baseline"]), BASELINE_YEAR),
            target=Benchmark(float(row["target"]), target_year),
        )
    return out


def _indicator(code: str) -> Indicator:
    definition = DEFINITIONS[code]
    unit = Unit.PERCENT if code in SHARES else Unit.PEOPLE if definition.unit == "osoby" else Unit.COUNT
    return Indicator(
        code=PREFIX + code,
        name_pl=definition.name,
        name_en=NAMES_EN[code],
        definition=definition.definition + " Wartość narastająco do końca roku, dla województwa.",
        unit=unit,
        computation=ProjectValue(code),
        direction=Direction.HIGHER_BETTER,
        levels=frozenset({Level.VOIVODESHIP}),
        programme=Programme.REGIONAL,
        nature=NATURES.get(code, Nature.OUTPUT),
        source="działania ROPS w SES (szkolenia, sieciowanie, plany DI)",
        group=GROUP,
        baseline=Benchmark(float(definition.baseline), BASELINE_YEAR),
        target=Benchmark(float(definition.target), definition.target_year),
    )


INDICATORS: tuple[Indicator, ...] = tuple(_indicator(code) for code in DEFINITIONS)
PANELS = (
    DashboardPanel(
        key="project",
        title=GROUP,
        indicators=tuple(ind.code for ind in INDICATORS),
        order=70,
        description=N_("Rezultaty projektu ROPS wobec wartości docelowych; osoby liczone raz."),
    ),
)
