"""What OWES reporting contributes to the indicators: jobs in PS (from the year figures that
accepted reports and staff keep in the register) and report completeness and timeliness by the
OWES's seat. Only aggregates leave this module: the lists behind a value name the PS or the OWES,
never a report's contents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ses.indicators.model import (
    CODE_LENGTH,
    Basis,
    BehindPage,
    DashboardPanel,
    Figure,
    Indicator,
    Level,
    Missing,
    Nature,
    Period,
    Programme,
    Unit,
)
from ses.indicators.organisations import OrganisationSum, in_territory, organisation_page
from ses.register.tables import JobsCreated, Organisation, YearFigures
from ses.reporting import followup
from ses.web.i18n import N_

JOBS_GROUP = N_("Miejsca pracy w przedsiębiorstwach społecznych")
REPORTS_GROUP = N_("Sprawozdawczość OWES")
PS_STATES = ["active", "under_control"]
FIGURES_SOURCE = "dane roczne PS w rejestrze (sprawozdania OWES i wpisy ROPS)"


def _ps_year(period: Period) -> list[Any]:
    return [
        YearFigures.year == period.year,
        YearFigures.organisation.ps_state.is_in(PS_STATES),
    ]


def _created_year(period: Period) -> list[Any]:
    # Jobs created in a year count whatever became of the PS's status since.
    return [JobsCreated.year == period.year, JobsCreated.organisation.ps_state.is_not_null()]


def _created(column: Any, code: str, name_pl: str, name_en: str, definition: str, **extra: Any) -> Indicator:
    return Indicator(
        code=code,
        name_pl=name_pl,
        name_en=name_en,
        definition=definition + " Brak przyjętych sprawozdań OWES o nowych miejscach pracy to „brak danych”.",
        unit=Unit.COUNT,
        computation=OrganisationSum(column, JobsCreated.organisation, _created_year),
        nature=Nature.OUTPUT,
        group=JOBS_GROUP,
        per_10k=True,
        source="nowe miejsca pracy z przyjętych sprawozdań OWES",
        **extra,
    )


def _jobs(column: Any, code: str, name_pl: str, name_en: str, definition: str, **extra: Any) -> Indicator:
    return Indicator(
        code=code,
        name_pl=name_pl,
        name_en=name_en,
        definition=definition + " Brak danych rocznych PS w danej jednostce to „brak danych”, nie zero.",
        unit=Unit.PEOPLE,
        computation=OrganisationSum(column, YearFigures.organisation, _ps_year),
        nature=Nature.OUTCOME,
        group=JOBS_GROUP,
        per_10k=True,
        source=FIGURES_SOURCE,
        **extra,
    )


@dataclass(frozen=True)
class ReportRate:
    """Completeness (received / expected) or timeliness (on time / expected) of OWES reports for
    the quarters of a period that have ended, by the OWES's seat (the follow-up of reporting)."""

    additive = True  # counted by gmina seat: sums up the levels (see snapshots)

    numerator: str
    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.NO_DATA

    def covers(self, period: Period, today: date) -> bool:
        return bool(_ended_quarters(period, today))

    async def _per_owes(self, period: Period) -> list[dict[str, Any]]:
        quarters = _ended_quarters(period, date.today())
        if not quarters:
            return []
        table = await followup.follow_up(None, quarters, None, with_cells=False)
        return [row for row in table["owes"] if row["expected"]]

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        rows = await self._per_owes(period)
        seats = await _seats([row["owes_id"] for row in rows])
        width = CODE_LENGTH[level]
        totals: dict[str, list[float]] = {}
        for row in rows:
            seat = seats.get(row["owes_id"])
            if not seat or (within and not seat.startswith(within)):
                continue
            pair = totals.setdefault(seat[:width], [0.0, 0.0])
            pair[0] += row[self.numerator]
            pair[1] += row["expected"]
        return {code: Figure(100 * hit, expected) for code, (hit, expected) in totals.items()}

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        ids = [row["owes_id"] for row in await self._per_owes(period)] or [0]
        return await organisation_page([Organisation.id.is_in(ids), in_territory(territory)], page, size)


