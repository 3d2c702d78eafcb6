"""Code lists of the regional committee (RKRES, art. 55–58 of the Act of 5 August 2022 on the
social economy) with their Polish labels: no code is ever shown to a person."""

from __future__ import annotations

from enum import StrEnum


class Group(StrEnum):
    """The ten groups represented in the committee (art. 56)."""

    MARSHAL = "marshal"
    VOIVODE = "voivode"
    LOCAL_GOVERNMENT = "local_government"
    SOCIAL_ECONOMY = "social_economy"
    PUBLIC_BENEFIT_COUNCIL = "public_benefit_council"
    COOPERATIVE_UNIONS = "cooperative_unions"
    RESEARCH_INSTITUTES = "research_institutes"
    UNIVERSITIES = "universities"
    TRADE_UNIONS = "trade_unions"
    EMPLOYERS = "employers"


GROUP_LABELS = {
    Group.MARSHAL: "marszałek województwa",
    Group.VOIVODE: "wojewoda",
    Group.LOCAL_GOVERNMENT: "jednostki samorządu terytorialnego",
    Group.SOCIAL_ECONOMY: "podmioty ekonomii społecznej",
    Group.PUBLIC_BENEFIT_COUNCIL: "wojewódzka rada działalności pożytku publicznego",
    Group.COOPERATIVE_UNIONS: "związki rewizyjne spółdzielni",
    Group.RESEARCH_INSTITUTES: "instytuty badawcze",
    Group.UNIVERSITIES: "uczelnie",
    Group.TRADE_UNIONS: "związki zawodowe",
    Group.EMPLOYERS: "organizacje pracodawców",
}


class Function(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    DEPUTY = "deputy"


FUNCTION_LABELS = {  # in the order a form offers them: most appointments are of plain members
    Function.MEMBER: "członek",
    Function.CHAIR: "przewodniczący",
    Function.VICE_CHAIR: "wiceprzewodniczący",
    Function.SECRETARY: "sekretarz",
    Function.DEPUTY: "zastępca członka",
}


class LeaveReason(StrEnum):
    """Why a membership ended: the member's resignation and the grounds of dismissal (art. 57)."""

    OWN_REQUEST = "own_request"
    BODY_REQUEST = "body_request"
    CONVICTION = "conviction"
    ABSENCES = "absences"
    OTHER_JUSTIFIED = "other_justified"
    TERM_ENDED = "term_ended"
    DEATH = "death"


LEAVE_LABELS = {
    LeaveReason.OWN_REQUEST: "odwołanie na wniosek członka (rezygnacja)",
    LeaveReason.BODY_REQUEST: "odwołanie na wniosek reprezentowanego podmiotu",
    LeaveReason.CONVICTION: "odwołanie po prawomocnym skazaniu za przestępstwo umyślne",
    LeaveReason.ABSENCES: "odwołanie po nieusprawiedliwionej nieobecności na 3 kolejnych posiedzeniach",
    LeaveReason.OTHER_JUSTIFIED: "odwołanie w innym uzasadnionym przypadku",
    LeaveReason.TERM_ENDED: "koniec kadencji",
    LeaveReason.DEATH: "śmierć członka",
}
DISMISSAL_GROUNDS = (
    LeaveReason.OWN_REQUEST,
    LeaveReason.BODY_REQUEST,
    LeaveReason.CONVICTION,
    LeaveReason.ABSENCES,
    LeaveReason.OTHER_JUSTIFIED,
)


class Presence(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    UNEXCUSED = "unexcused"


PRESENCE_LABELS = {
    Presence.PRESENT: "obecny",
    Presence.EXCUSED: "nieobecność usprawiedliwiona",
    Presence.UNEXCUSED: "nieobecność nieusprawiedliwiona",
}


class ResolutionKind(StrEnum):
    """What the committee decides on (art. 55: opinions on the programme and draft resolutions,
    review of the programme's effects) and what regions add in practice."""

    PROGRAMME_OPINION = "programme_opinion"
    DRAFT_RESOLUTION_OPINION = "draft_resolution_opinion"
    PROGRAMME_EFFECTS = "programme_effects"
    ACCREDITATION_OPINION = "accreditation_opinion"
    ANNUAL_REPORT = "annual_report"
    ORGANISATIONAL = "organisational"


RESOLUTION_LABELS = {
    ResolutionKind.PROGRAMME_OPINION: "opinia o regionalnym programie rozwoju ekonomii społecznej",
    ResolutionKind.DRAFT_RESOLUTION_OPINION: "opinia o projekcie uchwały organów województwa",
    ResolutionKind.PROGRAMME_EFFECTS: "ocena efektów realizacji programu regionalnego",
    ResolutionKind.ACCREDITATION_OPINION: "opinia dotycząca akredytacji OWES",
    ResolutionKind.ANNUAL_REPORT: "przyjęcie raportu o stanie ekonomii społecznej",
    ResolutionKind.ORGANISATIONAL: "sprawy organizacyjne komitetu",
}


class MeetingState(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


MEETING_LABELS = {
    MeetingState.PLANNED: "zaplanowane",
    MeetingState.HELD: "odbyte",
    MeetingState.CANCELLED: "odwołane",
}


def label(labels: dict[StrEnum, str], value: str | None) -> str:
    for key, text in labels.items():
        if key.value == value:
            return text
    return value or "—"
