"""Code lists of the cooperation network: relation types, intensities, origins, sectors."""

from __future__ import annotations

from enum import StrEnum

from ses.register.vocab import Kind


class RelationType(StrEnum):
    FOUNDS_RUNS = "founds_runs"
    OWES_PARTNER = "owes_partner"
    OWES_SUPPORTS = "owes_supports"
    CONTRACTS_SERVICE = "contracts_service"
    COOPERATES = "cooperates"
    MEMBER_OF = "member_of"
    REFERS_PARTICIPANTS = "refers_participants"
    MET_AT_EVENT = "met_at_event"


RELATION_LABELS = {
    RelationType.FOUNDS_RUNS: "tworzy / prowadzi",
    RelationType.OWES_PARTNER: "partner w OWES",
    RelationType.OWES_SUPPORTS: "OWES wspiera PES",
    RelationType.CONTRACTS_SERVICE: "zleca usługę",
    RelationType.COOPERATES: "współpracuje z",
    RelationType.MEMBER_OF: "członek sieci lub zespołu",
    RelationType.REFERS_PARTICIPANTS: "kieruje uczestników do",
    RelationType.MET_AT_EVENT: "spotkali się na wydarzeniu ROPS",
}

# Ties that have no direction: stored once, read both ways.
UNDIRECTED_TYPES = frozenset({RelationType.OWES_PARTNER, RelationType.COOPERATES, RelationType.MET_AT_EVENT})


class Intensity(StrEnum):
    AWARENESS = "awareness"
    COOPERATION = "cooperation"
    COORDINATION = "coordination"
    INTEGRATION = "integration"


class Origin(StrEnum):
    MANUAL = "manual"
    OWES_REPORT = "owes_report"
    REGISTER = "register"
    SURVEY = "survey"
    IMPORT = "import"
    EVENT = "event"


class Sector(StrEnum):
    SOCIAL_ECONOMY = "social_economy"
    LOCAL_GOVERNMENT = "local_government"
    SOCIAL_SERVICES = "social_services"
    LABOUR = "labour"
    BUSINESS = "business"
    EDUCATION = "education"
    HEALTH = "health"
    JUSTICE = "justice"
    OTHER = "other"


SECTOR_LABELS: dict[str, str] = {
    Sector.SOCIAL_ECONOMY: "ekonomia społeczna",
    Sector.LOCAL_GOVERNMENT: "samorząd",
    Sector.SOCIAL_SERVICES: "pomoc społeczna",
    Sector.LABOUR: "rynek pracy",
    Sector.BUSINESS: "biznes",
    Sector.EDUCATION: "edukacja",
    Sector.HEALTH: "zdrowie",
    Sector.JUSTICE: "wymiar sprawiedliwości i policja",
    Sector.OTHER: "inne",
}

KIND_SECTOR: dict[str, Sector] = {
    Kind.GMINA_OFFICE: Sector.LOCAL_GOVERNMENT,
    Kind.POWIAT_OFFICE: Sector.LOCAL_GOVERNMENT,
    Kind.VOIVODESHIP_OFFICE: Sector.LOCAL_GOVERNMENT,
    Kind.OPS: Sector.SOCIAL_SERVICES,
    Kind.CUS: Sector.SOCIAL_SERVICES,
    Kind.PCPR: Sector.SOCIAL_SERVICES,
    Kind.PUP: Sector.LABOUR,
    Kind.LGD: Sector.OTHER,
    Kind.BUSINESS: Sector.BUSINESS,
    Kind.SCHOOL: Sector.EDUCATION,
    Kind.UNIVERSITY: Sector.EDUCATION,
    Kind.HEALTH: Sector.HEALTH,
    Kind.POLICE: Sector.JUSTICE,
    Kind.COURT: Sector.JUSTICE,
    Kind.OTHER: Sector.OTHER,
}


def sector_of(kind: str) -> str:
    """Every kind not listed is a social economy entity (PES or reintegration unit)."""
    return KIND_SECTOR.get(kind, Sector.SOCIAL_ECONOMY).value