def _ended_quarters(period: Period, today: date) -> list[str]:
    quarters = range(1, 5) if period.is_year else [int(period.code[-1])]
    out = []
    for quarter in quarters:
        end_month = 3 * quarter
        end = date(period.year, end_month, 31 if end_month in (3, 12) else 30)
        if end < today:
            out.append(f"{period.year}-Q{quarter}")
    return out


async def _seats(owes_ids: list[int]) -> dict[int, str]:
    if not owes_ids:
        return {}
    rows = await Organisation.select(Organisation.id, Organisation.gmina_code).where(
        Organisation.id.is_in(owes_ids)
    )
    return {row["id"]: row["gmina_code"] for row in rows}


INDICATORS: tuple[Indicator, ...] = (
    _jobs(
        YearFigures.employees,
        "jobs.ps.total",
        "Zatrudnieni w PS",
        "People employed in social enterprises",
        "Liczba osób zatrudnionych na umowę o pracę lub spółdzielczą umowę o pracę w aktywnych PS w roku.",
    ),
    _jobs(
        YearFigures.employees_at_risk,
        "jobs.ps.at_risk",
        "Zatrudnieni w PS — osoby zagrożone wykluczeniem",
        "People at risk of exclusion employed in social enterprises",
        "Liczba osób zagrożonych wykluczeniem społecznym (w tym z niepełnosprawnościami) "
        "zatrudnionych w aktywnych PS w roku.",
    ),
    _jobs(
        YearFigures.employees_disabled,
        "jobs.ps.disabled",
        "Zatrudnieni w PS — osoby z niepełnosprawnościami",
        "People with disabilities employed in social enterprises",
        "Liczba osób z niepełnosprawnościami zatrudnionych w aktywnych PS w roku.",
    ),
    _created(
        JobsCreated.jobs_created,
        "jobs.ps.created",
        "Nowe miejsca pracy w PS",
        "New jobs in social enterprises",
        "Liczba miejsc pracy (umowa o pracę, spółdzielcza umowa o pracę) utworzonych w PS w roku ze "
        "wsparciem OWES, według przyjętych sprawozdań OWES; inna miara niż liczba zatrudnionych.",
    ),
    _created(
        JobsCreated.jobs_created_at_risk,
        "jobs.ps.created_at_risk",
        "Nowe miejsca pracy w PS dla osób zagrożonych wykluczeniem",
        "New jobs in social enterprises for people at risk of exclusion",
        "Liczba miejsc pracy utworzonych w PS w roku dla osób zagrożonych wykluczeniem społecznym "
        "(w tym z niepełnosprawnościami), według przyjętych sprawozdań OWES (wskaźnik KPRES: nowe "
        "miejsca pracy w PS dla osób zagrożonych wykluczeniem).",
        programme=Programme.KPRES,
    ),
    Indicator(
        code="reports.completeness",
        name_pl="Kompletność sprawozdań OWES",
        name_en="Completeness of OWES reports",
        definition="Odsetek sprawozdań kwartalnych otrzymanych spośród należnych (kwartały okresu, które "
        "się zakończyły, w czasie akredytacji OWES), według siedziby OWES.",
        unit=Unit.PERCENT,
        computation=ReportRate("received"),
        nature=Nature.OUTPUT,
        group=REPORTS_GROUP,
        source="sprawozdania OWES w SES",
    ),
    Indicator(
        code="reports.timeliness",
        name_pl="Terminowość sprawozdań OWES",
        name_en="Timeliness of OWES reports",
        definition="Odsetek sprawozdań kwartalnych złożonych w terminie spośród należnych, "
        "według siedziby OWES.",
        unit=Unit.PERCENT,
        computation=ReportRate("on_time"),
        nature=Nature.OUTPUT,
        group=REPORTS_GROUP,
        source="sprawozdania OWES w SES",
    ),
)

PANELS = (
    DashboardPanel(
        key="jobs",
        title=JOBS_GROUP,
        indicators=("jobs.ps.total", "jobs.ps.at_risk", "jobs.ps.disabled"),
        order=40,
    ),
    DashboardPanel(
        key="reports",
        title=REPORTS_GROUP,
        indicators=("reports.completeness", "reports.timeliness"),
        order=60,
    ),
)
