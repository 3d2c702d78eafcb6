"""OWES coverage indicators from the contents of accepted OWES reports (contributed through this
package's extension record; the core never imports it):

- the share of gminas with at least one PES supported: gminas where an accepted report of the
  period names a supported organisation of the register (a grant recipient, a new PES or PS, a PS
  with new jobs, a cooperation partner) or a new entity's seat;
- initiative groups supported, by the OWES's seat;
- services delivered per standard (number of meetings/services), by the OWES's seat.

Outputs only (what OWES did); a period without accepted reports is "no data", never zero. The list
behind a value names the OWES (or the supported organisations), never a report's contents.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ses.indicators.model import (
    CODE_LENGTH,
    Basis,
    BehindPage,
    DashboardPanel,
    Direction,
    Figure,
    Indicator,
    Level,
    Missing,
    Nature,
    Period,
    Unit,
)
from ses.indicators.organisations import in_territory, organisation_page
from ses.register.tables import Organisation
from ses.reporting.tables import Report
from ses.reporting.workflow import State
from ses.territories.tables import Territory
from ses.web.i18n import N_

GROUP = N_("Wsparcie OWES: zasięg i usługi")
SOURCE = "zaakceptowane sprawozdania OWES w SES"
STANDARDS = {
    "local_animation": ("animacja lokalna", "local animation"),
    "creating_pes_ps": ("tworzenie PES i PS", "creating social economy entities and enterprises"),
    "reintegration": ("reintegracja społeczna i zawodowa", "social and vocational reintegration"),
    "public_procurement": ("zamówienia publiczne", "public procurement"),
    "business_support": ("wsparcie biznesowe", "business support"),
}
ORGANISATION_COLUMNS = {
    "grants": "recipient_organisation_id",
    "new_entities": "organisation_id",
    "jobs": "ps_organisation_id",
    "cooperation_events": "partner_organisation_id",
}


async def accepted_contents(period: Period) -> list[tuple[int, dict[str, Any]]]:
    """(OWES id, content of the accepted version) of every accepted report inside the period."""
    rows = await Report.raw(
        "SELECT r.owes AS owes, v.data AS data FROM report r "
        "JOIN report_version v ON v.report = r.id AND v.number = r.current_version "
        "WHERE r.state = {} AND r.period_start >= {} AND r.period_end <= {}",
        State.ACCEPTED.value,
        period.start,
        period.end,
    )
    out = []
    for row in rows:
        data = row["data"]
        out.append((row["owes"], json.loads(data) if isinstance(data, str) else dict(data or {})))
    return out


async def _seats(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await Organisation.select(Organisation.id, Organisation.gmina_code).where(
        Organisation.id.is_in(sorted(ids))
    )
    return {row["id"]: row["gmina_code"] for row in rows if row["gmina_code"]}


def supported_ids(data: Mapping[str, Any]) -> set[int]:
    found = set()
    for table, column in ORGANISATION_COLUMNS.items():
        for row in data.get(table) or []:
            value = row.get(column) if isinstance(row, dict) else None
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                found.add(int(value))
    return found


@dataclass(frozen=True)
class SupportedGminaShare:
    """The share (in %) of gminas where accepted reports name at least one supported PES."""

    additive = True  # a share kept as numerator and denominator per gmina

    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.NO_DATA

    def covers(self, period: Period, today: date) -> bool:
        return period.start <= today

    async def _gminas(self, period: Period) -> tuple[set[str], set[int]] | None:
        contents = await accepted_contents(period)
        if not contents:
            return None
        ids: set[int] = set()
        gminas: set[str] = set()
        for _owes, data in contents:
            ids |= supported_ids(data)
            for row in data.get("new_entities") or []:
                if isinstance(row, dict) and row.get("gmina_code"):
                    gminas.add(str(row["gmina_code"]))
        gminas |= set((await _seats(ids)).values())
        return gminas, ids

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        found = await self._gminas(period)
        if found is None:
            return {}
        gminas, _ = found
        query = Territory.select(Territory.code).where(Territory.level == Level.GMINA.value)
        if within:
            query = query.where(Territory.code.like(f"{within}%"))
        width = CODE_LENGTH[level]
        totals: dict[str, list[float]] = {}
        for row in await query:
            pair = totals.setdefault(row["code"][:width], [0.0, 0.0])
            pair[1] += 1
            if row["code"] in gminas:
                pair[0] += 1
        return {code: Figure(100 * hit, total) for code, (hit, total) in totals.items()}

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        found = await self._gminas(period)
        ids = sorted(found[1]) if found else []
        return await organisation_page(
            [Organisation.id.is_in(ids or [0]), in_territory(territory)], page, size
        )


@dataclass(frozen=True)
class ReportedSum:
    """A figure of accepted reports summed by the OWES's seat: a field (`field`), or a column of a
    table's rows matching `where` (e.g. services' sessions of one standard)."""

    additive = True  # counted by the OWES's seat: sums up the levels

    field: str
    table: str = ""
    where: tuple[tuple[str, str], ...] = ()
    basis: Basis = Basis.ORGANISATIONS
    missing: Missing = Missing.NO_DATA

    def covers(self, period: Period, today: date) -> bool:
        return period.start <= today

    def _value(self, data: Mapping[str, Any]) -> float:
        if not self.table:
            value = data.get(self.field)
            return float(value) if isinstance(value, int | float) else 0.0
        total = 0.0
        for row in data.get(self.table) or []:
            if isinstance(row, dict) and all(row.get(k) == v for k, v in self.where):
                value = row.get(self.field)
                total += float(value) if isinstance(value, int | float) else 0.0
        return total

    async def figures(self, level: Level, within: str | None, period: Period) -> Mapping[str, Figure]:
        contents = await accepted_contents(period)
        seats = await _seats({owes for owes, _ in contents})
        width = CODE_LENGTH[level]
        out: dict[str, float] = {}
        for owes, data in contents:
            seat = seats.get(owes)
            if not seat or (within and not seat.startswith(within)):
                continue
            out[seat[:width]] = out.get(seat[:width], 0.0) + self._value(data)
        return {code: Figure(value) for code, value in out.items()}

    async def behind(self, territory: str, period: Period, page: int, size: int) -> BehindPage:
        owes = sorted({owes for owes, _ in await accepted_contents(period)})
        return await organisation_page(
            [Organisation.id.is_in(owes or [0]), in_territory(territory)], page, size
        )


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="owes.gminas_supported_share",
        name_pl="Gminy z co najmniej jednym PES wspartym przez OWES",
        name_en="Share of gminas with at least one social economy entity supported by an OWES",
        definition="Odsetek gmin, w których zaakceptowane sprawozdania OWES z okresu wskazują co najmniej "
        "jeden wsparty podmiot z rejestru (dotacja, nowy PES lub PS, nowe miejsca pracy w PS, partner "
        "współpracy) albo siedzibę nowego podmiotu. Okres bez zaakceptowanych sprawozdań: brak danych.",
        unit=Unit.PERCENT,
        computation=SupportedGminaShare(),
        levels=frozenset({Level.VOIVODESHIP, Level.POWIAT}),
        nature=Nature.OUTPUT,
        group=GROUP,
        source=SOURCE,
    ),
    Indicator(
        code="owes.initiative_groups",
        name_pl="Grupy inicjatywne objęte wsparciem OWES",
        name_en="Initiative groups supported by OWES",
        definition="Suma grup inicjatywnych objętych wsparciem z zaakceptowanych sprawozdań OWES w okresie, "
        "według siedziby OWES.",
        unit=Unit.COUNT,
        computation=ReportedSum("initiative_groups"),
        nature=Nature.OUTPUT,
        group=GROUP,
        source=SOURCE,
    ),
    *(
        Indicator(
            code=f"owes.services.{standard}",
            name_pl=f"Usługi OWES według standardu: {name_pl}",
            name_en=f"OWES services by standard: {name_en}",
            definition=f"Liczba spotkań/usług w standardzie „{name_pl}” z zaakceptowanych sprawozdań OWES "
            "w okresie, według siedziby OWES.",
            unit=Unit.COUNT,
            computation=ReportedSum("sessions", "services", (("standard", standard),)),
            direction=Direction.NEUTRAL,
            nature=Nature.OUTPUT,
            group=GROUP,
            source=SOURCE,
        )
        for standard, (name_pl, name_en) in STANDARDS.items()
    ),
)
PANELS = (
    DashboardPanel(
        key="owes-coverage",
        title=GROUP,
        indicators=tuple(ind.code for ind in INDICATORS),
        order=45,
        description=N_(
            "Produkty OWES (co zrobiono) z zaakceptowanych sprawozdań; nie mieszają się z rezultatami."
        ),
    ),
)
