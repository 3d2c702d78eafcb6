"""What accreditation contributes to the committee's indicators: accreditations granted (KPRES),
counted by the seat of the accredited OWES and the date of the decision."""

from __future__ import annotations

from typing import Any

from accreditation.tables import Accreditation
from ses.indicators.model import DashboardPanel, Indicator, Nature, Period, Programme, Unit
from ses.indicators.organisations import OrganisationCount
from ses.register.tables import Organisation
from ses.web.i18n import N_


def _granted_in(period: Period) -> list[Any]:
    granted = Accreditation.select(Accreditation.organisation).where(
        Accreditation.decision_date >= period.start,
        Accreditation.decision_date <= period.end,
    )
    return [Organisation.id.is_in(granted)]


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="accreditation.granted",
        name_pl="Przyznane akredytacje OWES",
        name_en="OWES accreditations granted",
        definition="Liczba OWES, którym w okresie przyznano akredytację (data decyzji), według siedziby "
        "OWES (wskaźnik KPRES nr 12).",
        unit=Unit.COUNT,
        computation=OrganisationCount(_granted_in, current_only=False),
        programme=Programme.KPRES,
        nature=Nature.OUTPUT,
        group="Wsparcie OWES",
        source="akredytacje OWES w SES",
    ),
)

PANELS = (
    DashboardPanel(key="owes", title=N_("Wsparcie OWES"), indicators=("accreditation.granted",), order=50),
)
