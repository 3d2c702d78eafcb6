"""The register's own indicators (contributed by the core's extension record): PES by kind,
letter and activity state; PS, their density and status changes; reintegration units; the share
of gminas with any PES and with any PS."""

from __future__ import annotations

from typing import Any

from ses.indicators.model import (
    DashboardPanel,
    Direction,
    Indicator,
    Level,
    Nature,
    Period,
    Programme,
    Unit,
)
from ses.indicators.organisations import GminaShare, OrganisationCount, pes
from ses.register.statuses import StatusType
from ses.register.tables import Organisation, StatusEvent
from ses.register.vocab import (
    ACTIVITY_STATE_LABELS,
    KIND_LABELS,
    KIND_LETTER,
    REINTEGRATION_UNIT_KINDS,
    ActivityState,
    Kind,
    PesLetter,
)
from ses.web.i18n import N_

REGISTER = "rejestr PES SES (stan bieżący)"
PES_GROUP = N_("Podmioty ekonomii społecznej (PES)")
PS_GROUP = N_("Przedsiębiorstwa społeczne (PS)")
UNITS_GROUP = N_("Jednostki reintegracyjne (CIS, KIS, ZAZ, WTZ)")
ACTIVE_PS = ("active", "under_control")
AREAS = frozenset({Level.VOIVODESHIP, Level.POWIAT})
"""Shares of gminas are shown for areas that hold gminas."""

LETTER_NAMES = {
    PesLetter.A: ("spółdzielnie socjalne", "social cooperatives"),
    PesLetter.B: ("WTZ i ZAZ", "occupational therapy workshops and vocational activity centres"),
    PesLetter.C: ("CIS i KIS", "social integration centres and clubs"),
    PesLetter.D: ("spółdzielnie pracy, inwalidów i niewidomych, produkcji rolnej", "work cooperatives"),
    PesLetter.E: ("organizacje pozarządowe i podmioty z art. 3 ust. 3", "non-governmental organisations"),
    PesLetter.F: ("kościelne osoby prawne, związki JST, spółki non-profit", "church entities, non-profits"),
}
UNIT_NAMES_EN = {Kind.CIS: "CIS", Kind.KIS: "KIS", Kind.ZAZ: "ZAZ", Kind.WTZ: "WTZ"}


def _always(*conditions: Any) -> Any:
    return lambda _period: [*conditions]


def _ps_events(to_state: str, from_states: tuple[str | None, ...]) -> Any:
    """Organisations whose PS status moved to `to_state` within the period."""

    def where(period: Period) -> list[Any]:
        moved = StatusEvent.select(StatusEvent.status.organisation).where(
            StatusEvent.status.status_type == StatusType.PS.value,
            StatusEvent.to_state == to_state,
            StatusEvent.on_date >= period.start,
            StatusEvent.on_date <= period.end,
        )
        if None in from_states:
            named = [state for state in from_states if state]
            condition = StatusEvent.from_state.is_null()
            if named:
                condition = condition | StatusEvent.from_state.is_in(named)
            moved = moved.where(condition)
        else:
            moved = moved.where(StatusEvent.from_state.is_in(list(from_states)))
        return [Organisation.id.is_in(moved)]

    return where


PES_ALL = OrganisationCount(lambda _period: pes())
PS_ACTIVE = OrganisationCount(_always(Organisation.ps_state.is_in(list(ACTIVE_PS)), *pes()))


def _pes_indicators() -> list[Indicator]:
    out = [
        Indicator(
            code="pes.total",
            name_pl="Podmioty ekonomii społecznej",
            name_en="Social economy entities",
            definition="Liczba PES (art. 2 pkt 5 ustawy o ekonomii społecznej) w rejestrze, "
            "bez wycofanych z rejestru.",
            unit=Unit.COUNT,
            computation=PES_ALL,
            group=PES_GROUP,
            per_10k=True,
            source=REGISTER,
        ),
        Indicator(
            code="pes.active",
            name_pl="Aktywne PES",
            name_en="Active social economy entities",
            definition="Liczba PES, których działalność oznaczono jako aktywną.",
            unit=Unit.COUNT,
            computation=OrganisationCount(_always(Organisation.activity_state == "active", *pes())),
            group=PES_GROUP,
            per_10k=True,
            source=REGISTER,
        ),
        Indicator(
            code="pes.gminas_share",
            name_pl="Gminy z co najmniej jednym PES",
            name_en="Share of gminas with at least one social economy entity",
            definition="Odsetek gmin, w których rejestr notuje co najmniej jeden PES.",
            unit=Unit.PERCENT,
            computation=GminaShare(PES_ALL),
            levels=AREAS,
            group=PES_GROUP,
            source=REGISTER,
        ),
    ]
    for letter, (name_pl, name_en) in LETTER_NAMES.items():
        out.append(
            Indicator(
                code=f"pes.letter.{letter.value}",
                name_pl=f"PES lit. {letter.value}: {name_pl}",
                name_en=f"Social economy entities, letter {letter.value}: {name_en}",
                definition=f"Liczba PES z art. 2 pkt 5 lit. {letter.value} ustawy o ekonomii społecznej.",
                unit=Unit.COUNT,
                computation=OrganisationCount(_always(Organisation.pes_letter == letter.value, *pes())),
                group=PES_GROUP,
                per_10k=True,
                source=REGISTER,
            )
        )
    for kind in KIND_LETTER:
        if kind in REINTEGRATION_UNIT_KINDS:
            continue
        out.append(
            Indicator(
                code=f"pes.kind.{kind.value}",
                name_pl=f"PES: {KIND_LABELS[kind]}",
                name_en=f"Social economy entities: {kind.value.replace('_', ' ')}",
                definition=f"Liczba PES rodzaju „{KIND_LABELS[kind]}” w rejestrze.",
                unit=Unit.COUNT,
                computation=OrganisationCount(_always(Organisation.kind == kind.value, *pes())),
                group=PES_GROUP,
                per_10k=True,
                source=REGISTER,
            )
        )
    for state in (ActivityState.REGISTERED, ActivityState.EXISTING, ActivityState.SUSPENDED):
        out.append(
            Indicator(
                code=f"pes.activity.{state.value}",
                name_pl=f"PES o działalności: {ACTIVITY_STATE_LABELS[state]}",
                name_en=f"Social economy entities, activity: {state.value.replace('_', ' ')}",
                definition="Liczba PES, których działalność oznaczono jako "
                f"„{ACTIVITY_STATE_LABELS[state]}”.",
                unit=Unit.COUNT,
                computation=OrganisationCount(_always(Organisation.activity_state == state.value, *pes())),
                direction=Direction.NEUTRAL,
                group=PES_GROUP,
                source=REGISTER,
            )
        )
    return out


def _ps_indicators() -> list[Indicator]:
    return [
        Indicator(
            code="ps.active",
            name_pl="Aktywne przedsiębiorstwa społeczne",
            name_en="Active social enterprises",
            definition="Liczba PES ze statusem przedsiębiorstwa społecznego aktywnym lub w trakcie "
            "kontroli (wskaźnik KPRES: liczba aktywnych PS). W przeliczeniu na 10 tys. "
            "mieszkańców: gęstość PS.",
            unit=Unit.COUNT,
            computation=PS_ACTIVE,
            programme=Programme.KPRES,
            group=PS_GROUP,
            per_10k=True,
            source=REGISTER,
        ),
        Indicator(
            code="ps.gminas_share",
            name_pl="Gminy z co najmniej jednym PS",
            name_en="Share of gminas with at least one social enterprise",
            definition="Odsetek gmin, w których działa co najmniej jedno aktywne PS.",
            unit=Unit.PERCENT,
            computation=GminaShare(PS_ACTIVE),
            levels=AREAS,
            group=PS_GROUP,
            source=REGISTER,
        ),
        Indicator(
            code="ps.submitted",
            name_pl="Wnioski o status PS w toku",
            name_en="Pending social enterprise applications",
            definition="Liczba PES, które złożyły wniosek o status PS, jeszcze nierozpatrzony.",
            unit=Unit.COUNT,
            computation=OrganisationCount(_always(Organisation.ps_state == "submitted", *pes())),
            direction=Direction.NEUTRAL,
            group=PS_GROUP,
            source=REGISTER,
        ),
        Indicator(
            code="ps.granted",
            name_pl="Nadane statusy PS",
            name_en="Social enterprise statuses granted",
            definition="Liczba PES, którym w okresie nadano status przedsiębiorstwa społecznego "
            "(zmiana statusu na aktywny z wniosku albo wpis od razu aktywny).",
            unit=Unit.COUNT,
            computation=OrganisationCount(_ps_events("active", (None, "submitted")), current_only=False),
            nature=Nature.OUTCOME,
            group=PS_GROUP,
            source="rejestr PES SES (historia statusów)",
        ),
        Indicator(
            code="ps.lost",
            name_pl="Utracone statusy PS",
            name_en="Social enterprise statuses lost",
            definition="Liczba PES, które w okresie utraciły status przedsiębiorstwa społecznego.",
            unit=Unit.COUNT,
            computation=OrganisationCount(
                _ps_events("lost", ("active", "under_control")), current_only=False
            ),
            direction=Direction.LOWER_BETTER,
            nature=Nature.OUTCOME,
            group=PS_GROUP,
            source="rejestr PES SES (historia statusów)",
        ),
    ]


def _unit_indicators() -> list[Indicator]:
    out = []
    for kind in (Kind.CIS, Kind.KIS, Kind.ZAZ, Kind.WTZ):
        out.append(
            Indicator(
                code=f"units.{kind.value}",
                name_pl=f"Działające jednostki: {KIND_LABELS[kind]}",
                name_en=f"Operating {UNIT_NAMES_EN[kind]} units",
                definition=f"Liczba jednostek typu {kind.value.upper()} z aktywnym statusem.",
                unit=Unit.COUNT,
                computation=OrganisationCount(
                    _always(Organisation.kind == kind.value, Organisation.unit_state == "active")
                ),
                group=UNITS_GROUP,
                per_10k=True,
                source=REGISTER,
            )
        )
    return out


INDICATORS: tuple[Indicator, ...] = (*_pes_indicators(), *_ps_indicators(), *_unit_indicators())
PANELS: tuple[DashboardPanel, ...] = (
    DashboardPanel(
        key="pes",
        title=PES_GROUP,
        indicators=("pes.total", "pes.active", "pes.gminas_share"),
        order=10,
    ),
    DashboardPanel(
        key="ps",
        title=PS_GROUP,
        indicators=("ps.active", "ps.gminas_share", "ps.granted", "ps.lost", "ps.submitted"),
        order=20,
    ),
    DashboardPanel(
        key="units",
        title=UNITS_GROUP,
        indicators=tuple(f"units.{k}" for k in ("cis", "kis", "zaz", "wtz")),
        order=30,
    ),
)
